"""The classic genotypes develop and draw exactly the port's lines (tests/artists/biomorph/port.py)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from artists.biomorph.develop import develop, drawn_lines
from artists.biomorph.genome import PALETTE, classic
from tests.artists.biomorph import port
from tests.artists.biomorph.port import to_port


@pytest.mark.parametrize(("name", "pic", "drawn"), [("Insect", 32, 32), ("Chess", 64, 64), ("BasicTree", 129, 129)])
def test_classics_draw_the_ports_lines(name: str, pic: int, drawn: int) -> None:
    ours = classic(name)
    theirs = port.classic(name)
    assert {k: v for k, v in to_port(ours).items() if k in theirs} == theirs  # same genotype
    assert [(ln.x0, ln.y0, ln.x1, ln.y1, ln.thick) for ln in develop(ours)] == port.develop(theirs)
    assert [(ln.x0, ln.y0, ln.x1, ln.y1) for ln in drawn_lines(ours)] == port.draw_pic(theirs)
    assert (len(port.develop(theirs)), len(port.draw_pic(theirs))) == (pic, drawn)
    # a root of depth d has 2**(d-1) lines, one-sided: 1 + (2**(d-1) - 1) below the trunk
    assert pic == ours.segments * 2 ** (ours.genes[8] - 1) + ours.segments - 1


def test_insect_by_hand() -> None:
    lines = drawn_lines(classic("Insect"))
    assert (lines[0].x0, lines[0].y0, lines[0].x1, lines[0].y1) == (0, 0, 0, 6)  # trunk: 10 * 6 div 10 down
    assert (lines[1].x0, lines[1].y0, lines[1].x1, lines[1].y1) == (0, 6, 5, 1)  # dir 3: (10, -10) * 5 div 10


@pytest.mark.parametrize("spokes", ["north", "north-south", "radial"])
@pytest.mark.parametrize("completeness", ["single", "double"])
def test_symmetries_draw_the_ports_lines(spokes: str, completeness: str) -> None:
    b = replace(classic("BasicTree"), spokes=spokes, completeness=completeness, segments=3,
                gradients=("swell", "same", "shrink", "same", "swell", "same", "same", "shrink", "swell", "swell"))
    assert [(ln.x0, ln.y0, ln.x1, ln.y1) for ln in drawn_lines(b)] == port.draw_pic(to_port(b))


def test_palette_is_the_macs() -> None:
    """Palette.generateMacPalette: the 6x6x6 cube, then red, green, blue and grey ramps 255, 230, ..., 30."""
    assert len(PALETTE) == 256 and PALETTE[0] == (0, 0, 0) and PALETTE[215] == (255, 255, 255)
    assert PALETTE[1] == (0, 0, 51) and PALETTE[36] == (51, 0, 0)
    assert PALETTE[216:226] == [(v, 0, 0) for v in (255, 230, 205, 180, 155, 130, 105, 80, 55, 30)]
    assert PALETTE[226] == (0, 255, 0) and PALETTE[236] == (0, 0, 255) and PALETTE[246] == (255, 255, 255)
    assert PALETTE[255] == (30, 30, 30)
