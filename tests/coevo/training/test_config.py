"""Run settings (coevo/training/config.py): TOML round trips, named errors, the bundled configs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from coevo.errors import CoevoError
from coevo.training.config import FoolConfig, RunConfig, dump_config, load_config
from tests.conftest import ROOT


def test_settings_round_trip_through_toml(tmp_path: Path) -> None:
    config = RunConfig(artist="x:Y", rounds=7, cxpb=0.25, artist_options={"channels": 3, "color": "hsv"},
                       critic_options={"member_options": {"evals": 40, "name": "a"}})
    path = tmp_path / "c.toml"
    path.write_text(dump_config(config))
    assert load_config(path) == config


@pytest.mark.parametrize(("text", "match"), [
    ("rounds = ", "not valid TOML"),
    ("colour = 3", "unknown setting 'colour'"),
    ("rounds = 'ten'", "rounds must be an integer"),
    ("cxpb = 2.0", r"cxpb must lie in \[0.0, 1.0\] \(got 2.0\); pass e.g. --cxpb 0.5"),
    ("pop = 0", r"pop must lie in \[1, 65536\] \(got 0\)"),
    ("fakes = 'all'", "fakes must be latest, champions, replay, archive or negatives"),
])
def test_malformed_configs_name_the_problem(tmp_path: Path, text: str, match: str) -> None:
    path = tmp_path / "c.toml"
    path.write_text(text + "\n")
    with pytest.raises(CoevoError, match=match):
        load_config(path).validate()


def test_a_missing_config_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(CoevoError, match="does not exist"):
        load_config(tmp_path / "none.toml")


def test_a_bundled_config_is_found_by_name_and_validates(tmp_path: Path) -> None:
    from coevo.training.config import config_file

    for name in ("vickers2017-small", "vickers2017-small.toml"):
        config = load_config(config_file(Path(name))).validate()
        assert (config.artist, config.critic, config.schedule, config.fakes, config.size) == (
            "hercl-lines", "jury", "phases", "negatives", 128)
        assert config.critic_options["combine"] == "cost" and config.critic_options["tolerance"] == 10.0
    own = tmp_path / "vickers2017"
    own.write_text("rounds = 3\n")
    assert config_file(own) == own  # an existing file wins over the bundled name
    with pytest.raises(CoevoError, match=r"bundled config: .*vickers2017"):
        config_file(Path("no-such-config"))


def test_the_long_vickers_config_differs_from_vickers2017_small_only_in_its_budget() -> None:
    """vickers2017-long: twice the population, four times the critic search a member update, 160 rounds."""
    from coevo.training.config import config_file

    short, long = (load_config(config_file(Path(n))).validate() for n in ("vickers2017-small", "vickers2017-long"))
    assert (long.pop, long.rounds, long.critic_options["member_options"]) == (48, 160, {"evals": 4000})
    assert (short.pop, short.rounds, "member_options" not in short.critic_options) == (24, 200, True)
    same = {k: v for k, v in vars(long).items() if k not in ("pop", "rounds", "critic_options")}
    assert same == {k: v for k, v in vars(short).items() if k not in ("pop", "rounds", "critic_options")}
    assert {k: v for k, v in long.critic_options.items() if k != "member_options"} == short.critic_options


def test_vickers2017_is_the_papers_set_up() -> None:
    """wofnot/hercl's settings.template: 10 artists a phase with max_eval 10^6, all joining the negatives, 3 critics
    evolved until solved, colour (33 metrics from 8-bit HLS), no push/pop; positives colour Chinese characters."""
    from coevo.training.config import config_file

    config = load_config(config_file(Path("vickers2017"))).validate()
    assert (config.artist, config.critic, config.schedule, config.fakes, config.champions, config.data) == (
        "hercl-school", "jury", "phases", "negatives", 10, "data/cjk")
    options = config.artist_options
    assert (options["artists"], options["evaluations"], options["channels"], options["pushpop"]) == (
        10, 1_000_000, 3, False)
    members = config.critic_options["member_options"]
    assert members == {"evals": 1_000_000, "positives": 200, "hls8": True} and config.phase_critic_steps == 1
    assert config.critic_options["members"] == "hercl,hercl,hercl" and config.critic_options["tolerance"] == 10.0


def test_fool_defaults_to_the_embedded_digits_needing_no_path_beside_the_checkout() -> None:
    assert FoolConfig().data == "digits"


def test_wider_search_counts_against_the_bound_on_images_a_round() -> None:
    with pytest.raises(CoevoError, match=r"--pop 40000 times --phase-widen 2 is over 65536 images a round"):
        RunConfig(schedule="phases", pop=40000, phase_widen=2).validate()
    RunConfig(schedule="round", pop=40000, size=8, phase_widen=2).validate()  # the round schedule never widens


def test_validating_a_run_config_imports_no_torch() -> None:
    """A command checks its settings before it loads torch (the losses' and fake sets' names are the kernel's)."""
    probe = ("import sys; from coevo.training.config import RunConfig; "
             "RunConfig(loss='hinge', fakes='gallery').validate(); print('torch' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stdout.strip() == "False", done.stderr[-2000:]
