"""Statistics over seeds (coevo/metrics/stats.py): intervals that stay inside a metric's range, and say so."""

from __future__ import annotations

import math

import pytest

from coevo.metrics.stats import estimate


def test_an_interval_inside_the_range_is_mean_plus_minus_the_t_half_width() -> None:
    e = estimate([0.40, 0.50, 0.60], 0.0, 1.0)
    assert e.half_width == pytest.approx(4.303 * 0.1 / math.sqrt(3), rel=1e-3)
    assert not e.clipped and (e.low, e.high) == pytest.approx((0.5 - e.half_width, 0.5 + e.half_width))
    assert str(e) == "0.5 ± 0.25"


def test_two_seeds_far_apart_give_an_interval_clipped_to_the_range_and_marked() -> None:
    """The issue's case: recall 0.02 and 1.0 over 2 seeds is 0.51 ± 6.2 unclipped, beyond [0, 1] both ways."""
    e = estimate([0.02, 1.0], 0.0, 1.0)
    assert e.half_width > 1 and e.clipped and (e.low, e.high) == (0.0, 1.0)
    assert e.text(3) == "0.510 [0.000–1.000]" and "±" not in str(e)
    one_sided = estimate([0.90, 1.0], 0.0, 1.0)
    assert one_sided.clipped and one_sided.high == 1.0 and one_sided.low == pytest.approx(0.95 - one_sided.half_width)


def test_without_a_range_nothing_is_clipped_and_one_seed_has_no_interval() -> None:
    assert not estimate([0.02, 1.0]).clipped
    assert estimate([-0.5, 3.0], 0.0).low == 0.0
    single = estimate([0.7], 0.0, 1.0)
    assert math.isnan(single.half_width) and str(single) == "0.7" and not single.clipped
    assert math.isnan(estimate([]).mean)
