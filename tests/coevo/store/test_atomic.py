"""Atomic file writes (coevo/store/atomic.py)."""

from pathlib import Path


def test_atomic_files_get_the_usual_mode(tmp_path: Path) -> None:
    import os

    from coevo.store.atomic import atomic_write_text

    atomic_write_text(tmp_path / "a.txt", "x")
    mask = os.umask(0o022)
    os.umask(mask)
    assert (tmp_path / "a.txt").stat().st_mode & 0o777 == 0o666 & ~mask
