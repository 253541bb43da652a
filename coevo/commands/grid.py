"""``coevo grid``: spatial co-evolution of artist/critic cells on a torus (Lipizzaner), one by one or on Dask."""

from __future__ import annotations

import argparse
from pathlib import Path

from coevo.commands.flags import add_flags, bounded, given


def add_parser(sub: argparse._SubParsersAction) -> None:
    from coevo.programs.gridconfig import GridConfig

    parser = sub.add_parser("grid", help="co-evolve a torus of artist/critic cells (Lipizzaner), with mixtures",
                            description="A side x side torus of cells, each an artist and a critic. Every iteration "
                            "each cell copies its neighbourhood (itself, N, S, E, W), picks the artist and critic it "
                            "trains by tournament, mutates their learning rates, trains them against its neighbours "
                            "and takes a (1+1)-ES step on the weights of its neighbourhood's mixture of generators. "
                            "Cells run as tasks here or on Dask with identical results; a killed grid continues with "
                            "`coevo resume DIR`. Writes metrics.jsonl, grid.json, sheets/ and the best mixture as "
                            "the run folder DIR/mixture. Example: coevo grid --side 2 --iterations 3 --steps 5 "
                            "--out runs/grid")
    add_flags(parser, GridConfig)
    parser.add_argument("--out", type=Path, help="grid folder (default runs/grid, numbered if taken)")
    parser.add_argument("--workers", type=bounded(int, 0), default=0,
                        help="Dask LocalCluster processes for the cells (default 0: one by one in this process)")
    parser.add_argument("--scheduler", help="address of a running Dask scheduler to run the cells on instead")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    from coevo.commands.flags import overlay
    from coevo.programs.grid import check_where, start
    from coevo.programs.gridconfig import GridConfig
    from coevo.store.runfolder import default_folder

    config = overlay(GridConfig(), given(args, GridConfig)).validate()
    check_where(args.workers, args.scheduler)
    out = args.out or default_folder("grid")
    path = start(config, out, args.workers, args.scheduler)
    print(f"grid finished: {path} (metrics.jsonl, grid.json, sheets/grid-best.png"
          f"{', mixture/' if (path / 'mixture').exists() else ''})")
    return 0
