"""The independent judge's network: another architecture than the LeNet, deterministic, cached, a feature net."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from coevo.data import load_data
from coevo.data.imageset import ImageSet
from coevo.errors import CoevoError
from coevo.metrics import judgenet
from coevo.rng import seeded_torch
from coevo.toolkits.classifier import LeNet


def small() -> ImageSet:
    data = load_data("digits", 16)
    return ImageSet(data.images[:200], data.labels[:200], "digits")


def test_the_judge_is_another_architecture_and_a_feature_net() -> None:
    net = judgenet.JudgeNet((1, 16, 16), 10)
    assert LeNet().body[0].kernel_size == (5, 5)
    assert [m.kernel_size for m in net.modules() if isinstance(m, torch.nn.Conv2d)] == [(3, 3)] * 4  # LeNet: 5x5
    features = judgenet.judge_features(net.eval())
    images = small().images[:5]
    assert features.features(images).shape == (5, 128) and features.predict(images).shape == (5,)
    assert torch.allclose(features.probabilities(images).sum(1), torch.ones(5, dtype=torch.float64))


def test_training_is_deterministic_and_cached(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Same data and settings, same weights, whatever torch's module-level generator holds (left untouched)."""
    monkeypatch.setenv("COEVO_CACHE", str(tmp_path))
    settings = judgenet.JudgeSettings(steps=3, batch=8)
    before = torch.get_rng_state()
    first = judgenet.train_judge(small(), settings)
    assert torch.equal(torch.get_rng_state(), before)
    torch.manual_seed(123)
    assert all(torch.equal(a, b) for a, b in zip(first.state_dict().values(),
                                                judgenet.train_judge(small(), settings).state_dict().values()))
    cached = judgenet.cached_judge(small(), settings)
    assert all(torch.equal(a, b) for a, b in zip(first.state_dict().values(), cached.state_dict().values()))
    assert len(list((tmp_path / "judges").iterdir())) == 1
    with pytest.raises(CoevoError, match="no labels"):
        judgenet.cached_judge(ImageSet(small().images, None, "unlabelled"), settings)


def test_shifts_move_the_image_within_two_pixels() -> None:
    image = -torch.ones(1, 1, 9, 9)
    image[0, 0, 4, 4] = 1.0
    with seeded_torch(0):
        moved = judgenet._shifted(image.repeat(50, 1, 1, 1))
    where = (moved[:, 0] == 1).nonzero()[:, 1:]
    assert len(where) == 50 and int((where - 4).abs().max()) == judgenet.SHIFT and moved.min() == -1
