"""Benchmark: a CPPN generation's variation (selection, NEAT crossover and mutation: ``EvolutionaryArtist.tell``)
against its render (``ask``: the Numba kernel), at pop 256 and 32 px (issue 28: variation no slower than render).
Both are timed in the same process, interleaved generation by generation after ``--warm`` generations have
grown the genomes; CPU seconds of this process (steadier than wall time on a shared machine) and wall seconds:
the median and the least over the generations; and the variation's CPU seconds on its own thread (the process's
count the render's idle OpenMP threads, which spin on after it).

    PYTHONPATH=. python bench/cppn_variation.py [--pop 256] [--size 32] [--generations 20] [--warm 30]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time

import torch

from artists.cppn.genetics import CPPNGenetics
from coevo.evolution.ga import EvolutionaryArtist, EvolutionConfig
from coevo.rng import Generators, using


def timed(call) -> tuple[float, float, float, object]:
    """(CPU seconds of the process, wall seconds, CPU seconds of this thread, result) of one call."""
    cpu, wall, own = time.process_time(), time.perf_counter(), time.thread_time()
    result = call()
    return time.process_time() - cpu, time.perf_counter() - wall, time.thread_time() - own, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pop", type=int, default=256)
    parser.add_argument("--size", type=int, default=32)
    parser.add_argument("--generations", type=int, default=20)
    parser.add_argument("--warm", type=int, default=30)
    args = parser.parse_args()
    torch.set_num_threads(1)
    scores = torch.Generator().manual_seed(1)
    with using(Generators(random.Random(0))):
        artist = EvolutionaryArtist(CPPNGenetics(), EvolutionConfig(pop=args.pop, size=args.size))
        for _ in range(args.warm):
            proposal = artist.ask()
            artist.tell(proposal, torch.randn(len(proposal.images), generator=scores))
        render, vary = [], []
        for _ in range(args.generations):
            render.append(timed(artist.ask))
            proposal = render[-1][3]
            fitness = torch.randn(len(proposal.images), generator=scores)
            vary.append(timed(lambda: artist.tell(proposal, fitness)))  # noqa: B023 - called at once
    nodes = sum(len(ind.genome.nodes) for ind in artist.population) / len(artist.population)
    links = sum(len(ind.genome.connections) for ind in artist.population) / len(artist.population)
    print(f"pop {args.pop}, {args.size} px, genomes of {nodes:.1f} nodes and {links:.1f} connections after "
          f"{args.warm + args.generations} generations; load average {os.getloadavg()[0]:.1f}")
    for label, index in (("CPU", 0), ("wall", 1)):
        for name, pick in (("median", statistics.median), ("least", min)):  # least: the cost without contention
            r, v = pick(t[index] for t in render), pick(t[index] for t in vary)
            print(f"  {label:4} {name:6}: render {1000 * r:6.1f} ms, variation {1000 * v:6.1f} ms: variation / render "
                  f"{v / r:.2f} (goal <= 1)")
    # the process's CPU time of a variation counts the render's OpenMP threads spinning idle after it; variation
    # runs on this thread alone, so its own CPU time is this thread's (the render's stays the process's, every thread)
    r, v = statistics.median(t[0] for t in render), statistics.median(t[2] for t in vary)
    print(f"  CPU median, variation's own thread: {1000 * v:6.1f} ms against the render's {1000 * r:6.1f} ms: "
          f"variation / render {v / r:.2f} (goal <= 1)")


if __name__ == "__main__":
    main()
