"""Genome files to genetics and genomes, by artist name or importer; no torch here (``coevo render`` of an
artist that draws with PIL alone starts fast)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from coevo.errors import CoevoError
from coevo.protocols import Catalog, Genetics
from coevo.store.catalog import NoCatalog
from coevo.store.genomefile import read_genome
from coevo.training import registry


def build_genetics(name: str, options: dict[str, Any], channels: int | None = None) -> tuple[registry.Entry, Genetics]:
    """The genetics of an evolutionary artist, by registry name or plugin path."""
    entry = registry.artist_entry(name)
    cls = registry.load(entry)
    provided = {} if channels is None else {"channels": channels}
    genetics = registry.construct(cls, f"artist {name!r}", provided, options)
    if not isinstance(genetics, Genetics):
        raise CoevoError(f"artist {name!r} is not evolutionary (it has no genome); pick an evolutionary artist")
    return entry, genetics


def load_genome(spec: str | Path, catalog: Catalog | None = None) -> tuple[str, Genetics, Any, dict[str, Any]]:
    """Any genome file: artist name, its genetics, the genome and its metadata.

    ``.json`` is a coevo genome file; other suffixes go to the importer registered for them;
    ``gallery:ID`` (or ``gallery:ROOT:ID``) is a stored individual, its meta naming ``gallery_id`` and ``gallery_root``.
    """
    if str(spec).startswith("gallery:"):
        artist, options, genome, meta = (catalog or NoCatalog()).genome(str(spec))
        _, genetics = build_genetics(artist, options)
        return artist, genetics, genetics.from_json(genome), meta
    path = Path(spec)
    importer = registry.IMPORTERS.get(path.suffix.lower())
    try:
        if importer is not None:  # each importer checks its own file (a spec may name a part of one: ALBUM#K)
            artist, target = importer
            return artist, *registry.load(registry.Entry(artist, target, "importer"))(path)
        record = read_genome(path)
        _, genetics = build_genetics(record.artist, record.options)
        return record.artist, genetics, genetics.from_json(record.genome), record.meta
    except RecursionError:
        raise CoevoError(f"genome {path} is nested too deeply to read; pass a genome written by coevo") from None
