"""Batched CPPN rendering with Torch: a whole population at any resolution, on CUDA (the CPU uses network.py).

The whole population is compiled into one table of node rows ordered by level (one more than a node's deepest
source) and activation: each level sums its incoming edges over all genomes (one gather-multiply-scatter on a GPU,
fused multiply-adds on a CPU), then runs each activation in place on one contiguous slice. Pixels go in chunks, so any
resolution fits in memory.
Inputs, outputs and colours follow CPPN-X (Picbreeder): x, y = 2 * index / size - 1, d = 1.4 * sqrt(x² + y²),
bias = 1; pixels are CPPN-X's bytes (``pixels.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from artists.cppn.activations import TORCH_INPLACE
from artists.cppn.genome import INPUTS, OUTPUTS, Genome
from artists.cppn.pixels import to_image

UNBOUNDED = {"identity", "abs"}  # activations whose outputs get clamped to +-LIMIT
LIMIT = 1e6  # keeps identity chains finite
CHUNK_VALUES = 1 << 24  # node values held per pixel chunk (rows x pixels): small enough to stay in cache


@dataclass
class Level:
    """One level of the population's shared node table: its rows, incoming edges and activation groups."""

    first: int  # table row of this level's first node
    rows: int  # nodes in this level (across all genomes)
    sources: torch.Tensor  # (E,) table row of each incoming edge's source
    targets: torch.Tensor  # (E,) level row (0 .. rows - 1) of each edge's target
    weights: torch.Tensor  # (E, 1) edge weights
    groups: list[tuple[str, int, int]]  # (activation, start, stop): contiguous level rows sharing an activation
    edges: list[tuple[int, int, float]]  # (source row, level row, weight): the same edges as plain numbers


@dataclass
class Plan:
    """A population compiled into one node table: rows 0..3 hold x, y, d, bias, then every genome's needed nodes
    ordered by level and, within a level, by activation (so each activation runs on one contiguous slice)."""

    levels: list[Level]
    outputs: torch.Tensor  # (N, C) table row holding each genome's output channel
    rows: int  # table rows in all


def _levels(genome: Genome, wanted: list[int]) -> dict[int, int]:
    """Level of every node the wanted outputs depend on (inputs 0, others 1 + deepest source)."""
    sources: dict[int, list[int]] = {}
    for c in genome.connections:
        if c.enabled:
            sources.setdefault(c.target, []).append(c.source)
    kinds = {n.id: n.kind for n in genome.nodes}
    level: dict[int, int] = {}
    stack = list(wanted)
    while stack:  # iterative depth-first search, so deep genomes never hit the recursion limit
        node = stack[-1]
        pending = [s for s in sources.get(node, []) if s not in level] if kinds[node] != "in" else []
        if pending:
            stack.extend(pending)
            continue
        stack.pop()
        level[node] = 0 if kinds[node] == "in" else 1 + max((level[s] for s in sources.get(node, [])), default=0)
    return level


def compile_population(genomes: list[Genome], mode: str, device: torch.device) -> Plan:
    """Lay every genome's needed nodes into one shared table, level by level."""
    entries: list[tuple[int, str, int, Genome, int]] = []  # (level, activation, genome, genome object, node id)
    wanted_ids = []
    raw_inputs: dict[tuple[int, int], int] = {}  # (genome, input node id) -> raw input row, for identity inputs
    for g, genome in enumerate(genomes):
        by_label = {n.label: n.id for n in genome.nodes if n.kind == "out"}
        wanted = [by_label[label] for label in OUTPUTS[mode]]
        wanted_ids.append(wanted)
        level = _levels(genome, wanted)
        for node_id, depth in level.items():
            node = genome.node(node_id)
            if node.kind == "in" and node.activation == "identity":
                raw_inputs[(g, node_id)] = INPUTS.index(node.label)
            else:  # a non-identity input node becomes a node fed by its raw input (weight 1)
                entries.append((depth + (node.kind == "in"), node.activation, g, genome, node_id))
    entries.sort(key=lambda e: (e[0], e[1], e[2], e[4]))
    row = {(e[2], e[4]): len(INPUTS) + i for i, e in enumerate(entries)}
    row.update(raw_inputs)
    levels = []
    depth_of = [e[0] for e in entries]
    for depth in sorted(set(depth_of)):
        first = len(INPUTS) + depth_of.index(depth)
        members = [e for e in entries if e[0] == depth]
        sources, targets, weights = [], [], []
        groups: list[tuple[str, int, int]] = []
        for i, (_, activation, g, genome, node_id) in enumerate(members):
            if groups and groups[-1][0] == activation:
                groups[-1] = (activation, groups[-1][1], i + 1)
            else:
                groups.append((activation, i, i + 1))
            if genome.node(node_id).kind == "in":
                sources.append(INPUTS.index(genome.node(node_id).label))
                targets.append(i)
                weights.append(1.0)
                continue
            for c in genome.connections:
                if c.enabled and c.target == node_id:
                    sources.append(row[(g, c.source)])
                    targets.append(i)
                    weights.append(c.weight)
        levels.append(Level(first, len(members), torch.tensor(sources, dtype=torch.long, device=device),
                            torch.tensor(targets, dtype=torch.long, device=device),
                            torch.tensor(weights, dtype=torch.float32, device=device)[:, None], groups,
                            list(zip(sources, targets, weights))))
    outputs = torch.tensor([[row[(g, w)] for w in wanted] for g, wanted in enumerate(wanted_ids)], device=device)
    return Plan(levels, outputs, len(INPUTS) + len(entries))


def input_grid(size: int, device: torch.device) -> torch.Tensor:
    """The four inputs x, y, d, bias for every pixel, row-major: ``(4, size * size)`` float32."""
    axis = torch.arange(size, dtype=torch.float32, device=device) * (2.0 / size) - 1.0
    y, x = torch.meshgrid(axis, axis, indexing="ij")
    d = torch.sqrt(x * x + y * y) * 1.4
    return torch.stack([x, y, d, torch.ones_like(x)]).reshape(4, -1)


def evaluate(plan: Plan, grid: torch.Tensor) -> torch.Tensor:
    """Output node values ``(N, C, pixels)`` for the given input grid ``(4, pixels)``."""
    pixels = grid.shape[1]
    chunk = max(256, CHUNK_VALUES // plan.rows)
    parts = []
    buffer = torch.empty(plan.rows, min(chunk, pixels), device=grid.device)  # reused: no fresh pages per chunk
    for start in range(0, pixels, chunk):
        part = grid[:, start: start + chunk]
        table = buffer[:, : part.shape[1]]
        table[: len(INPUTS)] = part
        for level in plan.levels:
            block = table[level.first: level.first + level.rows]
            if grid.device.type == "cpu":  # one fused, cache-friendly multiply-add per edge beats a big gather
                started = set()
                for source, target, weight in level.edges:
                    if target in started:
                        block[target].add_(table[source], alpha=weight)
                    else:
                        torch.mul(table[source], weight, out=block[target])
                        started.add(target)
                for target in set(range(level.rows)) - started:
                    block[target].zero_()
            else:  # on a GPU: one gather-multiply-scatter kernel per level
                block.zero_()
                if len(level.sources):
                    block.index_add_(0, level.targets, table.index_select(0, level.sources).mul_(level.weights))
            for activation, a, b in level.groups:
                values = TORCH_INPLACE[activation](block[a:b])
                if activation in UNBOUNDED:
                    values.clamp_(-LIMIT, LIMIT)
        parts.append(table[plan.outputs])
    return torch.cat(parts, dim=2)


def render(genomes: list[Genome], size: int, mode: str, device: torch.device | str = "cpu") -> torch.Tensor:
    """Render genomes to ``(N, channels, size, size)`` float32 in [-1, 1] on ``device``."""
    device = torch.device(device)
    if not genomes:
        return torch.zeros(0, 1 if mode == "grey" else 3, size, size, device=device)
    with torch.no_grad():
        plan = compile_population(genomes, mode, device)
        return to_image(evaluate(plan, input_grid(size, device)), mode, size)
