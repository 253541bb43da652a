"""The same opcode programs evaluated with torch, on any device (a CUDA GPU when present).

All programs advance in lock step: at step t every program executes its t-th opcode, and each opcode present
at that step runs once, batched over the programs executing it, on a (programs, depth, pixels) stack tensor.
Semantics match the Numba kernel (``kernel.py``) operation for operation, in float32.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from artists.gp import kernel as k
from artists.gp.opcodes import ProgramBatch, arity
from artists.gp.primitives import (
    EPS,
    EXP_LIMIT,
    HASH_MIX,
    HASH_X,
    HASH_Y,
    MASK32,
    NOISE_LIMIT,
    NOISE_SCALE,
    NOISE_SEED,
)

STACK_BYTES = 1 << 28  # pixels are evaluated in chunks so the stack tensor stays under this size


@dataclass
class Group:
    """The programs executing one opcode at one step."""

    op: int
    rows: torch.Tensor  # long (n,): program indices
    top: torch.Tensor  # long (n,): each program's stack size before the step
    values: torch.Tensor  # float32 (n,): constants, for CONST


def plan(batch: ProgramBatch, device: torch.device) -> list[list[Group]]:
    """The groups of each lock step, with stack positions worked out on the CPU and sent to ``device`` at once."""
    sizes = np.diff(batch.starts)
    steps: list[dict[int, list[int]]] = [{} for _ in range(int(sizes.max(initial=0)))]
    program = np.repeat(np.arange(len(batch)), sizes)
    step = np.arange(len(batch.codes)) - np.repeat(batch.starts[:-1], sizes)
    pops = np.array([arity(op) for op in range(k.IFGT + 1)])[batch.codes]
    # stack size before each node: a running count over the batch, less one finished result per earlier program
    top = np.cumsum(1 - pops) - (1 - pops) - program
    for index, (t, op) in enumerate(zip(step.tolist(), batch.codes.tolist())):
        steps[t].setdefault(op, []).append(index)
    order = [index for groups in steps for op in sorted(groups) for index in groups[op]]
    rows = torch.from_numpy(program[order]).to(device)
    tops = torch.from_numpy(top[order]).to(device)
    values = torch.from_numpy(batch.values[order]).to(device)
    plans, first = [], 0
    for groups in steps:
        plans.append([])
        for op in sorted(groups):
            last = first + len(groups[op])
            plans[-1].append(Group(op, rows[first:last], tops[first:last], values[first:last]))
            first = last
    return plans


def _grad(ix: torch.Tensor, iy: torch.Tensor, dx: torch.Tensor, dy: torch.Tensor) -> torch.Tensor:
    """Dot product of (dx, dy) with the lattice gradient GRAD_X/GRAD_Y[hash(ix, iy) & 7]."""
    h = (ix * HASH_X + iy * HASH_Y + NOISE_SEED) & MASK32
    h = ((h ^ (h >> 13)) * HASH_MIX) & MASK32
    idx = ((h ^ (h >> 16)) & 7).to(torch.int32)
    zero = torch.zeros((), dtype=dx.dtype, device=dx.device)
    gx = torch.where(idx >= 6, zero, torch.where((idx & 1) != 0, -dx, dx))
    gy = torch.where(idx < 4, torch.where((idx & 2) != 0, -dy, dy),
                     torch.where(idx < 6, zero, torch.where(idx == 6, dy, -dy)))
    return gx + gy


def noise(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Seeded 2-D gradient noise, as ``primitives.np_noise``."""
    x = torch.nan_to_num(a, nan=0.0).clamp(-NOISE_LIMIT, NOISE_LIMIT) * NOISE_SCALE
    y = torch.nan_to_num(b, nan=0.0).clamp(-NOISE_LIMIT, NOISE_LIMIT) * NOISE_SCALE
    x0, y0 = torch.floor(x), torch.floor(y)
    fx, fy = x - x0, y - y0
    ix, iy = x0.to(torch.int64), y0.to(torch.int64)
    u = fx * fx * fx * (fx * (fx * 6.0 - 15.0) + 10.0)
    v = fy * fy * fy * (fy * (fy * 6.0 - 15.0) + 10.0)
    g00 = _grad(ix, iy, fx, fy)
    g10 = _grad(ix + 1, iy, fx - 1.0, fy)
    g01 = _grad(ix, iy + 1, fx, fy - 1.0)
    g11 = _grad(ix + 1, iy + 1, fx - 1.0, fy - 1.0)
    nx0 = g00 + u * (g10 - g00)
    nx1 = g01 + u * (g11 - g01)
    return nx0 + v * (nx1 - nx0)


def _mod(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    m = torch.fmod(a, b)
    m = torch.where((m != 0) & ((m < 0) != (b < 0)), m + b, m)
    return torch.where(b.abs() > EPS, m, torch.zeros_like(m))


def _minmax(a: torch.Tensor, b: torch.Tensor, take_a: torch.Tensor) -> torch.Tensor:
    either_nan = torch.isnan(a) | torch.isnan(b)
    return torch.where(either_nan, a + b, torch.where(take_a, a, b))


BINARY = {
    k.ADD: lambda a, b: a + b,
    k.SUB: lambda a, b: a - b,
    k.MUL: lambda a, b: a * b,
    k.DIV: lambda a, b: torch.where(b.abs() > EPS, a / b, torch.ones_like(a)),
    k.MOD: _mod,
    k.MIN: lambda a, b: _minmax(a, b, a < b),
    k.MAX: lambda a, b: _minmax(a, b, a > b),
    k.ATAN2: torch.atan2,
    k.NOISE: noise,
}
UNARY = {
    k.SIN: torch.sin,
    k.COS: torch.cos,
    k.ABS: torch.abs,
    k.LOG: lambda a: torch.where(a.abs() > EPS, torch.log(a.abs()), torch.zeros_like(a)),
    k.SQRT: lambda a: torch.sqrt(a.abs()),
    k.EXP: lambda a: torch.exp(a.clamp(-EXP_LIMIT, EXP_LIMIT)),
}


def _step(stack: torch.Tensor, group: Group, inputs: torch.Tensor, depth: int) -> None:
    """One group's opcode on a (programs * depth, pixels) stack (row p * depth + level)."""
    op, base = group.op, group.rows * depth + group.top

    def take(level: int) -> torch.Tensor:
        return stack.index_select(0, base - level)

    if op < k.CONST:
        stack.index_copy_(0, base, inputs[op].expand(len(base), -1))
    elif op == k.CONST:
        stack.index_copy_(0, base, group.values[:, None].expand(-1, stack.shape[1]))
    elif op in UNARY:
        stack.index_copy_(0, base - 1, UNARY[op](take(1)))
    elif op in BINARY:
        stack.index_copy_(0, base - 2, BINARY[op](take(1), take(2)))
    else:  # IFGT(c, a, b): c on top, then a, then b
        stack.index_copy_(0, base - 3, torch.where(take(1) > 0, take(2), take(3)))


def evaluate_torch(batch: ProgramBatch, inputs: np.ndarray, device: torch.device) -> torch.Tensor:
    """Every program over every pixel: float32 (programs, pixels) in [-1, 1] on ``device``."""
    pixels = inputs.shape[1]
    out = torch.empty(len(batch), pixels, dtype=torch.float32, device=device)
    if not len(batch):
        return out
    steps = plan(batch, device)
    grid = torch.from_numpy(np.ascontiguousarray(inputs, dtype=np.float32)).to(device)
    chunk = max(1, min(pixels, STACK_BYTES // (4 * len(batch) * batch.depth)))
    for first in range(0, pixels, chunk):
        part = grid[:, first:first + chunk]
        stack = torch.zeros(len(batch) * batch.depth, part.shape[1], dtype=torch.float32, device=device)
        for step in steps:
            for group in step:
                _step(stack, group, part, batch.depth)
        result = stack.view(len(batch), batch.depth, -1)[:, 0]
        out[:, first:first + chunk] = torch.nan_to_num(result, nan=0.0).clamp(-1.0, 1.0)
    return out
