"""CPPN genomes (artists/cppn/genome.py): deterministic innovation numbers, bad genomes refused in one line."""

from __future__ import annotations

import random

import pytest

from artists.cppn import CPPNGenetics
from artists.cppn.genome import Genome, NodeGene, check, from_json, innovation, stable_id, to_json
from artists.cppn.variation import add_node
from coevo.errors import CoevoError
from tests.helpers import input_nodes, link

INPUT_NODES = input_nodes()


def test_innovation_numbers_are_deterministic_hashes():
    assert innovation(0, 4) == 163740013038105  # the same in every process and on every machine
    assert stable_id("node", innovation(0, 4), 0) == 50760011576690
    genome = CPPNGenetics(hidden=0).random_genome()
    random.seed(3)
    first = add_node(genome, ("sin",))
    random.seed(3)
    second = add_node(genome, ("sin",))
    assert first == second  # the same split gets the same node id and innovations without shared state


def test_bad_genomes_are_refused_with_one_line():
    ink = NodeGene(4, "out", "sin", "ink")
    hidden = NodeGene(100, "hidden", "sin")
    cyclic = Genome((*INPUT_NODES, hidden, ink), (link(100, 4, 1.0), link(4, 100, 1.0)))
    with pytest.raises(CoevoError, match="cycle"):
        check(cyclic)
    with pytest.raises(CoevoError, match="unknown activation"):
        from_json({"nodes": [{"id": 4, "kind": "out", "act": "wobble", "label": "ink"}], "connections": []})
    with pytest.raises(CoevoError, match="malformed"):
        from_json({"nodes": "x"})
    with pytest.raises(CoevoError, match="lacks output 'hue'"):
        CPPNGenetics(channels=3).from_json(to_json(CPPNGenetics(channels=1).random_genome()))
    with pytest.raises(ValueError, match="unknown activation"):
        CPPNGenetics(activations="sin,wobble")


def test_connection_makes_a_frozen_gene_equal_to_the_dataclass_one():
    """``connection`` (a ``GeneDraft`` filled, then made a ``ConnectionGene``) gives the very gene
    ``ConnectionGene(...)`` does: its type, equality, hash and immutability."""
    import dataclasses

    import pytest

    from artists.cppn.genome import ConnectionGene, connection

    made, built = connection(70000, 1, 4, -0.25, False), ConnectionGene(70000, 1, 4, -0.25, False)
    assert type(made) is ConnectionGene and made == built and hash(made) == hash(built) and repr(made) == repr(built)
    assert connection(70000, 1, 4, -0.25) == ConnectionGene(70000, 1, 4, -0.25) != made
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.weight = 1.0  # type: ignore[misc]


def test_node_makes_a_frozen_gene_equal_to_the_dataclass_one():
    """``node`` (a ``NodeDraft`` filled, then made a ``NodeGene``) gives the very gene ``NodeGene(...)`` does."""
    import dataclasses

    import pytest

    from artists.cppn.genome import NodeGene, node

    made, built = node(70000, "hidden", "sin"), NodeGene(70000, "hidden", "sin")
    assert type(made) is NodeGene and made == built and hash(made) == hash(built) and repr(made) == repr(built)
    assert node(4, "out", "tanh", "ink") == NodeGene(4, "out", "tanh", "ink") != made
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.activation = "cos"  # type: ignore[misc]
