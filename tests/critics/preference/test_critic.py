"""The preference critic (critics/preference/critic.py) learns a scripted person; its runs resume after kill -9."""

import subprocess
import sys
from pathlib import Path

import pytest

from coevo.commands import main as cli
from coevo.toolkits.choices import judgements
from critics.preference import PreferenceCritic
from tests.conftest import ROOT, kill_when, patience
from tests.helpers import TOY_GENETICS, scripted_session
from tests.toys import ToyGenetics


def test_choices_are_read_back_from_the_session(tmp_path: Path) -> None:
    judged = judgements(scripted_session(tmp_path / "s", generations=10), 16)
    assert len(judged) == 9  # the restart is no judgement
    for j in judged:
        assert int(j.chosen.sum()) == 1
        brightness = j.images.mean(dim=(1, 2, 3))
        assert int(brightness.argmax()) == int(j.chosen.nonzero()[0])


def test_it_learns_a_person_who_prefers_brighter_images(tmp_path: Path) -> None:
    scripted_session(tmp_path / "person")
    critic = PreferenceCritic(shape=(1, 16, 16), sessions=str(tmp_path))
    assert critic.pairs_test > 50
    assert critic.agreement > 0.9, critic.agreement
    import random

    random.seed(5)
    genetics = ToyGenetics()
    a, b = (genetics.render([genetics.random_genome() for _ in range(200)], 16) for _ in range(2))
    brighter = a.mean(dim=(1, 2, 3)) > b.mean(dim=(1, 2, 3))
    agree = ((critic.score(a) > critic.score(b)) == brighter).float().mean()
    assert agree > 0.9, float(agree)  # and on fresh random images, never bred


def test_a_run_evolves_for_the_person_from_the_cli(tmp_path: Path) -> None:
    scripted_session(tmp_path / "person", generations=20)
    out = tmp_path / "run"
    assert cli.main(["run", "--critic", "preference", "--critic-option", f"sessions={tmp_path / 'person'}",
                     "--artist", TOY_GENETICS, "--data", "none", "--size", "16", "--pop", "12", "--rounds", "8",
                     "--out", str(out)]) == 0
    import json

    rows = [json.loads(line) for line in (out / "metrics.jsonl").read_text().splitlines()]
    assert rows[-1]["fitness_best"] >= rows[0]["fitness_best"] and rows[0]["preference_chance"] == 0.5
    assert rows[0]["preference_agreement"] > 0.5
    report = json.loads((out / "critic-agreement.json").read_text())  # the run's copy of the agreement report
    assert abs(report["agreement"] - rows[0]["preference_agreement"]) < 1e-6 and (out / "critic-agreement.png").exists()


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
    resumed = subprocess.run([sys.executable, "-m", "coevo", "resume", str(killed)], cwd=ROOT, timeout=patience(400),
                             capture_output=True, text=True)
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    assert reference.wait(timeout=patience(400)) == 0
    for name in ("metrics.jsonl", "critic-agreement.json", "sheets/champions.png"):
        assert (killed / name).read_bytes() == (whole / name).read_bytes(), name
