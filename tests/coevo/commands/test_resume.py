"""A run killed with SIGKILL and resumed ends byte-identical to one never interrupted."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT, kill_when, patience

BASE = ["--artist", "tests.toys:ToyGenetics", "--critic", "tests.toys:TinyCritic", "--size", "8", "--pop", "12",
        "--warmup", "3", "--batch", "16", "--seed", "7", "--sheet-every", "10"]
ARGS = [*BASE, "--rounds", "40", "--critic-option", "delay=0.05"]  # a run that lasts while a second process starts


def coevo(*args: str, errors: Path | None = None) -> subprocess.Popen:
    """Start ``python -m coevo ARGS``; its stderr goes to ``errors`` when given."""
    stderr = open(errors, "w") if errors else subprocess.DEVNULL
    return subprocess.Popen([sys.executable, "-m", "coevo", *args], cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=stderr)


def lines(path: Path) -> int:
    return len(path.read_text().splitlines()) if path.exists() else 0


def outputs(folder: Path) -> dict[str, bytes]:
    files = [folder / "metrics.jsonl", folder / "curves.png", *sorted((folder / "genomes").iterdir()),
             *sorted((folder / "sheets").iterdir()), *sorted((folder / "images").iterdir())]
    return {str(p.relative_to(folder)): p.read_bytes() for p in files}


@pytest.mark.parametrize("cadence", [
    pytest.param(["--checkpoint-seconds", "0"], marks=pytest.mark.slow),  # every round: replays at most one
    pytest.param(["--checkpoint-every", "5", "--checkpoint-seconds", "0"],  # replays the rounds after round 10
                 marks=pytest.mark.slow),
    ["--checkpoint-seconds", "0.15"],  # by time (a few rounds apart): sheets, genomes and images wait in memory
])
def test_kill_9_then_resume_equals_an_uninterrupted_run(tmp_path: Path, cadence: list[str]) -> None:
    whole, killed = tmp_path / "whole", tmp_path / "killed"
    reference = coevo("run", *ARGS, "--out", str(whole), errors=tmp_path / "reference.err")
    victim = coevo("run", *ARGS, *cadence, "--out", str(killed))
    assert 12 <= kill_when(victim, killed / "metrics.jsonl", 12, 120) < 40, "the run was not killed mid-way"
    resumed = subprocess.run([sys.executable, "-m", "coevo", "resume", str(killed)], cwd=ROOT, timeout=patience(300),
                             capture_output=True, text=True)
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    assert reference.wait(timeout=patience(300)) == 0, (tmp_path / "reference.err").read_text()[-2000:]
    assert outputs(killed) == outputs(whole)
    assert not list(killed.rglob("*.tmp")), "a killed write's temp file was left behind"
    assert lines(whole / "metrics.jsonl") == 40


@pytest.mark.slow
def test_resume_extends_a_finished_run(tmp_path: Path) -> None:
    short, extended = tmp_path / "short", tmp_path / "long"
    assert coevo("run", *BASE, "--rounds", "5", "--out", str(short)).wait(timeout=patience(300)) == 0
    assert subprocess.run([sys.executable, "-m", "coevo", "resume", str(short), "--rounds", "8"], cwd=ROOT,
                          timeout=patience(300)).returncode == 0
    assert coevo("run", *BASE, "--rounds", "8", "--out", str(extended)).wait(timeout=patience(300)) == 0
    assert lines(short / "metrics.jsonl") == 8
    assert (short / "metrics.jsonl").read_bytes() == (extended / "metrics.jsonl").read_bytes()


def test_a_wave_1_run_folder_still_resumes(tmp_path: Path) -> None:
    """Configs and checkpoints written before schedules and progress (``fakes = "gallery"``) resume as before."""
    import torch

    from coevo.programs.run import resume, start
    from tests.helpers import toy_config

    start(toy_config(rounds=3), tmp_path / "old")
    start(toy_config(rounds=5), tmp_path / "whole")
    config = tmp_path / "old" / "config.toml"
    wave1 = [line for line in config.read_text().splitlines() if not line.startswith(("schedule", "phase_"))]
    config.write_text("\n".join(wave1).replace('fakes = "champions"', 'fakes = "gallery"') + "\n")
    state = torch.load(tmp_path / "old" / "checkpoint.pt", weights_only=True)
    del state["progress"], state["schedule"], state["config"]  # wave 1 kept no settings in its checkpoints
    state["fakes"]["policy"] = "gallery"
    torch.save(state, tmp_path / "old" / "checkpoint.pt")
    resume(tmp_path / "old", rounds=5)
    assert (tmp_path / "old" / "metrics.jsonl").read_bytes() == (tmp_path / "whole" / "metrics.jsonl").read_bytes()


def test_a_phases_run_resumed_midway_equals_an_uninterrupted_one(tmp_path: Path) -> None:
    """The phase counters travel in the checkpoint: a run stopped between phases carries on the same phase."""
    from coevo.programs.run import resume, start
    from tests.helpers import toy_config

    phases = {"schedule": "phases", "phase_generations": 3, "phase_critic_steps": 20}
    start(toy_config(rounds=4, **phases), tmp_path / "part")
    resume(tmp_path / "part", rounds=9)
    start(toy_config(rounds=9, **phases), tmp_path / "whole")
    assert (tmp_path / "part" / "metrics.jsonl").read_bytes() == (tmp_path / "whole" / "metrics.jsonl").read_bytes()


TOY_IN_PROCESS = [*BASE, "--rounds", "5"]


def test_item4_resume_repairs_a_torn_last_metrics_line(tmp_path: Path) -> None:
    from coevo.commands.main import main

    out = tmp_path / "run"
    assert main(["run", *TOY_IN_PROCESS, "--out", str(out)]) == 0
    with open(out / "metrics.jsonl", "a") as handle:
        handle.write('{"round": 5, "fitness_be')  # a kill mid-append after the last checkpoint
    assert main(["resume", str(out), "--rounds", "7"]) == 0
    rows = [json.loads(line) for line in (out / "metrics.jsonl").read_text().splitlines()]
    assert [row["round"] for row in rows] == list(range(7))


def test_item4_a_truncated_last_line_is_reported_then_repaired(tmp_path: Path, capsys) -> None:
    """The issue's case: the last recorded round's line cut in half; resume says so, --force repairs and goes on."""
    from coevo.commands.main import main

    out = tmp_path / "run"
    assert main(["run", *TOY_IN_PROCESS, "--out", str(out)]) == 0
    text = (out / "metrics.jsonl").read_text()
    (out / "metrics.jsonl").write_text(text[: len(text) - 40])
    capsys.readouterr()
    assert main(["resume", str(out), "--rounds", "6"]) == 2
    err = capsys.readouterr().err
    assert "holds 4 of the 5 rounds" in err and "--force" in err and len(err.splitlines()) == 1
    assert main(["resume", str(out), "--rounds", "6", "--force"]) == 0
    assert main(["resume", str(out), "--rounds", "7"]) == 0
    rows = [json.loads(line) for line in (out / "metrics.jsonl").read_text().splitlines()]
    assert [row["round"] for row in rows] == [0, 1, 2, 3, 5, 6]


def test_item12_resume_never_shortens_a_run_or_drops_metrics_without_force(tmp_path: Path, capsys) -> None:
    from coevo.commands.main import main

    out = tmp_path / "run"
    assert main(["run", *TOY_IN_PROCESS, "--out", str(out)]) == 0
    config = (out / "config.toml").read_bytes()
    capsys.readouterr()
    assert main(["resume", str(out), "--rounds", "3"]) == 2
    assert "would shorten it" in capsys.readouterr().err
    assert (out / "config.toml").read_bytes() == config
    (out / "metrics.jsonl").write_text("")
    assert main(["resume", str(out), "--rounds", "6"]) == 2
    assert "holds 0 of the 5 rounds" in capsys.readouterr().err
    assert (out / "config.toml").read_bytes() == config
    assert main(["resume", str(out), "--rounds", "6", "--force"]) == 0
    assert len((out / "metrics.jsonl").read_text().splitlines()) == 1
    assert main(["resume", str(out), "--rounds", "3", "--force"]) == 0


def test_item3_a_second_process_on_a_live_run_is_refused_and_kill_9_frees_the_lock(tmp_path: Path) -> None:
    live = tmp_path / "live"
    victim = coevo("run", *ARGS, "--out", str(live))
    while lines(live / "metrics.jsonl") < 3 and victim.poll() is None:  # the event: a live run 3 rounds in
        time.sleep(0.01)  # how often to look; a run that ends (or hangs past the resume's patience) fails below
    second = subprocess.run([sys.executable, "-m", "coevo", "resume", str(live), "--rounds", "50"], cwd=ROOT,
                            timeout=patience(300), capture_output=True, text=True)
    assert second.returncode == 2 and f"process {victim.pid}" in second.stderr
    assert len(second.stderr.splitlines()) == 1
    os.kill(victim.pid, signal.SIGKILL)
    victim.wait()
    assert "rounds = 40" in (live / "config.toml").read_text()
    resumed = subprocess.run([sys.executable, "-m", "coevo", "resume", str(live)], cwd=ROOT, timeout=patience(300),
                             capture_output=True, text=True)
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    assert lines(live / "metrics.jsonl") == 40


# --- resume never rewrites history (issue 29) --------------------------------------------------------------------

FOOL = ["fool", "--artist", "tests.toys:ToyGenetics", "--critic", "tests.toys:ToyClassifier", "--data", "digits",
        "--size", "16", "--batch", "8", "--seed", "3", "--generations", "4"]


def recorded(out: Path, key: str = "round") -> list[int]:
    return [json.loads(line)[key] for line in (out / "metrics.jsonl").read_text().splitlines()]


def test_a_fool_metrics_file_missing_a_generation_is_refused_never_renumbered(tmp_path: Path, capsys) -> None:
    from coevo.commands.main import main

    out = tmp_path / "runs" / "fool"
    assert main([*FOOL, "--out", str(out)]) == 0
    rows = (out / "metrics.jsonl").read_text().splitlines(keepends=True)
    (out / "metrics.jsonl").write_text("".join(rows[:1] + rows[2:]))  # generation 1 lost
    kept = {name: (out / name).read_bytes() for name in ("metrics.jsonl", "config.toml")}
    capsys.readouterr()
    assert main(["resume", str(out), "--rounds", "6"]) == 2
    err = capsys.readouterr().err
    assert "holds 3 of the 4 rounds" in err and "round 1 missing" in err and len(err.splitlines()) == 1
    assert {name: (out / name).read_bytes() for name in kept} == kept  # nothing written changed
    assert main(["resume", str(out), "--rounds", "6", "--force"]) == 0
    assert recorded(out, "generation") == [0, 2, 3, 4, 5]  # the lost generation stays lost, never renumbered
    assert main(["resume", str(out), "--rounds", "7"]) == 0  # the forced gap is known: no --force again
    assert recorded(out, "generation") == [0, 2, 3, 4, 5, 6]


def test_surplus_metric_lines_the_checkpoint_does_not_cover_are_dropped(tmp_path: Path) -> None:
    from coevo.commands.main import main

    out = tmp_path / "run"
    assert main(["run", *TOY_IN_PROCESS, "--out", str(out)]) == 0
    rows = (out / "metrics.jsonl").read_text().splitlines(keepends=True)
    with open(out / "metrics.jsonl", "a") as handle:
        handle.write("".join(rows[2:4]))  # rounds 2 and 3 again after round 4
    assert main(["resume", str(out), "--rounds", "8"]) == 0
    assert recorded(out) == list(range(8))


def test_a_repeated_round_inside_the_checkpointed_rounds_is_refused(tmp_path: Path, capsys) -> None:
    from coevo.commands.main import main

    out = tmp_path / "run"
    assert main(["run", *TOY_IN_PROCESS, "--out", str(out)]) == 0
    rows = (out / "metrics.jsonl").read_text().splitlines(keepends=True)
    (out / "metrics.jsonl").write_text("".join(rows[:2] + rows[1:4]))  # 0 1 1 2 3: round 4 lost, 1 twice
    capsys.readouterr()
    assert main(["resume", str(out), "--rounds", "6"]) == 2
    err = capsys.readouterr().err
    assert "round 4 missing; round 1 recorded twice" in err and len(err.splitlines()) == 1


@pytest.mark.parametrize("damage", ["", "\n\n", "# nothing but a comment\n"])
def test_an_empty_config_is_refused_never_rewritten_with_defaults(tmp_path: Path, capsys, damage: str) -> None:
    from coevo.commands.main import main

    out = tmp_path / "run"
    assert main(["run", *TOY_IN_PROCESS, "--out", str(out)]) == 0
    (out / "config.toml").write_text(damage)
    before = snapshot(out)
    capsys.readouterr()
    for args in (["resume", str(out)], ["resume", str(out), "--rounds", "7"]):
        assert main(args) == 2
        err = capsys.readouterr().err
        assert "config.toml holds no settings" in err and "restore it" in err and len(err.splitlines()) == 1
    assert snapshot(out) == before


def test_a_resume_refused_for_a_corrupt_gallery_leaves_the_config_as_it_was(tmp_path: Path, capsys) -> None:
    from coevo.commands.main import main

    out = tmp_path / "runs" / "run"
    assert main(["run", *TOY_IN_PROCESS, "--out", str(out)]) == 0
    (tmp_path / "runs" / "gallery.db").write_bytes(b"not a database " * 100)
    for name in ("gallery.db-wal", "gallery.db-shm"):
        (tmp_path / "runs" / name).unlink(missing_ok=True)
    before = snapshot(out)
    capsys.readouterr()
    assert main(["resume", str(out), "--rounds", "8"]) == 2
    assert "unreadable" in capsys.readouterr().err
    assert snapshot(out) == before


def test_a_run_folder_linking_out_of_itself_or_holding_a_fifo_is_refused(tmp_path: Path, capsys) -> None:
    from coevo.commands.main import main

    out = tmp_path / "run"
    assert main(["run", *TOY_IN_PROCESS, "--out", str(out)]) == 0
    outside = tmp_path / "outside.jsonl"
    outside.write_bytes((out / "metrics.jsonl").read_bytes())
    (out / "metrics.jsonl").unlink()
    (out / "metrics.jsonl").symlink_to(outside)
    kept = outside.read_bytes()
    capsys.readouterr()
    assert main(["resume", str(out), "--rounds", "7"]) == 2  # would have appended to the file outside
    assert "symlink leading out of it" in capsys.readouterr().err
    assert outside.read_bytes() == kept
    (out / "metrics.jsonl").unlink()
    (out / "metrics.jsonl").write_bytes(kept)
    (out / "config.toml").rename(tmp_path / "config.toml")
    os.mkfifo(out / "config.toml")  # reading it would wait for a writer for ever
    assert main(["resume", str(out), "--rounds", "7"]) == 2
    assert "FIFO" in capsys.readouterr().err


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_config_cut_at_a_line_or_edited_is_refused_against_its_checkpoint(tmp_path: Path, capsys) -> None:
    from coevo.commands.main import main

    out = tmp_path / "run"
    assert main(["run", *TOY_IN_PROCESS, "--pop", "8", "--seed", "1", "--out", str(out)]) == 0
    whole = (out / "config.toml").read_text()
    capsys.readouterr()
    for damaged, named in ((whole[: whole.index("\npop =")] + "\n", "pop"),  # valid TOML: the rest read as defaults
                           (whole.replace("seed = 1", "seed = 0"), "seed")):
        (out / "config.toml").write_text(damaged)
        before = snapshot(out)
        assert main(["resume", str(out), "--rounds", "7"]) == 2
        err = capsys.readouterr().err
        assert "is not the settings its checkpoint played" in err and named in err and len(err.splitlines()) == 1
        assert snapshot(out) == before  # refused: nothing rewritten, least of all config.toml
    (out / "config.toml").write_text(whole)
    assert main(["resume", str(out), "--rounds", "7"]) == 0  # the length may change; the file is rewritten so
    assert "rounds = 7" in (out / "config.toml").read_text()
    assert main(["resume", str(out), "--rounds", "8"]) == 0
    assert recorded(out) == list(range(8))
