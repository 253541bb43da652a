"""Strokes as SVG lines in canvas pixels (a viewBox scales them to the asked size)."""

from __future__ import annotations

from collections.abc import Sequence

from coevo.toolkits.turtle.rules import Stroke


def strokes_svg(strokes: Sequence[Stroke], canvas: int, size: int) -> str:
    """A white ``canvas``-pixel square with every stroke as a round-capped line, shown at ``size`` pixels."""
    body = [f'<rect width="{canvas}" height="{canvas}" fill="#ffffff"/>']
    for s in strokes:
        colour = "#{:02x}{:02x}{:02x}".format(*(round(v * 255) for v in (s.r, s.g, s.b)))
        body.append(f'<line x1="{s.x0 + 0.5:.3f}" y1="{s.y0 + 0.5:.3f}" x2="{s.x1 + 0.5:.3f}" '
                    f'y2="{s.y1 + 0.5:.3f}" stroke="{colour}" stroke-width="{s.size}"/>')
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" viewBox="0 0 {canvas} {canvas}">\n'
            '<g stroke-linecap="round">\n' + "\n".join(body) + "\n</g>\n</svg>\n")
