"""``--threads``: torch's thread count is what the run asks for, also after Numba's first parallel kernel."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from coevo.errors import CoevoError
from coevo.threads import check_threads
from tests.conftest import ROOT, patience

RENDER = """
import torch
from coevo.training.config import RunConfig
from coevo.programs.build import build
{setup}
game = build(RunConfig(artist="cppn", critic="tests.toys:TinyCritic", size=8, pop=4, warmup=0, {threads}))
game.artist.genetics.render([game.artist.genetics.random_genome()], 64)  # Numba's first parallel kernel
print(torch.get_num_threads())
"""


def threads_after_render(threads: str, setup: str = "") -> int:
    """torch.get_num_threads() in a fresh process after building a CPPN game and rendering once."""
    done = subprocess.run([sys.executable, "-c", RENDER.format(threads=threads, setup=setup)], cwd=ROOT,
                          capture_output=True, text=True, timeout=patience(300))
    assert done.returncode == 0, done.stderr[-2000:]
    return int(done.stdout.split()[-1])


UNGUARDED = "import coevo.threads as t; t.use_threads = lambda n: torch.set_num_threads(n)\n" \
            "import coevo.programs.build as b; b.use_threads = t.use_threads"  # torch set alone, as before the guard


def test_the_chosen_thread_count_survives_numbas_first_kernel() -> None:
    assert threads_after_render("threads=1") == 1
    if (os.cpu_count() or 1) > 1:
        assert threads_after_render("threads=2") == 2


def test_numbas_pool_start_would_reset_an_unguarded_count() -> None:
    """What the guard is for, where it shows: Numba's pool start resetting torch's count is Numba's and OpenMP's
    behaviour, not coevo's, and does not happen on every machine or build, so its absence skips, never fails."""
    if (os.cpu_count() or 1) < 2:
        pytest.skip("one core: Numba's pool and torch's default count are both 1, so there is nothing to reset")
    if threads_after_render("threads=1", UNGUARDED) == 1:
        pytest.skip("Numba's first parallel kernel left torch's thread count alone on this machine (that side "
                    "effect of Numba's threading layer does not happen here), so the guard has nothing to undo")


def test_bad_thread_counts_are_one_line(tmp_path) -> None:
    with pytest.raises(CoevoError, match="at least 1"):
        check_threads(0)
    done = subprocess.run([sys.executable, "-m", "coevo", "run", "--threads", "0", "--out", str(tmp_path / "r")],
                          cwd=ROOT, capture_output=True, text=True, timeout=patience(300))
    assert done.returncode == 2 and "threads must be at least 1" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and not (tmp_path / "r").exists()
