"""Dawkins' embryology: PlugIn turns genes into direction vectors, Tree grows the recursive picture.

Follows the Pascal of his Blind Watchmaker (Mac): ``develop`` gives the picture's line list (his ``Pic``);
``drawn_lines`` applies completeness and spokes symmetry as his ``DrawPic`` does. Coordinates are his
integer pixels, y growing downwards.
"""

from __future__ import annotations

from typing import NamedTuple

from artists.biomorph.genome import Biomorph


class Line(NamedTuple):
    """One segment of the picture: ends, pen thickness (1-8; a taper of 0 draws 1 wide, as the HTML5 port's
    canvas does) and recursion level (0 = trunk)."""

    x0: int
    y0: int
    x1: int
    y1: int
    thick: int
    level: int


def tdiv(a: int, b: int) -> int:
    """Pascal's DIV: integer division truncating toward zero."""
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b > 0) else -q


def plug_in(genes: tuple[int, ...] | list[int]) -> tuple[list[int], list[int], int]:
    """His PlugIn: genes 1-8 become eight direction vectors (dx, dy); gene 9 is the order (depth)."""
    dx, dy = [0] * 8, [0] * 8
    dx[3], dx[4], dx[5] = genes[0], genes[1], genes[2]
    dy[2], dy[3], dy[4], dy[5], dy[6] = genes[3], genes[4], genes[5], genes[6], genes[7]
    dx[1], dy[1] = -dx[3], dy[3]
    dx[0], dy[0] = -dx[4], dy[4]
    dx[7], dy[7] = -dx[5], dy[5]
    return dx, dy, genes[8]


def _tree(out: list[Line], b: Biomorph, x: int, y: int, lgth: int, direction: int, dx: list[int],
          dy: list[int], odd_one: bool, order: int) -> None:
    """His Tree: a line of ``lgth`` steps along vector ``direction``, then two branches one step either side."""
    direction %= 8
    xnew = x + tdiv(lgth * dx[direction], b.trickle)
    ynew = y + tdiv(lgth * dy[direction], b.trickle)
    taper = b.gradients[8]
    thick = lgth if taper == "shrink" else 1 + b.genes[8] - lgth if taper == "swell" else 1
    out.append(Line(x, y, xnew, ynew, min(max(thick, 1), 8), b.genes[8] - lgth))
    if lgth > 1:
        first, second = (direction + 1, direction - 1) if odd_one else (direction - 1, direction + 1)
        _tree(out, b, xnew, ynew, lgth - 1, first, dx, dy, odd_one, order)
        if lgth < order:
            _tree(out, b, xnew, ynew, lgth - 1, second, dx, dy, odd_one, order)


def develop(b: Biomorph) -> list[Line]:
    """His Develop: one tree per segment, segments joined by a spine, genes changing by their gradients."""
    lines: list[Line] = []
    dx, dy, order = plug_in(b.genes)
    extra = {"swell": b.trickle, "shrink": -b.trickle}.get(b.gradients[9], 0)
    running = list(b.genes)
    x = y = increment = 0
    for seg in range(1, b.segments + 1):
        if seg > 1:
            top = y
            y += tdiv(b.segment_distance + increment, b.trickle)
            increment += extra
            spine = b.genes[8] if b.gradients[8] == "shrink" else 1
            lines.append(Line(x, top, x, y, min(max(spine, 1), 8), 0))
            for j in range(8):
                running[j] += {"swell": b.trickle, "shrink": -b.trickle}.get(b.gradients[j], 0)
            running[8] = max(running[8], 1)  # the port: a later segment's tree is at least one step deep
            dx, dy, order = plug_in(running)
        _tree(lines, b, x, y, order, 2, dx, dy, seg % 2 == 1, order)
    return lines


def _styled(line: Line, style: str, swap: bool) -> list[Line]:
    """His ActualLine: the line drawn in a mirror style, optionally with x and y swapped (east-west)."""
    x0, y0, x1, y1 = (line.y0, line.x0, line.y1, line.x1) if swap else line[:4]
    signs = {"LF": [(1, 1)], "RF": [(-1, 1)], "FF": [(1, 1), (-1, 1)], "LUD": [(1, 1), (-1, -1)],
             "RUD": [(-1, 1), (1, -1)], "FUD": [(1, 1), (-1, 1), (1, -1), (-1, -1)]}[style]
    return [Line(sx * x0, sy * y0, sx * x1, sy * y1, line.thick, line.level) for sx, sy in signs]


def drawn_lines(b: Biomorph) -> list[Line]:
    """Every line as drawn on screen: his DrawPic applying completeness and spokes to the picture."""
    double = b.completeness == "double"
    style = ("FF" if double else "LF") if b.spokes == "north" else ("FUD" if double else "LUD")
    out: list[Line] = []
    for line in develop(b):
        out += _styled(line, style, False)
        if b.spokes == "radial":
            out += _styled(line, style if double else "RUD", True)
    return out
