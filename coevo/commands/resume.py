"""``coevo resume``: continue a killed or finished run from its last checkpoint."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("resume", help="continue a run from its last checkpoint",
                            description="Continue a run folder from its last checkpoint. A run resumed after a "
                            "kill ends identical to one never interrupted (same machine).")
    parser.add_argument("run", type=Path, metavar="DIR", help="the run folder")
    parser.add_argument("--rounds", type=int, help="new total number of rounds (to extend a finished run)")
    parser.add_argument("--force", action="store_true", help="allow --rounds below the rounds played, or "
                        "continuing with rounds missing from metrics.jsonl")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    from coevo.commands.fool import report
    from coevo.commands.ppgn import report as report_ppgn
    from coevo.errors import CoevoError
    from coevo.programs.fool import KIND as FOOL
    from coevo.programs.fool import resume as resume_fool
    from coevo.programs.ppgn import KIND as PPGN
    from coevo.programs.ppgn import resume as resume_ppgn
    from coevo.programs.run import resume
    from coevo.store.runfolder import folder_kind
    from gallery.catalog import GalleryCatalog

    if args.rounds is not None and args.rounds < 1:
        raise CoevoError(f"--rounds must be at least 1 (got {args.rounds})")
    kind = folder_kind(args.run)
    if kind == PPGN:
        if args.rounds is not None:
            raise CoevoError(f"{args.run} is a PPGN sampling: its step schedule is fixed, so --rounds cannot extend "
                             "it; resume it without --rounds, or start a new `coevo ppgn` with more --steps")
        report_ppgn(resume_ppgn(args.run), args.run)
        return 0
    if kind == FOOL:
        folder, scores = resume_fool(args.run, args.rounds, GalleryCatalog())
        report(folder.path, scores)
        return 0
    folder = resume(args.run, args.rounds, GalleryCatalog(), force=args.force)
    print(f"run finished: {folder.path}")
    return 0
