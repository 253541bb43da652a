"""Ant genomes (artists/ants/genome.py): bad genomes named."""

from __future__ import annotations

import pytest

from artists.ants import AntGenetics
from artists.ants.genome import Painting
from coevo.errors import CoevoError
from tests.helpers import ant


def test_bad_genomes_are_named() -> None:
    genetics = AntGenetics(channels=1)
    good = genetics.to_json(Painting((ant(0.5, 0.5, 0, (0,), (0,)),), 3))
    assert genetics.from_json(good).ants[0].x == 0.5
    cases = [([], "JSON object"), ({**good, "seed": -1}, "seed"), ({**good, "ants": []}, "1 to"),
             ({**good, "ants": [{**good["ants"][0], "paint": [0, 0, 0]}]}, "1 channels"),
             ({**good, "ants": [{**good["ants"][0], "turns": [0, 0, 0]}]}, "not all be 0"),
             ({**good, "ants": [{**good["ants"][0], "x": 1.5}]}, r"\[0, 1\)"),
             ({**good, "ants": [{"x": 0.1}]}, "lacks")]
    for data, message in cases:
        with pytest.raises(CoevoError, match=message):
            genetics.from_json(data)
