"""The catalog a program uses when none is wired in: it indexes nothing and finds no stored genome."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from coevo.errors import CoevoError


class UnindexedRun:
    """A ``RunIndex`` that keeps nothing."""

    def forget_rounds(self, first: int) -> None:
        pass

    def record_population(self, round_index: int, ids: Sequence[int], parents: Sequence[Sequence[int]]) -> None:
        pass

    def add_individual(self, *, artist: str, genome: dict[str, Any], options: dict[str, Any], round_index: int,
                       local_id: int | None, local_parents: Sequence[int], score: float | None = None,
                       image: Path | None = None) -> int:
        return -1

    def close(self) -> None:
        pass


class NoCatalog:
    """A ``Catalog`` for programs run without a gallery (tests, library use)."""

    def open_run(self, folder: Path, **_: Any) -> UnindexedRun:
        return UnindexedRun()

    def genome(self, spec: str) -> tuple[str, dict[str, Any], dict[str, Any], dict[str, Any]]:
        raise CoevoError(f"{spec!r} names a gallery individual but no gallery is open here; use the coevo "
                         "command line, or pass a genome file")
