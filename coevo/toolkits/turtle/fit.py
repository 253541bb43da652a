"""Drawings fitted to their box: each drawing's strokes zoomed about their centre so that the drawing, pen and
all, fills the canvas (a margin left), as a display does (the pen keeps its width); Vickers' canvas itself leaves
most drawings in a small patch around its centre, where the turtle starts."""

from __future__ import annotations

import numpy as np

MARGIN = 0.06  # empty border around the fitted drawing, as a fraction of the side (as the biomorphs' boxes)
MAX_ZOOM = 8.0  # a few short strokes are enlarged at most this much


def fit_strokes(strokes: np.ndarray, offsets: np.ndarray, canvas: int, margin: float = MARGIN,
                max_zoom: float = MAX_ZOOM) -> np.ndarray:
    """``strokes`` float ``(M, 8)`` (x0, y0, x1, y1, size, r, g, b in canvas pixels) with each drawing's
    (``offsets`` as ``coevo.toolkits.turtle.trace`` gives them) ends zoomed by one factor about their centre, moved
    to the canvas's centre, so that the strokes' reach (the ends plus half the widest pen, which keeps its size:
    lines stay lines) spans the canvas's side less the margins; zoomed at most ``max_zoom``. A copy."""
    out = np.array(strokes, dtype=np.float64, copy=True).reshape(-1, 8)
    room = canvas * (1 - 2 * margin)
    centre = (canvas - 1) / 2  # pixel i is centred at i + 0.5: the canvas's centre is at (canvas - 1) / 2
    for n in range(len(offsets) - 1):
        part = out[offsets[n]:offsets[n + 1]]
        if not len(part):
            continue
        pen = float(np.maximum(part[:, 4], 1.0).max())  # the raster draws a pen at least one pixel wide
        xs, ys = part[:, [0, 2]], part[:, [1, 3]]
        span = max(float(xs.max() - xs.min()), float(ys.max() - ys.min()))
        zoom = min(max(room - pen, 1.0) / span, max_zoom) if span > 0 else max_zoom
        part[:, [0, 2]] = (xs - (xs.max() + xs.min()) / 2) * zoom + centre
        part[:, [1, 3]] = (ys - (ys.max() + ys.min()) / 2) * zoom + centre
    return out
