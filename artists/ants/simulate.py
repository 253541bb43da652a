"""The ants' walk, for a whole population at once in one Numba kernel (parallel over paintings), and the same
walk in plain Python (the tests' reference and the benchmark's baseline); both in integers, so they agree exactly.

Each step every ant in turn looks at the three cells ahead (ahead, ahead-left, ahead-right on the toroidal
grid); the one nearest its follow colour within its tolerance (ahead first on ties) is where it goes, turning
to face it; if none is, it turns left, keeps ahead or turns right, drawn by its turn weights from the
painting's own xorshift32 generator. It then deposits: each channel of the cell it enters moves
``alpha / 256`` of the way to its paint. The canvas starts white. Every helper lives in this file: Numba's disk
cache watches only it.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from coevo.toolkits.numbacache import announce

DX = np.array([0, 1, 1, 1, 0, -1, -1, -1], dtype=np.int64)  # N, NE, E, SE, S, SW, W, NW (y grows down)
DY = np.array([-1, -1, 0, 1, 1, 1, 0, -1], dtype=np.int64)
MASK = 0xFFFFFFFF
# per-ant integer fields, after x, y, heading: left, ahead, right weights, alpha, tolerance, paint[3], follow[3]
FIELDS = 3 + 3 + 1 + 1 + 3 + 3


def seed_state(seed: int) -> int:
    return ((seed * 2654435761) & MASK) or 1


@njit(cache=True)
def _paint_one(ants: np.ndarray, count: int, seed: int, steps: int, canvas: np.ndarray) -> None:
    size, channels = canvas.shape[0], canvas.shape[2]
    state = ((seed * 2654435761) & 0xFFFFFFFF) or 1
    x = np.empty(count, dtype=np.int64)
    y = np.empty(count, dtype=np.int64)
    h = np.empty(count, dtype=np.int64)
    for a in range(count):
        x[a], y[a], h[a] = ants[a, 0], ants[a, 1], ants[a, 2]
    for _ in range(steps):
        for a in range(count):
            best, best_distance = -1, 1 << 30
            for k in range(3):
                d = (h[a] + (0, -1, 1)[k]) % 8
                cx, cy = (x[a] + DX[d]) % size, (y[a] + DY[d]) % size
                distance = 0
                for c in range(channels):
                    distance += abs(np.int64(canvas[cy, cx, c]) - ants[a, 11 + c])
                if distance <= ants[a, 7] * channels and distance < best_distance:
                    best, best_distance = d, distance
            if best < 0:
                state ^= (state << 13) & 0xFFFFFFFF
                state ^= state >> 17
                state ^= (state << 5) & 0xFFFFFFFF
                r = state % (ants[a, 3] + ants[a, 4] + ants[a, 5])
                best = (h[a] + 7) % 8 if r < ants[a, 3] else h[a] if r < ants[a, 3] + ants[a, 4] else (h[a] + 1) % 8
            h[a] = best
            x[a], y[a] = (x[a] + DX[best]) % size, (y[a] + DY[best]) % size
            for c in range(channels):
                v = np.int64(canvas[y[a], x[a], c])
                canvas[y[a], x[a], c] = v + (((ants[a, 8 + c] - v) * ants[a, 6]) >> 8)


@njit(cache=True, parallel=True)
def paint_kernel(ants: np.ndarray, counts: np.ndarray, seeds: np.ndarray, steps: int, out: np.ndarray) -> None:
    """Painting ``n``'s ``counts[n]`` ants ``ants[n]`` walk ``steps`` steps over ``out[n]`` (G, G, C), white."""
    for n in prange(out.shape[0]):
        out[n] = 255
        _paint_one(ants[n], counts[n], seeds[n], steps, out[n])


def paint(ants: np.ndarray, counts: np.ndarray, seeds: np.ndarray, steps: int, grid: int,
          channels: int) -> np.ndarray:
    """uint8 ``(N, grid, grid, channels)`` paintings from packed ants ``(N, A, FIELDS)``."""
    out = np.empty((len(counts), grid, grid, channels), dtype=np.uint8)
    announce(paint_kernel, "ant painting")
    if len(counts) == 1:  # one painting (a bred child checked against its parent): the serial walk, without the
        out[0] = 255      # thread pool's start and wait, which cost three times the walk (2.2 ms CPU against 7.9)
        _paint_one(ants[0].astype(np.int64), int(counts[0]), int(seeds[0]), steps, out[0])
        return out
    paint_kernel(ants.astype(np.int64), counts.astype(np.int64), seeds.astype(np.int64), steps, out)
    return out


def paint_python(ants: np.ndarray, counts: np.ndarray, seeds: np.ndarray, steps: int, grid: int,
                 channels: int) -> np.ndarray:
    """The kernel's walk in plain Python, step by step."""
    out = np.full((len(counts), grid, grid, channels), 255, dtype=np.uint8)
    dx, dy = DX.tolist(), DY.tolist()
    for n in range(len(counts)):
        canvas = out[n].tolist()
        table = ants[n].tolist()
        state = seed_state(int(seeds[n]))
        pos = [[t[0], t[1], t[2]] for t in table[:int(counts[n])]]
        for _ in range(steps):
            for a, p in enumerate(pos):
                t = table[a]
                best, best_distance = -1, 1 << 30
                for turn in (0, -1, 1):
                    d = (p[2] + turn) % 8
                    cell = canvas[(p[1] + dy[d]) % grid][(p[0] + dx[d]) % grid]
                    distance = sum(abs(cell[c] - t[11 + c]) for c in range(channels))
                    if distance <= t[7] * channels and distance < best_distance:
                        best, best_distance = d, distance
                if best < 0:
                    state ^= (state << 13) & MASK
                    state ^= state >> 17
                    state ^= (state << 5) & MASK
                    r = state % (t[3] + t[4] + t[5])
                    best = (p[2] + 7) % 8 if r < t[3] else p[2] if r < t[3] + t[4] else (p[2] + 1) % 8
                p[0], p[1], p[2] = (p[0] + dx[best]) % grid, (p[1] + dy[best]) % grid, best
                cell = canvas[p[1]][p[0]]
                for c in range(channels):
                    cell[c] += ((t[8 + c] - cell[c]) * t[6]) >> 8
        out[n] = np.asarray(canvas, dtype=np.uint8)
    return out
