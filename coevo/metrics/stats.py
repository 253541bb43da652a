"""Statistics over seeds for a comparison: mean with a 95% t interval, and a paired test between two artists."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from scipy import special  # the t quantile alone: scipy.stats takes ~0.5 s to import, special ~0.17 s

LEVEL = 0.95  # confidence of the intervals
ALPHA = 0.05  # significance level of the paired tests


@dataclass(frozen=True)
class Estimate:
    """A metric over seeds: its mean and the half-width of the 95% t interval (NaN with a single seed). Where the
    interval leaves the metric's range (a recall above 1 with 2 seeds), ``low`` and ``high`` are its ends clipped
    to the range and ``clipped`` says so; otherwise they are mean ∓ half-width."""

    mean: float
    half_width: float
    n: int
    low: float = math.nan
    high: float = math.nan
    clipped: bool = False

    def __str__(self) -> str:
        return self.text()

    def text(self, digits: int | None = None) -> str:
        """``mean ± half-width``, or ``mean [low–high]`` when clipped to the range; ``digits`` after the point
        (None: 4 significant)."""
        show = (lambda v: f"{v:.4g}") if digits is None else (lambda v: f"{v:.{digits}f}")
        if math.isnan(self.half_width):
            return show(self.mean)
        if self.clipped:
            return f"{show(self.mean)} [{show(self.low)}–{show(self.high)}]"
        return f"{show(self.mean)} ± {show(self.half_width) if digits is not None else f'{self.half_width:.2g}'}"


CLIPPED = "where that interval leaves the metric's range it is shown clipped to the range, as [low–high]"


def estimate(values: Sequence[float], low: float | None = None, high: float | None = None) -> Estimate:
    """Mean and Student-t 95% interval of per-seed values (seeds are independent runs); the interval's ends are
    clipped to the metric's range [``low``, ``high``] where given (a rate, an accuracy, a distance)."""
    values = [float(v) for v in values if v is not None and math.isfinite(float(v))]
    if not values:
        return Estimate(math.nan, math.nan, 0)
    n = len(values)
    mean = sum(values) / n
    if n < 2:
        return Estimate(mean, math.nan, 1, mean, mean)
    sd = math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1))
    half = float(special.stdtrit(n - 1, (1 + LEVEL) / 2)) * sd / math.sqrt(n)  # scipy.stats.t.ppf's very value
    bottom = mean - half if low is None else max(low, mean - half)
    top = mean + half if high is None else min(high, mean + half)
    return Estimate(mean, half, n, bottom, top, clipped=(bottom, top) != (mean - half, mean + half))


def paired_p(a: Sequence[float], b: Sequence[float]) -> float:
    """Two-sided p-value of a paired t-test across seeds (the same seed pairs two runs); NaN if undefined."""
    pairs = [(float(x), float(y)) for x, y in zip(a, b) if math.isfinite(float(x)) and math.isfinite(float(y))]
    if len(pairs) < 2:
        return math.nan
    differences = [x - y for x, y in pairs]
    if all(d == differences[0] for d in differences):
        return 0.0 if differences[0] != 0 else 1.0
    from scipy import stats

    return float(stats.ttest_rel([x for x, _ in pairs], [y for _, y in pairs]).pvalue)


def verdict(name_a: str, a: Sequence[float], name_b: str, b: Sequence[float], lower_is_better: bool = True) -> str:
    """One sentence: which artist is better on this metric, or that the seeds cannot tell them apart."""
    p = paired_p(a, b)
    if math.isnan(p):
        return f"{name_a} vs {name_b}: too few paired seeds for a test"
    better_a = (estimate(a).mean < estimate(b).mean) == lower_is_better
    first, second = (name_a, name_b) if better_a else (name_b, name_a)
    if p < ALPHA:
        return f"{first} beats {second} (paired t-test over {len(a)} seeds, p = {p:.3g})"
    return f"{name_a} and {name_b} are not distinguishable (paired t-test over {len(a)} seeds, p = {p:.2g})"
