"""Benchmark: render 16 CPPNs (~30 hidden nodes) at 256x256 with our CPU renderer (the compiled Numba kernel,
``artists.cppn.network``) vs a plain NumPy forward pass per genome (``artists.cppn.reference``: same activation
definitions, node by node over the whole image). The baseline is that NumPy pass in float32, the precision ours
computes in; NumPy's default float64 (CPPN-X computes in double) and the batched Torch renderer (used on CUDA) are
printed for reference. The last line is the speed-up ratio: plain float32 NumPy time / our time.

Usage: PYTHONPATH=. python bench/cppn_render.py [--genomes 16] [--hidden 30] [--size 256] [--repeats 5]
[--device auto]
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable

import numba
import numpy as np
import torch

from artists.cppn import CPPNGenetics, network, reference
from artists.cppn import render as torch_renderer
from artists.cppn.genome import Genome
from artists.cppn.variation import add_connection, add_node


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


def best_times(works: dict[str, Callable[[], object]], repeats: int) -> dict[str, float]:
    """Each work's best wall time over ``repeats`` rounds; rounds interleave the works, so a busy (shared) machine
    slows them alike, and a pause before each lets the previous work's spinning thread pools (OpenMP) go to sleep."""
    times: dict[str, list[float]] = {name: [] for name in works}
    for _ in range(repeats):
        for name, work in works.items():
            time.sleep(0.1)
            start = time.perf_counter()
            work()
            times[name].append(time.perf_counter() - start)
    return {name: min(t) for name, t in times.items()}


def one_thread(work: Callable[[], object]) -> Callable[[], object]:
    """``work`` with the Numba kernel on one thread (its per-core speed, against single-threaded NumPy)."""
    def run() -> object:
        threads = numba.get_num_threads()
        numba.set_num_threads(1)
        try:
            return work()
        finally:
            numba.set_num_threads(threads)
    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
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
          f"numba threads {numba.get_num_threads()}")

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
    best = best_times({
        "numpy64": lambda: [reference.forward(g, args.size, genetics.mode, np.float64) for g in genomes],
        "numpy32": lambda: [reference.forward(g, args.size, genetics.mode, np.float32) for g in genomes],
        "torch": batched_torch,
        "ours, 1 thread": one_thread(ours),
        "ours": ours,
    }, args.repeats)
    print(f"plain numpy per-genome forward pass, float64:  {best['numpy64'] * 1000:.1f} ms")
    print(f"plain numpy per-genome forward pass, float32:  {best['numpy32'] * 1000:.1f} ms  (baseline)")
    print(f"batched torch renderer ({genetics.device}), float32:      {best['torch'] * 1000:.1f} ms")
    print(f"ours, numba kernel on 1 thread, float32:       {best['ours, 1 thread'] * 1000:.1f} ms  "
          f"(per core: {best['numpy32'] / best['ours, 1 thread']:.2f}x the baseline)")
    print(f"ours, numba kernel (cpu), float32:             {best['ours'] * 1000:.1f} ms  (compile + render)")
    print(f"speed-up vs float64 numpy: {best['numpy64'] / best['ours']:.2f}")
    print(f"speed-up ratio (plain float32 numpy / ours): {best['numpy32'] / best['ours']:.2f}")


if __name__ == "__main__":
    main()
