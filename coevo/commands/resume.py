"""``coevo resume``: continue a killed or finished run from its last checkpoint."""

from __future__ import annotations

import argparse
from pathlib import Path

from coevo.commands.flags import bounded


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("resume", help="continue a run from its last checkpoint",
                            description="Continue a run folder (a run, a fooling run, a PPGN sampling, a grid or a "
                            "breeding session) from its last checkpoint. A run resumed after a kill ends identical to "
                            "one never interrupted (same machine).")
    parser.add_argument("run", type=Path, metavar="DIR", help="the run folder")
    parser.add_argument("--rounds", type=bounded(int), help="new total number of rounds (to extend a finished run)")
    parser.add_argument("--force", action="store_true", help="allow --rounds below the rounds played, or "
                        "continuing with rounds missing from metrics.jsonl")
    parser.add_argument("--workers", type=bounded(int, 0), default=0, help="a grid: Dask LocalCluster processes for "
                        "its cells (default 0: one by one here; the same result)")
    parser.add_argument("--scheduler", help="a grid: address of a running Dask scheduler for its cells")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    from coevo.commands.fool import report as report_fool
    from coevo.commands.ppgn import report as report_ppgn
    from coevo.programs.kinds import resume
    from gallery.catalog import GalleryCatalog

    reports = {"fool": lambda result: report_fool(result[0].path, result[1]),  # what each program's result says
               "ppgn": lambda result: report_ppgn(result, args.run),
               "run": lambda result: print(f"run finished: {result.path}"),
               "session": lambda result: print(f"session saved: {result}"),
               "grid": lambda result: print(f"grid finished: {result}")}
    if args.workers or args.scheduler:
        from coevo.programs.grid import check_where

        check_where(args.workers, args.scheduler)
    kind, result = resume(args.run, args.rounds, args.force, GalleryCatalog(), args.workers, args.scheduler)
    reports[kind](result)
    return 0
