"""fit_strokes (coevo/toolkits/turtle/fit.py): each drawing zoomed to fill the canvas, centred, its pen kept."""

from __future__ import annotations

import numpy as np

from coevo.toolkits.turtle import raster
from coevo.toolkits.turtle.fit import MARGIN, fit_strokes


def ink_box(image: np.ndarray) -> tuple[int, int, int, int]:
    """Rows and columns (first, last) of pixels darker than the white background."""
    ink = image.min(0) < 0.9
    rows, cols = np.flatnonzero(ink.any(1)), np.flatnonzero(ink.any(0))
    return rows[0], rows[-1], cols[0], cols[-1]


def test_a_small_drawing_off_centre_fills_its_box_centred_its_pen_and_colours_kept() -> None:
    # a 20 x 12 px drawing in a corner of the 128 canvas, then a drawing with no stroke, then a lone dot
    small = [[5, 5, 25, 5, 3, 1, 0, 0], [25, 5, 25, 17, 2, 0, 1, 0], [40, 40, 40, 40, 1, 0, 0, 1]]
    strokes = np.array(small[:2] + small[2:], dtype=np.float64)
    offsets = np.array([0, 2, 2, 3])
    fitted = fit_strokes(strokes, offsets, 128)
    assert np.array_equal(fitted[:, 4:], strokes[:, 4:])  # pens and colours as drawn
    before, after = (raster.draw(s, offsets, 128, 3, 128) for s in (strokes, fitted))
    top, bottom, left, right = ink_box(before[0])
    assert max(bottom - top, right - left) < 26  # a small patch ...
    top, bottom, left, right = ink_box(after[0])
    assert right - left + 1 >= (1 - 2 * MARGIN) * 128 - 2  # ... now as wide as the box less its margins
    assert left >= 128 * MARGIN - 2 and right <= 128 * (1 - MARGIN) + 2
    assert abs((top + bottom) / 2 - 63.5) <= 1 and abs((left + right) / 2 - 63.5) <= 1  # centred
    assert after[1].min() == 1.0  # nothing drawn stays nothing
    top, bottom, left, right = ink_box(after[2])
    assert (top + bottom) / 2 == 63.5 == (left + right) / 2 and bottom - top <= 2  # a dot: centred, still a dot
    assert np.array_equal(strokes, np.array(small, dtype=np.float64))  # the input is left alone


def test_a_drawing_to_the_canvas_edge_comes_inside_the_margins_pen_and_all() -> None:
    strokes = np.array([[0, 0, 127, 127, 3, 0, 0, 0], [127, 0, 0, 127, 3, 0, 0, 0]], dtype=np.float64)
    image = raster.draw(fit_strokes(strokes, np.array([0, 2]), 128), np.array([0, 2]), 128, 1, 128)[0]
    top, bottom, left, right = ink_box(image)
    assert min(top, left) >= 128 * MARGIN - 1 and max(bottom, right) <= 128 * (1 - MARGIN) + 1
