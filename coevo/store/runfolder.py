"""A run folder on disk: config, per-round metrics, contact sheets, champion genomes, atomic checkpoints."""

from __future__ import annotations

import fcntl
import io
import json
import os
import shutil
import tomllib
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import torch

from coevo.errors import CoevoError
from coevo.images import to_uint8
from coevo.store.atomic import atomic_write_bytes, atomic_write_text
from coevo.store.genomefile import GenomeFile, write_genome
from coevo.store.imagefiles import contact_sheet, save_picture
from coevo.store.jsonl import append_jsonl, read_jsonl, write_jsonl
from coevo.store.untrusted import read_text

CONFIG = "config.toml"
METRICS = "metrics.jsonl"
CHECKPOINT = "checkpoint.pt"
KIND = ".coevo-kind"  # one word naming what the folder holds (a key of KINDS)
MISSING = ".coevo-missing"  # the rounds a forced resume went on without, as a JSON list
LOCK = ".coevo-lock"  # flock'ed by the process writing into the folder; holds its pid
FOLDERS = {"run": ("run", "run"), "session": ("breeding session", "breed"), "fool": ("fooling run", "fool"),
           "compare": ("comparison", "compare"), "ppgn": ("PPGN sampling", "ppgn"),
           "grid": ("grid", "grid")}  # kind: what it holds, made by
NOUNS = {kind: noun for kind, (noun, _) in FOLDERS.items()}  # "run"
KINDS = {kind: f"a {noun} (`coevo {command}`)" for kind, (noun, command) in FOLDERS.items()}  # "a run (`coevo run`)"


def folder_kind(path: Path) -> str | None:
    """What a folder holds: its mark, or for folders made before marks, what its files show; None for neither."""
    path = Path(path)
    try:
        return (path / KIND).read_text(encoding="utf-8").strip()
    except (FileNotFoundError, NotADirectoryError):
        pass
    except OSError:
        return None
    if (path / "session.json").is_file():
        return "session"
    if (path / CONFIG).is_file():
        try:
            settings = tomllib.loads((path / CONFIG).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            return "run"
        return "fool" if "generations" in settings else "run"
    if (path / "report.md").is_file() or any((path / name).is_file() for name in ("report.html",)):
        return "compare"
    return None


def check_kind(path: Path, kind: str) -> None:
    """Refuse a folder that holds another kind of thing than ``kind`` (one line naming both)."""
    found = folder_kind(path)
    if found is not None and found != kind:
        raise CoevoError(f"{path} holds {KINDS.get(found, found)}, not {KINDS[kind]}; choose another folder")


def mark_kind(path: Path, kind: str) -> None:
    """Mark a folder as holding ``kind``, so every command can tell it apart."""
    if not (Path(path) / KIND).exists():
        atomic_write_text(Path(path) / KIND, kind + "\n")


@contextmanager
def folder_lock(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on a folder while writing into it; a second process is refused with the holder's pid.
    The lock is an flock, so it goes with the process (a kill -9 frees it)."""
    path = Path(path)
    try:
        path.mkdir(parents=True, exist_ok=True)
        handle = open(path / LOCK, "a+", encoding="utf-8")
    except OSError as exc:
        raise CoevoError(f"cannot use folder {path} ({exc.strerror}); choose another folder") from None
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            pid = handle.read().strip() or "?"
            raise CoevoError(f"{path} is in use by coevo process {pid}; wait for it to finish or stop it "
                             f"(kill {pid}), then try again") from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        yield
    finally:
        handle.close()


def folder_contents(path: Path) -> set[str] | None:
    """The names in a folder, or None when it does not exist (what ``remove_started`` restores)."""
    return {p.name for p in Path(path).iterdir()} if Path(path).is_dir() else None


def remove_started(path: Path, before: set[str] | None) -> None:
    """Undo a start that failed before playing a round: the folder goes, or, if it existed, what was added to it."""
    path = Path(path)
    if before is None:
        shutil.rmtree(path, ignore_errors=True)
        return
    for child in list(path.iterdir()) if path.is_dir() else []:
        if child.name in before:
            continue
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child, ignore_errors=True)
        else:
            child.unlink(missing_ok=True)


class RunFolder:
    """Reads and writes one run's files; every write is atomic so a kill never leaves half a file."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    @property
    def config_path(self) -> Path:
        return self.path / CONFIG

    def check_new(self) -> None:
        """Refuse a folder that already holds a run."""
        if self.config_path.exists():
            raise CoevoError(f"{self.path} already holds a run; continue it with `coevo resume {self.path}` "
                             "or choose another --out")

    def create(self, config_toml: str, kind: str | None = None) -> None:
        """Start a new run folder (marked as ``kind`` when given); refuses to touch an existing run."""
        if kind is not None:
            check_kind(self.path, kind)
        self.check_new()
        try:
            self.path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CoevoError(f"cannot create run folder {self.path} ({exc.strerror}); choose another --out") from None
        if kind is not None:
            mark_kind(self.path, kind)
        atomic_write_text(self.config_path, config_toml)

    def remove_partial_writes(self) -> None:
        """Delete temp files of atomic writes a kill interrupted (they never replaced a real file)."""
        for path in self.path.rglob(".*.tmp"):
            path.unlink(missing_ok=True)

    def metrics(self) -> list[dict[str, Any]]:
        """Every recorded round's metrics, in order (a torn last line skipped)."""
        return read_jsonl(self.path / METRICS)

    def append_metrics(self, row: dict[str, Any]) -> None:
        append_jsonl(self.path / METRICS, row)

    def missing(self) -> set[int]:
        """The rounds a forced resume went on without (``--force``): they stay missing from metrics.jsonl."""
        try:
            return {int(n) for n in json.loads(read_text(self.path / MISSING, "missing-rounds file", 2**24))}
        except CoevoError:
            return set()
        except (ValueError, TypeError):
            raise CoevoError(f"{self.path / MISSING} is damaged; delete it and resume with --force") from None

    def expected_rounds(self, rounds: int) -> list[int]:
        """The round numbers metrics.jsonl must hold, in order, for a checkpoint at ``rounds``."""
        missing = self.missing()
        return [r for r in range(rounds) if r not in missing]

    def metrics_before(self, rounds: int) -> list[dict[str, Any]]:
        """The metric rows a checkpoint at ``rounds`` accounts for: its rounds in order, the lines after them (a
        killed run's rounds since its checkpoint, surplus lines) left out. A file that does not hold them in order
        gives the rows it can keep without renumbering: each round before ``rounds`` once, in increasing order."""
        rows, expected = self.metrics(), self.expected_rounds(rounds)
        if [row_round(row) for row in rows[:len(expected)]] == expected:
            return rows[:len(expected)]
        kept: list[dict[str, Any]] = []
        for row in rows:
            if row_round(row) < rounds and (not kept or row_round(row) > row_round(kept[-1])):
                kept.append(row)
        return kept

    def holds_rounds(self, rounds: int) -> bool:
        """Whether metrics.jsonl starts with the rounds before ``rounds``, each once and in order (rounds a forced
        resume went on without excepted): what resuming from a checkpoint there needs."""
        expected = self.expected_rounds(rounds)
        return [row_round(row) for row in self.metrics()[:len(expected)]] == expected

    def describe_gap(self, rounds: int) -> str:
        """How metrics.jsonl differs from the rounds a checkpoint at ``rounds`` played, in a few words."""
        recorded = [row_round(row) for row in self.metrics()]
        expected = self.expected_rounds(rounds)
        lost = sorted(set(expected) - set(recorded))
        twice = sorted({r for r in recorded if recorded.count(r) > 1 and r < rounds})
        parts = [f"round{'s' * (len(lost) > 1)} {_few(lost)} missing"] if lost else []
        parts += [f"round{'s' * (len(twice) > 1)} {_few(twice)} recorded twice"] if twice else []
        return "; ".join(parts) or "rounds out of order"

    def keep_metrics(self, rounds: int) -> int:
        """Repair metrics.jsonl to the rows a checkpoint at ``rounds`` accounts for (``metrics_before``), whatever
        its tail holds (lines written after the last checkpoint of a killed run, a torn line); rounds it lacks are
        recorded as missing, so they are never filled by renumbering. Returns how many rows it keeps."""
        path = self.path / METRICS
        kept = self.metrics_before(rounds)
        lost = set(self.expected_rounds(rounds)) - {row_round(row) for row in kept}
        if lost:
            atomic_write_text(self.path / MISSING, json.dumps(sorted(self.missing() | lost)) + "\n")
        text = write_jsonl(kept)
        if not path.exists() or path.read_bytes() != text.encode("utf-8"):
            atomic_write_text(path, text)
        return len(kept)

    def save_sheet(self, name: str, images: torch.Tensor, columns: int | None = None,
                   captions: Sequence[str] = (), title: str = "", level: int | None = None) -> Path:
        """A contact sheet ``sheets/NAME.png``: every image at least 96 px, captioned (``contact_sheet``); ``level``:
        the PNG's zlib level (None: Pillow's default, 6)."""
        sheet = contact_sheet(to_uint8(images), captions, columns, title)
        return save_picture(sheet, self.path / "sheets" / f"{name}.png", level)

    def save_genome(self, name: str, record: GenomeFile) -> Path:
        return write_genome(self.path / "genomes" / f"{name}.json", record)

    def save_checkpoint(self, state: dict[str, Any]) -> None:
        buffer = io.BytesIO()
        torch.save(state, buffer)
        atomic_write_bytes(self.path / CHECKPOINT, buffer.getvalue())

    def played_checkpoint(self) -> dict[str, Any]:
        """The checkpoint of a run that has played at least one round; one clear error otherwise."""
        if not self.path.exists():
            where = "" if self.path.is_absolute() else f" (a relative path is read from the folder coevo runs in, " \
                f"now {Path.cwd()})"
            raise CoevoError(f"run folder {self.path} is not there{where}; pass a run folder made by `coevo run`, "
                             "or work from the folder it was named from")
        if not self.config_path.exists():
            raise CoevoError(f"{self.path} holds no run (no {CONFIG}); pass a run folder made by `coevo run`")
        check_kind(self.path, "run")
        state = self.load_checkpoint()
        if state is None:
            raise CoevoError(f"{self.path} has no checkpoint yet; let the run play at least one round")
        return state

    def load_checkpoint(self) -> dict[str, Any] | None:
        path = self.path / CHECKPOINT
        if not path.exists():
            return None
        try:
            return torch.load(path, map_location="cpu", weights_only=True)
        except Exception as exc:  # torch raises many types for a damaged file
            raise CoevoError(f"checkpoint {path} is unreadable ({type(exc).__name__}); delete it to restart "
                             "the run from round 0") from None


def row_round(row: dict[str, Any]) -> int:
    """The round a metrics row records (-1 for a row without one)."""
    value = row.get("round", -1)
    return value if isinstance(value, int) and not isinstance(value, bool) else -1


def _few(rounds: list[int]) -> str:
    shown = ", ".join(map(str, rounds[:5]))
    return shown + (f" and {len(rounds) - 5} more" if len(rounds) > 5 else "")


def default_folder(stem: str, root: Path = Path("runs"), reuse: Callable[[Path], bool] | None = None) -> Path:
    """The one default output rule: ``runs/STEM``, numbered ``STEM-2``, ``STEM-3``, ... while taken (not empty);
    plugin names (``module:Class``) are made file-system safe. ``reuse`` says whether a taken folder holds the very
    thing asked for (a comparison or sweep with the same settings, which running it again continues)."""
    stem = stem.replace(":", "_").replace("/", "_")
    path, n = root / stem, 2
    while path.exists() and (not path.is_dir() or any(path.iterdir())) and not (reuse and _reusable(reuse, path)):
        path, n = root / f"{stem}-{n}", n + 1
    return path


def _reusable(reuse: Callable[[Path], bool], path: Path) -> bool:
    try:
        return path.is_dir() and reuse(path)
    except (OSError, ValueError, CoevoError):  # a damaged record is another thing's folder
        return False
