"""Atomic file writes (coevo/store/atomic.py)."""

from pathlib import Path


def test_atomic_files_get_the_usual_mode(tmp_path: Path) -> None:
    import os

    from coevo.store.atomic import atomic_write_text

    atomic_write_text(tmp_path / "a.txt", "x")
    mask = os.umask(0o022)
    os.umask(mask)
    assert (tmp_path / "a.txt").stat().st_mode & 0o777 == 0o666 & ~mask


def test_writes_synced_once_are_atomic_and_synced_together_at_the_end(tmp_path: Path, monkeypatch) -> None:
    import os

    from coevo.store import atomic

    fsynced: list[int] = []
    real_fsync = os.fsync
    monkeypatch.setattr(atomic.os, "fsync", lambda fd: (fsynced.append(fd), real_fsync(fd)))
    synced: list[int] = []
    syncfs = atomic._syncfs()
    def counted(fd: int) -> int:
        synced.append(fd)
        return 0 if syncfs is None else syncfs(fd)

    monkeypatch.setattr(atomic, "_syncfs", lambda: counted)
    (tmp_path / "a.txt").write_text("old")
    with atomic.synced_once():
        for name in ("a.txt", "b.txt", "sub/c.txt"):
            atomic.atomic_write_text(tmp_path / name, name)
        assert (tmp_path / "a.txt").read_text() == "a.txt" and not fsynced and not synced  # replaced, not synced
    assert not fsynced and len(synced) == 1  # one sync of the one file system
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["a.txt", "b.txt", "c.txt", "sub"]  # no temp files left
    atomic.atomic_write_text(tmp_path / "d.txt", "d")  # outside a batch: fsync'd at once, as before
    assert len(fsynced) == 1


def test_without_syncfs_each_file_of_a_batch_is_fsynced(tmp_path: Path, monkeypatch) -> None:
    import os

    from coevo.store import atomic

    fsynced: list[int] = []
    real_fsync = os.fsync
    monkeypatch.setattr(atomic.os, "fsync", lambda fd: (fsynced.append(fd), real_fsync(fd)))
    monkeypatch.setattr(atomic, "_syncfs", lambda: None)
    with atomic.synced_once():
        for name in ("a", "b", "c"):
            atomic.atomic_write_text(tmp_path / name, name)
    assert len(fsynced) == 3
    monkeypatch.setattr(atomic, "_syncfs", lambda: lambda fd: -1)  # syncfs refused: each file alone
    with atomic.synced_once():
        atomic.atomic_write_text(tmp_path / "a", "x")
        atomic.atomic_write_text(tmp_path / "b", "y")
    assert len(fsynced) == 5 and (tmp_path / "b").read_text() == "y"


def test_a_file_replaced_by_a_fifo_or_a_link_before_the_sync_neither_blocks_nor_is_followed(tmp_path: Path,
                                                                                          monkeypatch) -> None:
    import os
    import stat

    from coevo.store import atomic

    target = tmp_path / "elsewhere.txt"
    target.write_text("not ours")
    original, synced = os.open, []

    def checked_open(path, flags, *args):
        if stat.S_ISFIFO(os.lstat(path).st_mode) and not flags & os.O_NONBLOCK:
            raise AssertionError(f"{path}: a FIFO opened to block until a writer comes")
        synced.append(Path(path).name)
        return original(path, flags, *args)

    monkeypatch.setattr(atomic, "_syncfs", lambda: None)
    with atomic.synced_once():
        atomic.atomic_write_bytes(tmp_path / "pipe", b"a")
        atomic.atomic_write_bytes(tmp_path / "link", b"b")
        (tmp_path / "pipe").unlink()
        os.mkfifo(tmp_path / "pipe")
        (tmp_path / "link").unlink()
        (tmp_path / "link").symlink_to(target)
        monkeypatch.setattr(os, "open", checked_open)
    assert synced == ["pipe", "link"]  # both tried; the link refused (O_NOFOLLOW), nothing of the target touched
    assert target.read_text() == "not ours"
