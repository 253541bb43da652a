"""A plain NumPy forward pass of one CPPN, node by node: the baseline of the render benchmark and a cross-check
of the batched renderer (same definitions, written the obvious way)."""

from __future__ import annotations

import numpy as np
import torch

from artists.cppn.activations import NUMPY
from artists.cppn.genome import INPUTS, OUTPUTS, Genome, topological_order
from artists.cppn.pixels import to_image


def forward(genome: Genome, size: int, mode: str, dtype: type = np.float32) -> np.ndarray:
    """Output node values ``(C, size * size)``, evaluating every node in topological order."""
    axis = np.arange(size, dtype=dtype) * dtype(2.0 / size) - dtype(1.0)
    y, x = np.meshgrid(axis, axis, indexing="ij")
    raw = {"x": x.ravel(), "y": y.ravel(), "d": np.sqrt(x * x + y * y).ravel() * dtype(1.4),
           "bias": np.ones(size * size, dtype=dtype)}
    enabled = [c for c in genome.connections if c.enabled]
    order = topological_order((n.id for n in genome.nodes), ((c.source, c.target) for c in enabled))
    assert order is not None, "genome holds a cycle"
    nodes = {n.id: n for n in genome.nodes}
    values: dict[int, np.ndarray] = {}
    for node_id in order:
        node = nodes[node_id]
        total = raw[node.label].copy() if node.kind == "in" and node.label in INPUTS else np.zeros(
            size * size, dtype=dtype)
        for c in enabled:
            if c.target == node_id:
                total += dtype(c.weight) * values[c.source]
        values[node_id] = NUMPY[node.activation](total).astype(dtype)
    by_label = {n.label: n.id for n in genome.outputs}
    return np.stack([values[by_label[label]] for label in OUTPUTS[mode]])


def render(genomes: list[Genome], size: int, mode: str) -> torch.Tensor:
    """Images like ``artists.cppn.render.render``, one genome at a time."""
    return torch.cat([to_image(torch.from_numpy(forward(g, size, mode))[None], mode, size) for g in genomes])
