"""Benchmark: rendering 100 random GP trees (depths 2–8) at 256×256 grey, three ways, in node-evaluations/s.

(a) DEAP ``gp.compile`` with plain-Python primitives, called once per pixel (timed on a pixel subset and
extrapolated); (b) DEAP ``gp.compile`` with NumPy float32 primitives over the whole image at once; (c) our
opcode compiler plus the Numba kernel. Also: the torch evaluator on the CPU (and on CUDA when present), and the
start-up of a fresh process with a cold and a warm kernel cache. The last line prints the ratios c/a and c/b.

Run: PYTHONPATH=. python bench/gp_render.py
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch
from deap import gp

from artists.gp.opcodes import compile_trees
from artists.gp.primitives import build_pset, pixel_inputs
from artists.gp.render import evaluate_numba
from artists.gp.torch_eval import evaluate_torch

TREES, SIZE, MIN_DEPTH, MAX_DEPTH, SEED = 100, 256, 2, 8, 0
SUBSET = 256  # pixels per tree for the per-pixel baseline (a), spread evenly over the image
TORCH_CPU_SIZE = 64  # the torch evaluator is timed smaller on the CPU, where it is only a fallback
REPEATS = 3  # best of this many timings for (b), (c) and torch

STARTUP = """
import time
t0 = time.perf_counter()
import numpy as np
from numba import njit
njit(lambda v: v + 1)(1)  # numba's own one-off initialisation, paid by any numba program
t1 = time.perf_counter()
from artists.gp.opcodes import compile_trees
from artists.gp.primitives import build_pset, pixel_inputs
from artists.gp.render import evaluate_numba
from artists.gp.genome import parse_tree
tree = parse_tree("sin(mul(x, noise(y, r)))", build_pset())
t2 = time.perf_counter()
evaluate_numba(compile_trees([tree]), pixel_inputs(64))
t3 = time.perf_counter()
print(f"{t1 - t0:.3f} {t3 - t2:.3f}")
"""


def best_time(run: Callable[[], object], repeats: int = REPEATS) -> float:
    """The fastest of ``repeats`` timed calls (the machine is shared; the minimum is the least disturbed)."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def per_pixel(trees: list[gp.PrimitiveTree], inputs: np.ndarray) -> tuple[float, int]:
    """(a): seconds and node-evaluations over a pixel subset with plain-Python primitives."""
    pset = build_pset("scalar")
    functions = [gp.compile(tree, pset) for tree in trees]
    pixels = [tuple(float(v) for v in inputs[:, i]) for i in range(0, inputs.shape[1], inputs.shape[1] // SUBSET)]
    start = time.perf_counter()
    for function in functions:
        for pixel in pixels:
            function(*pixel)
    seconds = time.perf_counter() - start
    return seconds, sum(len(t) for t in trees) * len(pixels)


def whole_image_numpy(trees: list[gp.PrimitiveTree], inputs: np.ndarray) -> float:
    """(b): seconds to evaluate every tree over the whole image with NumPy primitives."""
    pset = build_pset("numpy")
    functions = [gp.compile(tree, pset) for tree in trees]
    rows = list(inputs)
    return best_time(lambda: [function(*rows) for function in functions])


def startup() -> list[tuple[float, float]]:
    """(numba init, kernel first call) seconds in fresh processes: a cold cache (JIT) then two warm ones."""
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[1]))
    with tempfile.TemporaryDirectory() as cache:
        env["NUMBA_CACHE_DIR"] = cache
        results = []
        for _ in range(3):
            done = subprocess.run([sys.executable, "-c", STARTUP], env=env, capture_output=True, text=True,
                                  check=True)
            init, first = done.stdout.split()
            results.append((float(init), float(first)))
    return results


def main() -> None:
    random.seed(SEED)
    np.random.seed(SEED)
    pset = build_pset("numpy")
    trees = [gp.PrimitiveTree(gp.genHalfAndHalf(pset, MIN_DEPTH, MAX_DEPTH)) for _ in range(TREES)]
    inputs = pixel_inputs(SIZE)
    nodes = sum(len(t) for t in trees)
    work = nodes * inputs.shape[1]
    print(f"{TREES} trees, depths {MIN_DEPTH}-{MAX_DEPTH}, {nodes} nodes, {SIZE}x{SIZE} pixels "
          f"= {work:.3g} node-evaluations per render; {os.cpu_count()} CPU cores, numba threads "
          f"{__import__('numba').get_num_threads()}, load average {os.getloadavg()[0]:.1f}")

    seconds_a, work_a = per_pixel(trees, inputs)
    rate_a = work_a / seconds_a
    print(f"(a) DEAP gp.compile per pixel:       {rate_a:12.4g} node-evals/s  (timed on {SUBSET} of "
          f"{inputs.shape[1]} pixels per tree, {seconds_a:.2f} s; a full render would take "
          f"{work / rate_a:.0f} s)")
    seconds_b = whole_image_numpy(trees, inputs)
    rate_b = work / seconds_b
    print(f"(b) DEAP gp.compile, NumPy arrays:   {rate_b:12.4g} node-evals/s  ({seconds_b:.3f} s per render)")

    start = time.perf_counter()
    evaluate_numba(compile_trees(trees), inputs)
    first = time.perf_counter() - start
    seconds_c = best_time(lambda: evaluate_numba(compile_trees(trees), inputs))
    rate_c = work / seconds_c
    print(f"(c) opcodes + Numba kernel:          {rate_c:12.4g} node-evals/s  ({seconds_c:.3f} s per render "
          f"incl. compiling trees to opcodes; first call in this process {first:.2f} s)")

    small = pixel_inputs(TORCH_CPU_SIZE)
    seconds_t = best_time(lambda: evaluate_torch(compile_trees(trees), small, torch.device("cpu")), 1)
    print(f"    torch evaluator, CPU:            {nodes * small.shape[1] / seconds_t:12.4g} node-evals/s  "
          f"(at {TORCH_CPU_SIZE}x{TORCH_CPU_SIZE}; it is meant for GPUs)")
    if torch.cuda.is_available():
        cuda = torch.device("cuda")
        evaluate_torch(compile_trees(trees), inputs, cuda)

        def on_gpu() -> None:
            evaluate_torch(compile_trees(trees), inputs, cuda)
            torch.cuda.synchronize()

        seconds_g = best_time(on_gpu)
        print(f"    torch evaluator, CUDA:           {work / seconds_g:12.4g} node-evals/s  ({seconds_g:.3f} s)")

    runs = startup()
    warm = min(first for _, first in runs[1:])
    print(f"start-up in a fresh process: cold cache (JIT compile) {runs[0][1]:.2f} s; warm cache (kernel load + "
          f"first 64x64 render) {warm:.3f} s (goal <= 0.2 s), after numba's own one-off init "
          f"{min(init for init, _ in runs[1:]):.2f} s")
    print(f"ratios: c/a = {rate_c / rate_a:.0f}  c/b = {rate_c / rate_b:.1f}")


if __name__ == "__main__":
    main()
