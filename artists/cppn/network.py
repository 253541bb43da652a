"""Compiling CPPN genomes into the flat arrays of the Numba kernel (once per genome, no per-genome JIT), and the
CPU renderer built on it. Same nodes, inputs, summation order and output mapping as the Torch renderer."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from artists.cppn.genome import INPUTS, OUTPUTS, Genome
from artists.cppn.kernel import CODES, HSV, INK, RAW, TILE_BYTES, TILES, render_networks
from coevo.toolkits.numbacache import announce

if TYPE_CHECKING:
    import torch

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


def needed_order(sources: dict[int, list[int]], wanted: list[int]) -> list[int]:
    """The nodes the wanted ones depend on, each after its sources (depth-first post-order)."""
    order: list[int] = []
    seen: set[int] = set()
    for root in wanted:
        if root in seen:
            continue
        seen.add(root)
        stack = [(root, iter(sources.get(root, ())))]
        while stack:
            node, pending = stack[-1]
            for source in pending:
                if source not in seen:
                    seen.add(source)
                    stack.append((source, iter(sources.get(source, ()))))
                    break
            else:
                stack.pop()
                order.append(node)
    return order


def compile_genome(genome: Genome, mode: str) -> tuple[list[int], list[list[tuple[int, float]]], list[int]]:
    """One genome as (activation codes, incoming (source row, weight) links per node, output rows), its nodes
    in topological order. Only nodes the outputs depend on are kept; an identity input node is its raw input row,
    any other input node a node fed by its raw input with weight 1."""
    nodes = {n.id: n for n in genome.nodes}
    sources: dict[int, list[int]] = {}
    weights: dict[int, list[float]] = {}
    for c in genome.connections:  # in gene order, the order the Torch renderer sums them in
        if c.enabled:
            sources.setdefault(c.target, []).append(c.source)
            weights.setdefault(c.target, []).append(c.weight)
    by_label = {n.label: n.id for n in genome.outputs}
    wanted = [by_label[label] for label in OUTPUTS[mode]]
    row: dict[int, int] = {}
    codes: list[int] = []
    links: list[list[tuple[int, float]]] = []
    for node_id in needed_order(sources, wanted):
        node = nodes[node_id]
        if node.kind == "in":
            if node.activation == "identity":
                row[node_id] = INPUTS.index(node.label)
                continue
            incoming = [(INPUTS.index(node.label), 1.0)]
        else:
            try:
                incoming = list(zip([row[s] for s in sources.get(node_id, ())], weights.get(node_id, ())))
            except KeyError:
                raise ValueError("genome holds a cycle; check() refuses such genomes") from None
        row[node_id] = len(INPUTS) + len(codes)
        codes.append(CODES[node.activation])
        links.append(incoming)
    return codes, links, [row[w] for w in wanted]


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


def axis(size: int) -> np.ndarray:
    """The x (and y) coordinate of each pixel column (row), as ``render.input_grid``: 2 * index / size - 1. The
    kernel derives d from them with the same float32 operations (its sqrt is correctly rounded, so d can differ by
    an ulp from torch's vectorised one)."""
    return np.arange(size, dtype=np.float32) * np.float32(2.0 / size) - np.float32(1.0)


def tile_for(rows: int) -> int:
    """Pixels per kernel job: a multiple of 16 (the vector width) whose buffer of ``rows`` rows fits TILE_BYTES."""
    return min(TILES[1], max(TILES[0], TILE_BYTES // (4 * rows) // 16 * 16))


MAPPINGS = {"raw": RAW, "ink": INK, "hsv": HSV}  # what evaluate writes: node values, grey / RGB levels, HSV colours


def evaluate(batch: NetworkBatch, size: int, mapping: str = "raw", tile: int | None = None) -> np.ndarray:
    """Every genome over every pixel of a size × size image: float32 (genomes, channels, size²), output node values
    (``raw``) or already mapped to [-1, 1] as ``pixels.to_image`` maps them: grey / RGB levels (``ink``) or HSV
    colours (``hsv``, three outputs hue, saturation, brightness)."""
    tile = tile or tile_for(batch.rows)
    out = np.empty((len(batch), batch.outputs.shape[1], size * size), dtype=np.float32)
    if len(batch):
        announce(render_networks, "CPPN")
        with _KERNEL_LOCK:
            render_networks(batch.activations, batch.node_links, batch.link_sources, batch.link_weights,
                            batch.genome_nodes, batch.outputs, axis(size), batch.rows, tile, MAPPINGS[mapping], out)
    return out


def images(genomes: list[Genome], size: int, mode: str, tile: int | None = None) -> np.ndarray:
    """Render genomes on the CPU to ``(N, channels, size, size)`` float32 in [-1, 1] with NumPy arrays alone (the
    pixel mapping runs inside the kernel): what ``render`` returns as a tensor, without importing torch."""
    genomes = list(genomes)
    if not genomes:
        return np.zeros((0, len(OUTPUTS[mode]), size, size), dtype=np.float32)
    values = evaluate(compile_genomes(genomes, mode), size, "hsv" if mode == "hsv" else "ink", tile)
    return values.reshape(len(genomes), -1, size, size)


def render(genomes: list[Genome], size: int, mode: str, tile: int | None = None) -> torch.Tensor:
    """Render genomes on the CPU to ``(N, channels, size, size)`` float32 in [-1, 1], as ``render.render`` does
    (the pixel mapping runs inside the kernel)."""
    import torch  # here, so that drawing through ``images`` starts without torch

    return torch.from_numpy(images(genomes, size, mode, tile))
