"""``coevo run``: start a co-evolution run (or GAN training) into a run folder."""

from __future__ import annotations

import argparse
import tomllib
from dataclasses import fields
from pathlib import Path
from typing import Any

from coevo.errors import CoevoError
from coevo.training.config import RunConfig, config_file, from_mapping, load_config

FLAGS = {  # config field -> help text for its command-line flag
    "artist": "artist name (see `coevo list`), default gp",
    "critic": "critic name (see `coevo list`), default cnn",
    "data": "real images: digits (bundled), mnist:DIR, an image folder, FILE.npz",
    "rounds": "rounds to play (generations / GAN steps); 0: no limit, another one ends the run",
    "images": "or stop once the artist has shown the critic this many images (default 0: no limit)",
    "critic_updates": "or stop once the critic has taken this many updates (default 0: no limit)",
    "seconds": "or stop after this many seconds of play (default 0: no limit; not reproducible)",
    "pop": "images per round (population or batch size)",
    "size": "image side in pixels",
    "seed": "random seed; the same seed gives the same run",
    "critic_steps": "critic updates per round",
    "batch": "images per critic update",
    "warmup": "critic updates before round 0",
    "loss": "GAN loss: minimax, nonsaturating, wgan, wgan-gp, hinge",
    "schedule": "round (one generation per k critic steps) or phases (the artist evolves until it fools the "
                "frozen critic, then the critic trains until it is not fooled; Machado 2008, Vickers 2017)",
    "phase_generations": "phases: artist generations per phase at most, then the phase is reported stalled",
    "phase_threshold": "phases: the champion fools the critic once its score is above this (logit; default 0)",
    "phase_accuracy": "phases: the critic trains until its held-out accuracy reaches this (default 0.95)",
    "phase_critic_steps": "phases: critic updates per phase at most (default 500)",
    "fakes": "what the critic learns against: latest, champions (every round's best, kept), replay, archive, "
             "negatives (a blank image, then each phase's champions; Vickers 2017)",
    "replay": "replay buffer size for --fakes replay",
    "diversity": "fitness sharing strength in the critic's feature space (0 = off), against mode collapse",
    "elite": "individuals kept unchanged each generation",
    "tournament": "tournament size for selection",
    "cxpb": "crossover probability",
    "mutpb": "mutation probability",
    "sheet_every": "write a contact sheet every N rounds (0: at the last round only)",
    "checkpoint_every": "checkpoint every N rounds",
    "checkpoint_seconds": "but at most one checkpoint per S seconds (default 10; 0: every N rounds) and at the end",
    "device": "auto (CUDA when present), cpu or cuda",
    "threads": "torch CPU threads (default 1: fastest on a shared 2-core machine; a resume keeps the run's)",
    "start_from": "branch: seed the population from gallery:ID (see `coevo gallery list`) or a genome file; "
                  "the artist defaults to the genome's",
}
ALIASES = {"start_from": ["--from"]}  # extra flag spellings


def parse_option(text: str) -> tuple[str, Any]:
    """``KEY=VALUE`` with VALUE read as a TOML value (bare words are strings)."""
    key, sep, raw = text.partition("=")
    if not sep or not key:
        raise CoevoError(f"option {text!r} is not KEY=VALUE; write e.g. --artist-option channels=3")
    try:
        return key.strip(), tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        return key.strip(), raw


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
    kinds = {f.name: type(getattr(RunConfig(), f.name)) for f in fields(RunConfig)}
    for name, text in FLAGS.items():
        parser.add_argument(*ALIASES.get(name, []), "--" + name.replace("_", "-"), dest=name, type=kinds[name],
                            default=None, help=text)
    parser.add_argument("--artist-option", action="append", default=[], metavar="KEY=VALUE",
                        help="extra artist option (repeatable), e.g. channels=3")
    parser.add_argument("--critic-option", action="append", default=[], metavar="KEY=VALUE",
                        help="extra critic option (repeatable)")


def resolve(args: argparse.Namespace) -> RunConfig:
    """Defaults, then the config file, then command-line flags."""
    config = load_config(config_file(args.config)) if args.config else RunConfig()
    values = {name: getattr(args, name) for name in FLAGS if getattr(args, name) is not None}
    if values.get("start_from") and "artist" not in values and args.config is None:
        values["artist"], options = _genome_artist(values["start_from"])
        config.artist_options.update(options)
    merged = from_mapping({**_plain(config), **values}, "command line")
    merged.artist_options.update(dict(parse_option(t) for t in args.artist_option))
    merged.critic_options.update(dict(parse_option(t) for t in args.critic_option))
    return merged.validate()


def _genome_artist(spec: str) -> tuple[str, dict[str, Any]]:
    """The artist name and options of the genome a branch starts from."""
    from coevo.programs.genomes import load_genome
    from gallery.catalog import GalleryCatalog

    name, genetics, _, _ = load_genome(spec, GalleryCatalog())
    return name, genetics.options()


def _plain(config: RunConfig) -> dict[str, Any]:
    return {f.name: getattr(config, f.name) for f in fields(RunConfig)}


def handle(args: argparse.Namespace) -> int:
    from coevo.programs.run import start
    from coevo.store.runfolder import default_folder
    from gallery.catalog import GalleryCatalog

    config = resolve(args)
    out = args.out or default_folder(f"{config.artist}-vs-{config.critic}-seed{config.seed}")
    folder = start(config, out, GalleryCatalog())
    print(f"run finished: {folder.path}  (metrics.jsonl, sheets/, genomes/; continue with "
          f"`coevo resume {folder.path} --rounds N`)")
    return 0
