"""``coevo export-album``: biomorph genomes to a Blind Watchmaker album file."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("export-album", help="write biomorph genomes as a Blind Watchmaker album",
                            description="Write biomorphs, in order, as one album file that Dawkins' Blind Watchmaker "
                            "(and its HTML5 port) opens: 40-byte records, or 55-byte colour ones. An album read and "
                            "exported again is the same bytes. Example: coevo export-album runs/x/genomes/best.json "
                            "'Exhibition zoo#3' --out my-zoo")
    parser.add_argument("genomes", nargs="+", help="biomorph genomes: coevo .json files, albums, ALBUM#K (the K-th "
                        "of an album, from 1) or gallery:ID")
    parser.add_argument("--out", type=Path, required=True, help="the album file to write (replaced atomically)")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--colour", dest="colour", action="store_true", default=None,
                       help="colour records (55 bytes; default: colour when the genomes vary colour genes)")
    group.add_argument("--mono", dest="colour", action="store_false", help="monochrome records (40 bytes)")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    from coevo.programs.album import export_album
    from gallery.catalog import GalleryCatalog

    size = export_album(args.genomes, args.out, args.colour, GalleryCatalog())
    print(f"wrote {args.out} ({size} bytes)")
    return 0
