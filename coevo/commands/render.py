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
    parser.add_argument("--size", type=int, default=512, help="image side in pixels (default 512)")
    parser.add_argument("--out", type=Path, help="output image, PNG or JPEG by its suffix (default: the genome's "
                        "name with .png)")
    parser.add_argument("--svg", action="store_true", help="also write an SVG beside the PNG (biomorphs)")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    from coevo.errors import CoevoError
    from coevo.programs.genomes import load_genome
    from coevo.protocols import PixelArrays, VectorDrawing
    from coevo.store.atomic import atomic_write_text
    from coevo.store.imagefiles import picture, save_picture
    from gallery.catalog import GalleryCatalog

    if args.size < 1 or args.size > 16384:
        raise CoevoError(f"--size must be between 1 and 16384 pixels (got {args.size})")
    artist, genetics, genome, _ = load_genome(args.genome, GalleryCatalog())
    if args.svg and not isinstance(genetics, VectorDrawing):
        raise CoevoError(f"artist {artist!r} has no SVG form (only line-drawing artists such as biomorph); drop --svg")
    spec = str(args.genome)
    stored = spec.startswith("gallery:")
    out = args.out or (Path(f"gallery-{spec.rpartition(':')[2]}.png") if stored else args.genome.with_suffix(".png"))
    if out.is_dir():
        raise CoevoError(f"--out {out} is a folder; name the image file, e.g. --out {out / 'image.png'}")
    if isinstance(genetics, PixelArrays):  # drawn with PIL alone: no torch to import
        save_picture(picture(genetics.render_pixels([genome], args.size)[0]), out)
    else:
        from coevo.images import to_pil

        save_picture(to_pil(genetics.render([genome], args.size)[0]), out)
    print(f"wrote {out} ({args.size}x{args.size})")
    if args.svg:
        atomic_write_text(out.with_suffix(".svg"), genetics.svg(genome, args.size))
        print(f"wrote {out.with_suffix('.svg')}")
    return 0
