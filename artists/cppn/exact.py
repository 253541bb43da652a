"""The exact renderer: a CPPN evaluated as CPPN-X's C++ does (``Cppn::updateNodes``), for imported Picbreeder
genomes (genetics option ``exact``), vectorised over pixels with NumPy.

Everything is double: x = column / (size / 2) - 1, y likewise, d = (double)sqrtf((float)(x² + y²)) * 1.4,
bias = 1; a node's value is 0 plus source * weight for each enabled incoming link in the genome's link order (the
file's order for an imported genome), then its activation (``cppnx.FUNCTIONS``: no clamping); an input node is its
input through its activation. Pixels follow ``pixels.py``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from artists.cppn.cppnx import FUNCTIONS
from artists.cppn.genome import OUTPUTS, Genome, topological_order
from artists.cppn.kernel import hsv_images

if TYPE_CHECKING:
    import torch


def inputs(size: int) -> dict[str, np.ndarray]:
    """CPPN-X's four inputs over a size × size grid, row-major, float64."""
    axis = np.arange(size, dtype=np.float64) / (size / 2.0) + -1.0
    y, x = np.meshgrid(axis, axis, indexing="ij")
    d = np.sqrt((x * x + y * y).astype(np.float32)).astype(np.float64) * 1.4
    return {"x": x.ravel(), "y": y.ravel(), "d": d.ravel(), "bias": np.ones(size * size)}


def forward(genome: Genome, size: int, mode: str) -> np.ndarray:
    """Output node values ``(C, size * size)`` float64, each node summed and activated as CPPN-X does."""
    raw = inputs(size)
    incoming: dict[int, list[tuple[int, float]]] = {}
    for c in genome.connections:  # gene order: the file's link order for an imported genome
        if c.enabled:
            incoming.setdefault(c.target, []).append((c.source, c.weight))
    order = topological_order((n.id for n in genome.nodes), ((s, t) for t, ls in incoming.items() for s, _ in ls))
    if order is None:
        raise ValueError("genome holds a cycle; check() refuses such genomes")
    nodes = {n.id: n for n in genome.nodes}
    values: dict[int, np.ndarray] = {}
    with np.errstate(all="ignore"):  # inf and NaN are values here, as in C++
        for node_id in order:
            node = nodes[node_id]
            if node.kind == "in":
                total = raw[node.label].copy()
            else:
                total = np.zeros(size * size)
                for source, weight in incoming.get(node_id, ()):
                    total += values[source] * weight
            values[node_id] = FUNCTIONS[node.activation](total)
    by_label = {n.label: n.id for n in genome.outputs}
    return np.stack([values[by_label[label]] for label in OUTPUTS[mode]])


def ink_levels(values: np.ndarray) -> np.ndarray:
    """Grey / RGB node values (float64) to image values float32: CPPN-X's red byte b (``pixels.red_byte``: |v| * 255
    truncated, 255 from |v| >= 1 and for NaN) as b / 127.5 - 1, as ``pixels.to_image`` maps them, in NumPy."""
    magnitude = np.abs(values)
    with np.errstate(invalid="ignore"):
        levels = np.where(magnitude < 1.0, np.trunc(magnitude * 255.0), 255.0)
    return levels.astype(np.float32) / np.float32(127.5) - np.float32(1.0)


def images(genomes: list[Genome], size: int, mode: str) -> np.ndarray:
    """Images ``(N, channels, size, size)`` float32 in [-1, 1], CPPN-X's pixel bytes b as b / 127.5 - 1, with NumPy
    alone (no torch: ``coevo render`` of an imported Picbreeder genome starts fast)."""
    if not genomes:
        return np.zeros((0, len(OUTPUTS[mode]), size, size), dtype=np.float32)
    outputs = np.stack([forward(g, size, mode) for g in genomes])
    if mode == "hsv":  # the compiled kernel's mapping: the same bytes as pixels.to_image (tested), without temporaries
        levels = np.empty(outputs.shape, dtype=np.float32)
        hsv_images(outputs, levels)
    else:
        levels = ink_levels(outputs)
    return levels.reshape(len(genomes), -1, size, size)


def render(genomes: list[Genome], size: int, mode: str) -> torch.Tensor:
    """``images`` as a tensor."""
    import torch

    return torch.from_numpy(images(genomes, size, mode))
