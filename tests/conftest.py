"""Shared test settings: headless Pygame, non-interactive matplotlib, the shared data folder."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"


@pytest.fixture
def shared_data() -> Path:
    """``../shared/data`` beside the checkout; skips when this machine has none."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"no shared data folder at {SHARED_DATA} (only on the project's machines)")
    return SHARED_DATA


@pytest.fixture
def picbreeder_xml(shared_data: Path) -> list[Path]:
    """The Picbreeder XML genomes in ``../shared/data/picbreeder``; skips when there are none."""
    paths = sorted((shared_data / "picbreeder").glob("*.xml"))
    if not paths:
        pytest.skip(f"no Picbreeder XML genomes in {shared_data / 'picbreeder'}")
    return paths


@pytest.fixture
def window():  # -> Iterator[HumanCritic]
    """A real headless breeding window (48-pixel boxes, session keys on); closed afterwards."""
    from tests.helpers import breeding_window

    yield from breeding_window(48)


def patience(seconds: float) -> float:
    """A hang guard, never a measure of speed: ``seconds`` on a quiet machine, scaled by the load measured now
    (runnable processes per core, at least 1), so a wait that holds on 2 quiet cores holds at load 50 too."""
    return seconds * max(1.0, os.getloadavg()[0] / (os.cpu_count() or 1))


def kill_when(victim: subprocess.Popen, metrics: Path, rows: int, seconds: float = 300) -> int:
    """SIGKILL ``victim`` once ``metrics`` holds ``rows`` lines (or it ends); the lines it left. It waits on that
    event for as long as the victim makes progress: only ``patience(seconds)`` without a new line (a hang) ends
    the wait early, so a loaded machine slows the test but never fails it."""
    import signal
    import time

    def count() -> int:
        return len(metrics.read_text().splitlines()) if metrics.exists() else 0

    seen, stalled = count(), time.monotonic() + patience(seconds)
    while seen < rows and victim.poll() is None and time.monotonic() < stalled:
        time.sleep(0.01)  # how often to look, not how long to wait
        if count() > seen:
            seen, stalled = count(), time.monotonic() + patience(seconds)
    if victim.poll() is None:  # it may have ended (or failed) first: the caller's count says so
        os.kill(victim.pid, signal.SIGKILL)
    victim.wait()
    return count()
