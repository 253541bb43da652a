"""``coevo sweep``: one run config over seeds and lists of settings, every run an ordinary run folder."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("sweep", help="play a run config over seeds and settings (one by one or on Dask)",
                            description="Play every combination of --set values on every seed as an ordinary run "
                            "(OUT/KEY=VALUE,.../seed-S), one by one or on a Dask cluster with identical results, and "
                            "write sweep.md: the final metrics per combination, mean ± 95% interval over seeds. "
                            "Run it again to continue a killed sweep. Example: coevo sweep --rounds 20 --seeds 3 "
                            "--set pop=16,32 --set schedule=round,phases --out runs/sweep")
    parser.add_argument("--out", type=Path, help="sweep folder (default runs/sweep, numbered sweep-2, ... while "
                        "something else holds it; the same sweep continues there)")
    parser.add_argument("--seeds", type=int, default=3, help="seeds per combination, from --seed on (default 3)")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=V1,V2",
                        help="a setting and the values to sweep it over (repeatable: every combination plays)")
    parser.add_argument("--workers", type=int, default=0, help="Dask LocalCluster processes (default 0: one by one)")
    parser.add_argument("--scheduler", help="address of a running Dask scheduler to run on instead")
    from coevo.commands.run import add_settings

    add_settings(parser)
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    from coevo.commands.run import resolve
    from coevo.programs.sweep import default_out, light_exit, parse_grid, sweep
    from coevo.training.settings import parse_option
    from gallery.catalog import GalleryCatalog

    light_exit()  # the command's process ends after the sweep
    grid = parse_grid(args.set, parse_option)
    base = resolve(args)
    out = args.out or default_out(base, grid, args.seeds)
    summary = sweep(base, grid, args.seeds, out, args.workers, args.scheduler, GalleryCatalog())
    print(f"wrote {summary}")
    return 0
