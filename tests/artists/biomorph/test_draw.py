"""Line widths (his pen zoomed with the picture, or fixed to the image) and limb shapes."""

from __future__ import annotations

import random
import xml.etree.ElementTree as ET
from dataclasses import replace

import pytest
from PIL import Image, ImageDraw

from artists.biomorph import BiomorphGenetics
from artists.biomorph.develop import drawn_lines
from artists.biomorph.draw import fit, outline_box
from artists.biomorph.genome import basic_tree, insect


def ink(genetics: BiomorphGenetics, b, size: int = 128) -> float:
    """Share of the image darker than mid-grey."""
    return float((genetics.render([b], size).mean(1) < 0).float().mean())


def test_original_line_width_zooms_the_pen_with_the_picture() -> None:
    thick = replace(basic_tree(), thickness=2)  # twig taper: lines up to 7 of his pixels, doubled
    original, fixed = BiomorphGenetics(), BiomorphGenetics(line_width="fixed")
    assert ink(original, thick) > 2.5 * ink(fixed, thick)
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
