"""The turtle of ``rules.py`` compiled: one Numba kernel runs a whole population's programs (parallel over
programs) into strokes, exactly as ``rules.run`` does (the tests hold the two together; ``run`` stays the
readable reference and draws the SVG). Every helper lives in this file: Numba's disk cache watches only it.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

from coevo.toolkits.numbacache import announce
from coevo.toolkits.turtle.program import Program, blocks

OPS = {"pen": 0, "fd": 1, "rt": 2, "size": 3, "colour": 4, "push": 5, "pop": 6, "repeat": 7, "end": 8}


def compile_programs(programs: list[Program]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Programs as ``(N, L, 4)`` int64 (opcode and up to three arguments), their lengths and each
    ``repeat``'s matching end (``-1`` elsewhere)."""
    width = max([len(p) for p in programs] + [1])
    codes = np.zeros((len(programs), width, 4), dtype=np.int64)
    match = np.full((len(programs), width), -1, dtype=np.int64)
    for n, p in enumerate(programs):
        for i, (op, *args) in enumerate(p):
            codes[n, i, 0] = OPS[op]
            codes[n, i, 1:1 + len(args)] = args
        for i, j in blocks(p).items():
            match[n, i] = j
    return codes, np.array([len(p) for p in programs], dtype=np.int64), match


@njit(cache=True, inline="always")
def _cmod(a: int, n: int) -> int:
    return -((-a) % n) if a < 0 else a % n


@njit(cache=True)
def _hue(m1: float, m2: float, h: float) -> float:
    h = h % 1.0
    if h < 1.0 / 6.0:
        return m1 + (m2 - m1) * h * 6.0
    if h < 0.5:
        return m2
    if h < 2.0 / 3.0:
        return m1 + (m2 - m1) * (2.0 / 3.0 - h) * 6.0
    return m1


@njit(cache=True)
def _rgb(hh: int, ll: int, ss: int, out: np.ndarray) -> None:
    """colorsys.hls_to_rgb of OpenCV's 8-bit HLS, as ``turtle.hls_rgb``."""
    h, lightness, s = (2 * hh % 360) / 360, ll / 255, ss / 255
    if s == 0.0:
        out[0] = out[1] = out[2] = lightness
        return
    m2 = lightness * (1.0 + s) if lightness <= 0.5 else lightness + s - lightness * s
    m1 = 2.0 * lightness - m2
    out[0], out[1], out[2] = _hue(m1, m2, h + 1.0 / 3.0), _hue(m1, m2, h), _hue(m1, m2, h - 1.0 / 3.0)


@njit(cache=True)
def _trace_one(code: np.ndarray, n: int, match: np.ndarray, canvas: int, max_steps: int, max_move: float,
               pushpop: bool, colour: bool, stack_size: int, out: np.ndarray) -> int:
    top = canvas - 1.0
    x, y, angle, down, size, steps, ticks, count = canvas / 2, canvas / 2, 0.0, True, 3, 0, 0, 0
    hh, ll, ss, grey = 0, 128, 255, 0
    ticks_limit = 16 * max(max_steps + 1, 1)
    stack = np.zeros((stack_size, 8))
    sp = 0
    frames = np.zeros((64 + n, 3), dtype=np.int64)  # body start, end, repeats left
    fp = 0
    rgb = np.zeros(3)
    pc = 0
    while True:
        if fp > 0 and pc == frames[fp - 1, 1]:
            frames[fp - 1, 2] -= 1
            if frames[fp - 1, 2] > 0:
                pc = frames[fp - 1, 0]
            else:
                fp -= 1
                pc = min(frames[fp, 1] + 1, n)
            continue
        if pc >= n:
            break
        ticks += 1
        if ticks > ticks_limit:
            break
        op = code[pc, 0]
        if op == 7:
            frames[fp, 0], frames[fp, 1], frames[fp, 2] = pc + 1, match[pc], code[pc, 1]
            fp += 1
            pc += 1
            continue
        if op == 8 or (op >= 5 and not pushpop):
            pc += 1
            continue
        if steps > max_steps:  # art-school runs one command past its max step
            break
        steps += 1
        a0, a1, a2 = _cmod(code[pc, 1], 500), _cmod(code[pc, 2], 500), _cmod(code[pc, 3], 500)
        draw, nx, ny = False, x, y
        if op == 0:
            down = not down
            draw = down
        elif op == 1:
            d = float(a0)
            if max_move > 0 and down and abs(d) > max_move:
                d = math.copysign(max_move, d)
            nx, ny, draw = x + d * math.sin(angle), y + d * math.cos(angle), down
        elif op == 2:
            angle = np.fmod(angle + _cmod(a0, 360) * math.pi / 180 + 2 * math.pi, 2 * math.pi)
        elif op == 3:
            size = abs(_cmod(a0, 4))
            if size == 0:
                size = 1
        elif op == 4:
            ll, hh, ss = abs(_cmod(a0, 256)), abs(_cmod(a1, 256)), abs(_cmod(a2, 256))
            grey = abs(_cmod(a0, 255))
        elif op == 5:
            if sp < stack_size:
                stack[sp, 0], stack[sp, 1], stack[sp, 2], stack[sp, 3] = x, y, angle, hh
                stack[sp, 4], stack[sp, 5], stack[sp, 6], stack[sp, 7] = ll, ss, grey, size
                sp += 1
        elif op == 6 and sp > 0:
            sp -= 1
            nx, ny, angle = stack[sp, 0], stack[sp, 1], stack[sp, 2]
            if down:  # art-school lifts the pen, moves, lowers it: a dot in the colour before the pop
                nx, ny = min(max(nx, 0.0), top), min(max(ny, 0.0), top)
                if colour:
                    _rgb(hh, ll, ss, rgb)
                else:
                    rgb[0] = rgb[1] = rgb[2] = grey / 255
                out[count, 0], out[count, 1], out[count, 2], out[count, 3] = nx, ny, nx, ny
                out[count, 4], out[count, 5], out[count, 6], out[count, 7] = size, rgb[0], rgb[1], rgb[2]
                count += 1
            hh, ll, ss, grey, size = int(stack[sp, 3]), int(stack[sp, 4]), int(stack[sp, 5]), int(stack[sp, 6]), \
                int(stack[sp, 7])
        nx, ny = min(max(nx, 0.0), top), min(max(ny, 0.0), top)
        if draw:
            if colour:
                _rgb(hh, ll, ss, rgb)
            else:
                rgb[0] = rgb[1] = rgb[2] = grey / 255
            out[count, 0], out[count, 1], out[count, 2], out[count, 3] = x, y, nx, ny
            out[count, 4], out[count, 5], out[count, 6], out[count, 7] = size, rgb[0], rgb[1], rgb[2]
            count += 1
        x, y = nx, ny
        pc += 1
    return count


@njit(cache=True, parallel=True)
def trace_kernel(codes: np.ndarray, lengths: np.ndarray, match: np.ndarray, canvas: int, max_steps: int,
                 max_move: float, pushpop: bool, colour: bool, stack_size: int, out: np.ndarray,
                 counts: np.ndarray) -> None:
    for n in prange(codes.shape[0]):
        counts[n] = _trace_one(codes[n], lengths[n], match[n], canvas, max_steps, max_move, pushpop, colour,
                               stack_size, out[n])


def trace(programs: list[Program], canvas: int, max_steps: int, max_move: float, pushpop: bool, colour: bool,
          stack_size: int = 100) -> tuple[np.ndarray, np.ndarray]:
    """Every program's strokes, float64 ``(M, 8)`` in order, and the offsets of each program's."""
    codes, lengths, match = compile_programs(programs)
    out = np.zeros((len(programs), max_steps + 1, 8))  # a stroke a command at most
    counts = np.zeros(len(programs), dtype=np.int64)
    announce(trace_kernel, "turtle program")
    trace_kernel(codes, lengths, match, canvas, max_steps, float(max_move), pushpop, colour, stack_size, out,
                 counts)
    offsets = np.zeros(len(programs) + 1, dtype=np.int64)
    offsets[1:] = np.cumsum(counts)
    return np.concatenate([out[n, :counts[n]] for n in range(len(programs))] + [np.zeros((0, 8))]), offsets
