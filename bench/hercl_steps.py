"""HERCL interpreter steps per second: the compiled engine (Numba bytecode loop) against the plain-Python
reference interpreter, on the same programs and inputs, in this process, interleaved.

The programs are 32 ``hercl-function`` genomes (random, then mutated and crossed a few times, library crossover
included), each run once per pixel of a 16×16 image on its (x, y, r, θ) message, ``--max-steps`` per pixel. Three
ways: ``python`` (``run(..., engine="python")`` per pixel), ``numba`` (``run(..., engine="numba")`` per pixel: the
same entry point, so its Python-side overhead is counted) and ``batch`` (``run_batch``: one call per program over
all its pixels, as the artist renders; timed over 20 passes, being short). All three must count the same steps.
The last line prints the ratios.

    PYTHONPATH=. python bench/hercl_steps.py [--repeats 3] [--max-steps 200]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
from collections.abc import Callable

from artists.hercl.function import HERCLFunctionGenetics, pixel_inputs
from coevo.toolkits.hercl import Program, run
from coevo.toolkits.hercl.fast import run_batch

N, SIZE = 32, 16


def programs() -> list[Program]:
    random.seed(0)
    genetics = HERCLFunctionGenetics()
    pool = [genetics.random_genome() for _ in range(N)]
    for generation in range(4):
        genetics.remember(pool[generation], 1.0)
        pool = [genetics.mutate(genetics.crossover(g, random.choice(pool))[0]) for g in pool]
    return pool


def per_pixel(engine: str, max_steps: int) -> Callable[[list[Program]], int]:
    messages = [[m] for m in pixel_inputs(SIZE).tolist()]
    return lambda genomes: sum(run(g, m, max_steps=max_steps, engine=engine).steps for g in genomes
                               for m in messages)


def batched(max_steps: int) -> Callable[[list[Program]], int]:
    inputs = pixel_inputs(SIZE)
    return lambda genomes: sum(int(run_batch(g, inputs, max_steps=max_steps).steps.sum()) for g in genomes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="interleaved repeats (python, numba, batch, ...)")
    parser.add_argument("--max-steps", type=int, default=200, help="step limit per pixel")
    args = parser.parse_args()
    genomes = programs()
    ways = {"python": per_pixel("python", args.max_steps), "numba": per_pixel("numba", args.max_steps),
            "batch": batched(args.max_steps)}
    for way in ways.values():
        way(genomes[:1])  # compile (or load the cached kernels) outside the timing
    loops = {"python": 1, "numba": 1, "batch": 20}  # passes per timing: the batched one is short, so it repeats
    times: dict[str, list[float]] = {name: [] for name in ways}
    steps: dict[str, int] = {}
    for _ in range(args.repeats):
        for name, way in ways.items():
            start = time.perf_counter()
            for _ in range(loops[name]):
                steps[name] = way(genomes)
            times[name].append((time.perf_counter() - start) / loops[name])
    rate = {name: steps[name] / statistics.median(t) for name, t in times.items()}
    for name in ways:
        print(f"{name:<7} {steps[name]:>9} steps in {statistics.median(times[name]):8.4f} s (median of "
              f"{args.repeats}, {loops[name]} pass(es) each): {rate[name]:14,.0f} steps/s")
    print(f"{N} programs x {SIZE * SIZE} pixels, max {args.max_steps} steps each; same step counts: "
          f"{len(set(steps.values())) == 1}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(f"steps/s ratio numba/python: per call {rate['numba'] / rate['python']:.1f}x, "
          f"batch {rate['batch'] / rate['python']:.0f}x")


if __name__ == "__main__":
    main()
