"""EvoEco's two simulations on a toroidal grid of palette indices, each a Numba kernel over a whole population
(parallel over organisms) with a plain-Python twin (the tests' reference, the benchmark's baseline), in integers.

Agents: every step each agent in turn paints the cell under it ``paint[under]``, then scores its four
neighbours (N, E, S, W) ``prefs[colour] + bias[direction]`` plus noise in ``-wander..wander`` from the
organism's xorshift32 generator (drawn only for agents that wander), and moves to the best (the first on ties).
The grid starts in colour 0. Automata: a random start in the central quarter of the grid (each cell there,
with ``density`` percent chance, a colour from 1..K-1, from the seed), all else colour 0, then ``generations``
synchronous steps of ``next = rule[state * width + sum of the eight neighbours' indices]``.
Every helper lives in this file: Numba's disk cache watches only it.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

DX = np.array([0, 1, 0, -1], dtype=np.int64)  # N, E, S, W (y grows down)
DY = np.array([-1, 0, 1, 0], dtype=np.int64)
MASK = 0xFFFFFFFF
# per-agent integer fields: x, y, wander, bias[4], then paint[K], prefs[K]
HEAD = 7


def seed_state(seed: int) -> int:
    return ((seed * 2654435761) & MASK) or 1


@njit(cache=True)
def _xorshift(state: int) -> int:
    state ^= (state << 13) & 0xFFFFFFFF
    state ^= state >> 17
    state ^= (state << 5) & 0xFFFFFFFF
    return state


@njit(cache=True)
def _agents_one(agents: np.ndarray, count: int, k: int, seed: int, steps: int, grid: np.ndarray) -> None:
    size = grid.shape[0]
    state = ((seed * 2654435761) & 0xFFFFFFFF) or 1
    x = agents[:count, 0].copy()
    y = agents[:count, 1].copy()
    for _ in range(steps):
        for a in range(count):
            under = grid[y[a], x[a]]
            grid[y[a], x[a]] = agents[a, HEAD + under]
            wander = agents[a, 2]
            best, best_score = 0, -(1 << 30)
            for d in range(4):
                nb = grid[(y[a] + DY[d]) % size, (x[a] + DX[d]) % size]
                score = agents[a, HEAD + k + nb] + agents[a, 3 + d]
                if wander > 0:
                    state = _xorshift(state)
                    score += state % (2 * wander + 1) - wander
                if score > best_score:
                    best, best_score = d, score
            x[a], y[a] = (x[a] + DX[best]) % size, (y[a] + DY[best]) % size


@njit(cache=True, parallel=True)
def agents_kernel(agents: np.ndarray, counts: np.ndarray, seeds: np.ndarray, k: int, steps: int,
                  out: np.ndarray) -> None:
    for n in prange(out.shape[0]):
        out[n] = 0
        _agents_one(agents[n], counts[n], k, seeds[n], steps, out[n])


@njit(cache=True)
def _ca_one(rule: np.ndarray, k: int, density: int, generations: int, seed: int, grid: np.ndarray) -> None:
    size = grid.shape[0]
    state = ((seed * 2654435761) & 0xFFFFFFFF) or 1
    lo, hi = size * 3 // 8, size - size * 3 // 8
    grid[:] = 0
    for y in range(lo, hi):
        for x in range(lo, hi):
            state = _xorshift(state)
            grid[y, x] = 1 + (state >> 8) % (k - 1) if state % 100 < density else 0
    ca_steps(rule, k, generations, grid)


@njit(cache=True)
def ca_steps(rule: np.ndarray, k: int, generations: int, grid: np.ndarray) -> None:
    """``generations`` synchronous steps of the outer-totalistic ``rule`` on ``grid``, in place."""
    size, width = grid.shape[0], 8 * (k - 1) + 1
    other = np.empty_like(grid)
    for _ in range(generations):
        for y in range(size):
            up, down = (y - 1) % size, (y + 1) % size
            for x in range(size):
                left, right = (x - 1) % size, (x + 1) % size
                total = (grid[up, left] + grid[up, x] + grid[up, right] + grid[y, left] + grid[y, right]
                         + grid[down, left] + grid[down, x] + grid[down, right])
                other[y, x] = rule[grid[y, x] * width + total]
        grid[:] = other


@njit(cache=True, parallel=True)
def ca_kernel(rules: np.ndarray, k: int, densities: np.ndarray, generations: np.ndarray, seeds: np.ndarray,
              out: np.ndarray) -> None:
    for n in prange(out.shape[0]):
        _ca_one(rules[n], k, densities[n], generations[n], seeds[n], out[n])


def agents_python(agents: np.ndarray, counts: np.ndarray, seeds: np.ndarray, k: int, steps: int,
                  size: int) -> np.ndarray:
    out = np.zeros((len(counts), size, size), dtype=np.int64)
    for n in range(len(counts)):
        grid = out[n].tolist()
        table = agents[n].tolist()
        state = seed_state(int(seeds[n]))
        pos = [[t[0], t[1]] for t in table[:int(counts[n])]]
        for _ in range(steps):
            for a, p in enumerate(pos):
                t = table[a]
                under = grid[p[1]][p[0]]
                grid[p[1]][p[0]] = t[HEAD + under]
                best, best_score = 0, -(1 << 30)
                for d, (dx, dy) in enumerate(((0, -1), (1, 0), (0, 1), (-1, 0))):
                    score = t[HEAD + k + grid[(p[1] + dy) % size][(p[0] + dx) % size]] + t[3 + d]
                    if t[2] > 0:
                        state ^= (state << 13) & MASK
                        state ^= state >> 17
                        state ^= (state << 5) & MASK
                        score += state % (2 * t[2] + 1) - t[2]
                    if score > best_score:
                        best, best_score = d, score
                p[0], p[1] = (p[0] + (0, 1, 0, -1)[best]) % size, (p[1] + (-1, 0, 1, 0)[best]) % size
        out[n] = np.asarray(grid)
    return out


def ca_python(rules: np.ndarray, k: int, densities: np.ndarray, generations: np.ndarray, seeds: np.ndarray,
              size: int) -> np.ndarray:
    out = np.zeros((len(seeds), size, size), dtype=np.int64)
    width = 8 * (k - 1) + 1
    for n in range(len(seeds)):
        rule, state = rules[n].tolist(), seed_state(int(seeds[n]))
        lo, hi = size * 3 // 8, size - size * 3 // 8
        grid = [[0] * size for _ in range(size)]
        for y in range(lo, hi):
            for x in range(lo, hi):
                state ^= (state << 13) & MASK
                state ^= state >> 17
                state ^= (state << 5) & MASK
                grid[y][x] = 1 + (state >> 8) % (k - 1) if state % 100 < densities[n] else 0
        for _ in range(int(generations[n])):
            grid = [[rule[grid[y][x] * width + sum(grid[(y + j) % size][(x + i) % size]
                                                   for j in (-1, 0, 1) for i in (-1, 0, 1) if i or j)]
                     for x in range(size)] for y in range(size)]
        out[n] = np.asarray(grid)
    return out
