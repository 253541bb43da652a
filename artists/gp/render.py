"""Evaluating program batches: on the CPU with the Numba kernel, or with torch (on CUDA when present)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
from deap import gp

from artists.gp.kernel import TILE, render_programs
from artists.gp.opcodes import ProgramBatch, compile_tree, pack
from artists.gp.primitives import pixel_inputs
from coevo.toolkits.numbacache import announce

if TYPE_CHECKING:
    import torch

BACKENDS = ("auto", "numba", "torch")  # auto: torch on a CUDA GPU when one is present, else the Numba kernel
_KERNEL_LOCK = threading.Lock()  # Numba's default (workqueue) threading layer must not run two kernels at once


def evaluate_numba(batch: ProgramBatch, inputs: np.ndarray, tile: int = TILE) -> np.ndarray:
    """Every program over every pixel: float32 (programs, pixels) in [-1, 1]."""
    inputs = np.ascontiguousarray(inputs, dtype=np.float32)
    out = np.empty((len(batch), inputs.shape[1]), dtype=np.float32)
    if len(batch):
        announce(render_programs, "GP")
        with _KERNEL_LOCK:
            render_programs(batch.codes, batch.values, batch.starts, inputs, batch.depth, tile, out)
    return out


def evaluate(batch: ProgramBatch, inputs: np.ndarray, backend: str = "auto") -> torch.Tensor:
    """Every program over every pixel as a CPU float32 tensor (programs, pixels) in [-1, 1]."""
    import torch  # here, so that drawing with Numba alone (``pixels``) starts without torch
    if backend not in BACKENDS:
        raise ValueError(f"backend must be one of {', '.join(BACKENDS)}, not {backend!r}")
    if backend == "torch" or (backend == "auto" and torch.cuda.is_available()):
        from artists.gp.torch_eval import evaluate_torch

        device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
        return evaluate_torch(batch, inputs, device).cpu()
    return torch.from_numpy(evaluate_numba(batch, inputs))


def pixels(trees: Sequence[gp.PrimitiveTree], size: int) -> np.ndarray:
    """Every tree over every pixel of a size×size grid with the Numba kernel, as uint8 (trees, size²), rounded as
    ``coevo.images.to_uint8`` rounds the tensor ``evaluate`` returns: no torch, so ``coevo render`` starts fast."""
    values = evaluate_numba(pack([compile_tree(tree) for tree in trees]), pixel_inputs(size))
    values = np.clip(np.nan_to_num(values, nan=0.0), -1.0, 1.0)
    return np.round((values + np.float32(1.0)) * np.float32(127.5)).astype(np.uint8)


class TreeRenders:
    """Each tree's pixels by its compiled program, kept up to ``budget`` bytes (least recently used go first).

    A bred child differs from its parent in one channel's tree, and the chosen child is next generation's parent,
    so a colour generation renders about a third of its trees anew (what makes 256² breeding interactive). A
    tree's pixels depend on its program alone, so the cache changes no result.
    """

    def __init__(self, backend: str = "auto", budget: int = 64 << 20) -> None:
        self.backend, self.budget, self.used = backend, budget, 0
        self.rows: OrderedDict[bytes, torch.Tensor] = OrderedDict()
        self.inputs: dict[int, np.ndarray] = {}  # the pixel grid of the last size asked for
        self._lock = threading.Lock()  # one genetics may render from several threads

    def __getstate__(self) -> dict[str, object]:
        return {"backend": self.backend, "budget": self.budget}  # a (deep) copy starts empty: a lock cannot be copied

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__init__(state["backend"], state["budget"])  # type: ignore[misc, arg-type]

    def __call__(self, trees: Sequence[gp.PrimitiveTree], size: int) -> torch.Tensor:
        """Every tree over every pixel of a size×size grid: float32 (trees, size²) in [-1, 1], as ``evaluate``."""
        with self._lock:
            return self._render(trees, size)

    def _render(self, trees: Sequence[gp.PrimitiveTree], size: int) -> torch.Tensor:
        import torch

        if size not in self.inputs:
            self.inputs = {size: pixel_inputs(size)}
        inputs = self.inputs[size]
        compiled = [compile_tree(tree) for tree in trees]
        prefix = size.to_bytes(8, "little")
        keys = [prefix + codes.tobytes() + values.tobytes() for codes, values, _ in compiled]
        known = {key: self.rows[key] for key in keys if key in self.rows}
        for key in known:
            self.rows.move_to_end(key)
        fresh = {key: i for i, key in enumerate(keys) if key not in known}  # each new program once
        if fresh:
            batch = evaluate(pack([compiled[i] for i in fresh.values()]), inputs, self.backend)
            for key, row in zip(fresh, batch):
                known[key] = row.clone()  # not a view: an evicted row frees its memory
                self._keep(key, known[key])
        return torch.stack([known[key] for key in keys]) if keys else torch.zeros(0, inputs.shape[1])

    def _keep(self, key: bytes, row: torch.Tensor) -> None:
        size = row.numel() * row.element_size()
        if size > self.budget:
            return
        while self.used + size > self.budget:
            self.used -= self._drop()
        self.rows[key] = row
        self.used += size

    def _drop(self) -> int:
        _, row = self.rows.popitem(last=False)
        return row.numel() * row.element_size()
