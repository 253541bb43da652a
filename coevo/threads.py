"""Torch's CPU thread count, set deliberately (``--threads``) and kept when Numba starts its thread pool.

Numba's OpenMP pool, when it first starts (the first parallel kernel), sets the OpenMP thread count that torch
reads, silently undoing ``torch.set_num_threads``; so the pool is started here first, then torch is set.
"""

from __future__ import annotations

from coevo.errors import CoevoError

DEFAULT_THREADS = 1  # measured on the project's 2-core machine (README, bench/coevolution.py, bench/dcgan_step.py)


def check_threads(threads: int) -> int:
    """A thread count of at least 1, or one clear error."""
    if int(threads) < 1:
        raise CoevoError(f"threads must be at least 1 (got {threads}); pass e.g. --threads {DEFAULT_THREADS}")
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
