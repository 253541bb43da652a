"""Atomic file writes: a temp file in the same folder, fsync, then rename over the target; ``synced_once`` makes a
batch of them durable with one sync of their file system instead of one fsync each."""

from __future__ import annotations

import ctypes
import errno
import os
import stat
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

_BATCH: ContextVar[list[Path] | None] = ContextVar("coevo_synced_once", default=None)  # paths awaiting one sync


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` so that a reader or a crash sees the old file or the new one, never half."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    batch = _BATCH.get()
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o666 & ~_umask())  # mkstemp makes 0600; give the file the mode open() would
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            if batch is None:
                os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    if batch is not None:
        batch.append(path)


@contextmanager
def synced_once() -> Iterator[None]:
    """The atomic writes inside are made durable together when the block ends: one ``syncfs`` of each file system
    they are on (Linux), else an fsync of each, instead of an fsync per write. Each write is still atomic (a kill
    sees the old file or the new one: the rename is); a power cut before the block ends may lose some of them, so
    a checkpoint that accounts for them is written after it."""
    written: list[Path] = []
    token = _BATCH.set(written)
    try:
        yield
    finally:
        _BATCH.reset(token)
    sync_paths(written)


def sync_paths(paths: list[Path]) -> None:
    """Make the files at ``paths`` durable: one ``syncfs`` per file system where the C library has it, else an
    fsync of each file."""
    if not paths:
        return
    syncfs = _syncfs()
    synced: set[int] = set()  # file systems synced whole
    for path in paths:
        try:
            if syncfs is not None and os.stat(path).st_dev in synced:
                continue
            fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
        except FileNotFoundError:  # replaced or removed since: nothing of it to keep
            continue
        except OSError as error:  # replaced by a link since (O_NOFOLLOW): not the file written
            if error.errno == errno.ELOOP:
                continue
            raise
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):  # replaced by a FIFO or a device since: not the file written
                continue
            if syncfs is not None and syncfs(fd) == 0:
                synced.add(os.fstat(fd).st_dev)
            else:  # no syncfs, or it failed: this file alone
                os.fsync(fd)
        finally:
            os.close(fd)


def _syncfs() -> Callable[[int], int] | None:
    """The C library's ``syncfs(fd)`` (Linux), or None."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(None, use_errno=True).syncfs
    except (OSError, AttributeError):
        return None


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def atomic_write_text(path: Path, text: str) -> None:
    """``atomic_write_bytes`` for UTF-8 text."""
    atomic_write_bytes(path, text.encode("utf-8"))
