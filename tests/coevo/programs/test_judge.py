"""The independent judge: its split is never seen by critic or artist, and it tells real images from random ones."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from coevo.data import load_data
from coevo.errors import CoevoError
from coevo.programs.judge import IndependentJudge
from coevo.programs.run import RunProgram
from coevo.training.config import RunConfig


def unique_images(path: Path, n: int = 300) -> Path:
    """An .npz of ``n`` labelled 16-pixel images, each one different (its index written into its pixels)."""
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (n, 16, 16), dtype=np.uint8)
    images[:, 0, 0], images[:, 0, 1] = np.arange(n) % 256, np.arange(n) // 256
    np.savez(path, images=images, labels=np.arange(n) % 10)
    return path


def rows(images: torch.Tensor) -> set[bytes]:
    return {image.numpy().tobytes() for image in images}


def test_neither_critic_nor_artist_ever_sees_the_judges_split(tmp_path: Path, monkeypatch) -> None:
    import coevo.programs.judge as judge_module

    monkeypatch.setattr(judge_module, "Evaluator", lambda data, reference: None)  # the split, not the network
    data = unique_images(tmp_path / "unique.npz")
    config = RunConfig(data=str(data), size=16, pop=8, batch=8, warmup=2, rounds=2, device="cpu", judge=0.25,
                       critic_options={"width": 8})
    game = RunProgram().build(config)
    judged, played = game.meta["judge_data"], game.meta["data"]
    held_out = game.players.measures.held_out
    assert len(judged) == 75 and len(played) + len(judged) >= 0.9 * 300  # a quarter set aside; a tenth held out
    assert not rows(judged.images) & rows(played.images)
    assert not rows(judged.images) & rows(held_out)
    assert game.players.real.__self__ is played  # every real batch the critic learns from is drawn from these
    every = rows(load_data(str(data), 16).images)
    assert rows(judged.images) | rows(played.images) | rows(held_out) <= every


def test_a_judge_without_real_data_is_refused_with_the_fix() -> None:
    with pytest.raises(CoevoError, match="--judge needs real data"):
        RunProgram().build(RunConfig(data="none", critic="tests.toys:BrightnessCritic", size=16, judge=0.2,
                                     device="cpu"))


def test_the_judge_scores_real_images_near_the_floor_and_noise_far_from_it() -> None:
    data = load_data("digits", 16)
    kept, judged = data.split(0.3)
    judge = IndependentJudge(judged, phases=True)
    real = kept.images[:32]  # digits the judge never trained on nor keeps as references
    noise = torch.rand(32, 1, 16, 16) * 2 - 1
    on_real, on_noise = judge.judge(real, torch.zeros(32)), judge.judge(noise, torch.zeros(32))
    assert on_real["judge_fid_real"] == on_noise["judge_fid_real"]  # the same floor at the same n
    assert on_real["judge_fid"] < 2 * on_real["judge_fid_real"] < on_noise["judge_fid"]
    assert on_real["judge_confident"] > 0.7 > on_noise["judge_confident"]
    assert judge.judge(noise[:4], torch.zeros(4)) == {}  # too few to measure


def test_a_phased_run_records_the_judge_at_every_phases_end(tmp_path: Path) -> None:
    from coevo.programs.run import start

    config = RunConfig(schedule="phases", rounds=5, pop=8, size=16, batch=16, warmup=5, phase_generations=2,
                       phase_critic_steps=10, device="cpu", critic_options={"width": 8}, judge=0.3)
    metrics = start(config, tmp_path / "run").metrics()
    ends = [row for row in metrics if "generations_to_fool" in row]
    assert ends and all("judge_fid" in row and "judge_confident" in row for row in ends)
    assert not any("judge_fid" in row for row in metrics if "generations_to_fool" not in row)
