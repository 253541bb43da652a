"""``coevo gallery``: list, show and publish stored individuals; build and serve the gallery's web pages."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from coevo.errors import CoevoError

DEFAULT_ROOT = Path("runs")


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("gallery", help="browse stored runs and individuals; build and serve web pages",
                            description="The gallery indexes every run and breeding session (ROOT/gallery.db, "
                            "beside the run folders). Example: coevo gallery list; coevo gallery serve")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", parser_class=type(parser))
    parser.set_defaults(handler=lambda args: parser.print_help() or 0)

    def action(name: str, text: str) -> argparse.ArgumentParser:
        one = actions.add_parser(name, help=text, description=text)
        one.add_argument("--root", type=Path, default=DEFAULT_ROOT,
                         help="folder holding the runs and gallery.db (default runs)")
        return one

    listing = action("list", "list stored individuals (or runs, with --runs)")
    listing.add_argument("--runs", action="store_true", help="list runs and breeding sessions instead")
    listing.add_argument("--published", action="store_true", help="only published individuals")
    listing.add_argument("--run", type=int, help="only individuals of this run id")
    listing.set_defaults(handler=handle_list)

    show = action("show", "show one individual: run, scores, image, parents, lineage, genome")
    show.add_argument("id", type=int, help="gallery id (see `coevo gallery list`)")
    show.set_defaults(handler=handle_show)

    publish = action("publish", "publish an individual on the front page, with a title")
    publish.add_argument("id", type=int, help="gallery id (see `coevo gallery list`)")
    publish.add_argument("--title", help="the title to show")
    publish.add_argument("--undo", action="store_true", help="unpublish instead")
    publish.set_defaults(handler=handle_publish)

    index = action("index", "index run folders under ROOT that the gallery does not know yet (older runs, "
                   "or after moving a damaged gallery.db aside); links to branch origins are not recovered")
    index.set_defaults(handler=handle_index)

    build = action("build", "write the static web site (default ROOT/site)")
    build.add_argument("--out", type=Path, help="site folder (default ROOT/site)")
    build.set_defaults(handler=handle_build)

    serve = action("serve", "build the site and serve it on 127.0.0.1")
    serve.add_argument("--port", type=int, default=8000, help="port (default 8000; 0 picks a free one)")
    serve.add_argument("--out", type=Path, help="site folder (default ROOT/site)")
    serve.add_argument("--no-build", action="store_true", help="serve the site as it is, without rebuilding")
    serve.set_defaults(handler=handle_serve)


def open_store(root: Path):  # -> Store
    from gallery.store import Store

    return Store(root, create=False)


def spec_root(root: Path) -> str:
    """How pages and messages name the gallery: empty for the default root."""
    return "" if root.resolve() == DEFAULT_ROOT.resolve() else str(root)


def table(header: list[str], rows: list[list[str]]) -> None:
    """Print rows in columns as wide as their longest cell."""
    widths = [max(len(cell) for cell in column) for column in zip(header, *rows)]
    for line in [header, *rows]:
        print("  ".join(cell.ljust(width) for cell, width in zip(line, widths)).rstrip())


def handle_list(args: argparse.Namespace) -> int:
    with open_store(args.root) as store:
        if args.runs:
            table(["RUN", "KIND", "ARTIST", "CRITIC", "DATA", "FROM", "FOLDER"],
                  [[str(r.id), r.kind, r.artist, r.critic, r.data, str(r.origin or ""), str(r.path)]
                   for r in store.runs()])
            return 0
        names = {run.id: run.name for run in store.runs()}
        rows = []
        for row in store.individuals(run=args.run, published=True if args.published else None):
            notes = ([f"published: {row.title}"] if row.published else []) + (
                [] if row.image is not None and row.image.is_file() else ["image missing"])
            rows.append([str(row.id), names.get(row.run, "?"), str(row.round), row.artist,
                         "" if row.score is None else f"{row.score:.4f}", ",".join(map(str, row.parents)) or "-",
                         "; ".join(notes)])
        table(["ID", "RUN", "ROUND", "ARTIST", "SCORE@ROUND", "PARENTS", "NOTES"], rows)
        if rows:  # a critic changes as it learns, so scores compare only within one round of one run
            print("SCORE@ROUND: the score its run's critic gave it in that round (not comparable across rounds)")
    return 0


def handle_show(args: argparse.Namespace) -> int:
    from gallery.store import no_parents

    with open_store(args.root) as store:
        row = store.get(args.id)
        run = store.run(row.run)
        lineage = store.lineage(row.id)
        children = store.children(row.id)
    spec = f"gallery:{spec_root(args.root) + ':' if spec_root(args.root) else ''}{row.id}"
    size = run.settings.get("size", 256) if run else 256
    image = "none recorded" if row.image is None else (
        f"{row.image}" + ("" if row.image.is_file() else f"  (MISSING: render it back with `coevo render {spec} "
                                                         f"--size {size} --out {row.image}`)"))
    print(f"individual {row.id}  ({spec})" + (f"  published: {row.title!r}" if row.published else ""))
    print(f"  run:      {run.id}  {run.path}" if run else f"  run:      {row.run}")
    print(f"  round:    {row.round}" + ("" if row.local_id is None else f"  (artist's id {row.local_id})"))
    print(f"  artist:   {row.artist}  {json.dumps(row.options)}")
    print(f"  score:    {'none (not scored by a critic)' if row.score is None else f'{row.score:.4f}'}")
    print(f"  image:    {image}")
    print(f"  parents:  {', '.join(map(str, row.parents)) or no_parents(run)}")
    print(f"  children: {', '.join(str(c.id) for c in children) or 'none'}")
    print(f"  ancestry: {', '.join(str(r.id) for r in lineage[1:]) or 'none'}  (nearest first; "
          f"first ancestors: {', '.join(str(r.id) for r in lineage if not r.parents)})")
    print(f"  render:   coevo render {spec} --size 1024 --out individual-{row.id}.png")
    print(f"  branch:   coevo run --from {spec}   |   coevo breed --from {spec}")
    print(f"  genome:   {json.dumps(row.genome)}")
    return 0


def handle_publish(args: argparse.Namespace) -> int:
    with open_store(args.root) as store:
        row = store.publish(args.id, args.title, published=not args.undo)
    state = f"published as {row.title!r}" if row.published else "unpublished"
    print(f"individual {row.id} {state}; rebuild the pages with `coevo gallery build`")
    return 0


def handle_index(args: argparse.Namespace) -> int:
    from coevo.programs.reindex import index_folder
    from gallery.catalog import GalleryCatalog
    from gallery.store import Store

    if not args.root.is_dir():
        raise CoevoError(f"{args.root} is not a folder; pass --root with the folder that holds the runs")
    with Store(args.root) as store:
        new = [p.parent for p in sorted(args.root.glob("*/config.toml")) if store.run_at(p.parent) is None]
    for folder in new:
        print(f"indexed {folder}: {index_folder(GalleryCatalog(), folder)} individuals")
    return 0


def handle_build(args: argparse.Namespace) -> int:
    from gallery.site import build_site

    index = build_site(args.root, args.out)
    print(f"wrote {index} (open it in a browser, or `coevo gallery serve`)")
    return 0


def handle_serve(args: argparse.Namespace) -> int:
    from gallery.serve import make_server
    from gallery.site import build_site

    if not 0 <= args.port <= 65535:
        raise CoevoError(f"--port must be between 0 and 65535 (got {args.port})")
    out = args.out or args.root / "site"
    if not args.no_build:
        build_site(args.root, out)
    elif not (out / "index.html").is_file():
        raise CoevoError(f"no site in {out}; drop --no-build or run `coevo gallery build` first")
    server = make_server(out, args.port)
    print(f"serving {out} at http://127.0.0.1:{server.server_address[1]}/ (Ctrl-C stops)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("stopped")
    finally:
        server.server_close()
    return 0
