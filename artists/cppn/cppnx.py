"""CPPN-X's activation functions in float64, as its C++ computes them (``CE_ActivationFunctions.cpp``), for the
exact renderer.

The signed sigmoid and gaussian read tables built once: entry k (k steps of 0.001 from 0) holds
(1 / (float)(1 + expf((float)-x))) * 2 - 1, respectively expf((float)(-x * x)) * 2 - 1, at x = k * 0.001; a value
x reads entry (int)(x * 1000 + 0.5) (a double sum, truncated toward zero), the first entry when x <= the table's
low bound and the last when x >= its high bound (the bounds CPPN-X's bisection finds). The unsigned sigmoid and
gaussian also go through float32 ``expf``; sin, cos and tanh are double.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

SIGMOID_BOUNDS = (-7.6014025936126712, 7.6013787517547611)  # CPPN-X's SIGMOID_LOW, SIGMOID_HIGH
GAUSSIAN_BOUNDS = (-2.7579733983037391, 2.7579733983037391)  # GAUSSIAN_LOW, GAUSSIAN_HIGH
SIGMOID_STEPS = (-7601, 7601)  # first and last entry, in steps: -(int)(-low * 1000) and size - 1 - offset
GAUSSIAN_STEPS = (-2757, 2758)


def expf(x: np.ndarray) -> np.ndarray:
    """C's float32 ``expf`` (correctly rounded, as glibc's is to within 0.502 ulp): double exp rounded to float."""
    with np.errstate(over="ignore"):
        return np.exp(np.asarray(x, dtype=np.float32).astype(np.float64)).astype(np.float32)


def _signed_sigmoid(x: np.ndarray) -> np.ndarray:
    """CPPN-X's actualSigmoid: 1 + expf(float(-x)) is a float sum, divided into 1.0 in double."""
    denominator = np.float32(1.0) + expf(-x)
    return (1.0 / denominator.astype(np.float64)) * 2.0 - 1.0


def _signed_gaussian(x: np.ndarray) -> np.ndarray:
    """CPPN-X's actualGaussian: expf(float(-x * x)) * 2 - 1."""
    return expf(-x * x).astype(np.float64) * 2.0 - 1.0


def table(function: Callable[[np.ndarray], np.ndarray], steps: tuple[int, int]) -> np.ndarray:
    """The function sampled at k * 0.001 for k from steps[0] to steps[1], as CPPN-X fills its table."""
    return function(np.arange(steps[0], steps[1] + 1, dtype=np.float64) * 0.001)


SIGMOID_TABLE = table(_signed_sigmoid, SIGMOID_STEPS)
GAUSSIAN_TABLE = table(_signed_gaussian, GAUSSIAN_STEPS)


def table_steps(x: np.ndarray, bounds: tuple[float, float], steps: tuple[int, int]) -> np.ndarray:
    """Which table entry (in steps from 0) CPPN-X reads for x: (int)(x * 1000 + 0.5) in double, the first entry at
    or below the low bound, the last at or above the high bound (NaN stays NaN)."""
    with np.errstate(invalid="ignore"):
        k = np.trunc(x * 1000.0 + 0.5)
        k = np.where(x <= bounds[0], steps[0], np.where(x >= bounds[1], steps[1], k))
    return k


def lookup(x: np.ndarray, values: np.ndarray, bounds: tuple[float, float], steps: tuple[int, int]) -> np.ndarray:
    """The table entry CPPN-X returns for each x (NaN, which CPPN-X reads out of bounds, gives NaN)."""
    k = table_steps(x, bounds, steps)
    finite = np.isfinite(k)
    out = np.full(x.shape, np.nan)
    out[finite] = values[k[finite].astype(np.int64) - steps[0]]
    return out


def _unsigned_sigmoid(x: np.ndarray) -> np.ndarray:
    """CPPN-X's uSigmoid: 1.0 / (float)(1 + expf(float(-x)))."""
    return 1.0 / (np.float32(1.0) + expf(-x)).astype(np.float64)


FUNCTIONS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "sin": np.sin,
    "cos": np.cos,
    "gaussian": lambda x: lookup(x, GAUSSIAN_TABLE, GAUSSIAN_BOUNDS, GAUSSIAN_STEPS),
    "sigmoid": lambda x: lookup(x, SIGMOID_TABLE, SIGMOID_BOUNDS, SIGMOID_STEPS),
    "tanh": np.tanh,
    "identity": lambda x: x,
    "abs": np.abs,  # not a CPPN-X function; coevo's, in double
    "step": lambda x: (x > 0.0).astype(np.float64),
    "ugaussian": lambda x: expf(-x * x).astype(np.float64),
    "usigmoid": _unsigned_sigmoid,
    "ublin": lambda x: np.minimum(np.maximum(0.0, x), 1.0),
}
