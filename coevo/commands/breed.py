"""``coevo breed``: breed images by hand in a window, as in Dawkins' Blind Watchmaker."""

from __future__ import annotations

import argparse
from pathlib import Path

from coevo.commands.flags import add_flags, given
from coevo.training.config import BreedConfig


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("breed", help="breed images by hand in a window (Blind Watchmaker)",
                            description="Open a window of children around their parent; click the one you "
                            "like and press Enter to breed from it (H shows every key). Example: "
                            "coevo breed --artist biomorph   or   coevo breed --resume runs/breed-biomorph-seed0")
    parser.add_argument("--resume", type=Path, metavar="SESSION", help="continue a saved session (folder or file; "
                        "`coevo resume SESSION` too)")
    parser.add_argument("--out", type=Path, help="session folder (default runs/breed-ARTIST-seedS)")
    parser.add_argument("--agreement", type=Path, metavar="SESSION",
                        help="no window: learn the person from SESSION (and --sessions), write agreement.json and "
                        "agreement.png (held-out pairwise agreement, 50%% chance line) into it, print the figure")
    add_flags(parser, BreedConfig)
    parser.set_defaults(handler=handle)


def report(args: argparse.Namespace, config: BreedConfig) -> int:
    """``--agreement SESSION``: the person model's agreement report, written into the session folder."""
    from coevo.programs.agreement import report_session, summary

    result, paths = report_session(args.agreement, config.others())
    print(f"{summary(result)}; wrote {', '.join(str(p) for p in paths)}")
    return 0


def handle(args: argparse.Namespace) -> int:
    from coevo.programs import breed
    from coevo.store.runfolder import default_folder
    from coevo.threads import use_threads
    from gallery.catalog import GalleryCatalog

    named = given(args, BreedConfig)
    config = BreedConfig(**named).validate()
    if args.agreement is not None:
        use_threads(config.threads)
        return report(args, config)
    if args.resume is not None:
        print(f"breeding in {args.resume} (H in the window lists the keys)")
        path = breed.resume(args.resume, named, GalleryCatalog())
    else:
        config = breed.configure(named, GalleryCatalog())
        out = args.out or default_folder(f"breed-{config.artist}-seed{config.seed}")
        print(f"breeding {config.artist} in {out} (H in the window lists the keys)")
        path = breed.start(config, out, GalleryCatalog())
    print(f"session saved: {path}  (continue with `coevo breed --resume {path.parent}` or `coevo resume "
          f"{path.parent}`)")
    return 0
