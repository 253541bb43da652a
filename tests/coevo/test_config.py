from pathlib import Path

import pytest

from coevo.config import RunConfig, dump_config, load_config
from coevo.errors import CoevoError


def test_toml_round_trip(tmp_path: Path) -> None:
    config = RunConfig(artist="x:Y", rounds=7, cxpb=0.25, artist_options={"channels": 3, "color": "hsv"},
                       critic_options={"member_options": {"evals": 40, "name": "a"}})
    path = tmp_path / "c.toml"
    path.write_text(dump_config(config))
    assert load_config(path) == config


@pytest.mark.parametrize(("text", "match"), [
    ("rounds = ", "not valid TOML"),
    ("colour = 3", "unknown setting 'colour'"),
    ("rounds = 'ten'", "rounds must be an integer"),
    ("cxpb = 2.0", "probability"),
    ("pop = 0", "pop must be at least 1"),
    ("fakes = 'all'", "unknown fake-set policy"),
])
def test_malformed_configs_name_the_problem(tmp_path: Path, text: str, match: str) -> None:
    path = tmp_path / "c.toml"
    path.write_text(text + "\n")
    with pytest.raises(CoevoError, match=match):
        load_config(path).validate()


def test_missing_config(tmp_path: Path) -> None:
    with pytest.raises(CoevoError, match="does not exist"):
        load_config(tmp_path / "none.toml")


def test_a_bundled_config_is_found_by_name_and_validates(tmp_path: Path) -> None:
    from coevo.config import config_file

    for name in ("vickers2017", "vickers2017.toml"):
        config = load_config(config_file(Path(name))).validate()
        assert (config.artist, config.critic, config.schedule, config.fakes, config.size) == (
            "hercl-lines", "jury", "phases", "negatives", 128)
        assert config.critic_options["combine"] == "cost" and config.critic_options["tolerance"] == 10.0
    own = tmp_path / "vickers2017"
    own.write_text("rounds = 3\n")
    assert config_file(own) == own  # an existing file wins over the bundled name
    with pytest.raises(CoevoError, match=r"bundled config: .*vickers2017"):
        config_file(Path("no-such-config"))
