"""Timing shared by the render benches: works timed in turn (interleaved), wall and CPU medians; a work on one
Numba thread."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

import numba


def interleaved(works: dict[str, Callable[[], object]], repeats: int) -> dict[str, tuple[float, float]]:
    """Each work's median (wall, CPU) seconds over ``repeats`` rounds that run the works in turn (a busy, shared
    machine then slows them alike); a pause before each lets the last work's spinning thread pools sleep."""
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in works}
    for _ in range(repeats):
        for name, work in works.items():
            time.sleep(0.1)
            wall, cpu = time.perf_counter(), time.process_time()
            work()
            times[name].append((time.perf_counter() - wall, time.process_time() - cpu))
    return {name: (statistics.median(w for w, _ in t), statistics.median(c for _, c in t)) for name, t in times.items()}


def one_thread(work: Callable[[], object]) -> Callable[[], object]:
    """``work`` with Numba's kernels on one thread (their per-core speed, against single-threaded NumPy)."""
    def run() -> object:
        threads = numba.get_num_threads()
        numba.set_num_threads(1)
        try:
            return work()
        finally:
            numba.set_num_threads(threads)
    return run
