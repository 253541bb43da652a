"""Torch's CPU thread count, set deliberately (``--threads``) and kept when Numba starts its thread pool.

Numba's OpenMP pool, when it first starts (the first parallel kernel), sets the OpenMP thread count that torch
reads, silently undoing ``torch.set_num_threads``; so the pool is started here first, then torch is set.
"""

from __future__ import annotations

import os

from coevo.errors import CoevoError

DEFAULT_THREADS = 1  # measured on the project's 2-core machine (README, bench/coevolution.py, bench/dcgan_step.py)


def machine_cores() -> int:
    """The cores this process may run on: the upper bound of every thread and worker count (more only contend)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # pragma: no cover - platforms without affinity masks
        return max(1, os.cpu_count() or 1)


def check_threads(threads: int) -> int:
    """A thread count from 1 to the machine's cores, or one clear error (before any thread is made)."""
    cores = machine_cores()
    if not 1 <= int(threads) <= cores:
        raise CoevoError(f"threads must lie in [1, {cores}] (got {threads}; this machine has {cores} cores); "
                         f"pass e.g. --threads {DEFAULT_THREADS}")
    return int(threads)


def use_threads(threads: int) -> None:
    """Run torch's CPU operations on ``threads`` threads from now on, Numba kernels included or not."""
    import torch

    threads = check_threads(threads)
    try:
        import numba
    except ImportError:  # pragma: no cover - numba is a dependency; without it nothing resets torch
        pass
    else:
        numba.set_num_threads(numba.get_num_threads())  # starts Numba's pool now, with its own thread count
    torch.set_num_threads(threads)
