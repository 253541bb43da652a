"""``coevo export-album``: biomorph genomes (coevo ``.json`` files, albums, ``ALBUM#K``, ``gallery:ID``) written
as one Blind Watchmaker album file, through the exporter the registry names (``registry.EXPORTERS``)."""

from __future__ import annotations

from pathlib import Path

from coevo.errors import CoevoError
from coevo.programs.genomes import load_genome
from coevo.protocols import Catalog
from coevo.store.atomic import atomic_write_bytes
from coevo.training import registry

MAX_GENOMES = 10_000  # genome arguments one export reads


def export_album(specs: list[str], out: Path, colour: bool | None = None, catalog: Catalog | None = None) -> int:
    """Write the biomorphs of ``specs``, in order, as an album at ``out`` (atomically); returns its size in
    bytes. ``colour``: 55-byte colour records (True), 40-byte monochrome ones (False), or as the genomes are."""
    if not specs or len(specs) > MAX_GENOMES:
        raise CoevoError(f"give 1 to {MAX_GENOMES} genomes to export, got {len(specs)}")
    artist, target = registry.EXPORTERS["album"]
    pairs = []
    for spec in specs:
        name, genetics, genome, _ = load_genome(spec, catalog)
        if name != artist:
            raise CoevoError(f"{spec} is a {name} genome; an album holds biomorphs only (artist {artist})")
        pairs.append((genetics, genome))
    if out.is_dir():
        raise CoevoError(f"--out {out} is a folder; name the album file to write")
    data = registry.load(registry.Entry(artist, target, "exporter"))(pairs, colour)
    atomic_write_bytes(out, data)
    return len(data)
