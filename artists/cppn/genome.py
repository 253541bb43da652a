"""The NEAT-style CPPN genome: node genes with activations, connection genes with innovation numbers.

Innovation numbers carry no global counter: a connection's innovation is a hash of its (source, target) node
ids and a node made by splitting a connection gets an id hashed from that connection's innovation, so the same
structural change made in two genomes (or two processes) gets the same number, and crossover can align them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from artists.cppn.activations import NAMES
from coevo.errors import CoevoError

INPUTS = ("x", "y", "d", "bias")  # input node labels; their node ids are 0..3
OUTPUTS = {"grey": ("ink",), "hsv": ("hue", "saturation", "brightness"), "rgb": ("red", "green", "blue")}
OUTPUT_IDS = {"ink": 4, "hue": 5, "saturation": 6, "brightness": 7, "red": 8, "green": 9, "blue": 10}
FIRST_HIDDEN_ID = 1 << 16  # hashed ids start here, above every fixed input and output id
KINDS = ("in", "hidden", "out")


def stable_id(*parts: object) -> int:
    """A 48-bit id from a deterministic hash of ``parts`` (same in every process), above the fixed ids."""
    digest = hashlib.blake2b("|".join(map(str, parts)).encode(), digest_size=6).digest()
    return FIRST_HIDDEN_ID + int.from_bytes(digest, "big") % ((1 << 48) - FIRST_HIDDEN_ID)


def innovation(source: int, target: int) -> int:
    """The innovation number of the connection source -> target."""
    return stable_id("connection", source, target)


@dataclass(frozen=True, slots=True)
class NodeGene:
    """One node: its id, kind (in, hidden, out), activation name and input/output label."""

    id: int
    kind: str
    activation: str
    label: str = ""


@dataclass(frozen=True, slots=True)
class ConnectionGene:
    """One weighted connection source -> target; disabled genes are kept for crossover and re-enabling. Its fields
    are slots: variation and rendering read them gene by gene, ~2.5x faster than from an instance dict."""

    innovation: int
    source: int
    target: int
    weight: float
    enabled: bool = True


@dataclass(frozen=True)
class Genome:
    """A CPPN: nodes and connections. Immutable; variation makes new genomes."""

    nodes: tuple[NodeGene, ...]
    connections: tuple[ConnectionGene, ...]

    def node(self, node_id: int) -> NodeGene:
        for node in self.nodes:
            if node.id == node_id:
                return node
        raise KeyError(node_id)

    @property
    def outputs(self) -> tuple[NodeGene, ...]:
        return tuple(n for n in self.nodes if n.kind == "out")

    @property
    def hidden(self) -> tuple[NodeGene, ...]:
        return tuple(n for n in self.nodes if n.kind == "hidden")

    def with_connections(self, connections: Iterable[ConnectionGene]) -> Genome:
        return genome_of(self.nodes, tuple(connections))


_new = object.__new__


class GeneDraft:
    """A connection gene being made: ``ConnectionGene``'s very slots, writable. ``connection`` fills one and turns it
    into a ``ConnectionGene`` (``__class__`` set: the same slot layout), half the cost of setting a frozen gene's
    slots through their descriptors; from then on it is a frozen gene like any other."""

    __slots__ = ConnectionGene.__slots__


def connection(innovation: int, source: int, target: int, weight: float, enabled: bool = True) -> ConnectionGene:
    """``ConnectionGene(...)`` made without the frozen dataclass's ``__init__`` (its per-field ``object.__setattr__``
    triples the cost, and variation makes thousands a generation): the same, equal, immutable gene."""
    gene = _new(GeneDraft)
    gene.innovation = innovation
    gene.source = source
    gene.target = target
    gene.weight = weight
    gene.enabled = enabled
    gene.__class__ = ConnectionGene  # type: ignore[assignment]
    return gene  # type: ignore[return-value]


class NodeDraft:
    """A node gene being made: ``NodeGene``'s very slots, writable (as ``GeneDraft`` for connections)."""

    __slots__ = NodeGene.__slots__


def node(node_id: int, kind: str, activation: str, label: str = "") -> NodeGene:
    """``NodeGene(...)`` made as ``connection`` makes a connection gene: the same, equal, immutable gene."""
    gene = _new(NodeDraft)
    gene.id = node_id
    gene.kind = kind
    gene.activation = activation
    gene.label = label
    gene.__class__ = NodeGene  # type: ignore[assignment]
    return gene  # type: ignore[return-value]


def genome_of(nodes: tuple[NodeGene, ...], connections: tuple[ConnectionGene, ...]) -> Genome:
    """``Genome(nodes, connections)`` made as ``connection`` makes a gene."""
    genome = _new(Genome)
    genome.__dict__["nodes"], genome.__dict__["connections"] = nodes, connections
    return genome


def topological_order(node_ids: Iterable[int], edges: Iterable[tuple[int, int]]) -> list[int] | None:
    """Node ids in an order where every edge goes forward, or ``None`` when the edges hold a cycle."""
    ids = list(node_ids)
    incoming = {n: 0 for n in ids}
    outgoing: dict[int, list[int]] = {n: [] for n in ids}
    for source, target in edges:
        incoming[target] += 1
        outgoing[source].append(target)
    return kahn_order(incoming, outgoing)


def kahn_order(incoming: dict[int, int], outgoing: dict[int, list[int]]) -> list[int] | None:
    """Kahn's order of the nodes, given each node's count of incoming edges (used up) and its targets; ``None``
    when the edges hold a cycle. The nodes with no incoming edge start it, the last one ready goes first."""
    ready = [n for n, count in incoming.items() if count == 0]
    order: list[int] = []
    while ready:
        node = ready.pop()
        order.append(node)
        for target in outgoing[node]:
            incoming[target] -= 1
            if incoming[target] == 0:
                ready.append(target)
    return order if len(order) == len(incoming) else None


def is_acyclic(genome: Genome) -> bool:
    """Whether all connections (enabled or not) form a DAG, so toggling any of them keeps it one."""
    return topological_order((n.id for n in genome.nodes),
                             ((c.source, c.target) for c in genome.connections)) is not None


def depths(genome: Genome) -> dict[int, int]:
    """Longest path over enabled connections from a node without inputs (0) to each node."""
    edges = [(c.source, c.target) for c in genome.connections if c.enabled]
    order = topological_order((n.id for n in genome.nodes), edges)
    assert order is not None, "genome holds a cycle"
    depth = dict.fromkeys(order, 0)
    sources: dict[int, list[int]] = {}
    for source, target in edges:
        sources.setdefault(target, []).append(source)
    for node in order:
        if node in sources:
            depth[node] = 1 + max(depth[s] for s in sources[node])
    return depth


def check(genome: Genome, where: str = "genome") -> Genome:
    """Validate a genome's structure, raising ``CoevoError`` naming the first problem."""
    ids = [n.id for n in genome.nodes]
    if len(set(ids)) != len(ids):
        raise CoevoError(f"{where}: two nodes share an id; node ids must be unique")
    kinds = {n.id: n.kind for n in genome.nodes}
    for node in genome.nodes:
        if node.kind not in KINDS:
            raise CoevoError(f"{where}: node {node.id} has kind {node.kind!r}; use one of {', '.join(KINDS)}")
        if node.activation not in NAMES:
            raise CoevoError(f"{where}: node {node.id} has unknown activation {node.activation!r}; "
                             f"use one of {', '.join(NAMES)}")
    if not genome.outputs:
        raise CoevoError(f"{where}: no output node; a CPPN needs ink, or hue/saturation/brightness, or red/green/blue")
    seen: set[tuple[int, int]] = set()
    for c in genome.connections:
        if c.source not in kinds or c.target not in kinds:
            raise CoevoError(f"{where}: connection {c.source}->{c.target} names a node that does not exist")
        if kinds[c.target] == "in":
            raise CoevoError(f"{where}: connection {c.source}->{c.target} feeds an input node; inputs take no links")
        if (c.source, c.target) in seen:
            raise CoevoError(f"{where}: two connections {c.source}->{c.target}; keep one")
        seen.add((c.source, c.target))
    if not is_acyclic(genome):
        raise CoevoError(f"{where}: connections form a cycle; a CPPN must be feed-forward")
    return genome


def to_json(genome: Genome) -> dict[str, Any]:
    """Plain JSON: nodes as {id, kind, act, label}, connections as {inn, src, dst, w, on}."""
    return {
        "nodes": [{"id": n.id, "kind": n.kind, "act": n.activation, "label": n.label} for n in genome.nodes],
        "connections": [{"inn": c.innovation, "src": c.source, "dst": c.target, "w": c.weight, "on": c.enabled}
                        for c in genome.connections],
    }


def from_json(data: dict[str, Any]) -> Genome:
    """Parse and validate ``to_json``'s form."""
    try:
        nodes = tuple(NodeGene(int(n["id"]), str(n["kind"]), str(n["act"]), str(n.get("label", "")))
                      for n in data["nodes"])
        connections = tuple(ConnectionGene(int(c.get("inn", innovation(int(c["src"]), int(c["dst"])))),
                                           int(c["src"]), int(c["dst"]), float(c["w"]), bool(c.get("on", True)))
                            for c in data["connections"])
    except (KeyError, TypeError, ValueError) as exc:
        raise CoevoError(f"CPPN genome is malformed ({type(exc).__name__}: {exc}); it needs 'nodes' "
                         "[{id, kind, act, label}] and 'connections' [{src, dst, w, on}]") from None
    return check(Genome(nodes, connections), "CPPN genome")
