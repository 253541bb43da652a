"""The classic genotypes develop and draw exactly the port's lines (tests/artists/biomorph/port.py)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from artists.biomorph.develop import develop, drawn_lines
from artists.biomorph.genome import PALETTE, Biomorph, basic_tree, classic, insect
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


def test_the_insects_first_lines_are_worked_by_hand() -> None:
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


def dawkins_picture(genes: list[int], trickle: int, segments: int = 1, seg_dist: int = 0,
                    shrink: tuple[int, ...] = (), taper_shrink: bool = False) -> list[tuple[int, ...]]:
    """His PlugIn / Tree / Develop written out again, independently, for 1-based genes (Pascal style)."""
    gene = [None, *genes]  # gene[1..9]
    pic: list[tuple[int, ...]] = []

    def plug_in(g: list) -> tuple[list[int], list[int], int]:
        dx, dy = [0] * 8, [0] * 8
        dx[3] = g[1]
        dx[4] = g[2]
        dx[5] = g[3]
        dx[1] = -dx[3]
        dx[0] = -dx[4]
        dx[7] = -dx[5]
        dx[2] = 0
        dx[6] = 0
        dy[2] = g[4]
        dy[3] = g[5]
        dy[4] = g[6]
        dy[5] = g[7]
        dy[6] = g[8]
        dy[0] = dy[4]
        dy[1] = dy[3]
        dy[7] = dy[5]
        return dx, dy, g[9]

    def tree(x: int, y: int, lgth: int, direction: int, dx: list[int], dy: list[int], oddone: bool,
             order: int) -> None:
        if direction < 0:
            direction = direction + 8
        if direction >= 8:
            direction = direction - 8
        xnew = x + int(lgth * dx[direction] / trickle)  # Pascal DIV truncates toward zero, as int() does
        ynew = y + int(lgth * dy[direction] / trickle)
        thick = lgth if taper_shrink else 1
        pic.append((x, y, xnew, ynew, thick))
        if lgth > 1:
            if oddone:
                tree(xnew, ynew, lgth - 1, direction + 1, dx, dy, oddone, order)
                if lgth < order:
                    tree(xnew, ynew, lgth - 1, direction - 1, dx, dy, oddone, order)
            else:
                tree(xnew, ynew, lgth - 1, direction - 1, dx, dy, oddone, order)
                if lgth < order:
                    tree(xnew, ynew, lgth - 1, direction + 1, dx, dy, oddone, order)

    running = list(gene)
    dx, dy, order = plug_in(running)
    here_h, here_v = 0, 0
    for seg in range(1, segments + 1):
        if seg > 1:
            old_v = here_v
            here_v = here_v + int(seg_dist / trickle)
            pic.append((here_h, old_v, here_h, here_v, gene[9] if taper_shrink else 1))
            for j in range(1, 9):
                if j in shrink:
                    running[j] = running[j] - trickle
            dx, dy, order = plug_in(running)
        tree(here_h, here_v, order, 2, dx, dy, seg % 2 == 1, order)
    return pic


def segments_of(b: Biomorph) -> list[tuple[int, ...]]:
    return [(ln.x0, ln.y0, ln.x1, ln.y1, ln.thick) for ln in develop(b)]


def test_insect_segments_follow_dawkins_plugin_and_tree() -> None:
    t = 10
    expected = dawkins_picture([t, t, -4 * t, t, -t, -2 * t, 8 * t, -4 * t, 6], trickle=t)
    assert segments_of(insect()) == expected
    assert expected[0] == (0, 0, 0, 6, 1)  # the trunk: gene 4 * depth 6 / trickle 10, straight down
    assert len(expected) == 1 + 2 + 4 + 8 + 16 + 1  # one side only at the root (completeness mirrors it)


def test_basic_tree_segments_follow_dawkins_develop() -> None:
    expected = dawkins_picture([-10, -20, -20, -15, -15, 0, 15, 15, 7], trickle=9, segments=2, seg_dist=150,
                               shrink=(4, 5, 6), taper_shrink=True)
    assert segments_of(basic_tree()) == expected
    assert (0, 0, 0, 16, 7) in expected  # the spine between the two segments: 150 div 9 down, thickness 7


def test_completeness_and_spokes_mirror_the_picture() -> None:
    base = develop(insect())
    assert len(drawn_lines(insect())) == len(base)  # his Insect is one-sided
    both = replace(insect(), completeness="double")
    double = drawn_lines(both)
    assert len(double) == 2 * len(base)
    assert {(-a.x0, a.y0, -a.x1, a.y1) for a in double} == {(a.x0, a.y0, a.x1, a.y1) for a in double}
    four = drawn_lines(replace(both, spokes="north-south"))
    assert {(a.x0, -a.y0, a.x1, -a.y1) for a in four} == {(a.x0, a.y0, a.x1, a.y1) for a in four}
    assert len(drawn_lines(replace(both, spokes="radial"))) == 8 * len(base)


def test_depth_zero_with_segments_draws_the_ports_one_step_lines() -> None:
    """The port's develop raises a later segment's depth to 1: a one-step line, not a zero-length stub."""
    b = replace(insect(), genes=(*insect().genes[:8], 0), segments=3, segment_distance=40)
    lines = develop(b)
    assert [(ln.x0, ln.y0, ln.x1, ln.y1, ln.thick) for ln in lines] == port.develop(to_port(b))
    assert (lines[0].y0, lines[0].y1) == (0, 0)          # segment 1: depth 0, no length
    assert lines[2].y1 - lines[2].y0 == int(insect().genes[3] / 10) != 0  # segment 2: one step (dy[2])


def test_depth_zero_tapered_twigs_are_one_pixel_wide_as_the_port_draws_them() -> None:
    for taper in ("shrink", "swell"):
        gradients = ("same",) * 8 + (taper, "same")
        b = replace(insect(), genes=(*insect().genes[:8], 0), segments=2, gradients=gradients)
        assert all(ln.thick >= 1 for ln in develop(b))
        assert [(ln.x0, ln.y0, ln.x1, ln.y1, ln.thick) for ln in develop(b)] == port.develop(to_port(b))
