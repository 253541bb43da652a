"""Benchmark: render 16 CPPNs (~30 hidden nodes) at 256x256 with our CPU renderer (the compiled Numba kernel,
``artists.cppn.network``) vs a plain NumPy forward pass per genome (``artists.cppn.reference``: same activation
definitions, node by node over the whole image). The baseline is that NumPy pass in float32, the precision ours
computes in; NumPy's default float64 (CPPN-X computes in double) and the batched Torch renderer (used on CUDA) are
printed for reference. The last line is the speed-up ratio: plain float32 NumPy time / our time.

Usage: python bench/cppn_render.py [--genomes 16] [--hidden 30] [--size 256] [--repeats 3] [--device auto]
"""

from __future__ import annotations

import argparse
import random
import time

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

    def batched_torch() -> None:
        torch_renderer.render(genomes, args.size, genetics.mode, genetics.device)
        if genetics.device.type == "cuda":
            torch.cuda.synchronize()

    start = time.perf_counter()
    network.render(genomes[:1], 8, genetics.mode)
    print(f"numba kernel first call (loads the disk cache, or compiles): {time.perf_counter() - start:.2f} s")
    batched_torch()  # warm-up (CUDA context, allocator)
    numpy64 = best_time(lambda: [reference.forward(g, args.size, genetics.mode, np.float64) for g in genomes],
                        args.repeats)
    numpy32 = best_time(lambda: [reference.forward(g, args.size, genetics.mode, np.float32) for g in genomes],
                        args.repeats)
    torch_time = best_time(batched_torch, args.repeats)
    ours = best_time(lambda: network.render(genomes, args.size, genetics.mode), args.repeats)
    print(f"plain numpy per-genome forward pass, float64:  {numpy64 * 1000:.1f} ms")
    print(f"plain numpy per-genome forward pass, float32:  {numpy32 * 1000:.1f} ms  (baseline)")
    print(f"batched torch renderer ({genetics.device}), float32:      {torch_time * 1000:.1f} ms")
    print(f"ours: compiled numba kernel (cpu), float32:    {ours * 1000:.1f} ms  (compile + render)")
    print(f"speed-up vs float64 numpy: {numpy64 / ours:.2f}")
    print(f"speed-up ratio (plain float32 numpy / ours): {numpy32 / ours:.2f}")


if __name__ == "__main__":
    main()
