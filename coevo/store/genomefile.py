"""Genome files: versioned JSON naming the artist, its options and the genome, readable without eval or pickle."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from coevo.errors import CoevoError
from coevo.store.atomic import atomic_write_text
from coevo.store.untrusted import read_text

FORMAT = "coevo-genome"
VERSION = 1
MAX_BYTES = 4 * 2**20  # genome file size limit: real genomes are kilobytes; a runaway one takes minutes and GBs


@dataclass
class GenomeFile:
    """The parsed contents of a genome file (the genome itself still in JSON form)."""

    artist: str  # registry name of the artist that reads the genome
    options: dict[str, Any]  # genetics constructor options (channels, ...)
    genome: dict[str, Any]  # the artist's JSON form of the genome
    meta: dict[str, Any] = field(default_factory=dict)  # id, parents, fitness, run, round, ...


def write_genome(path: Path, record: GenomeFile) -> Path:
    """Write a genome file atomically."""
    document = {"format": FORMAT, "version": VERSION, "artist": record.artist, "options": record.options,
                "genome": record.genome, **{k: v for k, v in record.meta.items() if k not in _RESERVED}}
    atomic_write_text(Path(path), json.dumps(document, indent=1, sort_keys=False) + "\n")
    return Path(path)


_RESERVED = {"format", "version", "artist", "options", "genome"}


def check_genome_file(path: Path) -> None:
    """Refuse a genome path that is missing, not a file, or larger than ``MAX_BYTES``."""
    if not path.exists():
        raise CoevoError(f"genome file {path} does not exist; check the path")
    if not path.is_file():
        raise CoevoError(f"{path} is not a file; pass a genome file such as RUN/genomes/best.json")
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise CoevoError(f"genome file {path} is {size / 2**20:.1f} MiB; coevo reads genome files up to "
                         f"{MAX_BYTES // 2**20} MiB (no real genome is that large): pass another file")


def read_genome(path: Path) -> GenomeFile:
    """Read and check a genome file; every problem is one ``CoevoError`` line naming the fix."""
    path = Path(path)
    check_genome_file(path)
    try:
        document = json.loads(read_text(path, "genome file", MAX_BYTES))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise CoevoError(f"genome file {path} is not valid JSON ({exc}); restore it from a run folder") from None
    except RecursionError:
        raise CoevoError(f"genome file {path} is nested too deeply to read; pass a genome written by coevo") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise CoevoError(f"{path} is not a coevo genome file (no \"format\": \"{FORMAT}\"); "
                         "pass a file written by coevo")
    if document.get("version") != VERSION:
        raise CoevoError(f"{path} has genome format version {document.get('version')!r}; this coevo reads "
                         f"version {VERSION}: upgrade coevo")
    artist, options, genome = document.get("artist"), document.get("options", {}), document.get("genome")
    if not isinstance(artist, str) or not isinstance(options, dict) or not isinstance(genome, dict):
        raise CoevoError(f"{path} lacks a valid 'artist', 'options' or 'genome' entry; restore it from a run folder")
    meta = {k: v for k, v in document.items() if k not in _RESERVED}
    return GenomeFile(artist, options, genome, meta)
