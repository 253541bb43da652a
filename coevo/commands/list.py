"""``coevo list``: the artists, critics and data sets there are, one line each."""

from __future__ import annotations

import argparse

from coevo.training import registry


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("list", help="list artists, critics and data sets",
                            description="List the registered artists, critics and data sets.")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    for title, table in (("artists", registry.ARTISTS), ("critics", registry.CRITICS),
                         ("data sets", registry.DATASETS)):
        print(f"{title}:")
        for entry in table:
            print(f"  {entry.name:<24} {entry.summary}")
        if not table:
            print("  (none installed)")
    print("plugins: any 'package.module:Class' following coevo.protocols works as --artist or --critic")
    return 0
