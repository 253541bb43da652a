"""CPPN variation (artists/cppn/variation.py): crossover by innovation, mutants acyclic and valid."""

from __future__ import annotations

import random

import torch

from artists.cppn import CPPNGenetics
from artists.cppn.genome import check, is_acyclic
from artists.cppn.variation import crossover


def test_crossover_keeps_matching_innovations():
    random.seed(4)
    genetics = CPPNGenetics()
    ancestor = genetics.random_genome()
    a = b = ancestor
    for _ in range(15):
        a, b = genetics.mutate(a), genetics.mutate(b)
    shared = {c.innovation for c in a.connections} & {c.innovation for c in b.connections}
    assert shared  # both keep the ancestor's input -> output genes
    weights_a = {c.innovation: c.weight for c in a.connections}
    weights_b = {c.innovation: c.weight for c in b.connections}
    took_from_b = 0
    for _ in range(20):
        child, other = crossover(a, b)
        assert [c.innovation for c in child.connections] == [c.innovation for c in a.connections]
        assert [c.innovation for c in other.connections] == [c.innovation for c in b.connections]
        assert {n.id for n in child.nodes} == {n.id for n in a.nodes} and is_acyclic(child)
        for c in child.connections:
            assert c.weight in ({weights_a[c.innovation], weights_b[c.innovation]} if c.innovation in shared
                                else {weights_a[c.innovation]})
            took_from_b += c.innovation in shared and c.weight == weights_b[c.innovation] != weights_a[c.innovation]
    assert took_from_b > 0


def test_mutated_genomes_stay_acyclic_and_valid():
    random.seed(5)
    genetics = CPPNGenetics(add_node=0.5, add_connection=0.9, toggle=0.3, activation=0.3)
    population = [genetics.random_genome() for _ in range(4)]
    for _ in range(60):
        population = [genetics.mutate(g, strength=1.5) for g in population]
        population[0], population[1] = genetics.crossover(population[0], population[1])
        for genome in population:
            assert is_acyclic(genome)
            check(genome)
    assert max(len(g.hidden) for g in population) >= 10
    assert torch.isfinite(genetics.render(population, 8)).all()


def lineage(channels: int, seed: int, strength: float) -> str:
    """A fingerprint of 40 generations of crossover and mutation from a seeded generator."""
    import hashlib
    import json

    from coevo.rng import Generators, using

    with using(Generators(random.Random(seed))):
        genetics = CPPNGenetics(channels=channels)
        population = [genetics.random_genome() for _ in range(24)]
        pick = random.Random(seed + 1)
        for _ in range(40):
            children = []
            for k in range(0, len(population), 2):
                a, b = population[pick.randrange(len(population))], population[pick.randrange(len(population))]
                ca, cb = genetics.crossover(a, b) if k % 4 == 0 else (a, b)
                children += [genetics.mutate(ca, strength), genetics.mutate(cb, strength)]
            population = children
        text = json.dumps([genetics.to_json(genome) for genome in population])
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def test_variation_draws_as_before_its_speed_up() -> None:
    """The faster operators (genes made without dataclass replace, no per-child cycle check) give the genomes
    the code before them gave for the same seed, so runs resume as they ran (fingerprints taken from that code)."""
    assert lineage(1, 0, 1.0) == "038158f1dd9a7ed1"
    assert lineage(1, 7, 2.0) == "5c1406c44028a50a"
    assert lineage(3, 0, 0.5) == "c5890fe5c03e589a"
    assert lineage(3, 7, 1.0) == "ac6f357f7bbbbc95"


def test_weight_perturbation_draws_as_random_gauss() -> None:
    """``perturb_weights`` writes ``Random.gauss`` out: the same weights, and the generator left in the same state
    (its spare Gaussian too), as a perturbation calling ``gauss`` for each step."""
    from artists.cppn.genome import connection, genome_of
    from artists.cppn.variation import MutationRates, perturb_weights
    from coevo.rng import Generators, using

    def reference(genome, rates: MutationRates, strength: float, rng: random.Random):
        limit, genes = rates.limit, []
        for c in genome.connections:
            if rng.random() < rates.per_weight:
                if rng.random() < rates.replace:
                    weight = rng.uniform(-limit, limit)
                else:
                    weight = c.weight + rng.gauss(0.0, rates.sigma * strength)
                    if -limit <= c.weight <= limit:
                        weight = max(-limit, min(limit, weight))
                c = connection(c.innovation, c.source, c.target, weight, c.enabled)
            genes.append(c)
        return genome_of(genome.nodes, tuple(genes))

    for seed in range(6):
        with using(Generators(random.Random(seed))):
            genome = CPPNGenetics(hidden=5).random_genome()
        rates = MutationRates(per_weight=0.3 + 0.1 * seed, replace=0.05 * seed, sigma=1.0 + seed)
        ours, theirs = random.Random(seed), random.Random(seed)
        for strength in (1.0, 2.5, 0.5, 1.0):  # calls in turn: a spare left by one is used by the next
            with using(Generators(ours)):
                mine = perturb_weights(genome, rates, strength)
            assert mine == reference(genome, rates, strength, theirs)
            assert ours.getstate() == theirs.getstate()
            assert mine.connections != genome.connections
            genome = mine


def test_add_connection_ranks_nodes_by_their_topological_order() -> None:
    """``add_connection`` orders nodes as ``topological_order`` over all connections does (a child's new link
    depends on it) and knows each node's targets."""
    from artists.cppn.genome import topological_order
    from artists.cppn.variation import _ranks

    random.seed(11)
    genetics = CPPNGenetics(add_node=0.6, add_connection=0.9, toggle=0.3)
    genome = genetics.random_genome()
    for _ in range(30):
        genome = genetics.mutate(genome)
        rank, outgoing = _ranks(genome)
        order = topological_order([n.id for n in genome.nodes], [(c.source, c.target) for c in genome.connections])
        assert sorted(rank, key=rank.get) == order
        assert {(s, t) for s, targets in outgoing.items() for t in targets} == \
            {(c.source, c.target) for c in genome.connections}
