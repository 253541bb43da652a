"""``coevo fool``: evolve fooling images, one per class of a fixed classifier (Nguyen et al. 2015)."""

from __future__ import annotations

import argparse
from pathlib import Path

from coevo.commands.flags import add_flags, given


def add_parser(sub: argparse._SubParsersAction) -> None:
    from coevo.training.config import FoolConfig

    parser = sub.add_parser("fool", help="evolve images a classifier labels with high confidence",
                            description="Fooling images: a CPPN artist evolves one elite per class (MAP-Elites) "
                            "scored by a fixed LeNet's confidence for that class. Writes metrics.jsonl, "
                            "confidence.png, elites.png and genomes/ into the run folder. "
                            "Example: coevo fool --data digits --generations 20 --out runs/fool")
    add_flags(parser, FoolConfig)
    parser.add_argument("--out", type=Path, help="run folder (default runs/fool-seedS, numbered if taken)")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    from coevo.programs.fool import configure, run
    from coevo.store.runfolder import default_folder
    from coevo.training.config import FoolConfig
    from gallery.catalog import GalleryCatalog

    config = configure(given(args, FoolConfig))
    out = args.out or default_folder(f"fool-seed{config.seed}")
    folder, scores = run(config, out, GalleryCatalog())
    report(folder.path, scores)
    return 0


def report(folder: Path, scores: list[float]) -> None:
    """The final confidences (and, for attacks, the share of real images flipped) and where the files are."""
    from coevo.programs.fool import reached
    from coevo.store.runfolder import RunFolder

    print("confidence per class: " + "  ".join(f"{c}:{s:.6f}" for c, s in enumerate(scores)))
    last = (RunFolder(folder).metrics() or [{}])[-1]
    if "flipped" in last:
        print(f"last generation: {last['flipped']:.2%} of the real images flipped away from their class, "
              f"{last['target_reached']:.2%} read as the target class")
    verdict = "every class at >= 99.99%" if reached(scores) else "not every class reached 99.99%"
    print(f"{verdict}; wrote {folder} (metrics.jsonl, confidence.png, elites.png, genomes/; a killed run "
          f"continues with `coevo resume {folder}`)")
