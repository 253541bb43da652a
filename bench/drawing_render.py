"""Rendering the drawing artists: 32 individuals of each at 128×128, Numba kernels against plain Python.

For each of lines (turtle strokes, anti-aliased), ants (Greenfield ant paintings), evoeco (painting agents)
and evoeco's CA mode, the same simulation runs twice in this process, interleaved: the batched Numba kernel
over all 32 individuals, and its plain-Python twin (the loop the tests hold it to: the turtle of
``coevo.toolkits.turtle.rules.run`` and the pixel loop of
``coevo.toolkits.turtle.raster.draw_python`` for lines, the walks of
``simulate`` for the grids)
over all of them (every 4th for the slow CA loop, ``--ca-every``); the ratio compares the two on the same
individuals, per individual. Both include turning genomes into what the loop needs. Goal: the kernel at least 50×
faster. The last line prints the ratios.

    PYTHONPATH=. python bench/drawing_render.py [--ca-every 4] [--repeats 2]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
from collections.abc import Callable

import numpy as np

from artists.ants import AntGenetics
from artists.ants.simulate import paint_python
from artists.evoeco import EvoEcoGenetics
from artists.evoeco.simulate import agents_python, ca_python
from artists.lines import LinesGenetics
from artists.lines.genetics import pack
from coevo.toolkits.turtle.raster import draw_python
from coevo.toolkits.turtle.rules import run

N, SIZE, GOAL = 32, 128, 50.0


def cases() -> dict[str, tuple[list, Callable, Callable]]:
    """name -> (genomes, fast(genomes), python(genomes))."""
    random.seed(0)
    np.random.seed(0)
    lines, ants = LinesGenetics(channels=3), AntGenetics(channels=3, grid=SIZE)
    agents, ca = EvoEcoGenetics(channels=3, grid=SIZE), EvoEcoGenetics(channels=3, grid=SIZE, mode="ca")

    def lines_python(genomes: list) -> np.ndarray:
        strokes, offsets = pack([run(g, lines.rules)[0] for g in genomes])
        return draw_python(strokes, offsets, 128, 3, SIZE)

    return {
        "lines": ([lines.random_genome() for _ in range(N)], lambda g: lines.render(g, SIZE), lines_python),
        "ants": ([ants.random_genome() for _ in range(N)], ants.paint,
                 lambda g: paint_python(*ants.pack(g), ants.steps, SIZE, 3)),
        "evoeco": ([agents.random_genome() for _ in range(N)], agents.indices,
                   lambda g: agents_python(*agents.pack_agents(g), agents.k, agents.steps, SIZE)),
        "evoeco-ca": ([ca.random_genome() for _ in range(N)], ca.indices,
                      lambda g: ca_python(*ca.pack_automata(g)[:1], ca.k, *ca.pack_automata(g)[1:], SIZE)),
    }


def timed(fn: Callable, genomes: list) -> tuple[float, object]:
    start = time.perf_counter()
    out = fn(genomes)
    return time.perf_counter() - start, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ca-every", type=int, default=4, help="plain Python renders every n-th CA individual")
    parser.add_argument("--repeats", type=int, default=2, help="interleaved repeats (kernel, Python, ...)")
    args = parser.parse_args()
    ratios = {}
    for name, (genomes, fast, slow) in cases().items():
        fast(genomes[:2])  # compile (or load the cached kernel) outside the timing
        sample = genomes[::args.ca_every] if name == "evoeco-ca" else genomes
        all_times, fast_times, slow_times = [], [], []
        for _ in range(args.repeats):
            all_times.append(timed(fast, genomes)[0])
            t, fast_out = timed(fast, sample)
            fast_times.append(t / len(sample))
            t, slow_out = timed(slow, sample)
            slow_times.append(t / len(sample))
        fast_s, slow_s = statistics.median(fast_times), statistics.median(slow_times)
        fast_out = np.asarray(fast_out)
        same = np.allclose((fast_out + 1) / 2, slow_out, atol=1e-5) if name == "lines" else \
            bool((fast_out == slow_out).all())
        ratios[name] = slow_s / fast_s
        print(f"{name:<10} kernel {1000 * statistics.median(all_times):7.1f} ms for {N}   on the sample of "
              f"{len(sample)}: kernel {1000 * fast_s:6.2f} ms each, plain Python {1000 * slow_s:8.1f} ms each, "
              f"{ratios[name]:5.0f}x   same images: {same}")
    print(f"{N} individuals at {SIZE}x{SIZE}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs; "
          f"goal {GOAL:.0f}x")
    print("ratio python/kernel per individual: " + ", ".join(f"{k} {v:.0f}x" for k, v in ratios.items())
          + f" (min {min(ratios.values()):.0f}x)")


if __name__ == "__main__":
    main()
