"""Numba's first compilation, said: kernels are cached on disk (``cache=True``) and compiled only where an artist
that uses them is loaded; the first time a kernel has no cache yet, one line on stderr says why the start is slow
(tens of seconds once), instead of a silent wait."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, TextIO


def cached(kernel: Any) -> bool:
    """Whether a ``@njit(cache=True)`` kernel has its cache index on disk (compiled by an earlier process)."""
    cache = getattr(kernel, "_cache", None)
    index = getattr(getattr(cache, "_cache_file", None), "_index_path", None)
    return index is None or Path(index).exists()


def announce(kernel: Any, what: str, stream: TextIO | None = None) -> bool:
    """Write the one-line notice before ``kernel``'s first compilation (nothing when it is cached); True when
    written. Once compiled, the index exists, so the line is not repeated, in this process or the next."""
    if cached(kernel):
        return False
    cache_dir = getattr(getattr(kernel, "_cache", None), "cache_path", "?")
    (stream or sys.stderr).write(f"coevo: compiling the {what} kernel with Numba, once (cached in {cache_dir}); "
                                 "later starts take a second\n")
    return True
