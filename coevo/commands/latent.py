"""``coevo latent``: sample sheets, interpolation strips and vector arithmetic from a saved generator."""

from __future__ import annotations

import argparse
from pathlib import Path

from coevo.commands.flags import bounded


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("latent", help="explore a generator run's latent space (sheet, classes, interpolate, "
                            "arithmetic)",
                            description="Explore the latent space of a run's generator (its last checkpoint). "
                            "`sheet` draws a numbered sheet of samples; `classes` one row per class (cdcgan); "
                            "`interpolate` walks between sheet images; "
                            "`arithmetic` adds and subtracts their latents. Example: coevo latent runs/x sheet, "
                            "then coevo latent runs/x arithmetic 3,4-7+12")
    parser.add_argument("run", type=Path, metavar="DIR", help="a run folder of a generator artist (dcgan)")
    parser.add_argument("action", choices=("sheet", "classes", "interpolate", "arithmetic"),
                        help="what to make (classes: one row per class, for a conditional generator)")
    parser.add_argument("expression", nargs="?", help="arithmetic: sheet indices joined by + and -, commas "
                        "averaging a group (e.g. 3,4-7+12)")
    parser.add_argument("--count", type=int, default=64, help="images on the sheet (default 64)")
    parser.add_argument("--seed", type=bounded(int, 0), default=0, help="which sheet of latents (default 0)")
    parser.add_argument("--pairs", nargs="+", default=[], metavar="I,J",
                        help="interpolate: sheet index pairs (default: consecutive pairs 0,1 2,3 ...)")
    parser.add_argument("--steps", type=int, default=10, help="interpolate: images per strip (default 10)")
    parser.add_argument("--columns", type=int, default=10, help="classes: images per class row (default 10)")
    parser.add_argument("--label", type=int, help="conditional generators: draw every image as this class "
                        "(default: the sheet cycles through the classes)")
    parser.add_argument("--out", type=Path, help="output PNG (default DIR/latent-ACTION.png)")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    from coevo.programs.latent import explore

    out, count = explore(args.run, args.action, args.expression, args.count, args.seed, args.pairs, args.steps,
                         args.columns, args.label, args.out)
    print(f"wrote {out} ({count} images)")
    return 0
