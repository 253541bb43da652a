"""``coevo run``: start a co-evolution run (or GAN training) into a run folder."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from coevo.commands.flags import add_flags, given, overlay
from coevo.training.config import RunConfig, config_file, load_config


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("run", help="start a run: an artist against a critic on real data",
                            description="Start a run. Settings come from defaults, then --config, then flags. "
                            "Example: coevo run --artist gp --critic cnn --data digits --rounds 30")
    parser.add_argument("--out", type=Path, help="run folder (default runs/ARTIST-vs-CRITIC-seedS)")
    add_settings(parser)
    parser.set_defaults(handler=handle)


def add_settings(parser: argparse.ArgumentParser) -> None:
    """``--config``, a flag per run setting, and the artist's and critic's ``KEY=VALUE`` options."""
    parser.add_argument("--config", type=Path, help="a TOML file of settings, or a bundled one by name "
                        "(vickers2017; flags override it)")
    add_flags(parser, RunConfig)


def resolve(args: argparse.Namespace) -> RunConfig:
    """Defaults, then the config file, then command-line flags."""
    config = load_config(config_file(args.config)) if args.config else RunConfig()
    values = given(args, RunConfig)
    if values.get("start_from") and "artist" not in values and args.config is None:
        values["artist"], options = _genome_artist(values["start_from"])
        values["artist_options"] = {**options, **values.get("artist_options", {})}
    return overlay(config, values).validate()


def _genome_artist(spec: str) -> tuple[str, dict[str, Any]]:
    """The artist name and options of the genome a branch starts from."""
    from coevo.programs.genomes import load_genome
    from gallery.catalog import GalleryCatalog

    name, genetics, _, _ = load_genome(spec, GalleryCatalog())
    return name, genetics.options()


WRITTEN = ("metrics.jsonl", "curves.png", "sheets/", "genomes/", "images/", "tensorboard/")  # in this order


def written(path: Path) -> str:
    """What a run wrote that a person looks at, of ``WRITTEN`` (a GAN writes no genomes/)."""
    return ", ".join(name for name in WRITTEN if (path / name.rstrip("/")).exists())


def handle(args: argparse.Namespace) -> int:
    from coevo.programs.run import start
    from coevo.store.runfolder import default_folder
    from gallery.catalog import GalleryCatalog

    config = resolve(args)
    out = args.out or default_folder(f"{config.artist}-vs-{config.critic}-seed{config.seed}")
    folder = start(config, out, GalleryCatalog())
    print(f"run finished: {folder.path}  ({written(folder.path)}; continue with "
          f"`coevo resume {folder.path} --rounds N`)")
    return 0
