"""A run judged by the preference critic resumes after kill -9 exactly as if never interrupted."""

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, kill_when
from tests.helpers import scripted_session


@pytest.mark.slow
def test_kill_9_then_resume_a_preference_run(tmp_path: Path) -> None:
    scripted_session(tmp_path / "person", generations=20)
    run = [sys.executable, "-m", "coevo", "run", "--critic", "preference", "--critic-option",
           f"sessions={tmp_path / 'person'}", "--artist", "gp", "--data", "none", "--size", "16", "--pop", "12",
           "--rounds", "30"]
    whole, killed = tmp_path / "whole", tmp_path / "killed"
    reference = subprocess.Popen([*run, "--out", str(whole)], cwd=ROOT, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL)
    victim = subprocess.Popen([*run, "--out", str(killed)], cwd=ROOT, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    assert 5 <= kill_when(victim, killed / "metrics.jsonl", 5) < 30, "the run was not killed mid-way"
    resumed = subprocess.run([sys.executable, "-m", "coevo", "resume", str(killed)], cwd=ROOT, timeout=400,
                             capture_output=True, text=True)
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    assert reference.wait(timeout=400) == 0
    for name in ("metrics.jsonl", "critic-agreement.json", "sheets/champions.png"):
        assert (killed / name).read_bytes() == (whole / name).read_bytes(), name
