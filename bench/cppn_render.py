"""Benchmark: render 16 CPPNs (~30 hidden nodes) at 256x256 with our CPU renderer (the compiled Numba kernel,
``artists.cppn.network``) against the ways one would draw a CPPN without it:

- neat-python: its ``nn.FeedForwardNetwork`` (the phenotype neat-python's own picture examples draw with) built from
  each genome's nodes and links, ``activate``d once per pixel with scalar Picbreeder activations (timed on a pixel
  subset and extrapolated; skipped when neat-python is not installed: ``pip install neat-python``);
- plain torch: one genome at a time, node by node over the whole image in float32 tensors, with the project's torch
  activations (``activations.TORCH``), timed on one torch thread and on torch's default threads; the faster is the
  baseline (on a busy 2-core machine a second torch thread makes each op wait for it, tens of times slower);
- plain NumPy: ``artists.cppn.reference``, the same node by node pass in float32 (and float64, as CPPN-X computes).

The works are timed in turn, ``--repeats`` times, in wall and CPU seconds (CPU: the whole process, every thread);
figures and ratios are of the medians, printed with the load average. The batched Torch renderer (used on CUDA) is
printed for reference. Every baseline computes the same image: the bench checks each one's output values against
ours before timing.

Usage: PYTHONPATH=. python bench/cppn_render.py [--genomes 16] [--hidden 30] [--size 256] [--repeats 5]
[--device auto]
"""

from __future__ import annotations

import argparse
import math
import os
import random
import time
from collections.abc import Callable

import numba
import numpy as np
import torch
from timing import interleaved, one_thread  # bench/timing.py, shared with bench/gp_render.py

from artists.cppn import CPPNGenetics, network, reference
from artists.cppn import render as torch_renderer
from artists.cppn.activations import GAUSSIAN_STEPS, SIGMOID_STEPS, TORCH
from artists.cppn.genome import INPUTS, OUTPUTS, Genome, topological_order
from artists.cppn.kernel import CODES
from artists.cppn.variation import add_connection, add_node

SUBSET = 256  # pixels per genome for neat-python, spread evenly over the image


def population(genetics: CPPNGenetics, n: int, hidden: int) -> list[Genome]:
    """``n`` genomes with ``hidden`` hidden nodes and about three links per node."""
    random.seed(0)
    genomes = []
    for _ in range(n):
        genome = genetics.random_genome()
        while len(genome.hidden) < hidden:
            genome = add_node(genome, genetics.activations)
            genome = add_connection(add_connection(genome, 3.0), 3.0)
        genomes.append(genome)
    return genomes


def _steps(x: float, bounds: tuple[int, int]) -> float:
    return min(max(math.trunc(x * 1000.0 + 0.5), bounds[0]), bounds[1]) * 0.001


SCALAR: dict[str, Callable[[float], float]] = {  # activations.NUMPY's definitions, one float at a time
    "sin": math.sin, "cos": math.cos,
    "gaussian": lambda x: math.exp(-_steps(x, GAUSSIAN_STEPS) ** 2) * 2.0 - 1.0,
    "sigmoid": lambda x: 2.0 / (1.0 + math.exp(-_steps(x, SIGMOID_STEPS))) - 1.0,
    "tanh": math.tanh, "identity": lambda x: x, "abs": abs, "step": lambda x: 1.0 if x > 0 else 0.0,
    "ugaussian": lambda x: math.exp(-x * x), "usigmoid": lambda x: 1.0 / (1.0 + math.exp(-x)),
    "ublin": lambda x: min(max(x, 0.0), 1.0),
}
NAME_OF = {code: name for name, code in CODES.items()}


def neat_networks(genomes: list[Genome], mode: str) -> list[object] | None:
    """Each genome as a neat-python ``FeedForwardNetwork`` (inputs x, y, d, bias; sum aggregation, bias 0,
    response 1; nodes and links in the order ``network.compile_genome`` evaluates them), or None without neat."""
    try:
        from neat.nn import FeedForwardNetwork
    except ImportError:
        return None
    nets = []
    for genome in genomes:
        codes, links, outputs = network.compile_genome(genome, mode)
        evals = [(len(INPUTS) + k, SCALAR[NAME_OF[code]], sum, 0.0, 1.0, incoming)
                 for k, (code, incoming) in enumerate(zip(codes, links))]
        nets.append(FeedForwardNetwork(list(range(len(INPUTS))), outputs, evals))
    return nets


def pixel_rows(size: int) -> np.ndarray:
    """x, y, d, bias of every pixel (4, size²), as the renderers compute them."""
    axis = network.axis(size)
    y, x = np.meshgrid(axis, axis, indexing="ij")
    d = np.sqrt(x * x + y * y) * np.float32(1.4)
    return np.stack([x.ravel(), y.ravel(), d.ravel(), np.ones(size * size, np.float32)]).astype(np.float64)


def torch_forward(genome: Genome, size: int, mode: str) -> torch.Tensor:
    """Output node values (C, size²) of one genome: plain torch, node by node over the whole image in float32."""
    axis = torch.from_numpy(network.axis(size))
    y, x = torch.meshgrid(axis, axis, indexing="ij")
    raw = {"x": x.reshape(-1), "y": y.reshape(-1), "d": torch.sqrt(x * x + y * y).reshape(-1) * 1.4,
           "bias": torch.ones(size * size)}
    enabled = [c for c in genome.connections if c.enabled]
    order = topological_order((n.id for n in genome.nodes), ((c.source, c.target) for c in enabled))
    assert order is not None, "genome holds a cycle"
    nodes = {n.id: n for n in genome.nodes}
    values: dict[int, torch.Tensor] = {}
    for node_id in order:
        node = nodes[node_id]
        total = raw[node.label].clone() if node.kind == "in" and node.label in INPUTS else torch.zeros(size * size)
        for c in enabled:
            if c.target == node_id:
                total += c.weight * values[c.source]
        values[node_id] = TORCH[node.activation](total)
    by_label = {n.label: n.id for n in genome.outputs}
    return torch.stack([values[by_label[label]] for label in OUTPUTS[mode]])


def torch_threads(threads: int, work: Callable[[], object]) -> Callable[[], object]:
    """``work`` on ``threads`` torch threads."""
    def run() -> object:
        before = torch.get_num_threads()
        torch.set_num_threads(threads)
        try:
            return work()
        finally:
            torch.set_num_threads(before)
    return run


def close_share(a: np.ndarray, b: np.ndarray) -> float:
    """The share of values within 1e-3 (float32 against float64 and libm's transcendentals: a step or table
    activation may land on the other side of its threshold in a few pixels)."""
    return float(np.mean(np.abs(np.asarray(a, np.float64) - np.asarray(b, np.float64)) <= 1e-3))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--genomes", type=int, default=16)
    parser.add_argument("--hidden", type=int, default=30)
    parser.add_argument("--size", type=int, default=256)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--device", default="auto")
    args = parser.parse_args()
    genetics = CPPNGenetics(channels=1, device=args.device)
    genomes = population(genetics, args.genomes, args.hidden)
    links = sum(sum(c.enabled for c in g.connections) for g in genomes) / len(genomes)
    print(f"{args.genomes} CPPNs, {args.hidden} hidden nodes and {links:.0f} enabled links each, "
          f"{args.size}x{args.size}, torch device {genetics.device}, torch threads {torch.get_num_threads()}, "
          f"numba threads {numba.get_num_threads()}, load {os.getloadavg()[0]:.1f}")

    def batched_torch() -> None:
        torch_renderer.render(genomes, args.size, genetics.mode, genetics.device)
        if genetics.device.type == "cuda":
            torch.cuda.synchronize()

    def ours() -> None:
        network.render(genomes, args.size, genetics.mode)

    start = time.perf_counter()
    network.render(genomes[:1], 8, genetics.mode)
    print(f"numba kernel first call (loads the disk cache, or compiles): {time.perf_counter() - start:.2f} s")
    batched_torch()  # warm-up (CUDA context, allocator)

    values = network.evaluate(network.compile_genomes(genomes, genetics.mode), args.size)  # ours, node values
    pixels = pixel_rows(args.size)
    subset = range(0, pixels.shape[1], max(1, pixels.shape[1] // SUBSET))
    nets = neat_networks(genomes, genetics.mode)
    works: dict[str, Callable[[], object]] = {}
    if nets is None:
        print("neat-python is not installed (pip install neat-python): its row is skipped")
    else:
        inputs = [tuple(pixels[:, i]) for i in subset]
        neat_values = np.array([[net.activate(p) for p in inputs] for net in nets])  # (genomes, pixels, C)
        near = close_share(neat_values.transpose(0, 2, 1), values[:, :, list(subset)])
        print(f"neat-python's values within 1e-3 of ours: {near:.2%}")
        works["neat-python"] = lambda: [[net.activate(p) for p in inputs] for net in nets]
    plain = np.stack([torch_forward(g, args.size, genetics.mode).numpy() for g in genomes])
    numpy32 = np.stack([reference.forward(g, args.size, genetics.mode, np.float32) for g in genomes])
    print(f"plain torch's values within 1e-3 of ours: {close_share(plain, values):.2%}; plain NumPy's: "
          f"{close_share(numpy32, values):.2%}")
    threads = torch.get_num_threads()

    def plain_torch() -> None:
        for genome in genomes:
            torch_forward(genome, args.size, genetics.mode)

    works.update({
        "plain torch, 1 thread": torch_threads(1, plain_torch),
        "plain torch": torch_threads(threads, plain_torch),
        "numpy32": lambda: [reference.forward(g, args.size, genetics.mode, np.float32) for g in genomes],
        "numpy64": lambda: [reference.forward(g, args.size, genetics.mode, np.float64) for g in genomes],
        "batched torch": torch_threads(1 if genetics.device.type == "cpu" else threads, batched_torch),
        "ours, 1 thread": one_thread(ours),
        "ours": ours,
    })
    medians = interleaved(works, args.repeats)
    medians["plain torch, best"] = min(medians["plain torch, 1 thread"], medians["plain torch"])
    if "neat-python" in medians:
        share = len(subset) / pixels.shape[1]
        medians["neat-python"] = tuple(v / share for v in medians["neat-python"])  # a whole render, extrapolated
    print(f"medians of {args.repeats} interleaved rounds, wall / CPU ms per render of all {args.genomes} "
          f"(load {os.getloadavg()[0]:.1f} after):")
    labels = {"neat-python": f"neat-python FeedForwardNetwork per pixel (timed on {len(subset)} pixels a genome)",
              "plain torch, 1 thread": "plain torch per genome, float32, 1 torch thread",
              "plain torch": f"plain torch per genome, float32, {threads} torch threads",
              "plain torch, best": "plain torch, the faster of the two (baseline)",
              "numpy32": "plain NumPy per genome, float32", "numpy64": "plain NumPy per genome, float64",
              "batched torch": f"batched torch renderer ({genetics.device}, "
                               f"{1 if genetics.device.type == 'cpu' else threads} thread(s))",
              "ours, 1 thread": "ours, Numba kernel on 1 thread", "ours": "ours, Numba kernel (compile + render)"}
    for name, (wall, cpu) in medians.items():
        print(f"  {labels[name]:62s} {wall * 1000:10.1f} / {cpu * 1000:10.1f}")
    wall, cpu = medians["ours"]
    ratios = "  ".join(f"{name} {medians[name][0] / wall:.1f} / {medians[name][1] / cpu:.1f}"
                       for name in ("neat-python", "plain torch, best", "numpy32") if name in medians)
    print(f"ratios baseline / ours, wall / CPU (goals: neat-python >= 1000, plain torch >= 10), load "
          f"{os.getloadavg()[0]:.1f}: {ratios}")


if __name__ == "__main__":
    main()
