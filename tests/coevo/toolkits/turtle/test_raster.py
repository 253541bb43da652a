"""Turtle rasterising (coevo/toolkits/turtle/raster.py): antialiased at any size, the kernel is the Python loop."""

from __future__ import annotations

import random

import numpy as np

from artists.lines import LinesGenetics
from artists.lines.genetics import pack
from coevo.toolkits.turtle.raster import draw, draw_python


def test_rendering_at_any_size_is_antialiased_and_matches_the_python_loop() -> None:
    genetics = LinesGenetics(channels=1)
    line = (("fd", 10),)  # (64, 64) to (64, 74), 3 px wide
    small, big = genetics.render([line], 128)[0, 0], genetics.render([line], 512)[0, 0]
    assert small[64:75, 64].max() == -1 and small[69, 60].item() == 1 and small[40, 40].item() == 1
    assert small[69, 62].item() == 1 and small[69, 63].item() == -1  # 1.5 px either side of the centre line
    slanted = genetics.render([(("rt", 45), ("fd", 10))], 128)[0, 0]
    assert ((slanted > -1) & (slanted < 1)).sum() > 10  # edges are ramps
    assert big[4 * 69 + 2, 4 * 64 + 2].item() == -1 and big.shape == (512, 512)
    assert genetics.render([line], 37).shape == (1, 1, 37, 37)
    random.seed(3)
    colour = LinesGenetics(channels=3)
    genomes = [colour.random_genome() for _ in range(3)]
    strokes, offsets = pack([colour.strokes(g) for g in genomes])
    assert np.allclose(draw(strokes, offsets, 128, 3, 40), draw_python(strokes, offsets, 128, 3, 40), atol=1e-5)
