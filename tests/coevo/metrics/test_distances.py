"""FID, KID, precision/recall, density/coverage and class metrics on feature sets with known answers, and against
the reference package ``prdc`` (Naeem et al.'s own) on identical arrays."""

from __future__ import annotations

import pytest
import torch

from coevo.metrics import (
    critic_accuracy,
    density_coverage,
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


@pytest.mark.parametrize(("real", "fake", "k"), [
    (gaussian(300, 4, seed=1), gaussian(250, 4, seed=2), 5),  # one distribution
    (gaussian(300, 4, seed=1), gaussian(200, 4, scale=0.1, seed=3), 5),  # collapsed: dense, poor coverage
    (gaussian(200, 16, seed=1), gaussian(300, 16, shift=0.7, seed=4), 3),  # shifted, more dimensions
    (gaussian(120, 2, seed=5), torch.cat([gaussian(100, 2, seed=6), gaussian(20, 2, shift=8.0, seed=7)]), 10),
])
def test_density_and_coverage_equal_the_prdc_package_on_the_same_arrays(real: torch.Tensor, fake: torch.Tensor,
                                                                          k: int) -> None:
    prdc = pytest.importorskip("prdc", reason="prdc (Naeem et al.'s reference code) is in the dev extra")
    expected = prdc.compute_prdc(real.numpy(), fake.numpy(), nearest_k=k)
    density, coverage = density_coverage(real, fake, k)
    assert density == pytest.approx(expected["density"], abs=1e-12)
    assert coverage == pytest.approx(expected["coverage"], abs=1e-12)
    assert precision_recall(real, fake, k) == pytest.approx((expected["precision"], expected["recall"]), abs=1e-12)


def test_density_ignores_fakes_around_a_real_outlier_where_precision_does_not() -> None:
    """Naeem et al.'s motivating case: one real outlier's huge ball makes precision count fakes near it."""
    real = torch.cat([gaussian(200, 2, seed=1), torch.tensor([[30.0, 30.0]], dtype=torch.float64)])
    fake = gaussian(100, 2, shift=25.0, scale=0.5, seed=2)  # all near the outlier, far from the real mass
    precision, _ = precision_recall(real, fake, k=5)
    density, coverage = density_coverage(real, fake, k=5)
    assert precision == 1.0 and density <= 1 / 5 and coverage <= 1 / 201
    same_density, same_coverage = density_coverage(real[:200], gaussian(2000, 2, seed=3), k=5)
    assert same_density == pytest.approx(1.0, abs=0.15) and same_coverage > 0.95
    with pytest.raises(ValueError, match="more than 5 real samples"):
        density_coverage(real[:5], fake, k=5)


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
