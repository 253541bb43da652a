"""The gallery as the catalog programs index their runs in (``coevo.protocols.Catalog``), wired by the CLI."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from gallery.store import Store, parse_spec


class StoredRun:
    """A run's rows in its gallery (``gallery.db`` in the folder above the run)."""

    def __init__(self, store: Store, run_id: int) -> None:
        self.store, self.run_id = store, run_id

    def forget_rounds(self, first: int) -> None:
        self.store.forget_rounds(self.run_id, first)

    def record_population(self, round_index: int, ids: Sequence[int], parents: Sequence[Sequence[int]]) -> None:
        self.store.record_population(self.run_id, round_index, ids, parents)

    def add_individual(self, *, artist: str, genome: dict[str, Any], options: dict[str, Any], round_index: int,
                       local_id: int | None, local_parents: Sequence[int], score: float | None = None,
                       image: Path | None = None) -> int:
        return self.store.add_individual(self.run_id, artist=artist, genome=genome, options=options,
                                         round_index=round_index, local_id=local_id, local_parents=local_parents,
                                         score=score, image=image)

    @contextmanager
    def batch(self) -> Iterator[None]:
        """The writes inside as one transaction of the gallery: one commit (an fsync) instead of one each."""
        with self.store.transaction():
            yield

    def close(self) -> None:
        self.store.close()


class GalleryCatalog:
    """Indexes each run in the gallery beside it and finds ``gallery:ID`` individuals."""

    def open_run(self, folder: Path, *, kind: str = "run", artist: str, critic: str = "", data: str = "",
                 settings: dict[str, Any] | None = None, source: str = "",
                 origin: dict[str, Any] | None = None) -> StoredRun:
        store = Store.for_run(folder)
        run_id = store.add_run(folder, kind=kind, artist=artist, critic=critic, data=data, settings=settings,
                               source=source, origin=store.origin_of(origin or {}, source))
        return StoredRun(store, run_id)

    def genome(self, spec: str) -> tuple[str, dict[str, Any], dict[str, Any], dict[str, Any]]:
        root, individual = parse_spec(spec)
        with Store(root, create=False) as store:
            row = store.get(individual)
        meta = {"gallery_id": row.id, "gallery_root": str(store.root), "round": row.round, "score": row.score,
                "title": row.title}
        return row.artist, row.options, row.genome, meta
