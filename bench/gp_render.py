"""Benchmark: rendering 100 random GP trees (depths 2–8) at 256×256 grey, three ways, in node-evaluations/s.

(a) DEAP ``gp.compile`` with plain-Python primitives, called once per pixel (timed on a pixel subset and
extrapolated); (b) DEAP ``gp.compile`` with NumPy float32 primitives over the whole image at once; (c) our
opcode compiler plus the Numba kernel (compiling the trees to opcodes is timed with it; DEAP's ``gp.compile`` is
not timed in (a) or (b)). The three are timed in turn, ``--repeats`` times, each in wall and CPU seconds (CPU: the
whole process, every thread); the ratios are of the medians. The load average is printed with each figure. Also:
the kernel on one thread (per core), the torch evaluator on the CPU (and on CUDA when present), and the
start-up of a fresh process with a cold and a warm kernel cache (``--startup``), and each primitive alone
(``--ops``: a chain of 20 of it over 256x256, 8 programs, on one Numba thread against DEAP + NumPy), which shows
where the kernel stands per operation.

Run: PYTHONPATH=. python bench/gp_render.py [--repeats 5] [--startup] [--ops]
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numba
import numpy as np
import torch
from deap import gp
from timing import interleaved, one_thread  # bench/timing.py, shared with bench/cppn_render.py

from artists.gp.opcodes import ProgramBatch, compile_trees
from artists.gp.primitives import build_pset, pixel_inputs
from artists.gp.render import evaluate_numba
from artists.gp.torch_eval import evaluate_torch

TREES, SIZE, MIN_DEPTH, MAX_DEPTH, SEED = 100, 256, 2, 8, 0
SUBSET = 256  # pixels per tree for the per-pixel baseline (a), spread evenly over the image
TORCH_CPU_SIZE = 64  # the torch evaluator is timed smaller on the CPU, where it is only a fallback
REPEATS = 3  # best of this many timings for the torch evaluator

STARTUP = """
import time
t0 = time.perf_counter()
import numpy as np
from numba import njit
njit(lambda v: v + 1)(1)  # numba's own one-off initialisation, paid by any numba program
t1 = time.perf_counter()
from artists.gp.opcodes import ProgramBatch, compile_trees
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


def per_pixel(trees: list[gp.PrimitiveTree], inputs: np.ndarray) -> tuple[Callable[[], object], float]:
    """(a): a pass over a pixel subset with plain-Python primitives, and the share of a whole render it is."""
    pset = build_pset("scalar")
    functions = [gp.compile(tree, pset) for tree in trees]
    pixels = [tuple(float(v) for v in inputs[:, i]) for i in range(0, inputs.shape[1], inputs.shape[1] // SUBSET)]

    def run() -> None:
        for function in functions:
            for pixel in pixels:
                function(*pixel)
    return run, len(pixels) / inputs.shape[1]


def whole_image_numpy(trees: list[gp.PrimitiveTree], inputs: np.ndarray) -> Callable[[], object]:
    """(b): every tree over the whole image with NumPy primitives."""
    pset = build_pset("numpy")
    functions = [gp.compile(tree, pset) for tree in trees]
    rows = list(inputs)
    return lambda: [function(*rows) for function in functions]


def load() -> str:
    """The 1-minute load average, for the figure it is printed with."""
    return f"load {os.getloadavg()[0]:.1f}"


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


def chain_times(function: Callable[..., object], batch: ProgramBatch, inputs: np.ndarray,
                repeats: int) -> tuple[float, float]:
    """Least seconds of the kernel (one Numba thread) and of DEAP's NumPy function over 8 programs, interleaved."""
    rows = list(inputs)
    ours = one_thread(lambda: evaluate_numba(batch, inputs))
    ours()
    times: dict[str, list[float]] = {"ours": [], "numpy": []}
    for _ in range(repeats):
        for name, run in (("ours", ours), ("numpy", lambda: [function(*rows) for _ in range(8)])):
            start = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - start)
    return min(times["ours"]), min(times["numpy"])


def per_primitive(pset: gp.PrimitiveSet, inputs: np.ndarray, repeats: int) -> None:
    """Each primitive as a chain of 20 (op(op(x, y), y)...) over the image, 8 programs: the kernel on one Numba
    thread against DEAP's NumPy primitives, least of ``repeats`` interleaved timings, in ns per pixel-node."""
    count = 20
    print(f"each primitive, a chain of {count} over {inputs.shape[1]} pixels, 8 programs (one Numba thread; "
          f"least of {repeats}), ns per pixel-node:")
    for primitive in sorted((p for ps in pset.primitives.values() for p in ps), key=lambda p: p.name):
        text = "x"
        for _ in range(count):
            text = f"{primitive.name}({text}{', y' * (primitive.arity - 1)})"
        tree = gp.PrimitiveTree.from_string(text, pset)
        a, b = chain_times(gp.compile(tree, pset), compile_trees([tree] * 8), inputs, repeats)
        scale = 1e9 / (8 * count * inputs.shape[1])
        a, b = a * scale, b * scale
        print(f"    {primitive.name:6s} ours {a:6.3f}  DEAP + NumPy {b:7.3f}  ratio {b / a:5.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=5, help="rounds of the interleaved timings (median)")
    parser.add_argument("--startup", action="store_true", help="also time fresh processes (cold and warm cache)")
    parser.add_argument("--ops", action="store_true", help="also time each primitive alone against DEAP + NumPy")
    args = parser.parse_args()
    random.seed(SEED)
    np.random.seed(SEED)
    pset = build_pset("numpy")
    trees = [gp.PrimitiveTree(gp.genHalfAndHalf(pset, MIN_DEPTH, MAX_DEPTH)) for _ in range(TREES)]
    inputs = pixel_inputs(SIZE)
    nodes = sum(len(t) for t in trees)
    work = nodes * inputs.shape[1]
    print(f"{TREES} trees, depths {MIN_DEPTH}-{MAX_DEPTH}, {nodes} nodes, {SIZE}x{SIZE} pixels "
          f"= {work:.3g} node-evaluations per render; {os.cpu_count()} CPU cores, numba threads "
          f"{numba.get_num_threads()}, {load()}")

    start = time.perf_counter()
    evaluate_numba(compile_trees(trees), inputs)
    first = time.perf_counter() - start
    print(f"kernel's first call in this process (loads its disk cache, or compiles): {first:.2f} s")
    run_a, share = per_pixel(trees, inputs)

    def ours() -> None:
        evaluate_numba(compile_trees(trees), inputs)

    medians = interleaved({"a": run_a, "b": whole_image_numpy(trees, inputs), "c": ours, "c1": one_thread(ours)},
                          args.repeats)
    a = tuple(v / share for v in medians["a"])  # a whole render, extrapolated from the subset
    (b, c, c1), after = (medians[k] for k in ("b", "c", "c1")), load()
    print(f"medians of {args.repeats} interleaved rounds, wall / CPU seconds per render ({after} after):")
    print(f"(a) DEAP gp.compile per pixel:       {a[0]:8.2f} / {a[1]:8.2f}  {work / a[0]:10.4g} node-evals/s  "
          f"(timed on {SUBSET} of {inputs.shape[1]} pixels per tree)")
    print(f"(b) DEAP gp.compile, NumPy arrays:   {b[0]:8.3f} / {b[1]:8.3f}  {work / b[0]:10.4g} node-evals/s")
    print(f"(c) opcodes + Numba kernel:          {c[0]:8.3f} / {c[1]:8.3f}  {work / c[0]:10.4g} node-evals/s  "
          f"(incl. compiling trees to opcodes)")
    print(f"    the same on one Numba thread:    {c1[0]:8.3f} / {c1[1]:8.3f}  {work / c1[0]:10.4g} node-evals/s")

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

    if args.ops:
        per_primitive(pset, inputs, args.repeats)
    if args.startup:
        runs = startup()
        warm = min(first for _, first in runs[1:])
        print(f"start-up in a fresh process: cold cache (JIT compile) {runs[0][1]:.2f} s; warm cache (kernel load + "
              f"first 64x64 render) {warm:.3f} s (goal <= 0.2 s), after numba's own one-off init "
              f"{min(init for init, _ in runs[1:]):.2f} s")
    print(f"ratios (goals: c/a >= 300, c/b >= 8), {load()}: wall c/a = {a[0] / c[0]:.0f}  c/b = {b[0] / c[0]:.1f};  "
          f"CPU c/a = {a[1] / c[1]:.0f}  c/b = {b[1] / c[1]:.1f};  one thread, wall c/a = {a[0] / c1[0]:.0f}  "
          f"c/b = {b[0] / c1[0]:.1f}")


if __name__ == "__main__":
    main()
