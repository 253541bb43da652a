"""``coevo serve``: a web site where anyone breeds, branches anyone's images and publishes them (Picbreeder)."""

from __future__ import annotations

import argparse
from pathlib import Path

from coevo.errors import CoevoError

DEFAULT_ROOT = Path("runs")
MAX_WORKERS = 64


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("serve", help="breed in the browser: a shared gallery anyone can branch (Picbreeder)",
                            description="Serve the gallery (ROOT/gallery.db) as a breeding web site: anonymous "
                            "visitors breed biomorphs, GP, CPPNs and more, branch any image, publish with a title. "
                            "Example: coevo serve --port 8000  (then open http://127.0.0.1:8000/)")
    parser.add_argument("--root", type=Path, default=DEFAULT_ROOT,
                        help="folder holding the runs and gallery.db (default runs; made when absent)")
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to listen on (default 127.0.0.1, this machine only; 0.0.0.0 exposes it)")
    parser.add_argument("--port", type=int, default=8000, help="port (default 8000; 0 picks a free one)")
    parser.add_argument("--size", type=int, default=256, help="pixels of each child's image (32..512, default 256)")
    parser.add_argument("--workers", type=int, default=4,
                        help=f"threads that render and write (1..{MAX_WORKERS}, default 4)")
    parser.add_argument("--import", dest="imports", action="append", default=[], metavar="GENOME",
                        help="store a genome in the gallery for visitors to branch: a Picbreeder XML, a Blind "
                        "Watchmaker ALBUM#K, a coevo genome file (repeatable)")
    parser.add_argument("--latent", action="append", default=[], type=Path, metavar="RUN",
                        help="offer breeding the latent space of a dcgan, cdcgan or vae run folder (repeatable)")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    from gallery.web.serve import check_address, prepare, serve

    if not 32 <= args.size <= 512:
        raise CoevoError(f"--size must be between 32 and 512 pixels (got {args.size})")
    if not 1 <= args.workers <= MAX_WORKERS:
        raise CoevoError(f"--workers must be between 1 and {MAX_WORKERS} (got {args.workers})")
    check_address(args.host, args.port)
    starts = prepare(args.root, args.imports, args.latent, args.size)
    serve(args.root, args.host, args.port, args.size, args.workers, starts)
    return 0
