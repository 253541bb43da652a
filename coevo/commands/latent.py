"""``coevo latent``: sample sheets, interpolation strips and vector arithmetic from a saved generator."""

from __future__ import annotations

import argparse
from pathlib import Path


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
    parser.add_argument("--seed", type=int, default=0, help="which sheet of latents (default 0)")
    parser.add_argument("--pairs", nargs="+", default=[], metavar="I,J",
                        help="interpolate: sheet index pairs (default: consecutive pairs 0,1 2,3 ...)")
    parser.add_argument("--steps", type=int, default=10, help="interpolate: images per strip (default 10)")
    parser.add_argument("--columns", type=int, default=10, help="classes: images per class row (default 10)")
    parser.add_argument("--label", type=int, help="conditional generators: draw every image as this class "
                        "(default: the sheet cycles through the classes)")
    parser.add_argument("--out", type=Path, help="output PNG (default DIR/latent-ACTION.png)")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    import torch

    from coevo.errors import CoevoError
    from coevo.images import grid, numbered, save_png
    from coevo.programs import latent
    from coevo.protocols import ConditionalGenerator

    latent.check_sheet(args.count, args.steps, args.columns)
    artist = latent.load_generator(args.run)
    conditional = isinstance(artist, ConditionalGenerator)
    if args.label is not None and not (conditional and 0 <= args.label < artist.classes):
        raise CoevoError(f"--label needs a conditional generator (cdcgan) and a class of it; {args.run} has "
                         + (f"classes 0..{artist.classes - 1}" if conditional else "no classes"))

    def draw(z):
        if args.label is None:
            return artist.generate(z)
        return artist.generate_labelled(z, torch.full((len(z),), args.label, dtype=torch.long))

    z = latent.latents(args.count, artist.nz, args.seed)
    if args.action == "sheet":
        images, columns = draw(z), 8
    elif args.action == "classes":
        if not conditional:
            raise CoevoError(f"the generator of {args.run} has no classes; per-class sheets need a conditional "
                             "generator (--artist cdcgan --critic ccnn)")
        images, columns = latent.class_rows(artist, args.columns, args.seed), args.columns
    elif args.action == "interpolate":
        pairs = [_pair(text, args.count) for text in args.pairs] or [(i, i + 1) for i in range(0, 8, 2)]
        images, columns = draw(latent.interpolation(z, pairs, args.steps)), args.steps
    else:
        if not args.expression:
            raise CoevoError("arithmetic needs an expression of sheet indices, e.g. coevo latent DIR arithmetic 3-7+12")
        terms = latent.parse_expression(args.expression, args.count)
        images, columns = draw(latent.arithmetic(z, terms, 15 - len(terms), args.seed)), 8
    out = args.out or args.run / f"latent-{args.action}.png"
    save_png(numbered(images, columns) if args.action == "sheet" else grid(images, columns), out)
    print(f"wrote {out} ({len(images)} images)")
    return 0


def _pair(text: str, count: int) -> tuple[int, int]:
    from coevo.errors import CoevoError

    try:
        i, j = (int(v) for v in text.split(","))
    except ValueError:
        raise CoevoError(f"--pairs takes I,J sheet indices, got {text!r}") from None
    if not (0 <= i < count and 0 <= j < count):
        raise CoevoError(f"--pairs {text}: indices must lie in 0..{count - 1}")
    return i, j
