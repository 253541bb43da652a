"""NEAT variation of CPPN genomes: structural and weight mutations, and crossover aligned by innovation number.

All randomness comes from Python's global ``random`` (seeded and checkpointed by the runner). Every operator
keeps the genome acyclic over *all* its connections, so toggling a disabled gene back on never makes a cycle.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import cos, log, pi, sin, sqrt

from artists.cppn.genome import (
    ConnectionGene,
    GeneDraft,
    Genome,
    connection,
    genome_of,
    innovation,
    kahn_order,
    node,
    stable_id,
)
from coevo.rng import python_rng

_new = object.__new__
TWOPI = 2.0 * pi  # random.gauss's


@dataclass
class MutationRates:
    """Per-mutation probabilities (scaled by the strength) and step sizes."""

    weight: float = 0.8  # chance to perturb the weights (each connection then with probability `per_weight`)
    per_weight: float = 0.3  # chance that a given connection is perturbed when the weights are
    sigma: float = 0.6  # Gaussian step of a weight perturbation (times the strength)
    replace: float = 0.1  # chance that a perturbed weight is replaced by a fresh uniform one instead
    add_node: float = 0.15  # chance to split a connection with a new node
    add_connection: float = 0.25  # chance to add a feed-forward connection
    activation: float = 0.1  # chance to change one node's activation
    toggle: float = 0.05  # chance to flip one connection's enabled flag
    limit: float = 3.0  # weights are drawn from and clamped to [-limit, limit] (Picbreeder's bookends)


def random_weight(limit: float) -> float:
    return python_rng().uniform(-limit, limit)


def perturb_weights(genome: Genome, rates: MutationRates, strength: float) -> Genome:
    """Each connection with probability ``per_weight``: a Gaussian step (clamped to the limit unless the weight
    already lies beyond it) or, with probability ``replace``, a fresh uniform weight. The draws are one by one in
    gene order (a run's results depend on them); only the perturbed genes are made anew. ``Random.gauss`` is
    written out (its draws, arithmetic and spare value ``gauss_next``, the same numbers) and the genes made in
    line, as ``connection`` makes them: a call each was a quarter of the time."""
    rng = python_rng()
    draw, uniform = rng.random, rng.uniform
    per_weight, fresh, limit, sigma = rates.per_weight, rates.replace, rates.limit, rates.sigma * strength
    low = -limit
    connections = genome.connections
    changed: list[ConnectionGene] | None = None  # a copy, made at the first perturbed gene
    spare = rng.gauss_next  # random.gauss's second value of a pair, kept for its next call
    for index, c in enumerate(connections):
        if draw() < per_weight:
            if draw() < fresh:
                weight = uniform(low, limit)
            else:
                if spare is None:  # Random.gauss(0.0, sigma) written out: its draws, its arithmetic, its spare
                    angle, radius = draw() * TWOPI, sqrt(-2.0 * log(1.0 - draw()))
                    z, spare = cos(angle) * radius, sin(angle) * radius
                else:
                    z, spare = spare, None
                weight = c.weight + (0.0 + z * sigma)
                if -limit <= c.weight <= limit:  # clamped as max(-limit, min(limit, weight)) clamps
                    weight = limit if weight > limit else low if weight < low else weight
            if changed is None:
                changed = list(connections)
            gene = _new(GeneDraft)  # as ``connection`` makes one, without its call
            gene.innovation = c.innovation
            gene.source = c.source
            gene.target = c.target
            gene.weight = weight
            gene.enabled = c.enabled
            gene.__class__ = ConnectionGene  # type: ignore[assignment]
            changed[index] = gene  # type: ignore[call-overload]
    rng.gauss_next = spare
    return genome_of(genome.nodes, connections if changed is None else tuple(changed))


def add_node(genome: Genome, activations: tuple[str, ...]) -> Genome:
    """Split an enabled connection a -> b into a -> new (weight 1) -> b (the old weight); disable the old one."""
    rng = python_rng()
    enabled = [c for c in genome.connections if c.enabled]
    if not enabled:
        return genome
    old = rng.choice(enabled)
    ids = {n.id for n in genome.nodes}
    k, node_id = 0, stable_id("node", old.innovation, 0)
    while node_id in ids:
        k += 1
        node_id = stable_id("node", old.innovation, k)
    hidden = node(node_id, "hidden", rng.choice(activations))
    connections = [connection(c.innovation, c.source, c.target, c.weight, False) if c is old else c
                   for c in genome.connections]
    connections += [connection(innovation(old.source, node_id), old.source, node_id, 1.0),
                    connection(innovation(node_id, old.target), node_id, old.target, old.weight)]
    return genome_of((*genome.nodes, hidden), tuple(connections))


def add_connection(genome: Genome, limit: float, tries: int = 20) -> Genome:
    """Connect two unconnected nodes so that the network stays feed-forward (no target is an input)."""
    rng = python_rng()
    choice, nodes = rng.choice, genome.nodes
    rank, outgoing = _ranks(genome)
    targets = [n for n in nodes if n.kind != "in"]
    for _ in range(tries):
        a, b = choice(nodes), choice(targets)
        forward = rank[a.id] < rank[b.id]
        source, target = (a.id, b.id) if forward else (b.id, a.id)
        if source == target or (b if forward else a).kind == "in" or target in outgoing[source]:
            continue
        gene = connection(innovation(source, target), source, target, random_weight(limit))
        return genome_of(nodes, (*genome.connections, gene))
    return genome


def _ranks(genome: Genome) -> tuple[dict[int, int], dict[int, list[int]]]:
    """Each node's place in ``topological_order`` over all the genome's connections (the very same order), and
    each node's targets: what ``add_connection`` needs, without the order's edge tuples and lists."""
    incoming = {n.id: 0 for n in genome.nodes}
    outgoing: dict[int, list[int]] = {n.id: [] for n in genome.nodes}
    for c in genome.connections:
        incoming[c.target] += 1
        outgoing[c.source].append(c.target)
    order = kahn_order(incoming, outgoing)
    assert order is not None, "genome holds a cycle"
    return {node: i for i, node in enumerate(order)}, outgoing


def change_activation(genome: Genome, activations: tuple[str, ...]) -> Genome:
    rng = python_rng()
    candidates = [n for n in genome.nodes if n.kind != "in"]
    if not candidates:
        return genome
    chosen = rng.choice(candidates)
    fresh = node(chosen.id, chosen.kind, rng.choice(activations), chosen.label)
    return genome_of(tuple(fresh if n is chosen else n for n in genome.nodes), genome.connections)


def toggle_connection(genome: Genome) -> Genome:
    if not genome.connections:
        return genome
    chosen = python_rng().choice(genome.connections)
    return genome_of(genome.nodes, tuple(connection(c.innovation, c.source, c.target, c.weight, not c.enabled)
                                         if c is chosen else c for c in genome.connections))


def mutate(genome: Genome, rates: MutationRates, activations: tuple[str, ...], strength: float = 1.0) -> Genome:
    """Apply each mutation with its probability (scaled by ``strength``); at least one always happens."""
    draw = python_rng().random
    weight, split, link = min(1.0, rates.weight * strength), min(1.0, rates.add_node * strength), \
        min(1.0, rates.add_connection * strength)
    activation, toggle = min(1.0, rates.activation * strength), min(1.0, rates.toggle * strength)
    changed = False
    for _ in range(10):
        if draw() < weight:
            genome, changed = perturb_weights(genome, rates, strength), True
        if draw() < split:
            genome, changed = add_node(genome, activations), True
        if draw() < link:
            genome, changed = add_connection(genome, rates.limit), True
        if draw() < activation:
            genome, changed = change_activation(genome, activations), True
        if draw() < toggle:
            genome, changed = toggle_connection(genome), True
        if changed:
            break
    return genome  # acyclic still: add_node splits an edge, add_connection follows a topological order


def crossover(a: Genome, b: Genome) -> tuple[Genome, Genome]:
    """Two children: each keeps one parent's structure; matching genes (same innovation or node id) take their
    weight, enabled flag or activation from either parent at random; a gene disabled in either parent stays
    disabled with probability 0.75 (NEAT)."""
    return _child(a, b), _child(b, a)


def _child(base: Genome, other: Genome) -> Genome:
    """One child of ``crossover``; a gene that comes out as it was is the parent's own (equal, immutable) object."""
    draw = python_rng().random
    other_nodes = {n.id: n for n in other.nodes}.get
    nodes = []
    for n in base.nodes:
        match = other_nodes(n.id)
        if match is not None and n.kind != "in" and draw() < 0.5 and match.activation != n.activation:
            n = node(n.id, n.kind, match.activation, n.label)
        nodes.append(n)
    other_connections = {c.innovation: c for c in other.connections}.get
    connections = []
    keep = connections.append
    for c in base.connections:
        match = other_connections(c.innovation)
        if match is None:
            keep(c)
            continue
        weight = match.weight if draw() < 0.5 else c.weight
        enabled = not (draw() < 0.75) if not (c.enabled and match.enabled) else True
        if weight is c.weight and enabled is c.enabled:  # the very same float: the same gene
            keep(c)
        elif weight is match.weight and enabled is match.enabled and match.source == c.source \
                and match.target == c.target:  # the other parent's gene is the one wanted: its very weight and flag
            keep(match)
        else:
            keep(connection(c.innovation, c.source, c.target, weight, enabled))
    return genome_of(tuple(nodes), tuple(connections))
