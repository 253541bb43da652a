"""Drawing biomorphs: anti-aliased raster images auto-fitted to the cell (PIL, supersampled) and SVG.

Line widths: ``original`` draws his pen widths in his pixels, zoomed with the picture as the Mac drew
them; ``fixed`` keeps them to the image size instead (thin lines on small pictures zoomed up).
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np
from PIL import Image, ImageDraw

from artists.biomorph.develop import Line, drawn_lines
from artists.biomorph.genome import PALETTE, Biomorph

if TYPE_CHECKING:
    import torch

MARGIN = 0.06  # empty border around the fitted picture, as a fraction of the side
LINE_WIDTHS = ("original", "fixed")
THIN_PEN = 8  # outlines narrower than this many pixels are left to PIL (see outline_box)


def supersample(size: int) -> int:
    """Drawn at this many times the size, then box-filtered down (anti-aliasing); less for big images."""
    return 3 if size <= 128 else 2


def pen_width(b: Biomorph, line: Line, size: int, scale: float, line_width: str = "original") -> float:
    """Stroke width in output pixels, at least one: his pen (line thickness times the thickness gene)
    zoomed by ``scale`` as the picture is (original), or scaled with the image ``size`` (fixed)."""
    return max(1.0, line.thick * b.thickness * (scale if line_width == "original" else size / 256))


def limb_box(a: tuple[float, float], z: tuple[float, float]) -> list[float]:
    """His Limb: the rectangle spanned by a line, where oval and rectangle limbs are drawn."""
    return [min(a[0], z[0]), min(a[1], z[1]), max(a[0], z[0]), max(a[1], z[1])]


def outline_box(pen: ImageDraw.ImageDraw, box: list[float], colour: tuple[int, ...], width: int) -> None:
    """PIL's ``rectangle(box, outline=colour, width=width)``, pixel for pixel (tested); a wide pen as four filled
    bands, since PIL draws a thick outline line by line (6 times slower for zoomed open-rectangle limbs)."""
    if width < THIN_PEN:
        pen.rectangle(box, outline=colour, width=width)  # a few calls cost more than PIL's own thin outline
        return
    x0, y0, x1, y1 = (int(v) for v in box)  # PIL truncates the corners
    pen.rectangle([x0, y0, x1, y0 + width - 1], fill=colour)
    pen.rectangle([x0, y1 - width + 1, x1, y1], fill=colour)
    a, b = y0 + width, y1 - width + 1  # PIL runs the sides from row a towards row b, b itself left out
    if a != b:
        top, bottom = (a, b - 1) if a < b else (b + 1, a)
        pen.rectangle([x0, top, x0 + width - 1, bottom], fill=colour)
        pen.rectangle([x1 - width + 1, top, x1, bottom], fill=colour)


def fit(lines: list[Line], size: int, widths: list[float] | None = None, pad: float = 0.0,
        ) -> tuple[float, float, float]:
    """Scale and offsets mapping picture coordinates into a ``size`` square, centred, keeping proportions, with
    the pen's reach inside the box too (as Dawkins' program scales a biomorph down to fit its box): each line's
    ends reach half its ``widths`` (picture units, zoomed with it) plus ``pad`` pixels (a pen fixed in pixels)."""
    halves = [w / 2 for w in widths] if widths is not None else [0.0] * len(lines)
    xs = [v for ln, h in zip(lines, halves) for v in (ln.x0 - h, ln.x0 + h, ln.x1 - h, ln.x1 + h)] or [0]
    ys = [v for ln, h in zip(lines, halves) for v in (ln.y0 - h, ln.y0 + h, ln.y1 - h, ln.y1 + h)] or [0]
    span = max(max(xs) - min(xs), max(ys) - min(ys), 1)
    room = size * (1 - 2 * MARGIN)
    scale = max(room - 2 * pad, room / 4) / span  # a pen wider than the box still leaves the figure a quarter
    return scale, size / 2 - scale * (max(xs) + min(xs)) / 2, size / 2 - scale * (max(ys) + min(ys)) / 2


def reach(b: Biomorph, lines: list[Line], size: int, line_width: str = "original") -> tuple[list[float], float]:
    """``fit``'s pen reach for an image of ``size`` pixels: widths in picture units (original: his pen, zoomed
    with the picture) and a padding in pixels (fixed: the widest pen at this size, plus the one-pixel least). A
    limb's outline is drawn inside its box, so a short limb's reaches a whole pen past its ends, not half."""
    limb = 2 if b.limb_shape != "stick" else 1
    if line_width == "original":
        return [limb * ln.thick * b.thickness for ln in lines], 0.5
    return [0.0] * len(lines), max([limb * ln.thick * b.thickness * size / 512 for ln in lines] + [0.5])


def draw(b: Biomorph, size: int, line_width: str = "original") -> Image.Image:
    """One biomorph as an RGB image of ``size`` pixels."""
    factor = supersample(size)
    big = size * factor
    image = Image.new("RGB", (big, big), PALETTE[b.background])
    pen = ImageDraw.Draw(image)
    lines = drawn_lines(b)
    widths, pad = reach(b, lines, size, line_width)
    scale, ox, oy = fit(lines, big, widths, pad * factor)
    for ln in lines:
        width = pen_width(b, ln, size, scale / factor, line_width) * factor
        colour = PALETTE[b.colours[ln.level % 8]]
        a = (ln.x0 * scale + ox, ln.y0 * scale + oy)
        z = (ln.x1 * scale + ox, ln.y1 * scale + oy)
        if b.limb_shape == "rectangle" and b.limb_fill == "open":
            outline_box(pen, limb_box(a, z), colour, round(width))
        elif b.limb_shape != "stick":
            shape = pen.ellipse if b.limb_shape == "oval" else pen.rectangle
            shape(limb_box(a, z), fill=colour if b.limb_fill == "filled" else None, outline=colour,
                  width=round(width))
        pen.line([a, z], fill=colour, width=round(width))
        if width >= 6:  # round joints so thick limbs meet cleanly
            r = width / 2
            for x, y in (a, z):
                pen.ellipse([x - r, y - r, x + r, y + r], fill=colour)
    return image.reduce(factor)


@lru_cache(maxsize=64)
def pixels(b: Biomorph, size: int, channels: int, line_width: str = "original") -> np.ndarray:
    """One biomorph as uint8 ``(channels, size, size)``, cached: a parent and unmutated children recur."""
    image = draw(b, size, line_width)
    array = np.asarray(image.convert("L"))[None] if channels == 1 else np.asarray(image).transpose(2, 0, 1)
    array.setflags(write=False)
    return array


def pixel_batch(genomes: list[Biomorph], size: int, channels: int, line_width: str = "original") -> np.ndarray:
    """Batch of biomorphs as uint8 ``(N, channels, size, size)``."""
    out = np.empty((len(genomes), channels, size, size), dtype=np.uint8)
    for i, b in enumerate(genomes):
        out[i] = pixels(b, size, channels, line_width)
    return out


def render(genomes: list[Biomorph], size: int, channels: int, line_width: str = "original") -> torch.Tensor:
    """Batch of biomorphs as ``(N, channels, size, size)`` float32 in ``[-1, 1]``."""
    return to_unit(pixel_batch(genomes, size, channels, line_width))


def to_unit(pixels: np.ndarray) -> torch.Tensor:
    """uint8 pixels as float32 in ``[-1, 1]`` (torch imported only here: drawing needs PIL alone)."""
    import torch

    scaled = np.multiply(pixels, 1 / 127.5, dtype=np.float32)  # NumPy: single-threaded, steady on busy machines
    scaled -= 1.0
    return torch.from_numpy(scaled)


def svg(b: Biomorph, size: int, line_width: str = "original") -> str:
    """The biomorph's line segments as SVG, in Dawkins' own integer coordinates (a viewBox fits them)."""
    lines = drawn_lines(b)
    scale, ox, oy = fit(lines, size, *reach(b, lines, size, line_width))
    left, top, side = -ox / scale, -oy / scale, size / scale

    def hexcolour(index: int) -> str:
        return "#{:02x}{:02x}{:02x}".format(*PALETTE[index])

    body = [f'<rect x="{left:.3f}" y="{top:.3f}" width="{side:.3f}" height="{side:.3f}" '
            f'fill="{hexcolour(b.background)}"/>']
    for ln in lines:
        colour = hexcolour(b.colours[ln.level % 8])
        width = f'stroke-width="{pen_width(b, ln, size, scale, line_width) / scale:.4f}"'
        if b.limb_shape != "stick":
            x0, y0, x1, y1 = limb_box((ln.x0, ln.y0), (ln.x1, ln.y1))
            fill = colour if b.limb_fill == "filled" else "none"
            body.append(f'<ellipse cx="{(x0 + x1) / 2}" cy="{(y0 + y1) / 2}" rx="{(x1 - x0) / 2}" '
                        f'ry="{(y1 - y0) / 2}" fill="{fill}" stroke="{colour}" {width}/>'
                        if b.limb_shape == "oval" else
                        f'<rect x="{x0}" y="{y0}" width="{x1 - x0}" height="{y1 - y0}" fill="{fill}" '
                        f'stroke="{colour}" {width}/>')
        body.append(f'<line x1="{ln.x0}" y1="{ln.y0}" x2="{ln.x1}" y2="{ln.y1}" stroke="{colour}" {width}/>')
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" '
            f'viewBox="{left:.3f} {top:.3f} {side:.3f} {side:.3f}">\n'
            '<g stroke-linecap="round">\n' + "\n".join(body) + "\n</g>\n</svg>\n")
