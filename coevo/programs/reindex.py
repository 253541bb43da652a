"""Index a finished or killed run folder in a catalog after the fact (older runs, or a gallery.db moved aside)."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

from coevo.images import save_png
from coevo.programs import fool
from coevo.programs.genomes import build_genetics
from coevo.protocols import Catalog
from coevo.store.genomefile import read_genome
from coevo.store.runfolder import folder_kind
from coevo.training.config import load_config


def index_folder(catalog: Catalog, folder: Path) -> int:
    """Add a run folder's settings and kept genomes (champions, or a fooling run's elites, rendering the images it
    lacks) to ``catalog``; returns how many individuals were added."""
    is_fool = folder_kind(folder) == fool.KIND
    config = fool.read_config(folder / "config.toml") if is_fool else load_config(folder / "config.toml")
    run = catalog.open_run(folder, kind=fool.KIND if is_fool else "run", artist=config.artist,
                           critic=config.critic, data=config.data, settings=asdict(config),
                           source="" if is_fool else config.start_from)
    kept = sorted((folder / "genomes").glob("class-*.json" if is_fool else "champion-*.json"))
    try:
        for path in kept:
            record = read_genome(path)
            round_index = int(record.meta.get("generation" if is_fool else "round", path.stem.rpartition("-")[2]))
            image = folder / "images" / f"{path.stem}.png"
            if not image.is_file():
                _, genetics = build_genetics(record.artist, record.options)
                save_png(genetics.render([genetics.from_json(record.genome)], config.size)[0], image)
            run.add_individual(artist=record.artist, genome=record.genome, options=record.options,
                               round_index=round_index, local_id=record.meta.get("id"),
                               local_parents=record.meta.get("parents", []),
                               score=record.meta.get("confidence" if is_fool else "score"), image=image)
    finally:
        run.close()
    return len(kept)
