"""Fitness sharing in the critic's feature space: clones are penalised, unique images are not."""

from __future__ import annotations

import math

import pytest
import torch

from coevo.errors import CoevoError
from coevo.evolution.sharing import SharedFitness, niche_counts
from critics.cnn import CNNCritic
from tests.toys import BrightnessCritic


def test_niche_counts_count_clones() -> None:
    spread = torch.eye(4) * 10  # four far-apart feature vectors
    assert torch.allclose(niche_counts(spread, 0.25), torch.ones(4))
    clones = torch.ones(5, 7)
    assert torch.allclose(niche_counts(clones, 0.25), torch.full((5,), 5.0))


def test_shared_fitness_lowers_crowded_images_only() -> None:
    torch.manual_seed(0)
    critic = CNNCritic((1, 16, 16), width=8)
    shared = SharedFitness(critic, strength=1.0)
    unique = torch.rand(1, 1, 16, 16) * 2 - 1
    clone = torch.rand(1, 1, 16, 16) * 2 - 1
    images = torch.cat([unique, clone.expand(3, -1, -1, -1)])
    raw, adjusted = critic.score(images), shared.score(images)
    assert torch.allclose(adjusted[0], raw[0], atol=1e-5)
    assert torch.allclose(raw[1:] - adjusted[1:], torch.full((3,), math.log(3)), atol=1e-3)
    assert shared.state_dict().keys() == critic.state_dict().keys()
    assert SharedFitness(critic, strength=0.0).score(images).allclose(raw)


def test_shared_fitness_needs_features() -> None:
    with pytest.raises(CoevoError, match="features"):
        SharedFitness(BrightnessCritic(), 1.0)
