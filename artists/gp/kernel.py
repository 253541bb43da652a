"""The one compiled renderer: a Numba kernel running a population's opcode programs over pixel tiles in float32.

The kernel is a stack machine. It defines the instruction set (``OPCODES``); ``opcodes.py`` compiles DEAP trees
into it. Work is split into (program, span) jobs run in parallel; each job evaluates its program node by node
over one span of pixels held in a few span-sized rows, so every node is one tight, vectorised loop in cache.
Compiled once and cached on disk (``cache=True``), so later processes only load it. Every helper lives in this
file on purpose: Numba's disk cache notices changes to the kernel's own file only.
"""

from __future__ import annotations

import math

import numpy as np
from llvmlite import ir
from numba import njit, prange, types
from numba.extending import intrinsic

from artists.gp.primitives import (
    EPS,
    EXP_LIMIT,
    HASH_MIX,
    HASH_X,
    HASH_Y,
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

TILE = 256  # pixels per block: sin, cos, log, mod and atan2 choose their fast or exact path block by block
SPAN = 2048  # pixels per job (a whole number of blocks): its (4 + 2 × depth) rows stay in L2 cache, and each
# node's loop runs over eight blocks at once, so the per-node dispatch costs an eighth of one block per job

_ZERO, _ONE = np.float32(0.0), np.float32(1.0)
_EXP_HI, _EXP_LO = np.float32(EXP_LIMIT), np.float32(-EXP_LIMIT)
_NOISE_HI, _NOISE_LO, _NOISE_SCALE = np.float32(NOISE_LIMIT), np.float32(-NOISE_LIMIT), np.float32(NOISE_SCALE)
_SIX, _FIFTEEN, _TEN = np.float32(6.0), np.float32(15.0), np.float32(10.0)

# Transcendentals: libm's float32 functions are scalar calls, so the hot ones are computed here in float64 with
# branch-free polynomials that vectorise, then rounded to float32 (the float32 result is within an ulp of libm's).
# Tiles holding arguments outside a function's fast range (huge, infinite, NaN) take the scalar libm path.
_ROUND = 6755399441055744.0  # 1.5 * 2**52: (v + _ROUND) - _ROUND rounds v to the nearest integer
_INV_PIO2, _PIO2_1, _PIO2_1T = 6.36619772367581382433e-01, 1.57079631090164184570e+00, 1.58932547735281966916e-08
_S1, _S2, _S3, _S4 = -0.166666666416265235595, 0.0083333293858894631756, -0.000198393348360966317347, \
    0.0000027183114939898219064  # FreeBSD __kernel_sindf, |x| <= pi/4
_C0, _C1, _C2, _C3 = -0.499999997251031003120, 0.0416666233237390631894, -0.00138867637746099294692, \
    0.0000243904487962774090654  # FreeBSD __kernel_cosdf
_TRIG_LIMIT = np.float32(1e6)  # |x| beyond this (or not finite) goes to libm's sinf / cosf
_INV_LN2, _LN2_HI, _LN2_LO = 1.44269504088896338700e+00, 6.93147180369123816490e-01, 1.90821492927058770002e-10
_LN2, _SQRT2 = 0.6931471805599453, 1.4142135623730951
_FLOAT_MAX = np.float32(3.4028234663852886e38)
_TAN_PI_8, _PI_4, _PI_2, _PI = 0.41421356237309503, 0.7853981633974483, 1.5707963267948966, 3.141592653589793
_MOD_RANGE = 536870912.0  # 2**29: below this quotient the double-precision fmod is exact


@intrinsic
def _bits(typingctx, x):
    """The IEEE bits of a float64 as an int64."""
    if x != types.float64:
        return None
    return types.int64(types.float64), lambda context, builder, sig, args: builder.bitcast(
        args[0], context.get_value_type(types.int64))


@intrinsic
def _from_bits(typingctx, x):
    """The float64 with these IEEE bits."""
    if x != types.int64:
        return None
    return types.float64(types.int64), lambda context, builder, sig, args: builder.bitcast(
        args[0], context.get_value_type(types.float64))


@njit(cache=True, inline="always", error_model="numpy")
def _sin(x, quarter):
    """sin(x + quarter * pi/2) of a float64 with |x| <= _TRIG_LIMIT (quarter 1 gives cos): Cody-Waite
    reduction by pi/2, FreeBSD's polynomial kernels, then a branch-free quadrant selection."""
    k = (x * _INV_PIO2 + _ROUND) - _ROUND
    r = (x - k * _PIO2_1) - k * _PIO2_1T
    q = np.int64(k) + quarter
    z = r * r
    w = z * z
    s = (r + r * z * (_S1 + z * _S2)) + r * z * w * (_S3 + z * _S4)
    c = ((1.0 + z * _C0) + w * _C1) + (w * z) * (_C2 + z * _C3)
    v = c if (q & 1) != 0 else s
    return v * (1.0 - np.float64(q & 2))


@njit(cache=True, inline="always", error_model="numpy")
def _exp(x):
    """exp of a float64 in [-EXP_LIMIT, EXP_LIMIT] (NaN gives NaN)."""
    k = (x * _INV_LN2 + _ROUND) - _ROUND
    r = (x - k * _LN2_HI) - k * _LN2_LO
    p = 1.0 + r * (1.0 + r * (1 / 2 + r * (1 / 6 + r * (1 / 24 + r * (1 / 120 + r * (1 / 720 + r * (
        1 / 5040 + r * (1 / 40320))))))))
    return p * _from_bits((np.int64(k) + 1023) << 52)


@njit(cache=True, inline="always", error_model="numpy")
def _log(v):
    """log of a positive, finite, normal float64."""
    b = _bits(v)
    e = np.float64((b >> 52) - 1023)
    m = _from_bits((b & 0x000FFFFFFFFFFFFF) | 0x3FF0000000000000)
    high = m > _SQRT2
    m = m * 0.5 if high else m
    e = e + 1.0 if high else e
    f = m - 1.0
    s = f / (2.0 + f)
    z = s * s
    return e * _LN2 + 2.0 * s * (1.0 + z * (1 / 3 + z * (1 / 5 + z * (1 / 7 + z * (1 / 9 + z * (
        1 / 11 + z * (1 / 13)))))))


@njit(cache=True, inline="always", error_model="numpy")
def _atan2(y, x):
    """atan2 of float64s, not both zero, both finite."""
    ay, ax = abs(y), abs(x)
    t = min(ax, ay) / max(ax, ay)
    reduced = t > _TAN_PI_8
    u = (t - 1.0) / (t + 1.0) if reduced else t
    z = u * u
    p = u * (1.0 + z * (-1 / 3 + z * (1 / 5 + z * (-1 / 7 + z * (1 / 9 + z * (-1 / 11 + z * (1 / 13 + z * (
        -1 / 15 + z * (1 / 17 + z * (-1 / 19))))))))))
    r = p + _PI_4 if reduced else p
    r = _PI_2 - r if ay > ax else r
    r = _PI - r if x < 0.0 else r
    return math.copysign(r, y)


@njit(cache=True, inline="always", error_model="numpy")
def _fmod(x, y):
    """C's fmod of float32s as float64, exact, for 0 < |y| and |x| < _MOD_RANGE * |y|."""
    xa, ya = abs(np.float64(x)), abs(np.float64(y))
    q = np.float64(np.int64(xa / ya))
    m = xa - q * ya
    m = m + ya if m < 0.0 else m
    m = m - ya if m >= ya else m
    return math.copysign(m, np.float64(x))


@njit(cache=True, inline="always", error_model="numpy")
def _noise_coord(v):
    if v != v:
        v = _ZERO
    elif v > _NOISE_HI:
        v = _NOISE_HI
    elif v < _NOISE_LO:
        v = _NOISE_LO
    return v * _NOISE_SCALE


@intrinsic
def _lattice_hash(typingctx, ix, iy):
    """The lattice point's gradient number, (hash & 7), computed in 32-bit lanes (the hash's arithmetic is mod 2**32,
    so truncating the coordinates first gives the same bits and twice the vector width)."""
    if ix != types.int64 or iy != types.int64:
        return None

    def codegen(context, builder, sig, args):
        i32 = ir.IntType(32)
        x, y = builder.trunc(args[0], i32), builder.trunc(args[1], i32)
        h = builder.add(builder.add(builder.mul(x, ir.Constant(i32, HASH_X)), builder.mul(y, ir.Constant(i32, HASH_Y))),
                        ir.Constant(i32, NOISE_SEED))
        h = builder.mul(builder.xor(h, builder.lshr(h, ir.Constant(i32, 13))), ir.Constant(i32, HASH_MIX))
        k = builder.and_(builder.xor(h, builder.lshr(h, ir.Constant(i32, 16))), ir.Constant(i32, 7))
        return builder.zext(k, ir.IntType(64))
    return types.int64(types.int64, types.int64), codegen


@njit(cache=True, inline="always", error_model="numpy")
def _grad(ix, iy, dx, dy):
    """Dot product of (dx, dy) with lattice point (ix, iy)'s gradient, GRAD_X/GRAD_Y[hash & 7] (selects, no
    table lookup, so the loop vectorises)."""
    k = _lattice_hash(ix, iy)
    gx = _ZERO if k >= 6 else (-dx if (k & 1) != 0 else dx)
    gy = (-dy if (k & 2) != 0 else dy) if k < 4 else (_ZERO if k < 6 else (dy if k == 6 else -dy))
    return gx + gy


@njit(cache=True, inline="always", error_model="numpy")
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


@njit(cache=True, inline="always", error_model="numpy")
def _floored(m, y):
    """C's fmod result m turned into the floored modulo (b's sign), 0 where |y| <= EPS."""
    m = m + y if m != _ZERO and (m < _ZERO) != (y < _ZERO) else m
    return m if abs(y) > EPS else _ZERO


@njit(cache=True, error_model="numpy")
def _binary_block(op, a, b, dst, n, slow):
    """dst[:n] = op(a, b) with a the first argument; mod and atan2 take their exact path for all n pixels when
    ``slow``, else their fast one, which also returns whether some pixel needs the exact one (``_slow``'s test)."""
    need = False
    if op == ADD:
        for i in range(n):
            dst[i] = a[i] + b[i]
    elif op == SUB:
        for i in range(n):
            dst[i] = a[i] - b[i]
    elif op == MUL:
        for i in range(n):
            dst[i] = a[i] * b[i]
    elif op == DIV:
        for i in range(n):
            dst[i] = a[i] / b[i] if abs(b[i]) > EPS else _ONE
    elif op == MOD:
        if slow:
            for i in range(n):
                dst[i] = _floored(np.fmod(a[i], b[i]), b[i])
        else:
            for i in range(n):
                x, y = a[i], b[i]
                need |= abs(y) > EPS and not (abs(x) < _MOD_RANGE * abs(y) and abs(y) <= _FLOAT_MAX)
                dst[i] = _floored(np.float32(_fmod(x, y)), y)
    elif op == MIN:
        for i in range(n):
            x, y = a[i], b[i]
            dst[i] = x if x < y else (y if y <= x else x + y)
    elif op == MAX:
        for i in range(n):
            x, y = a[i], b[i]
            dst[i] = x if x > y else (y if y >= x else x + y)
    elif op == ATAN2:
        if slow:
            for i in range(n):
                dst[i] = math.atan2(a[i], b[i])
        else:
            for i in range(n):
                x, y = a[i], b[i]
                need |= not (max(abs(x), abs(y)) > _ZERO and abs(x) <= _FLOAT_MAX and abs(y) <= _FLOAT_MAX)
                dst[i] = np.float32(_atan2(np.float64(x), np.float64(y)))
    else:  # NOISE
        for i in range(n):
            dst[i] = _noise(a[i], b[i])
    return need


@njit(cache=True, error_model="numpy")
def _slow(op, a, b, n):
    """Whether some of the n pixels need the exact (libm) path of op: the tests the fast paths make."""
    slow = False
    if op == MOD:
        for i in range(n):
            x, y = abs(a[i]), abs(b[i])
            slow |= y > EPS and not (x < _MOD_RANGE * y and y <= _FLOAT_MAX)
    elif op == ATAN2:
        for i in range(n):
            x, y = abs(a[i]), abs(b[i])
            slow |= not (max(x, y) > _ZERO and x <= _FLOAT_MAX and y <= _FLOAT_MAX)
    elif op == SIN or op == COS:
        for i in range(n):
            slow |= not abs(a[i]) <= _TRIG_LIMIT
    else:  # LOG
        for i in range(n):
            slow |= abs(a[i]) > _FLOAT_MAX
    return slow


@njit(cache=True, inline="always", error_model="numpy")
def _binary(op, a, b, dst, n, tile):
    """dst[:n] = op(a, b) with a the first argument; mod and atan2 take their fast path over all n pixels, which
    also says whether some pixel needs the exact one, and only then redo exactly the blocks of ``tile`` that do (a
    block's pixels are those of choosing its path first). Inlined into the program loop: a call with row slices
    cost more than a 2048-pixel add."""
    if _binary_block(op, a, b, dst, n, False):  # some pixel needs the exact path
        for s0 in range(0, n, tile):
            s1 = min(s0 + tile, n)
            if _slow(op, a[s0:s1], b[s0:s1], s1 - s0):
                _binary_block(op, a[s0:s1], b[s0:s1], dst[s0:s1], s1 - s0, True)


@njit(cache=True, error_model="numpy")
def _unary_block(op, a, dst, n, slow):
    """dst[:n] = op(a); sin, cos and log take their exact path for all n pixels when ``slow``, else their fast one,
    which also returns whether some pixel needs the exact one (``_slow``'s test)."""
    need = False
    if op == SIN or op == COS:
        if slow:
            for i in range(n):
                dst[i] = math.sin(a[i]) if op == SIN else math.cos(a[i])
        else:
            quarter = 0 if op == SIN else 1
            for i in range(n):
                v = a[i]
                need |= not abs(v) <= _TRIG_LIMIT
                dst[i] = np.float32(_sin(np.float64(v), quarter))
    elif op == ABS:
        for i in range(n):
            dst[i] = abs(a[i])
    elif op == LOG:
        if slow:
            for i in range(n):
                v = abs(a[i])
                dst[i] = math.log(v) if v > EPS else _ZERO
        else:
            for i in range(n):  # v <= EPS (or NaN) takes log(1), then is replaced by 0
                v = abs(a[i])
                need |= v > _FLOAT_MAX
                dst[i] = np.float32(_log(np.float64(v if v > EPS else _ONE))) if v > EPS else _ZERO
    elif op == SQRT:
        for i in range(n):
            dst[i] = math.sqrt(abs(a[i]))
    else:  # EXP
        for i in range(n):
            v = a[i]
            if v > _EXP_HI:
                v = _EXP_HI
            elif v < _EXP_LO:
                v = _EXP_LO
            dst[i] = np.float32(_exp(np.float64(v)))
    return need


@njit(cache=True, inline="always", error_model="numpy")
def _unary(op, a, dst, n, tile):
    """dst[:n] = op(a); sin, cos and log take their fast path over all n pixels and redo exactly the blocks of
    ``tile`` that need it, as ``_binary`` does (inlined likewise)."""
    if _unary_block(op, a, dst, n, False):
        for s0 in range(0, n, tile):
            s1 = min(s0 + tile, n)
            if _slow(op, a[s0:s1], a[s0:s1], s1 - s0):
                _unary_block(op, a[s0:s1], dst[s0:s1], s1 - s0, True)


@njit(cache=True, error_model="numpy")
def _select(c, a, b, out, n):
    """out[:n] = a where c > 0, else b (ifgt; both loaded first, so the loop vectorises as a select)."""
    for i in range(n):
        x, y = a[i], b[i]
        out[i] = x if c[i] > _ZERO else y


@njit(cache=True, inline="always", error_model="numpy")
def _spare(slot, level):
    """The scratch row of stack level ``level`` not holding ``slot``: results never overwrite an argument,
    so no loop reads and writes the same row (which would stop LLVM vectorising it)."""
    row = 4 + 2 * level
    return row + 1 if slot == row else row


@njit(cache=True, error_model="numpy")
def _run_tile(codes, values, start, stop, buf, slots, tile):
    """Evaluate one program over a job's pixels (blocks of ``tile``); returns the row of ``buf`` holding the result.

    buf rows 0..3 hold the tile's x, y, r, theta; rows 4 + 2d and 5 + 2d are the scratch rows of stack
    level d. The stack itself (``slots``) holds row numbers, so pushing an input copies nothing.
    """
    n = buf.shape[1]
    sp = 0
    for k in range(start, stop):
        op = codes[k]
        if op < CONST:
            slots[sp] = op
            sp += 1
        elif op == CONST:
            slots[sp] = 4 + 2 * sp
            row, v = buf[slots[sp]], values[k]
            for i in range(n):
                row[i] = v
            sp += 1
        elif op < FIRST_UNARY:
            dst = _spare(slots[sp - 2], sp - 2)
            _binary(op, buf[slots[sp - 1]], buf[slots[sp - 2]], buf[dst], n, tile)
            sp -= 1
            slots[sp - 1] = dst
        elif op < FIRST_TERNARY:
            dst = _spare(slots[sp - 1], sp - 1)
            _unary(op, buf[slots[sp - 1]], buf[dst], n, tile)
            slots[sp - 1] = dst
        else:  # IFGT(c, a, b): c on top, then a, then b
            dst = _spare(slots[sp - 3], sp - 3)
            _select(buf[slots[sp - 1]], buf[slots[sp - 2]], buf[slots[sp - 3]], buf[dst], n)
            sp -= 2
            slots[sp - 1] = dst
    return slots[0]


@njit(parallel=True, cache=True, fastmath=False, error_model="numpy")
def render_programs(codes, values, starts, inputs, depth, tile, out):
    """Run every program over every pixel: out[p, i] = clamp(nan→0(program p at pixel i), -1, 1).

    codes int32 / values float32 (total nodes), starts int64 (programs + 1), inputs float32 (4, pixels),
    out float32 (programs, pixels); ``tile``: the pixels of a block, where the transcendentals choose their path
    (a job runs about SPAN pixels, a whole number of blocks, so the pixels are the same whatever SPAN is).
    """
    programs, pixels = starts.shape[0] - 1, inputs.shape[1]
    span = tile * max(1, SPAN // tile)
    tiles = (pixels + span - 1) // span
    for job in prange(programs * tiles):
        p, t0 = job // tiles, (job % tiles) * span
        n = min(span, pixels - t0)
        buf = np.empty((4 + 2 * depth, n), np.float32)
        for r in range(4):
            buf[r] = inputs[r, t0:t0 + n]
        row, dst = buf[_run_tile(codes, values, starts[p], starts[p + 1], buf, np.empty(depth, np.int64), tile)], out[p]
        for i in range(n):
            v = row[i]
            if v != v:
                v = _ZERO
            elif v > _ONE:
                v = _ONE
            elif v < -_ONE:
                v = -_ONE
            dst[t0 + i] = v
