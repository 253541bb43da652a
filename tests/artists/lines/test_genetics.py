"""LinesGenetics (artists/lines/genetics.py): variation keeps programs valid, JSON and SVG, a seed's determinism."""

from __future__ import annotations

import math
import random
import xml.etree.ElementTree as ET

import pytest
import torch

from artists.lines import LinesGenetics
from coevo.errors import CoevoError
from coevo.protocols import Genetics, VectorDrawing


def test_variation_keeps_programs_valid_over_a_thousand_applications() -> None:
    random.seed(0)
    genetics = LinesGenetics(channels=3, max_length=40, pushpop=False)
    pool = [genetics.random_genome() for _ in range(8)]
    for i in range(1000):
        if i % 3:
            child = genetics.mutate(random.choice(pool), strength=random.choice([0.5, 1.0, 3.0]))
            children = [child]
        else:
            children = list(genetics.crossover(random.choice(pool), random.choice(pool)))
        for child in children:
            assert 1 <= len(child) <= 40
            assert genetics.from_json(genetics.to_json(child)) == child
            assert not any(op in ("push", "pop") for op, *_ in child) or any(
                op in ("push", "pop") for g in pool for op, *_ in g)
        pool[random.randrange(len(pool))] = children[0]
    images = genetics.render(pool, 32)
    assert images.shape == (8, 3, 32, 32) and images.min() >= -1 and images.max() <= 1


def test_genome_json_and_svg() -> None:
    genetics = LinesGenetics(channels=3)
    assert isinstance(genetics, Genetics) and isinstance(genetics, VectorDrawing)
    program = (("fd", 10), ("rt", 90), ("colour", 128, 60, 255), ("fd", 10))
    data = genetics.to_json(program)
    assert data == {"program": [["fd", 10], ["rt", 90], ["colour", 128, 60, 255], ["fd", 10]]}
    assert genetics.from_json(data) == program
    svg = ET.fromstring(genetics.svg(program, 512))
    lines = [e for e in svg.iter() if e.tag.endswith("line")]
    assert [(float(e.get("x1")), float(e.get("y1")), float(e.get("x2")), float(e.get("y2"))) for e in lines] == [
        (64.5, 64.5, 64.5, 74.5), (64.5, 74.5, 74.5, 74.5)]
    assert lines[1].get("stroke") == "#01ff01" and svg.get("width") == "512"
    for bad, message in [([], "JSON object"), ({"program": [["jump", 3]]}, "one of pen"),
                         ({"program": [["fd"]]}, "takes 1 argument"), ({"program": [["fd", 1.5]]}, "integers"),
                         ({"program": [["repeat", 99]]}, "repeat counts"), ({"program": []}, "1 to")]:
        with pytest.raises(CoevoError, match=message):
            genetics.from_json(bad)


def test_deterministic_for_a_seed() -> None:
    genetics = LinesGenetics(channels=3)
    runs = []
    for _ in range(2):
        random.seed(7)
        genomes = [genetics.random_genome() for _ in range(4)]
        runs.append((genomes, genetics.render(genomes, 64)))
    assert runs[0][0] == runs[1][0] and torch.equal(runs[0][1], runs[1][1])
    assert math.isclose(float(runs[0][1].min()), float(runs[1][1].min()))


def test_fit_zooms_a_small_drawing_to_its_box_and_the_default_draws_vickers_canvas() -> None:
    square = (("repeat", 4), ("fd", 14), ("rt", 90), ("end",))  # a 14-px square at the canvas's centre
    plain, fitted = LinesGenetics(), LinesGenetics(fit=True)
    small, large = plain.render([square], 128)[0, 0], fitted.render([square], 128)[0, 0]

    def width(image: torch.Tensor) -> int:
        ink = image < 0.8
        cols, rows = torch.nonzero(ink.any(0)).flatten(), torch.nonzero(ink.any(1)).flatten()
        return int(max(cols[-1] - cols[0], rows[-1] - rows[0])) + 1

    assert width(small) < 20 and width(large) >= 0.8 * 128  # the square fills most of its box when fitted
    assert LinesGenetics(**fitted.options()).fit and not LinesGenetics(**plain.options()).fit
    root = ET.fromstring(fitted.svg(square, 128))
    xs = [float(e.get(k)) for e in root.iter() if e.tag.endswith("line") for k in ("x1", "x2")]
    assert max(xs) - min(xs) >= 0.8 * 128  # the SVG too
