"""The features critic: learns real from fake on image features, plays phases with the archive, resumes."""

import subprocess
import sys
from pathlib import Path

import pytest
import torch

from coevo.commands import main as cli
from coevo.fakes import FakePool
from coevo.protocols import FeatureCritic, Proposal
from critics.features import FeaturesCritic
from tests.conftest import ROOT, kill_when, patience


def test_it_learns_flat_from_noisy_images() -> None:
    torch.manual_seed(0)
    critic = FeaturesCritic(shape=(1, 16, 16))
    assert isinstance(critic, FeatureCritic)
    real = torch.rand(32, 1, 16, 16) * 2 - 1
    fake = torch.rand(32, 1, 1, 1).expand(-1, 1, 16, 16) * 2 - 1
    for _ in range(60):
        critic.learn(real, fake)
    assert (critic.score(real) > 0).float().mean() == 1 and (critic.score(fake) < 0).float().mean() == 1
    again = FeaturesCritic(shape=(1, 16, 16))
    again.load_state_dict(critic.state_dict())
    assert torch.equal(again.score(fake), critic.score(fake))


def test_the_archive_keeps_every_image_once() -> None:
    pool = FakePool("archive")
    for r in range(3):
        proposal = Proposal(images=torch.full((4, 1, 2, 2), float(r)), ids=[0, 10 * r + 1, 10 * r + 2, 10 * r + 3])
        pool.observe(proposal)
        pool.observe(proposal)  # the same individuals again (warm-up, then round 0) join once
        pool.crown(proposal, torch.arange(4.0))
    assert len(pool) == 10  # the elite (id 0) once, three newborns a round
    restored = FakePool("archive")
    restored.load_state_dict(pool.state_dict())
    assert restored.archived == pool.archived and torch.equal(restored.kept, pool.kept)


ARGS = ["--critic", "features", "--schedule", "phases", "--fakes", "archive", "--size", "16", "--pop", "8",
        "--warmup", "5", "--batch", "16", "--seed", "3", "--sheet-every", "4", "--phase-critic-steps", "20",
        "--phase-generations", "4"]


def test_a_features_phases_run_from_the_cli(tmp_path: Path) -> None:
    assert cli.main(["run", *ARGS, "--rounds", "6", "--out", str(tmp_path / "run")]) == 0
    lines = (tmp_path / "run" / "metrics.jsonl").read_text().splitlines()
    assert len(lines) == 6 and "generations_to_fool" in "".join(lines)


@pytest.mark.slow
def test_kill_9_then_resume_a_features_phases_run(tmp_path: Path) -> None:
    whole, killed = tmp_path / "whole", tmp_path / "killed"
    rounds = ["--rounds", "16"]
    run = [sys.executable, "-m", "coevo", "run", *ARGS, *rounds]
    reference = subprocess.Popen([*run, "--out", str(whole)], cwd=ROOT, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL)
    victim = subprocess.Popen([*run, "--out", str(killed)], cwd=ROOT, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    metrics = killed / "metrics.jsonl"
    assert 5 <= kill_when(victim, metrics, 5, 240) < 16, "the run was not killed mid-way"
    resumed = subprocess.run([sys.executable, "-m", "coevo", "resume", str(killed)], cwd=ROOT, timeout=patience(400),
                             capture_output=True, text=True)
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    assert reference.wait(timeout=patience(400)) == 0
    assert metrics.read_bytes() == (whole / "metrics.jsonl").read_bytes()
    assert (killed / "sheets" / "champions.png").read_bytes() == (whole / "sheets" / "champions.png").read_bytes()
