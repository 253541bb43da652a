"""``coevo fool``: evolve fooling images, one per class of a fixed classifier (Nguyen et al. 2015)."""

from __future__ import annotations

import argparse
from dataclasses import fields
from pathlib import Path

HELP = {  # FoolConfig field -> help text of its flag
    "data": "labelled data the classifier learns: digits (bundled, the default), mnist:DIR, .npz",
    "generations": "MAP-Elites generations (default 50)",
    "batch": "children bred and scored per generation (default 200, as Nguyen et al.)",
    "elites": "individuals kept per class; runners-up breed as well (default 1)",
    "size": "image side the classifier sees (default 28)",
    "seed": "random seed; the same seed gives the same run",
    "cxpb": "chance a child comes from crossing two elites (default 0, as Nguyen et al.)",
    "strength": "mutation strength",
    "rates": "mutation rates: nguyen (the paper's MNIST runs, the default; cppn only) or artist (its own)",
    "steps": "classifier training steps (default 3000; trained once, then cached)",
    "device": "auto (CUDA when present), cpu or cuda",
    "threads": "torch CPU threads (default 1)",
    "artist": "evolutionary artist for MAP-Elites (default cppn), or pixels (gradient fooling, FGSM, PGD)",
}


def add_parser(sub: argparse._SubParsersAction) -> None:
    from coevo.training.config import FoolConfig

    parser = sub.add_parser("fool", help="evolve images a classifier labels with high confidence",
                            description="Fooling images: a CPPN artist evolves one elite per class (MAP-Elites) "
                            "scored by a fixed LeNet's confidence for that class. Writes metrics.jsonl, "
                            "confidence.png, elites.png and genomes/ into the run folder. "
                            "Example: coevo fool --data digits --generations 20 --out runs/fool")
    defaults = FoolConfig()
    for f in fields(FoolConfig):
        if f.name in HELP:  # --rates defaults to None so that naming it can be told from the default
            parser.add_argument("--" + f.name, type=type(getattr(defaults, f.name)),
                                default=None if f.name == "rates" else getattr(defaults, f.name), help=HELP[f.name])
    parser.add_argument("--artist-option", action="append", default=[], metavar="KEY=VALUE",
                        help="extra artist option (repeatable), e.g. add_node=0.05")
    parser.add_argument("--critic", default="classifier", help="classifier critic (default classifier)")
    parser.add_argument("--critic-option", action="append", default=[], metavar="KEY=VALUE",
                        help="extra classifier option (repeatable)")
    parser.add_argument("--out", type=Path, help="run folder (default runs/fool-seedS, numbered if taken)")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    from coevo.commands.run import parse_option
    from coevo.errors import CoevoError
    from coevo.programs.fool import NGUYEN_RATES, run
    from coevo.store.runfolder import default_folder
    from coevo.training.config import FoolConfig
    from gallery.catalog import GalleryCatalog

    if args.rates == "nguyen" and args.artist not in NGUYEN_RATES:
        raise CoevoError(f"--rates nguyen holds Nguyen et al.'s rates for {', '.join(NGUYEN_RATES)} only, not "
                         f"{args.artist!r}; drop --rates or pass --rates artist")
    given = {f.name: getattr(args, f.name) for f in fields(FoolConfig) if f.name in HELP}
    config = FoolConfig(**{k: v for k, v in given.items() if v is not None})
    config.critic = args.critic
    config.artist_options.update(dict(parse_option(t) for t in args.artist_option))
    config.critic_options.update(dict(parse_option(t) for t in args.critic_option))
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
