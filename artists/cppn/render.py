"""Batched CPPN rendering with Torch: a whole population at any resolution, on CUDA when present.

Every genome is laid out in the same padded slots, level by level (a node's level is one more than its deepest
source), so each level of the whole population is one batched matrix product followed by the activations,
applied to the rows that use them. Pixels are processed in chunks so any resolution fits in memory.
Inputs, outputs and colours follow CPPN-X (Picbreeder): x, y = 2 * index / size - 1, d = 1.4 * sqrt(x² + y²),
bias = 1; grey = |ink|; colour = HSV from |hue| (its sign picks the direction), saturation, |brightness|.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from artists.cppn.activations import NAMES, TORCH
from artists.cppn.genome import INPUTS, OUTPUTS, Genome

UNBOUNDED = {NAMES.index("identity"), NAMES.index("abs")}  # activations whose outputs get clamped to +-LIMIT
LIMIT = 1e6  # keeps identity chains finite, so 0 * value stays 0 in the padded matrix products
PIXEL_BUDGET = 1 << 25  # node values (floats) held at once: pixels per chunk = budget / (genomes * slots)


@dataclass
class Level:
    """One level of the padded population network."""

    weights: torch.Tensor  # (N, K, first): weights from every earlier slot into this level's K slots
    rows: dict[int, torch.Tensor]  # activation id -> flat (N*K) row indices that use it
    first: int  # slot of this level's first node


@dataclass
class Plan:
    """A population compiled for rendering."""

    inputs: dict[int, torch.Tensor]  # activation id -> flat (N*4) input rows using it (identity rows omitted)
    levels: list[Level]
    outputs: torch.Tensor  # (N, C) slot holding each output channel
    slots: int  # total slots per genome


def _levels(genome: Genome, wanted: list[int]) -> dict[int, int]:
    """Level of every node the wanted outputs depend on (inputs 0, others 1 + deepest source)."""
    sources: dict[int, list[tuple[int, float]]] = {}
    for c in genome.connections:
        if c.enabled:
            sources.setdefault(c.target, []).append((c.source, c.weight))
    kinds = {n.id: n.kind for n in genome.nodes}
    level: dict[int, int] = {}

    def visit(node: int) -> int:  # iterative would be longer; depth is bounded by the node count
        if node not in level:
            level[node] = 0 if kinds[node] == "in" else 1 + max((visit(s) for s, _ in sources.get(node, [])),
                                                                 default=0)
        return level[node]

    for node in wanted:
        visit(node)
    return level


def compile_population(genomes: list[Genome], mode: str, device: torch.device) -> Plan:
    """Lay out every genome in shared padded slots, level by level."""
    labels = OUTPUTS[mode]
    per_genome = []
    for genome in genomes:
        by_label = {n.label: n.id for n in genome.nodes if n.kind == "out"}
        wanted = [by_label[label] for label in labels]
        per_genome.append((genome, wanted, _levels(genome, wanted)))
    depth = max((max(lv.values()) for _, _, lv in per_genome), default=0)
    widths = [max(sum(1 for v in lv.values() if v == d) for _, _, lv in per_genome) for d in range(1, depth + 1)]
    firsts = [len(INPUTS) + sum(widths[:i]) for i in range(depth)]
    n = len(genomes)
    weights = [torch.zeros(n, w, f) for w, f in zip(widths, firsts)]
    acts = [torch.full((n, w), NAMES.index("identity"), dtype=torch.long) for w in widths]
    input_acts = torch.full((n, len(INPUTS)), NAMES.index("identity"), dtype=torch.long)
    outputs = torch.zeros(n, len(labels), dtype=torch.long)
    for g, (genome, wanted, level) in enumerate(per_genome):
        slot: dict[int, int] = {}
        used = [0] * depth
        nodes = {node.id: node for node in genome.nodes}
        for node_id in sorted(level, key=lambda i: (level[i], i)):
            node = nodes[node_id]
            if level[node_id] == 0:
                if node.kind == "in":
                    slot[node_id] = INPUTS.index(node.label)
                    input_acts[g, slot[node_id]] = NAMES.index(node.activation)
                continue
            d = level[node_id] - 1
            slot[node_id] = firsts[d] + used[d]
            acts[d][g, used[d]] = NAMES.index(node.activation)
            used[d] += 1
        for c in genome.connections:
            if c.enabled and c.target in slot and c.source in slot:
                d = level[c.target] - 1
                weights[d][g, slot[c.target] - firsts[d], slot[c.source]] += c.weight
        outputs[g] = torch.tensor([slot[w] for w in wanted])
    levels = [Level(w.to(device), _rows(a.flatten(), device), f) for w, a, f in zip(weights, acts, firsts)]
    input_rows = {k: v for k, v in _rows(input_acts.flatten(), device).items() if k != NAMES.index("identity")}
    return Plan(input_rows, levels, outputs.to(device), len(INPUTS) + sum(widths))


def _rows(acts: torch.Tensor, device: torch.device) -> dict[int, torch.Tensor]:
    return {int(a): (acts == a).nonzero().squeeze(1).to(device) for a in torch.unique(acts)}


def _activate(values: torch.Tensor, rows: dict[int, torch.Tensor]) -> torch.Tensor:
    """Apply each row's activation to flat ``(rows, pixels)`` values."""
    if len(rows) == 1:
        (act, _), = rows.items()
        out = TORCH[NAMES[act]](values)
        return out.clamp(-LIMIT, LIMIT) if act in UNBOUNDED else out
    out = torch.empty_like(values)
    for act, index in rows.items():
        result = TORCH[NAMES[act]](values.index_select(0, index))
        out.index_copy_(0, index, result.clamp(-LIMIT, LIMIT) if act in UNBOUNDED else result)
    return out


def input_grid(size: int, device: torch.device) -> torch.Tensor:
    """The four inputs x, y, d, bias for every pixel, row-major: ``(4, size * size)`` float32."""
    axis = torch.arange(size, dtype=torch.float32, device=device) * (2.0 / size) - 1.0
    y, x = torch.meshgrid(axis, axis, indexing="ij")
    d = torch.sqrt(x * x + y * y) * 1.4
    return torch.stack([x, y, d, torch.ones_like(x)]).reshape(4, -1)


def evaluate(plan: Plan, grid: torch.Tensor) -> torch.Tensor:
    """Output node values ``(N, C, pixels)`` for the given input grid ``(4, pixels)``."""
    n, pixels = plan.outputs.shape[0], grid.shape[1]
    chunk = max(1024, PIXEL_BUDGET // max(1, n * plan.slots))
    parts = []
    for start in range(0, pixels, chunk):
        part = grid[:, start: start + chunk]
        values = torch.empty(n, plan.slots, part.shape[1], device=grid.device)
        values[:, : len(INPUTS)] = part
        if plan.inputs:
            flat = values[:, : len(INPUTS)].reshape(n * len(INPUTS), -1)
            values[:, : len(INPUTS)] = _activate(flat, {**plan.inputs}).view(n, len(INPUTS), -1)
        for level in plan.levels:
            k = level.weights.shape[1]
            pre = torch.bmm(level.weights, values[:, : level.first])
            values[:, level.first: level.first + k] = _activate(pre.view(n * k, -1), level.rows).view(n, k, -1)
        parts.append(values.gather(1, plan.outputs[:, :, None].expand(-1, -1, part.shape[1])))
    return torch.cat(parts, dim=2)


def _blue(v: torch.Tensor) -> torch.Tensor:
    """CPPN-X's blue byte of a node image (0..255 float), which it reads as saturation and as hue's sign."""
    inside = v.clamp(0.0, 1.0) * 255.0
    above = (1.0 - ((v - 1.0) / 5.0).clamp(0.0, 1.0)) * 255.0
    below = ((v.abs() - 1.0) / 5.0).clamp(0.0, 1.0) * 255.0
    return torch.where(v > 1.0, above, torch.where(v < -1.0, below, inside))


def hsv_to_rgb(h: torch.Tensor, s: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
    """Hue in [0, 1), saturation and value in [0, 1] to RGB in [0, 1], stacked on a new dim 1."""
    h6 = (h % 1.0) * 6.0
    sector = torch.floor(h6)
    f = h6 - sector
    p, q, t = v * (1 - s), v * (1 - f * s), v * (1 - (1 - f) * s)
    sector = sector.long() % 6
    r = torch.stack([v, q, p, p, t, v])
    g = torch.stack([t, v, v, q, p, p])
    b = torch.stack([p, p, t, v, v, q])
    pick = sector[None]
    return torch.stack([c.gather(0, pick)[0] for c in (r, g, b)], dim=1)


def to_image(outputs: torch.Tensor, mode: str, size: int) -> torch.Tensor:
    """Output node values ``(N, C, pixels)`` to images ``(N, channels, size, size)`` in [-1, 1]."""
    outputs = torch.nan_to_num(outputs, nan=0.0)
    if mode == "hsv":
        hue, sat, val = outputs[:, 0], outputs[:, 1], outputs[:, 2]
        magnitude = hue.abs().clamp(max=1.0)
        positive = torch.floor(_blue(hue)) >= 1.0
        image = hsv_to_rgb(torch.where(positive, magnitude, 1.0 - magnitude), _blue(sat) / 255.0,
                           val.abs().clamp(max=1.0))
    else:
        image = outputs.abs().clamp(max=1.0)
    return (image * 2.0 - 1.0).reshape(outputs.shape[0], -1, size, size)


def render(genomes: list[Genome], size: int, mode: str, device: torch.device | str = "cpu") -> torch.Tensor:
    """Render genomes to ``(N, channels, size, size)`` float32 in [-1, 1] on ``device``."""
    device = torch.device(device)
    if not genomes:
        return torch.zeros(0, 1 if mode == "grey" else 3, size, size, device=device)
    with torch.no_grad():
        plan = compile_population(genomes, mode, device)
        return to_image(evaluate(plan, input_grid(size, device)), mode, size)
