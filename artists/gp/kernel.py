"""The one compiled renderer: a Numba kernel running a population's opcode programs over pixel tiles in float32.

The kernel is a stack machine. It defines the instruction set (``OPCODES``); ``opcodes.py`` compiles DEAP trees
into it. Work is split into (program, tile) jobs run in parallel; each job evaluates its program node by node
over one tile of pixels held in a small stack of tile-sized rows, so every node is one tight loop in cache.
Compiled once and cached on disk (``cache=True``), so later processes only load it.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

from artists.gp.primitives import (
    EPS,
    EXP_LIMIT,
    GRAD_X,
    GRAD_Y,
    HASH_MIX,
    HASH_X,
    HASH_Y,
    MASK32,
    NOISE_LIMIT,
    NOISE_SCALE,
    NOISE_SEED,
)

# The instruction set. Terminals push a row; an operator pops its arguments (first argument on top) and
# pushes its result. Programs list a tree's nodes in reverse prefix order.
X, Y, R, THETA, CONST = 0, 1, 2, 3, 4
ADD, SUB, MUL, DIV, MOD, MIN, MAX, ATAN2, NOISE = 5, 6, 7, 8, 9, 10, 11, 12, 13
SIN, COS, ABS, LOG, SQRT, EXP = 14, 15, 16, 17, 18, 19
IFGT = 20
OPCODES = {"x": X, "y": Y, "r": R, "theta": THETA, "const": CONST, "add": ADD, "sub": SUB, "mul": MUL,
           "div": DIV, "mod": MOD, "min": MIN, "max": MAX, "atan2": ATAN2, "noise": NOISE, "sin": SIN,
           "cos": COS, "abs": ABS, "log": LOG, "sqrt": SQRT, "exp": EXP, "ifgt": IFGT}
FIRST_UNARY, FIRST_TERNARY = SIN, IFGT  # opcodes ADD..NOISE are binary, SIN..EXP unary, IFGT ternary

TILE = 256  # pixels per job: a stack of depth × TILE float32 stays in L1/L2 cache

_ZERO, _ONE = np.float32(0.0), np.float32(1.0)
_EXP_HI, _EXP_LO = np.float32(EXP_LIMIT), np.float32(-EXP_LIMIT)
_NOISE_HI, _NOISE_LO, _NOISE_SCALE = np.float32(NOISE_LIMIT), np.float32(-NOISE_LIMIT), np.float32(NOISE_SCALE)
_SIX, _FIFTEEN, _TEN = np.float32(6.0), np.float32(15.0), np.float32(10.0)
_GX, _GY = np.array(GRAD_X, np.float32), np.array(GRAD_Y, np.float32)


@njit(cache=True, inline="always")
def _noise_coord(v):
    if v != v:
        v = _ZERO
    elif v > _NOISE_HI:
        v = _NOISE_HI
    elif v < _NOISE_LO:
        v = _NOISE_LO
    return v * _NOISE_SCALE


@njit(cache=True, inline="always")
def _grad(ix, iy, dx, dy):
    h = (ix * HASH_X + iy * HASH_Y + NOISE_SEED) & MASK32
    h = ((h ^ (h >> 13)) * HASH_MIX) & MASK32
    k = (h ^ (h >> 16)) & 7
    return _GX[k] * dx + _GY[k] * dy


@njit(cache=True)
def _noise(a, b):
    x, y = _noise_coord(a), _noise_coord(b)
    x0, y0 = np.floor(x), np.floor(y)
    fx, fy = x - x0, y - y0
    ix, iy = np.int64(x0), np.int64(y0)
    u = fx * fx * fx * (fx * (fx * _SIX - _FIFTEEN) + _TEN)
    v = fy * fy * fy * (fy * (fy * _SIX - _FIFTEEN) + _TEN)
    g00 = _grad(ix, iy, fx, fy)
    g10 = _grad(ix + 1, iy, fx - _ONE, fy)
    g01 = _grad(ix, iy + 1, fx, fy - _ONE)
    g11 = _grad(ix + 1, iy + 1, fx - _ONE, fy - _ONE)
    nx0 = g00 + u * (g10 - g00)
    nx1 = g01 + u * (g11 - g01)
    return nx0 + v * (nx1 - nx0)


@njit(cache=True)
def _binary(op, a, b, n):
    """b[:n] = op(a, b) with a the first argument."""
    if op == ADD:
        for i in range(n):
            b[i] = a[i] + b[i]
    elif op == SUB:
        for i in range(n):
            b[i] = a[i] - b[i]
    elif op == MUL:
        for i in range(n):
            b[i] = a[i] * b[i]
    elif op == DIV:
        for i in range(n):
            b[i] = a[i] / b[i] if abs(b[i]) > EPS else _ONE
    elif op == MOD:
        for i in range(n):
            x, y = a[i], b[i]
            m = _ZERO
            if abs(y) > EPS:
                m = np.fmod(x, y)
                if m != _ZERO and (m < _ZERO) != (y < _ZERO):
                    m += y
            b[i] = m
    elif op == MIN:
        for i in range(n):
            x, y = a[i], b[i]
            b[i] = x if x < y else (y if y <= x else x + y)
    elif op == MAX:
        for i in range(n):
            x, y = a[i], b[i]
            b[i] = x if x > y else (y if y >= x else x + y)
    elif op == ATAN2:
        for i in range(n):
            b[i] = math.atan2(a[i], b[i])
    else:  # NOISE
        for i in range(n):
            b[i] = _noise(a[i], b[i])


@njit(cache=True)
def _unary(op, a, n):
    """a[:n] = op(a)."""
    if op == SIN:
        for i in range(n):
            a[i] = math.sin(a[i])
    elif op == COS:
        for i in range(n):
            a[i] = math.cos(a[i])
    elif op == ABS:
        for i in range(n):
            a[i] = abs(a[i])
    elif op == LOG:
        for i in range(n):
            v = abs(a[i])
            a[i] = math.log(v) if v > EPS else _ZERO
    elif op == SQRT:
        for i in range(n):
            a[i] = math.sqrt(abs(a[i]))
    else:  # EXP
        for i in range(n):
            v = a[i]
            if v > _EXP_HI:
                v = _EXP_HI
            elif v < _EXP_LO:
                v = _EXP_LO
            a[i] = math.exp(v)


@njit(cache=True)
def _run_tile(codes, values, start, stop, inputs, t0, n, stack):
    """Evaluate one program over pixels t0 .. t0+n; the result is left in stack[0, :n]."""
    sp = 0
    for k in range(start, stop):
        op = codes[k]
        if op < CONST:
            row, src = stack[sp], inputs[op]
            for i in range(n):
                row[i] = src[t0 + i]
            sp += 1
        elif op == CONST:
            row, v = stack[sp], values[k]
            for i in range(n):
                row[i] = v
            sp += 1
        elif op < FIRST_UNARY:
            _binary(op, stack[sp - 1], stack[sp - 2], n)
            sp -= 1
        elif op < FIRST_TERNARY:
            _unary(op, stack[sp - 1], n)
        else:  # IFGT(c, a, b): c on top, then a, then b
            c, a, b = stack[sp - 1], stack[sp - 2], stack[sp - 3]
            for i in range(n):
                b[i] = a[i] if c[i] > _ZERO else b[i]
            sp -= 2


@njit(parallel=True, cache=True, fastmath=False)
def render_programs(codes, values, starts, inputs, depth, tile, out):
    """Run every program over every pixel: out[p, i] = clamp(nan→0(program p at pixel i), -1, 1).

    codes int32 / values float32 (total nodes), starts int64 (programs + 1), inputs float32 (4, pixels),
    out float32 (programs, pixels).
    """
    programs, pixels = starts.shape[0] - 1, inputs.shape[1]
    tiles = (pixels + tile - 1) // tile
    for job in prange(programs * tiles):
        p, t0 = job // tiles, (job % tiles) * tile
        n = min(tile, pixels - t0)
        stack = np.empty((depth, tile), np.float32)
        _run_tile(codes, values, starts[p], starts[p + 1], inputs, t0, n, stack)
        row, dst = stack[0], out[p]
        for i in range(n):
            v = row[i]
            if v != v:
                v = _ZERO
            elif v > _ONE:
                v = _ONE
            elif v < -_ONE:
                v = -_ONE
            dst[t0 + i] = v
