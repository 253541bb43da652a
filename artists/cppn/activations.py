"""CPPN activation functions, defined as Picbreeder / CPPN-X defines them, for Torch and for NumPy.

Picbreeder's ``sigmoid`` and ``gaussian`` are *signed* (range [-1, 1]) and read from lookup tables sampled every
0.001: the input is rounded as C's ``(int)(x * 1000 + 0.5)`` (truncation toward zero) and clamped to the table.
The table bounds below are what CPPN-X's bisection (``SampledBoundedFunction``) computes.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import torch

SIGMOID_STEPS = (-7601, 7601)  # first and last table index (in steps of 0.001) of the signed sigmoid table
GAUSSIAN_STEPS = (-2757, 2758)  # the same for the signed gaussian table

# name -> CPPN-X XML spelling; the first eight are the ones mutation picks from by default
XML_NAMES: dict[str, str] = {
    "sin": "sin(x)", "cos": "cos(x)", "gaussian": "gaussian(x)", "sigmoid": "sigmoid(x)", "tanh": "tanh(x)",
    "identity": "identity(x)", "abs": "abs(x)", "step": "step(x)",
    "ugaussian": "ugaussian(x)", "usigmoid": "usigmoid(x)", "ublin": "ublin(x)",
}
NAMES: tuple[str, ...] = tuple(XML_NAMES)  # index = activation id in compiled networks
DEFAULT: tuple[str, ...] = NAMES[:8]  # sin, cos, gaussian, sigmoid, tanh, identity, abs, step
FROM_XML: dict[str, str] = {xml: name for name, xml in XML_NAMES.items()}


def _np_steps(x: np.ndarray, bounds: tuple[int, int]) -> np.ndarray:
    return np.clip(np.trunc(x * 1000.0 + 0.5), bounds[0], bounds[1]) * 0.001


NUMPY: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "sin": np.sin,
    "cos": np.cos,
    "gaussian": lambda x: np.exp(-np.square(_np_steps(x, GAUSSIAN_STEPS))) * 2.0 - 1.0,
    "sigmoid": lambda x: 2.0 / (1.0 + np.exp(-_np_steps(x, SIGMOID_STEPS))) - 1.0,
    "tanh": np.tanh,
    "identity": lambda x: x,
    "abs": np.abs,
    "step": lambda x: (x > 0).astype(x.dtype),
    "ugaussian": lambda x: np.exp(-np.square(x)),
    "usigmoid": lambda x: 1.0 / (1.0 + np.exp(-x)),
    "ublin": lambda x: np.clip(x, 0.0, 1.0),
}


@cache
def _torch_tables() -> dict[str, dict[str, Callable[[torch.Tensor], torch.Tensor]]]:
    """``TORCH`` and ``TORCH_INPLACE``, built on first use: drawing with the Numba kernel (``coevo render``, the
    breeding window) then starts without importing torch."""
    import torch

    def _steps(x: torch.Tensor, bounds: tuple[int, int]) -> torch.Tensor:
        """Picbreeder's table lookup position: (int)(x * 1000 + 0.5) clamped to the table, back in input units."""
        return torch.trunc(x * 1000.0 + 0.5).clamp_(bounds[0], bounds[1]) * 0.001

    TORCH: dict[str, Callable[[torch.Tensor], torch.Tensor]] = {
        "sin": torch.sin,
        "cos": torch.cos,
        "gaussian": lambda x: torch.exp(-_steps(x, GAUSSIAN_STEPS).square()) * 2.0 - 1.0,
        "sigmoid": lambda x: torch.sigmoid(_steps(x, SIGMOID_STEPS)) * 2.0 - 1.0,
        "tanh": torch.tanh,
        "identity": lambda x: x,
        "abs": torch.abs,
        "step": lambda x: (x > 0).to(x.dtype),
        "ugaussian": lambda x: torch.exp(-x.square()),
        "usigmoid": torch.sigmoid,
        "ublin": lambda x: x.clamp(0.0, 1.0),
    }

    def _table_(x: torch.Tensor, bounds: tuple[int, int]) -> torch.Tensor:
        return x.mul_(1000.0).add_(0.5).trunc_().clamp_(bounds[0], bounds[1]).mul_(0.001)

    # the same functions applied in place (on a view of the renderer's node table): no temporaries, no copies
    TORCH_INPLACE: dict[str, Callable[[torch.Tensor], torch.Tensor]] = {
        "sin": torch.Tensor.sin_,
        "cos": torch.Tensor.cos_,
        "gaussian": lambda x: _table_(x, GAUSSIAN_STEPS).square_().neg_().exp_().mul_(2.0).sub_(1.0),
        "sigmoid": lambda x: _table_(x, SIGMOID_STEPS).sigmoid_().mul_(2.0).sub_(1.0),
        "tanh": torch.Tensor.tanh_,
        "identity": lambda x: x,
        "abs": torch.Tensor.abs_,
        "step": lambda x: x.copy_(x > 0),
        "ugaussian": lambda x: x.square_().neg_().exp_(),
        "usigmoid": torch.Tensor.sigmoid_,
        "ublin": lambda x: x.clamp_(0.0, 1.0),
    }

    return {"TORCH": TORCH, "TORCH_INPLACE": TORCH_INPLACE}


def __getattr__(name: str) -> Any:
    """The torch tables (``TORCH``: the functions; ``TORCH_INPLACE``: the same in place), imported on first use."""
    if name in ("TORCH", "TORCH_INPLACE"):
        return _torch_tables()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
