"""GP against the CNN critic killed with SIGKILL and resumed ends byte-identical to a run never interrupted."""

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, kill_when
from tests.helpers import outputs

ARGS = ["--artist", "gp", "--critic", "cnn", "--size", "16", "--pop", "16", "--warmup", "5", "--batch", "16",
        "--seed", "11", "--sheet-every", "4", "--rounds", "14", "--critic-option", "width=8"]


@pytest.mark.slow
def test_kill_9_then_resume_a_cnn_run(tmp_path: Path) -> None:
    whole, killed = tmp_path / "whole", tmp_path / "killed"
    command = [sys.executable, "-m", "coevo", "run", *ARGS, "--out"]
    assert subprocess.run([*command, str(whole)], cwd=ROOT, capture_output=True, timeout=600).returncode == 0
    victim = subprocess.Popen([*command, str(killed)], cwd=ROOT, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    assert 6 <= kill_when(victim, killed / "metrics.jsonl", 6) < 14, "the run was not killed mid-way"
    assert subprocess.run([sys.executable, "-m", "coevo", "resume", str(killed)], cwd=ROOT, timeout=600,
                          capture_output=True).returncode == 0
    assert outputs(killed) == outputs(whole)
