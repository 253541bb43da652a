"""``coevo render``: render a saved genome file at any resolution."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("render", help="render a genome file to PNG at any size",
                            description="Render a genome file (from a run's genomes/ or a breeding session) "
                            "to a PNG. Example: coevo render runs/x/genomes/best.json --size 1024 --out x.png")
    parser.add_argument("genome", type=Path, help="a genome file: coevo .json, an imported format (see README), "
                        "or gallery:ID for a stored individual")
    parser.add_argument("--size", type=int, default=512,
                        help="image side in pixels (default 512), at most what the artist draws within 2 GB of memory "
                        "(grey / colour): biomorph 15168 / 8757; cppn, lines, ants, evoeco 10033 / 5792; gp 4486 / "
                        "2590; hercl-function 2508; a larger size is refused, naming the artist's largest")
    parser.add_argument("--out", type=Path, help="output image, PNG or JPEG by its suffix (default: the genome's "
                        "name with .png)")
    parser.add_argument("--svg", action="store_true", help="also write an SVG beside the PNG (biomorphs)")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    from coevo.programs.render import render
    from gallery.catalog import GalleryCatalog

    image, *vector = render(args.genome, args.size, GalleryCatalog(), args.out, args.svg)
    print(f"wrote {image} ({args.size}x{args.size})")
    for path in vector:
        print(f"wrote {path}")
    return 0
