"""EvoEco genomes (artists/evoeco/genome.py): bad genomes named."""

from __future__ import annotations

import pytest

from artists.evoeco import EvoEcoGenetics
from artists.evoeco.genome import Agent, Organism
from coevo.errors import CoevoError
from tests.helpers import EVOECO_PALETTE as PALETTE


def test_bad_genomes_are_named() -> None:
    genetics = EvoEcoGenetics(channels=1, colours=3)
    good = genetics.to_json(Organism(PALETTE, (Agent(0.5, 0.5, (0, 1, 2), (0, 0, 0), (1, 2, 3, 4), 0),), 0))
    assert genetics.from_json(good).agents[0].bias == (1, 2, 3, 4)
    cases = [(None, "JSON object"), ({**good, "mode": "ca"}, "mode=ca"), ({**good, "palette": [[0]]}, "3 colours"),
             ({**good, "agents": [{**good["agents"][0], "paint": [0, 1, 5]}]}, "paint"),
             ({**good, "agents": [{"x": 0}]}, "must be an object with")]
    for data, message in cases:
        with pytest.raises(CoevoError, match=message):
            genetics.from_json(data)
    ca = EvoEcoGenetics(channels=1, colours=3, mode="ca")
    rule = ca.to_json(ca.random_genome())
    with pytest.raises(CoevoError, match="rule"):
        ca.from_json({**rule, "rule": rule["rule"][:-1]})
    with pytest.raises(CoevoError, match="generations"):
        ca.from_json({**rule, "generations": 0})
