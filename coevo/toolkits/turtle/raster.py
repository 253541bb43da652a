"""Anti-aliased strokes at any size: one Numba kernel draws a whole population's strokes in parallel.

Each stroke is a capsule (round caps, as OpenCV's thick lines) of width ``pen size × scale`` around the segment
between the pixel centres it joins, its pixels covered by how far they lie inside its edge (a one-pixel ramp),
and laid over the canvas in drawing order. ``draw_python`` is the same loop in plain Python (the benchmark's
baseline and the tests' reference). Every helper lives in this file: Numba's disk cache watches only it.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

from coevo.toolkits.numbacache import announce

FIELDS = 8  # x0, y0, x1, y1, size, r, g, b


@njit(cache=True, inline="always")
def _coverage(px: float, py: float, ax: float, ay: float, bx: float, by: float, radius: float) -> float:
    dx, dy = bx - ax, by - ay
    length2 = dx * dx + dy * dy
    t = 0.0
    if length2 > 0.0:
        t = ((px - ax) * dx + (py - ay) * dy) / length2
        t = min(max(t, 0.0), 1.0)
    ex, ey = px - (ax + t * dx), py - (ay + t * dy)
    return min(max(radius + 0.5 - math.sqrt(ex * ex + ey * ey), 0.0), 1.0)


@njit(cache=True, parallel=True)
def draw_kernel(strokes: np.ndarray, offsets: np.ndarray, canvas: int, out: np.ndarray) -> None:
    """Draw genome ``n``'s strokes ``strokes[offsets[n]:offsets[n + 1]]`` onto ``out[n]`` (C, S, S), white."""
    n_images, channels, size = out.shape[0], out.shape[1], out.shape[2]
    scale = size / canvas
    for n in prange(n_images):
        image = out[n]
        image[:] = 1.0
        for k in range(offsets[n], offsets[n + 1]):
            ax, ay = (strokes[k, 0] + 0.5) * scale, (strokes[k, 1] + 0.5) * scale
            bx, by = (strokes[k, 2] + 0.5) * scale, (strokes[k, 3] + 0.5) * scale
            radius = max(strokes[k, 4] * scale, 1.0) / 2
            reach = radius + 1.0
            x_lo, x_hi = max(int(min(ax, bx) - reach), 0), min(int(max(ax, bx) + reach) + 1, size)
            y_lo, y_hi = max(int(min(ay, by) - reach), 0), min(int(max(ay, by) + reach) + 1, size)
            for y in range(y_lo, y_hi):
                for x in range(x_lo, x_hi):
                    a = _coverage(x + 0.5, y + 0.5, ax, ay, bx, by, radius)
                    if a > 0.0:
                        for c in range(channels):
                            image[c, y, x] += (strokes[k, 5 + c] - image[c, y, x]) * a


def draw(strokes: np.ndarray, offsets: np.ndarray, canvas: int, channels: int, size: int) -> np.ndarray:
    """``(N, channels, size, size)`` float32 in [0, 1] (white background); ``strokes`` float64 ``(M, 8)``."""
    out = np.empty((len(offsets) - 1, channels, size, size), dtype=np.float32)
    announce(draw_kernel, "turtle drawing")
    draw_kernel(np.ascontiguousarray(strokes, dtype=np.float64), offsets.astype(np.int64), canvas, out)
    return out


def draw_python(strokes: np.ndarray, offsets: np.ndarray, canvas: int, channels: int, size: int) -> np.ndarray:
    """The kernel's loop in plain Python, pixel by pixel (the baseline the benchmark measures against)."""
    out = np.ones((len(offsets) - 1, channels, size, size), dtype=np.float32)
    scale = size / canvas
    for n in range(len(offsets) - 1):
        image = out[n].tolist()
        for k in range(int(offsets[n]), int(offsets[n + 1])):
            s = strokes[k].tolist()
            ax, ay, bx, by = ((s[0] + 0.5) * scale, (s[1] + 0.5) * scale, (s[2] + 0.5) * scale,
                              (s[3] + 0.5) * scale)
            radius = max(s[4] * scale, 1.0) / 2
            reach = radius + 1.0
            dx, dy = bx - ax, by - ay
            length2 = dx * dx + dy * dy
            for y in range(max(int(min(ay, by) - reach), 0), min(int(max(ay, by) + reach) + 1, size)):
                for x in range(max(int(min(ax, bx) - reach), 0), min(int(max(ax, bx) + reach) + 1, size)):
                    px, py = x + 0.5, y + 0.5
                    t = min(max(((px - ax) * dx + (py - ay) * dy) / length2, 0.0), 1.0) if length2 > 0 else 0.0
                    ex, ey = px - (ax + t * dx), py - (ay + t * dy)
                    a = min(max(radius + 0.5 - math.sqrt(ex * ex + ey * ey), 0.0), 1.0)
                    if a > 0.0:
                        for c in range(channels):
                            image[c][y][x] += (s[5 + c] - image[c][y][x]) * a
        out[n] = np.asarray(image, dtype=np.float32)
    return out
