"""Line widths (his pen zoomed with the picture, or fixed to the image) and limb shapes."""

from __future__ import annotations

import random
import xml.etree.ElementTree as ET
from dataclasses import replace

import numpy as np
import pytest
from PIL import Image, ImageDraw

from artists.biomorph import BiomorphGenetics
from artists.biomorph.develop import drawn_lines
from artists.biomorph.draw import fit, outline_box
from artists.biomorph.genome import PALETTE, Biomorph, basic_tree, insect


def ink(genetics: BiomorphGenetics, b, size: int = 128) -> float:
    """Share of the image darker than mid-grey."""
    return float((genetics.render([b], size).mean(1) < 0).float().mean())


def test_original_line_width_zooms_the_pen_with_the_picture() -> None:
    thick = replace(basic_tree(), thickness=2)  # twig taper: lines up to 7 of his pixels, doubled
    original, fixed = BiomorphGenetics(), BiomorphGenetics(line_width="fixed")
    assert ink(original, thick) > 2 * ink(fixed, thick)  # (both scaled down so that the thick pen fits too)
    scale = fit(drawn_lines(thick), 300)[0]
    widths = {float(e.get("stroke-width")) for e in ET.fromstring(original.svg(thick, 300)).iter()
              if e.tag.endswith("line")}
    assert widths == {2.0 * k for k in range(1, 8)}  # his pixels, whatever the zoom
    assert scale > 1
    with pytest.raises(ValueError, match="line_width"):
        BiomorphGenetics(line_width="bold")
    assert BiomorphGenetics(**fixed.options()).line_width == "fixed"


@pytest.mark.parametrize("shape", ["oval", "rectangle"])
def test_limb_shapes_fill_their_boxes(shape: str) -> None:
    genetics = BiomorphGenetics()
    stick = insect()
    assert ink(genetics, replace(stick, limb_shape=shape, limb_fill="filled")) > \
        ink(genetics, replace(stick, limb_shape=shape, limb_fill="open")) > ink(genetics, stick)
    tag = "ellipse" if shape == "oval" else "rect"
    root = ET.fromstring(genetics.svg(replace(stick, limb_shape=shape), 200))
    background = 1 if tag == "rect" else 0
    assert sum(e.tag.endswith(tag) for e in root.iter()) == len(drawn_lines(stick)) + background


def test_outline_box_draws_pils_thick_outline_pixel_for_pixel() -> None:
    """Random boxes (thin, empty, wider pens than the box, off the canvas edge) and widths 0-90."""
    rng = random.Random(1)
    for _ in range(3000):
        x0, y0 = rng.uniform(0, 80), rng.uniform(0, 80)
        x1 = x0 + rng.choice([0, rng.uniform(0, 3), rng.uniform(0, 40), rng.uniform(0, 100)])
        y1 = y0 + rng.choice([0, rng.uniform(0, 3), rng.uniform(0, 40), rng.uniform(0, 100)])
        width = rng.choice([0, 1, 2, 3, rng.randrange(1, 30), rng.randrange(30, 90)])
        by_pil, by_bands = Image.new("RGB", (90, 90), (9, 9, 9)), Image.new("RGB", (90, 90), (9, 9, 9))
        ImageDraw.Draw(by_pil).rectangle([x0, y0, x1, y1], outline=(200, 10, 30), width=width)
        outline_box(ImageDraw.Draw(by_bands), [x0, y0, x1, y1], (200, 10, 30), width)
        assert by_pil.tobytes() == by_bands.tobytes(), ((x0, y0, x1, y1), width)


OVERFLOWING = [  # bred children whose thick pens reached past the box when only the lines' ends were fitted
    Biomorph(genes=(-15, 0, 6, 9, -9, 15, -21, 9, 3), gradients=("swell", "same", "same", "swell", "swell", "swell",
             "same", "shrink", "same", "swell"), segments=2, segment_distance=14, completeness="single",
             spokes="north-south", trickle=7, mutation_size=3, mutation_rate=10,
             colours=(248, 207, 155, 245, 183, 112, 70, 144), background=127, thickness=3, limb_shape="oval",
             limb_fill="open"),
    Biomorph(genes=(-19, -2, 18, 2, -16, 16, 6, 10, 3), gradients=("same", "same", "same", "same", "shrink",
             "shrink", "shrink", "shrink", "same", "shrink"), segments=2, segment_distance=19,
             completeness="double", spokes="radial", trickle=7, mutation_size=1, mutation_rate=9,
             colours=(61, 254, 230, 241, 194, 108, 48, 249), background=221, thickness=3, limb_shape="rectangle",
             limb_fill="open"),
    replace(basic_tree(), thickness=12),
]


@pytest.mark.parametrize("line_width", ["original", "fixed"])
@pytest.mark.parametrize("b", OVERFLOWING, ids=["oval", "open-rectangle", "thick-tree"])
def test_the_whole_biomorph_fits_its_box_pen_and_all(b: Biomorph, line_width: str) -> None:
    """Scaled down to fit and centred, as in Dawkins' boxes: no pixel of the border is anything but background."""
    genetics = BiomorphGenetics(line_width=line_width)
    for size in (64, 128, 200):
        image = genetics.render_pixels([b], size)[0].astype(int)
        border = np.concatenate([image[:, 0], image[:, -1], image[:, :, 0], image[:, :, -1]], axis=1)
        background = np.array(PALETTE[b.background])[:, None]
        assert np.abs(border - background).max() <= 8, f"the biomorph touches the edge of its {size}-px box"
        ink = np.abs(image - background[:, :, None]).max(0) > 8
        rows, cols = np.flatnonzero(ink.any(1)), np.flatnonzero(ink.any(0))
        assert max(rows[-1] - rows[0], cols[-1] - cols[0]) >= 0.6 * size  # and still fills most of it
