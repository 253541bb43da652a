"""``coevo breed``: breed images by hand in a window, as in Dawkins' Blind Watchmaker."""

from __future__ import annotations

import argparse
from pathlib import Path

from coevo.threads import DEFAULT_THREADS

DEFAULT_ARTIST = "biomorph"


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("breed", help="breed images by hand in a window (Blind Watchmaker)",
                            description="Open a window of children around their parent; click the one you "
                            "like and press Enter to breed from it (H shows every key). Example: "
                            "coevo breed --artist biomorph   or   coevo breed --resume runs/breed-biomorph-seed0")
    parser.add_argument("--artist", help=f"any evolutionary artist (see `coevo list`), default {DEFAULT_ARTIST}")
    parser.add_argument("--artist-option", action="append", default=[], metavar="KEY=VALUE",
                        help="artist option (repeatable), e.g. start=Insect or mutation=pc for biomorphs")
    parser.add_argument("--resume", type=Path, metavar="SESSION", help="continue a saved session (folder or file)")
    parser.add_argument("--from", dest="origin", metavar="GENOME",
                        help="start from a genome: a file (a run's genomes/*.json, a saved one, an import) "
                        "or gallery:ID; or a generator's run folder (dcgan, cdcgan, vae) to breed its latent space")
    parser.add_argument("--grid", help="boxes as COLUMNSxROWS, default 5x3 (Dawkins' 15: parent in the centre)")
    parser.add_argument("--size", type=int, default=256, help="pixels per box image (default 256)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--threads", type=int, default=DEFAULT_THREADS,
                        help=f"torch CPU threads (default {DEFAULT_THREADS})")
    parser.add_argument("--out", type=Path, help="session folder (default runs/breed-ARTIST-seedS)")
    parser.add_argument("--export-size", type=int, default=2048, help="pixels of images exported with E")
    parser.add_argument("--auto", type=int, default=10, metavar="N",
                        help="generations the A key hands to your learned critic (breed for me), default 10")
    parser.add_argument("--auto-delay", type=float, default=0.5, metavar="SECONDS",
                        help="how long each of the critic's picks shows before it breeds (default 0.5)")
    parser.add_argument("--sessions", default="", metavar="DIR[,DIR...]",
                        help="your other breeding sessions the learned critic also learns from (A key, --agreement)")
    parser.add_argument("--agreement", type=Path, metavar="SESSION",
                        help="no window: learn the person from SESSION (and --sessions), write agreement.json and "
                        "agreement.png (held-out pairwise agreement, 50%% chance line) into it, print the figure")
    parser.set_defaults(handler=handle)


def new_session(args: argparse.Namespace):  # -> BreedingSession
    """A fresh session from a random parent or from ``--from GENOME``."""
    from coevo.errors import CoevoError
    from coevo.programs.breed import BreedingSession
    from coevo.programs.genomes import build_genetics, load_genome
    from coevo.rng import seed_everything
    from coevo.store.runfolder import default_folder
    from coevo.toolkits.interactive import parse_grid
    from coevo.training.settings import parse_option
    from gallery.catalog import GalleryCatalog

    if not 16 <= args.size <= 4096 or not 16 <= args.export_size <= 16384:
        raise CoevoError("--size must lie in 16..4096 and --export-size in 16..16384 pixels")
    cols, rows = parse_grid(args.grid or "5x3")
    seed_everything(args.seed)
    options = dict(parse_option(t) for t in args.artist_option)
    meta: dict = {}
    if args.origin is not None and (Path(args.origin) / "config.toml").is_file():  # a generator's run folder
        artist, meta = "latent", {"run": str(Path(args.origin).resolve())}
        from coevo.training.config import load_config

        trained = load_config(Path(args.origin) / "config.toml").artist
        if args.artist is not None and args.artist not in (trained, "latent"):
            raise CoevoError(f"{args.origin} trained a {trained!r} generator, not {args.artist!r}; drop --artist")
        _, genetics = build_genetics("latent", {**options, "run": meta["run"]})
        parent = genetics.random_genome()
    elif args.origin is not None:
        if options:
            raise CoevoError("--artist-option cannot change a genome loaded with --from; drop the options")
        artist, genetics, parent, meta = load_genome(args.origin, GalleryCatalog())
        if args.artist is not None and args.artist != artist:
            raise CoevoError(f"{args.origin} holds a {artist!r} genome, not {args.artist!r}; drop --artist")
    else:
        artist = args.artist or DEFAULT_ARTIST
        channels = None if "channels" in options else 3
        _, genetics = build_genetics(artist, options, channels)
        parent = genetics.random_genome()
    out = args.out or default_folder(f"breed-{artist}-seed{args.seed}")
    if (out / "session.json").exists():
        raise CoevoError(f"{out} already holds a session; continue it with --resume {out} or pick another --out")
    return BreedingSession.start(artist, genetics, parent, cols * rows, args.size, out, f"{cols}x{rows}",
                                 args.export_size, meta, str(args.origin or ""), GalleryCatalog())


def report(args: argparse.Namespace) -> int:
    """``--agreement SESSION``: the person model's agreement report, written into the session folder."""
    from coevo.programs.agreement import report_session, summary

    result, paths = report_session(args.agreement, others(args))
    print(f"{summary(result)}; wrote {', '.join(str(p) for p in paths)}")
    return 0


def others(args: argparse.Namespace) -> list[str]:
    return [part.strip() for part in args.sessions.split(",") if part.strip()]


def handle(args: argparse.Namespace) -> int:
    from coevo.errors import CoevoError
    from coevo.programs.breed import BreedingSession
    from coevo.threads import use_threads
    from coevo.training import registry
    from gallery.catalog import GalleryCatalog

    if not 1 <= args.auto <= 100000 or not 0 <= args.auto_delay <= 60:
        raise CoevoError("--auto must lie in 1..100000 generations and --auto-delay in 0..60 seconds")
    use_threads(args.threads)
    if args.agreement is not None:
        return report(args)
    if args.resume is not None:
        if args.origin is not None or args.artist is not None or args.artist_option:
            raise CoevoError("--resume continues a session as saved; drop --from, --artist and --artist-option")
        session = BreedingSession.resume(args.resume, GalleryCatalog())
        if args.grid:
            session.grid = args.grid
    else:
        session = new_session(args)
    session.auto_generations, session.auto_delay, session.sessions = args.auto, args.auto_delay, others(args)
    critic_class = registry.load(registry.critic_entry("human"))
    critic = critic_class(grid=session.grid, box=session.artist.config.size,
                          title=f"coevo breed: {session.artist_name}")
    print(f"breeding {session.artist_name} in {session.folder} (H in the window lists the keys)")
    try:
        session.play(critic)
    finally:
        critic.close()
    print(f"session saved: {session.path}  (continue with `coevo breed --resume {session.folder}`)")
    return 0
