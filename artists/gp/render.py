"""Evaluating program batches: on the CPU with the Numba kernel, or with torch (on CUDA when present)."""

from __future__ import annotations

import threading

import numpy as np
import torch

from artists.gp.kernel import TILE, render_programs
from artists.gp.opcodes import ProgramBatch

BACKENDS = ("auto", "numba", "torch")  # auto: torch on a CUDA GPU when one is present, else the Numba kernel
_KERNEL_LOCK = threading.Lock()  # Numba's default (workqueue) threading layer must not run two kernels at once


def evaluate_numba(batch: ProgramBatch, inputs: np.ndarray, tile: int = TILE) -> np.ndarray:
    """Every program over every pixel: float32 (programs, pixels) in [-1, 1]."""
    inputs = np.ascontiguousarray(inputs, dtype=np.float32)
    out = np.empty((len(batch), inputs.shape[1]), dtype=np.float32)
    if len(batch):
        with _KERNEL_LOCK:
            render_programs(batch.codes, batch.values, batch.starts, inputs, batch.depth, tile, out)
    return out


def evaluate(batch: ProgramBatch, inputs: np.ndarray, backend: str = "auto") -> torch.Tensor:
    """Every program over every pixel as a CPU float32 tensor (programs, pixels) in [-1, 1]."""
    if backend not in BACKENDS:
        raise ValueError(f"backend must be one of {', '.join(BACKENDS)}, not {backend!r}")
    if backend == "torch" or (backend == "auto" and torch.cuda.is_available()):
        from artists.gp.torch_eval import evaluate_torch

        device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
        return evaluate_torch(batch, inputs, device).cpu()
    return torch.from_numpy(evaluate_numba(batch, inputs))
