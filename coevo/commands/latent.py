"""``coevo latent``: sample sheets, interpolation strips and vector arithmetic from a saved generator."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("latent", help="explore a DCGAN run's latent space (sheet, interpolate, arithmetic)",
                            description="Explore the latent space of a run's generator (its last checkpoint). "
                            "`sheet` draws a numbered sheet of samples; `interpolate` walks between sheet images; "
                            "`arithmetic` adds and subtracts their latents. Example: coevo latent runs/x sheet, "
                            "then coevo latent runs/x arithmetic 3,4-7+12")
    parser.add_argument("run", type=Path, metavar="DIR", help="a run folder of a generator artist (dcgan)")
    parser.add_argument("action", choices=("sheet", "interpolate", "arithmetic"), help="what to make")
    parser.add_argument("expression", nargs="?", help="arithmetic: sheet indices joined by + and -, commas "
                        "averaging a group (e.g. 3,4-7+12)")
    parser.add_argument("--count", type=int, default=64, help="images on the sheet (default 64)")
    parser.add_argument("--seed", type=int, default=0, help="which sheet of latents (default 0)")
    parser.add_argument("--pairs", nargs="+", default=[], metavar="I,J",
                        help="interpolate: sheet index pairs (default: consecutive pairs 0,1 2,3 ...)")
    parser.add_argument("--steps", type=int, default=10, help="interpolate: images per strip (default 10)")
    parser.add_argument("--out", type=Path, help="output PNG (default DIR/latent-ACTION.png)")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    from coevo.errors import CoevoError
    from coevo.images import grid, save_png
    from coevo.programs import latent as program

    if args.count < 2 or args.steps < 2:
        raise CoevoError("--count and --steps must be at least 2")
    if args.count > program.MAX_COUNT or args.steps > program.MAX_STEPS:
        raise CoevoError(f"--count is at most {program.MAX_COUNT} images and --steps at most {program.MAX_STEPS} "
                         f"(got {args.count} and {args.steps}); more would not fit memory: pass a smaller value")
    artist = program.load_generator(args.run)
    z = program.latents(args.count, artist.nz, args.seed)
    if args.action == "sheet":
        images, columns = artist.generate(z), 8
    elif args.action == "interpolate":
        pairs = [_pair(text, args.count) for text in args.pairs] or [(i, i + 1) for i in range(0, 8, 2)]
        images, columns = artist.generate(program.interpolation(z, pairs, args.steps)), args.steps
    else:
        if not args.expression:
            raise CoevoError("arithmetic needs an expression of sheet indices, e.g. coevo latent DIR arithmetic 3-7+12")
        terms = program.parse_expression(args.expression, args.count)
        images, columns = artist.generate(program.arithmetic(z, terms, 15 - len(terms), args.seed)), 8
    out = args.out or args.run / f"latent-{args.action}.png"
    save_png(grid(images, columns), out)
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
