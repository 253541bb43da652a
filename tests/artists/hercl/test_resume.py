"""A ``coevo run --artist hercl-function`` killed with SIGKILL and resumed ends byte-identical to a run never
interrupted: the population, the random generators and the library of champions are all in the checkpoint."""

import subprocess
import sys
from pathlib import Path

import torch

from tests.conftest import ROOT, kill_when
from tests.helpers import outputs

ARGS = ["--artist", "hercl-function", "--critic", "tests.toys:TinyCritic", "--size", "8", "--pop", "12",
        "--warmup", "2", "--batch", "16", "--seed", "5", "--sheet-every", "8", "--rounds", "30",
        "--critic-option", "delay=0.03", "--artist-option", "library=6", "--artist-option", "transgenic=0.5",
        "--checkpoint-seconds", "0"]  # a checkpoint every round, as the library is read from it below


def test_kill_9_then_resume_a_hercl_function_run(tmp_path: Path) -> None:
    whole, killed = tmp_path / "whole", tmp_path / "killed"
    command = [sys.executable, "-m", "coevo", "run", *ARGS, "--out"]
    reference = subprocess.Popen([*command, str(whole)], cwd=ROOT, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.PIPE, text=True)
    victim = subprocess.Popen([*command, str(killed)], cwd=ROOT, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    assert 8 <= kill_when(victim, killed / "metrics.jsonl", 8, 240) < 30, "the run was not killed mid-way"
    library = torch.load(killed / "checkpoint.pt", weights_only=True)["artist"]["memory"]["library"]
    assert 1 <= len(library["programs"]) <= 6  # champions were kept, and checkpointed
    resumed = subprocess.run([sys.executable, "-m", "coevo", "resume", str(killed)], cwd=ROOT, timeout=300,
                             capture_output=True, text=True)
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    assert reference.wait(timeout=300) == 0, reference.stderr.read()[-2000:]
    assert outputs(killed, images=False) == outputs(whole, images=False)
    assert len((whole / "metrics.jsonl").read_text().splitlines()) == 30
