"""A run folder on disk: config, per-round metrics, contact sheets, champion genomes, atomic checkpoints."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import torch

from coevo.atomic import atomic_write_bytes, atomic_write_text
from coevo.errors import CoevoError
from coevo.genomefile import GenomeFile, write_genome
from coevo.images import grid, save_png
from coevo.jsonl import append_jsonl, read_jsonl, write_jsonl

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
        """Every recorded round's metrics, in order (a torn last line skipped)."""
        return read_jsonl(self.path / METRICS)

    def append_metrics(self, row: dict[str, Any]) -> None:
        append_jsonl(self.path / METRICS, row)

    def metrics_before(self, rounds: int) -> list[dict[str, Any]]:
        """The metric rows of rounds before ``rounds``, in order (what a checkpoint at ``rounds`` accounts for)."""
        rows = self.metrics()
        ends = next((i for i, row in enumerate(rows) if int(row.get("round", rounds)) >= rounds), len(rows))
        return rows[:ends]

    def keep_metrics(self, rounds: int) -> int:
        """Repair metrics.jsonl to the rows of rounds before ``rounds``, whatever its tail holds (lines written after
        the last checkpoint of a killed run, a torn line); returns how many rows it keeps."""
        path = self.path / METRICS
        kept = self.metrics_before(rounds)
        text = write_jsonl(kept)
        if not path.exists() or path.read_bytes() != text.encode("utf-8"):
            atomic_write_text(path, text)
        return len(kept)

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
