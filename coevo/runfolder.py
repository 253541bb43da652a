"""A run folder on disk: config, per-round metrics, contact sheets, champion genomes, atomic checkpoints."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import torch

from coevo.atomic import atomic_write_bytes, atomic_write_text
from coevo.errors import CoevoError
from coevo.genomefile import GenomeFile, write_genome
from coevo.images import grid, save_png

CONFIG = "config.toml"
METRICS = "metrics.jsonl"
CHECKPOINT = "checkpoint.pt"


class RunFolder:
    """Reads and writes one run's files; every write is atomic so a kill never leaves half a file."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    @property
    def config_path(self) -> Path:
        return self.path / CONFIG

    def create(self, config_toml: str) -> None:
        """Start a new run folder; refuses to touch an existing run."""
        if self.config_path.exists():
            raise CoevoError(f"{self.path} already holds a run; continue it with `coevo resume {self.path}` "
                             "or choose another --out")
        try:
            self.path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CoevoError(f"cannot create run folder {self.path} ({exc.strerror}); choose another --out") from None
        atomic_write_text(self.config_path, config_toml)

    def remove_partial_writes(self) -> None:
        """Delete temp files of atomic writes a kill interrupted (they never replaced a real file)."""
        for path in self.path.rglob(".*.tmp"):
            path.unlink(missing_ok=True)

    def metrics(self) -> list[dict[str, Any]]:
        """Every recorded round's metrics, in order."""
        path = self.path / METRICS
        if not path.exists():
            return []
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]

    def append_metrics(self, row: dict[str, Any]) -> None:
        with open(self.path / METRICS, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(row) + "\n")

    def keep_metrics(self, rounds: int) -> None:
        """Drop metric lines past ``rounds`` (written after the last checkpoint of a killed run)."""
        path = self.path / METRICS
        if path.exists():
            lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
            if len(lines) != rounds:
                atomic_write_text(path, "".join(lines[:rounds]))

    def save_sheet(self, name: str, images: torch.Tensor, columns: int | None = None) -> Path:
        return save_png(grid(images, columns), self.path / "sheets" / f"{name}.png")

    def save_genome(self, name: str, record: GenomeFile) -> Path:
        return write_genome(self.path / "genomes" / f"{name}.json", record)

    def save_checkpoint(self, state: dict[str, Any]) -> None:
        buffer = io.BytesIO()
        torch.save(state, buffer)
        atomic_write_bytes(self.path / CHECKPOINT, buffer.getvalue())

    def played_checkpoint(self) -> dict[str, Any]:
        """The checkpoint of a run that has played at least one round; one clear error otherwise."""
        if not self.config_path.exists():
            raise CoevoError(f"{self.path} holds no run (no {CONFIG}); pass a run folder made by `coevo run`")
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


def default_folder(stem: str, root: Path = Path("runs")) -> Path:
    """The one default output rule: ``runs/STEM``, numbered ``STEM-2``, ``STEM-3``, ... while taken (not empty);
    plugin names (``module:Class``) are made file-system safe."""
    stem = stem.replace(":", "_").replace("/", "_")
    path, n = root / stem, 2
    while path.exists() and (not path.is_dir() or any(path.iterdir())):
        path, n = root / f"{stem}-{n}", n + 1
    return path
