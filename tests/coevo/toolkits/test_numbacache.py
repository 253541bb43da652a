"""The first-compilation notice (coevo/toolkits/numbacache.py): said once before a kernel compiles, not again."""

from __future__ import annotations

import importlib.util
import io
from pathlib import Path

from coevo.toolkits.numbacache import announce, cached

KERNEL = """
from numba import njit


@njit(cache=True)
def double(x):
    return 2 * x
"""


def test_the_notice_comes_once_before_the_first_compilation(tmp_path: Path) -> None:
    (tmp_path / "fresh_kernel.py").write_text(KERNEL)
    spec = importlib.util.spec_from_file_location("fresh_kernel", tmp_path / "fresh_kernel.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    said = io.StringIO()
    assert not cached(module.double) and announce(module.double, "test", said)
    assert said.getvalue().count("\n") == 1 and "compiling the test kernel with Numba, once" in said.getvalue()
    assert module.double(21) == 42  # compiles, and writes the cache beside the module
    again = io.StringIO()
    assert cached(module.double) and not announce(module.double, "test", again) and again.getvalue() == ""


def test_a_function_without_a_disk_cache_counts_as_cached() -> None:
    assert cached(len) and not announce(len, "plain", io.StringIO())
