"""A run killed with SIGKILL and resumed ends byte-identical to one never interrupted."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import ROOT

BASE = ["--artist", "tests.toys:ToyGenetics", "--critic", "tests.toys:TinyCritic", "--size", "8", "--pop", "12",
        "--warmup", "3", "--batch", "16", "--seed", "7", "--sheet-every", "10"]
ARGS = [*BASE, "--rounds", "40", "--critic-option", "delay=0.02"]


def coevo(*args: str, errors: Path | None = None) -> subprocess.Popen:
    """Start ``python -m coevo ARGS``; its stderr goes to ``errors`` when given."""
    stderr = open(errors, "w") if errors else subprocess.DEVNULL
    return subprocess.Popen([sys.executable, "-m", "coevo", *args], cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=stderr)


def lines(path: Path) -> int:
    return len(path.read_text().splitlines()) if path.exists() else 0


def outputs(folder: Path) -> dict[str, bytes]:
    files = [folder / "metrics.jsonl", folder / "curves.png", *sorted((folder / "genomes").iterdir()),
             *sorted((folder / "sheets").iterdir())]
    return {p.name: p.read_bytes() for p in files}


def test_kill_9_then_resume_equals_an_uninterrupted_run(tmp_path: Path) -> None:
    whole, killed = tmp_path / "whole", tmp_path / "killed"
    reference = coevo("run", *ARGS, "--out", str(whole), errors=tmp_path / "reference.err")
    victim = coevo("run", *ARGS, "--out", str(killed))
    deadline = time.monotonic() + 120
    while lines(killed / "metrics.jsonl") < 12 and time.monotonic() < deadline and victim.poll() is None:
        time.sleep(0.01)
    os.kill(victim.pid, signal.SIGKILL)
    victim.wait()
    assert 12 <= lines(killed / "metrics.jsonl") < 40, "the run was not killed mid-way"
    resumed = subprocess.run([sys.executable, "-m", "coevo", "resume", str(killed)], cwd=ROOT, timeout=300,
                             capture_output=True, text=True)
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    assert reference.wait(timeout=300) == 0, (tmp_path / "reference.err").read_text()[-2000:]
    assert outputs(killed) == outputs(whole)
    assert not list(killed.rglob("*.tmp")), "a killed write's temp file was left behind"
    assert lines(whole / "metrics.jsonl") == 40


def test_resume_extends_a_finished_run(tmp_path: Path) -> None:
    short, extended = tmp_path / "short", tmp_path / "long"
    assert coevo("run", *BASE, "--rounds", "5", "--out", str(short)).wait(timeout=300) == 0
    assert subprocess.run([sys.executable, "-m", "coevo", "resume", str(short), "--rounds", "8"], cwd=ROOT,
                          timeout=300).returncode == 0
    assert coevo("run", *BASE, "--rounds", "8", "--out", str(extended)).wait(timeout=300) == 0
    assert lines(short / "metrics.jsonl") == 8
    assert (short / "metrics.jsonl").read_bytes() == (extended / "metrics.jsonl").read_bytes()


def test_a_wave_1_run_folder_still_resumes(tmp_path: Path) -> None:
    """Configs and checkpoints written before schedules and progress (``fakes = "gallery"``) resume as before."""
    import torch

    from coevo.programs.run import resume, start
    from tests.gallery.conftest import toy_config

    start(toy_config(rounds=3), tmp_path / "old")
    start(toy_config(rounds=5), tmp_path / "whole")
    config = tmp_path / "old" / "config.toml"
    wave1 = [line for line in config.read_text().splitlines() if not line.startswith(("schedule", "phase_"))]
    config.write_text("\n".join(wave1).replace('fakes = "champions"', 'fakes = "gallery"') + "\n")
    state = torch.load(tmp_path / "old" / "checkpoint.pt", weights_only=True)
    del state["progress"], state["schedule"]
    state["fakes"]["policy"] = "gallery"
    torch.save(state, tmp_path / "old" / "checkpoint.pt")
    resume(tmp_path / "old", rounds=5)
    assert (tmp_path / "old" / "metrics.jsonl").read_bytes() == (tmp_path / "whole" / "metrics.jsonl").read_bytes()


def test_a_phases_run_resumed_midway_equals_an_uninterrupted_one(tmp_path: Path) -> None:
    """The phase counters travel in the checkpoint: a run stopped between phases carries on the same phase."""
    from coevo.programs.run import resume, start
    from tests.gallery.conftest import toy_config

    phases = {"schedule": "phases", "phase_generations": 3, "phase_critic_steps": 20}
    start(toy_config(rounds=4, **phases), tmp_path / "part")
    resume(tmp_path / "part", rounds=9)
    start(toy_config(rounds=9, **phases), tmp_path / "whole")
    assert (tmp_path / "part" / "metrics.jsonl").read_bytes() == (tmp_path / "whole" / "metrics.jsonl").read_bytes()
