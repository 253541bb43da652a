"""FID, KID, precision/recall and class metrics on feature sets with known answers."""

from __future__ import annotations

import pytest
import torch

from coevo.metrics import (
    critic_accuracy,
    frechet_distance,
    kernel_inception_distance,
    mode_coverage,
    precision_recall,
    total_variation,
)


def gaussian(n: int, dim: int, shift: float = 0.0, scale: float = 1.0, seed: int = 0) -> torch.Tensor:
    return torch.randn(n, dim, generator=torch.Generator().manual_seed(seed)).double() * scale + shift


def test_frechet_distance_matches_the_closed_form() -> None:
    a, b = gaussian(20000, 4, seed=1), gaussian(20000, 4, shift=1.0, scale=2.0, seed=2)
    # ||mu||² = 4; Tr(I + 4I - 2·2I) = 4
    assert frechet_distance(a, b) == pytest.approx(8.0, rel=0.05)
    assert frechet_distance(a, gaussian(20000, 4, seed=3)) == pytest.approx(0.0, abs=0.01)


def test_kid_is_near_zero_for_one_distribution_and_grows_with_shift() -> None:
    a = gaussian(1000, 8, seed=1)
    values = [kernel_inception_distance(a, gaussian(1000, 8, shift=s, seed=2), subsets=3, subset_size=500)
              for s in (0.0, 0.5, 1.0)]
    assert abs(values[0]) < 0.02 and values[0] < values[1] < values[2]


def test_precision_recall_separate_quality_from_coverage() -> None:
    real = gaussian(500, 2, seed=1)
    assert precision_recall(real, gaussian(500, 2, seed=2)) >= (0.8, 0.8)
    collapsed = gaussian(500, 2, scale=0.05, seed=3)  # every sample near the centre: precise, poor recall
    precision, recall = precision_recall(real, collapsed)
    assert precision > 0.9 and recall < 0.3
    assert precision_recall(real, gaussian(500, 2, shift=50.0, seed=4)) == (0.0, 0.0)


def test_class_coverage_and_histogram_distance() -> None:
    real = torch.arange(10).repeat(10)
    assert mode_coverage(real, 10) == 1.0 and total_variation(real, real, 10) == 0.0
    collapsed = torch.full((100,), 3)
    assert mode_coverage(collapsed, 10) == 0.1
    assert total_variation(real, collapsed, 10) == pytest.approx(0.9)


def test_critic_accuracy_counts_real_above_and_fake_below_the_threshold() -> None:
    assert critic_accuracy(torch.tensor([1.0, 2.0]), torch.tensor([-1.0, -3.0])) == 1.0
    assert critic_accuracy(torch.tensor([1.0, -2.0]), torch.tensor([1.0, -3.0])) == 0.5
    assert critic_accuracy(torch.tensor([5.0, 6.0]), torch.tensor([3.0, 4.0]), threshold=4.5) == 1.0
