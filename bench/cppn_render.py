"""Benchmark: render 16 CPPNs (~30 hidden nodes) at 256x256 with the batched Torch renderer vs a plain NumPy
forward pass per genome (same activation definitions), in NumPy's default float64 (CPPN-X computes in double)
and in float32 (as ours). Prints timings; the last line is the speed-up ratio against plain (float64) NumPy.

Usage: python bench/cppn_render.py [--genomes 16] [--hidden 30] [--size 256] [--repeats 3] [--device auto]
"""

from __future__ import annotations

import argparse
import random
import time

import numpy as np
import torch

from artists.cppn import CPPNGenetics, reference
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


def best_time(work, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--genomes", type=int, default=16)
    parser.add_argument("--hidden", type=int, default=30)
    parser.add_argument("--size", type=int, default=256)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--device", default="auto")
    args = parser.parse_args()
    genetics = CPPNGenetics(channels=1, device=args.device)
    genomes = population(genetics, args.genomes, args.hidden)
    links = sum(sum(c.enabled for c in g.connections) for g in genomes) / len(genomes)
    print(f"{args.genomes} CPPNs, {args.hidden} hidden nodes and {links:.0f} enabled links each, "
          f"{args.size}x{args.size}, device {genetics.device}, torch threads {torch.get_num_threads()}")

    def ours() -> None:
        genetics.render(genomes, args.size)
        if genetics.device.type == "cuda":
            torch.cuda.synchronize()

    ours()  # warm-up (CUDA context, allocator)
    numpy64 = best_time(lambda: [reference.forward(g, args.size, genetics.mode, np.float64) for g in genomes],
                        args.repeats)
    numpy32 = best_time(lambda: [reference.forward(g, args.size, genetics.mode, np.float32) for g in genomes],
                        args.repeats)
    torch_time = best_time(ours, args.repeats)
    print(f"numpy per-genome forward pass, float64: {numpy64 * 1000:.1f} ms")
    print(f"numpy per-genome forward pass, float32: {numpy32 * 1000:.1f} ms")
    print(f"batched torch renderer, float32:        {torch_time * 1000:.1f} ms")
    print(f"speed-up vs float32 numpy: {numpy32 / torch_time:.2f}")
    print(f"speed-up ratio (plain float64 numpy / ours): {numpy64 / torch_time:.2f}")


if __name__ == "__main__":
    main()
