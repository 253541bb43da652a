"""BiomorphGenetics (artists/biomorph/genetics.py): rendering, SVG, classic starts, JSON, long lineages."""

from __future__ import annotations

import random
import xml.etree.ElementTree as ET
from dataclasses import replace

import pytest
import torch

from artists.biomorph import BiomorphGenetics
from artists.biomorph.develop import drawn_lines
from artists.biomorph.genome import basic_tree, classic, insect
from artists.biomorph.mutation import mac_mutate, pc_mutate
from artists.biomorph.saltation import hopeful_monster
from coevo.errors import CoevoError
from coevo.protocols import Genetics


def test_render_is_batched_antialiased_and_fitted() -> None:
    genetics = BiomorphGenetics(channels=3)
    small = replace(insect(), genes=(*insect().genes[:8], 2))  # a tiny picture: depth 2
    images = genetics.render([insect(), small], 64)
    assert images.shape == (2, 3, 64, 64) and images.dtype == torch.float32
    assert images.min() >= -1 and images.max() <= 1
    grey = images.mean(1)
    assert ((grey > -0.95) & (grey < 0.95)).any()  # anti-aliased edges: intermediate tones
    for picture in grey:  # both fill the cell, whatever their own size
        ys, xs = torch.nonzero(picture < 0.5, as_tuple=True)
        assert max(int(ys.max() - ys.min()), int(xs.max() - xs.min())) >= 64 * 0.8
    assert BiomorphGenetics(channels=1).render([insect()], 32).shape == (1, 1, 32, 32)


def test_svg_holds_the_line_segments_themselves() -> None:
    b = replace(insect(), colours=(2 * 6 + 4,) * 8)  # palette cube (r, g, b) = (0, 2, 4) * 51
    root = ET.fromstring(BiomorphGenetics().svg(b, 300))
    lines = [e for e in root.iter() if e.tag.endswith("line")]
    assert root.get("width") == "300"
    drawn = drawn_lines(b)
    assert [(int(e.get("x1")), int(e.get("y1")), int(e.get("x2")), int(e.get("y2"))) for e in lines] == \
        [(ln.x0, ln.y0, ln.x1, ln.y1) for ln in drawn]
    assert {e.get("stroke") for e in lines} == {"#0066cc"}


def test_classic_names_and_start_option() -> None:
    assert classic("insect") == insect()
    with pytest.raises(CoevoError, match="BasicTree"):
        classic("Dragon")
    assert BiomorphGenetics(start="BasicTree").random_genome() == basic_tree()
    with pytest.raises(CoevoError):
        BiomorphGenetics(start="Dragon")


def test_genetics_protocol_and_json_checks() -> None:
    genetics = BiomorphGenetics(mutation="pc")
    assert isinstance(genetics, Genetics)
    assert BiomorphGenetics(**genetics.options()).options() == genetics.options()
    data = genetics.to_json(basic_tree())
    assert genetics.from_json(data) == basic_tree()
    for bad in ({**data, "genes": [1, 2]}, {**data, "spokes": "west"}, {**data, "tail": 1},
                {**data, "segments": 5000}, {**data, "thickness": 101}, {**data, "colours": [999] * 8}):
        with pytest.raises(CoevoError):
            genetics.from_json(bad)


def test_long_lineages_stay_valid_genomes() -> None:
    random.seed(8)
    genetics = BiomorphGenetics()
    for mutate in (mac_mutate, pc_mutate):
        b = hopeful_monster()
        for _ in range(300):
            b = mutate(b, strength=3.0)
            assert genetics.from_json(genetics.to_json(b)) == b
