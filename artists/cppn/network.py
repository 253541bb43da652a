"""Compiling CPPN genomes into the flat arrays of the Numba kernel (once per genome, no per-genome JIT), and the
CPU renderer built on it. Same nodes, inputs, summation order and output mapping as the Torch renderer."""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np
import torch

from artists.cppn.genome import INPUTS, OUTPUTS, Genome
from artists.cppn.kernel import CODES, TILE, render_networks
from artists.cppn.render import input_grid, node_levels, to_image

_KERNEL_LOCK = threading.Lock()  # Numba's default (workqueue) threading layer must not run two kernels at once


@dataclass
class NetworkBatch:
    """Many genomes packed end to end. A genome's buffer rows are 0..3 for x, y, d, bias, then its nodes."""

    activations: np.ndarray  # int32 (nodes,): kernel activation code of each node, genome by genome
    node_links: np.ndarray  # int64 (nodes + 1,): node k sums links node_links[k] .. node_links[k + 1] - 1
    link_sources: np.ndarray  # int32 (links,): buffer row of each link's source
    link_weights: np.ndarray  # float32 (links,)
    genome_nodes: np.ndarray  # int64 (genomes + 1,): genome g is nodes genome_nodes[g] .. genome_nodes[g + 1] - 1
    outputs: np.ndarray  # int32 (genomes, channels): buffer row of each output channel
    rows: int  # the most buffer rows any genome needs

    def __len__(self) -> int:
        return len(self.genome_nodes) - 1


def compile_genome(genome: Genome, mode: str) -> tuple[list[int], list[list[tuple[int, float]]], list[int]]:
    """One genome as (activation codes, incoming (source row, weight) links per node, output rows), its nodes
    in topological order. Only nodes the outputs depend on are kept; an identity input node is its raw input row,
    any other input node a node fed by its raw input with weight 1."""
    by_label = {n.label: n.id for n in genome.nodes if n.kind == "out"}
    wanted = [by_label[label] for label in OUTPUTS[mode]]
    depth = node_levels(genome, wanted)
    row: dict[int, int] = {}
    order = []
    for node_id in sorted(depth, key=lambda n: (depth[n], n)):
        node = genome.node(node_id)
        if node.kind == "in" and node.activation == "identity":
            row[node_id] = INPUTS.index(node.label)
        else:
            row[node_id] = len(INPUTS) + len(order)
            order.append(node)
    incoming: dict[int, list[tuple[int, float]]] = {}
    for c in genome.connections:  # in gene order, the order the Torch renderer sums them in
        if c.enabled and c.target in row:
            incoming.setdefault(c.target, []).append((row[c.source], c.weight))
    links = [[(INPUTS.index(n.label), 1.0)] if n.kind == "in" else incoming.get(n.id, []) for n in order]
    return [CODES[n.activation] for n in order], links, [row[w] for w in wanted]


def compile_genomes(genomes: list[Genome], mode: str) -> NetworkBatch:
    """Pack many genomes into one batch, in order."""
    activations: list[int] = []
    links: list[list[tuple[int, float]]] = []
    genome_nodes, outputs = [0], []
    for genome in genomes:
        codes, incoming, rows = compile_genome(genome, mode)
        activations += codes
        links += incoming
        genome_nodes.append(len(activations))
        outputs.append(rows)
    flat = [link for node in links for link in node]
    node_links = np.zeros(len(links) + 1, dtype=np.int64)
    node_links[1:] = np.cumsum([len(node) for node in links])
    return NetworkBatch(
        activations=np.array(activations, dtype=np.int32),
        node_links=node_links,
        link_sources=np.array([s for s, _ in flat], dtype=np.int32),
        link_weights=np.array([w for _, w in flat], dtype=np.float32),
        genome_nodes=np.array(genome_nodes, dtype=np.int64),
        outputs=np.array(outputs, dtype=np.int32).reshape(len(genomes), len(OUTPUTS[mode])),
        rows=len(INPUTS) + max(np.diff(genome_nodes), default=0),
    )


def evaluate(batch: NetworkBatch, inputs: np.ndarray, ink: bool, tile: int = TILE) -> np.ndarray:
    """Every genome over every pixel: float32 (genomes, channels, pixels), output node values or, with ``ink``,
    already mapped to [-1, 1] as grey/RGB images are."""
    inputs = np.ascontiguousarray(inputs, dtype=np.float32)
    out = np.empty((len(batch), batch.outputs.shape[1], inputs.shape[1]), dtype=np.float32)
    if len(batch):
        with _KERNEL_LOCK:
            render_networks(batch.activations, batch.node_links, batch.link_sources, batch.link_weights,
                            batch.genome_nodes, batch.outputs, inputs, batch.rows, tile, ink, out)
    return out


def render(genomes: list[Genome], size: int, mode: str, tile: int = TILE) -> torch.Tensor:
    """Render genomes on the CPU to ``(N, channels, size, size)`` float32 in [-1, 1], as ``render.render`` does."""
    inputs = input_grid(size, torch.device("cpu")).numpy()
    ink = mode != "hsv"
    values = torch.from_numpy(evaluate(compile_genomes(list(genomes), mode), inputs, ink, tile))
    if ink:
        return values.reshape(len(genomes), -1, size, size)
    return to_image(values, mode, size)
