"""Lipizzaner's yardstick for grids of GANs against a single GAN at the same total generator updates.

For each grid side in ``--cells`` and each seed: a SIDE x SIDE grid of mlpgan cells (Lipizzaner's MNIST generator)
against critics (``--critic``; by default ``mlp`` at 256 units x 2 maxout layers of 2 pieces, which holds
Lipizzaner's 784-256-256-1 LeakyReLU(0.2) discriminator) on MNIST t10k, ``--iterations`` iterations of ``--steps``
generator updates per cell; then one mlpgan GAN with the same critic for SIDE^2 x iterations x steps generator
updates (one critic update each, as in every cell). Every generator is scored by the same yardstick (Lipizzaner's
MNIST classifier, FID and TVD on n = 2,500 samples against the grid's fixed reference of real digits): the best
cell's ES-weighted mixture, the same neighbourhood's uniform mixture, every cell's own generator, the single GAN,
and, as a sanity check, real digits the reference does not hold. Each result is a file in OUT/rows/ with the CPU
seconds of its runs; a finished run is not run again. ``--table`` prints docs/grid.md's table from it.

    python bench/grid_mnist.py DATA_DIR YARDSTICK OUT [--cells 2 3] [--iterations 12] [--steps 50] [--seeds 0 1 2]
    python bench/grid_mnist.py --table OUT
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import torch

LIPIZZANER_CRITIC = {"width": 256, "layers": 2, "pieces": 2}  # maxout(2) ⊇ LeakyReLU(0.2): max(x, 0.2x)
SHIPPED = "34.1–48.9"  # Lipizzaner's ten shipped MNIST generators on this yardstick (n = 2,500)


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", help="DATA_DIR YARDSTICK OUT (with --table: OUT)")
    parser.add_argument("--cells", type=int, nargs="+", default=[2], help="grid sides to run (2: 2x2, 3: 3x3)")
    parser.add_argument("--iterations", type=int, default=12)
    parser.add_argument("--steps", type=int, default=50, help="generator updates per cell and iteration")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--critic", default="mlp", help="mlp (Lipizzaner-like, the default) or cnn")
    parser.add_argument("--opponents", default="selected", choices=("selected", "random"),
                        help="grid cells' training opponents (coevo grid --opponents)")
    parser.add_argument("--table", action="store_true", help="print the markdown table of OUT/rows/")
    parser.add_argument("--shipped", type=Path, help="score the generator state dicts (*.pkl) in this folder "
                        "(Lipizzaner's src/enesmble_optimization/mnist-generators) on the same yardstick and stop")
    args = parser.parse_args(argv)
    if len(args.paths) != (1 if args.table else 3):
        parser.error("pass DATA_DIR YARDSTICK OUT, or --table OUT")
    if not all(1 <= side <= 8 for side in args.cells) or min(args.iterations, args.steps, args.batch) < 1:
        parser.error("--cells takes sides 1..8; --iterations, --steps and --batch at least 1")
    return args


def one(args: argparse.Namespace, side: int, seed: int) -> dict[str, Any]:
    """The grid and the single GAN of one seed, both scored against the grid's reference."""
    from coevo.programs.cells import prepared
    from coevo.programs.grid import REFERENCE, GridConfig, grid_yardstick
    from coevo.programs.grid import start as start_grid
    from coevo.programs.latent import load_generator
    from coevo.programs.run import start as start_run
    from coevo.rng import seeded_torch
    from coevo.training.config import RunConfig

    data_dir, yardstick, out = args.paths
    data = f"mnist:{data_dir}:t10k"
    options = dict(LIPIZZANER_CRITIC) if args.critic == "mlp" else {}
    tag = f"{args.critic}-{args.opponents}-b{args.batch}-i{args.iterations}-s{args.steps}-seed{seed}"
    updates = side * side * args.iterations * args.steps
    grid = GridConfig(artist="mlpgan", critic=args.critic, data=data, size=28, side=side, iterations=args.iterations,
                      steps=args.steps, batch=args.batch, seed=seed, yardstick=yardstick, critic_options=options,
                      opponents=args.opponents)
    folder = Path(out) / f"grid-{side}x{side}-{tag}"
    folder.parent.mkdir(parents=True, exist_ok=True)
    if not (folder / "grid.json").exists():
        began = time.process_time()
        start_grid(grid, folder)
        _keep_cpu(folder, time.process_time() - began)
    report = json.loads((folder / "grid.json").read_text())["yardstick"]
    single = replace(RunConfig(), artist="mlpgan", critic=args.critic, data=data, size=28, pop=args.batch,
                     batch=args.batch, fakes="latest", warmup=0, rounds=updates, seed=seed, sheet_every=0,
                     tensorboard=False, threads=1, ciao_keep=0, critic_options=options)
    run = Path(out) / f"single-{updates}-{args.critic}-b{args.batch}-seed{seed}"  # the same for either opponents
    if not (run / "metrics.jsonl").exists() or _cpu(run) is None:
        began = time.process_time()
        start_run(single, run)
        _keep_cpu(run, time.process_time() - began)
    stick, reference = grid_yardstick(grid, (1, 28, 28))
    with seeded_torch(seed + 1):  # as the grid's own measures: fresh latents of the same seed
        alone = {k: round(v, 4) for k, v in stick.score(load_generator(run).sample(REFERENCE)).items()}
    _, held = prepared(data, 28, None)
    cells = [c["lipizzaner_fid"] for c in report["cells"]]
    best = min(range(len(cells)), key=cells.__getitem__)
    return {"side": side, "seed": seed, "critic": args.critic, "opponents": args.opponents, "batch": args.batch,
            "iterations": args.iterations,
            "steps": args.steps, "generator_updates": updates, "reference": reference,
            "mixture": report["mixture"], "uniform": report["uniform"], "best_cell": report["cells"][best],
            "cells_fid": cells, "single": alone, "real_held_out": _rounded(stick.score(held.images)),
            "grid_cpu_s": round(_cpu(folder) or math.nan, 1), "single_cpu_s": round(_cpu(run) or math.nan, 1)}


def _cpu(folder: Path) -> float | None:
    record = folder / "bench-cpu.json"
    return float(json.loads(record.read_text())["cpu_s"]) if record.exists() else None


def _keep_cpu(folder: Path, seconds: float | None) -> None:
    if seconds is not None and _cpu(folder) is None:
        (folder / "bench-cpu.json").write_text(json.dumps({"cpu_s": round(seconds, 1)}) + "\n")


def _rounded(scores: dict[str, float]) -> dict[str, float]:
    return {k: round(v, 4) for k, v in scores.items()}


def record(out: Path, row: dict[str, Any]) -> None:
    """Keep ``row`` as OUT/rows/SET-UP.json (one file per set-up and seed: runs of other seeds may write beside it)."""
    name = "-".join(str(row[k]) for k in ("side", "critic", "opponents", "batch", "iterations", "steps", "seed"))
    (out / "rows").mkdir(parents=True, exist_ok=True)
    (out / "rows" / f"{name}.json").write_text(json.dumps(row) + "\n")


def table(out: Path) -> str:
    """docs/grid.md's table: per set-up, each generator's FID (TVD) as mean ± 95% t interval over seeds."""
    from coevo.metrics.stats import estimate

    rows = [json.loads(path.read_text()) for path in sorted((out / "rows").glob("*.json"))]
    groups: dict[tuple, list[dict[str, Any]]] = {}
    for row in rows:
        key = (row["side"], row["critic"], row["opponents"], row["batch"], row["iterations"], row["steps"])
        groups.setdefault(key, []).append(row)
    lines = ["| grid | updates per cell / in all | seeds | ES mixture | uniform mixture | best cell | single GAN "
             "| mixture − best cell | mixture − single | real held-out digits | CPU s grid / single (mean) |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for (side, critic, opponents, batch, iterations, steps), group in sorted(groups.items()):
        group.sort(key=lambda r: r["seed"])

        def fid(name: str, g: list[dict[str, Any]] = group) -> list[float]:
            return [r[name]["lipizzaner_fid"] for r in g]

        def cell(name: str, g: list[dict[str, Any]] = group) -> str:
            tvd = estimate([r[name]["lipizzaner_tvd"] for r in g])
            return f"{estimate(fid(name)).text(0)} ({tvd.mean:.2f})"

        def diff(a: str, b: str) -> str:
            return estimate([x - y for x, y in zip(fid(a), fid(b))]).text(0)

        cpu = [sum(r[k] for r in group) / len(group) for k in ("grid_cpu_s", "single_cpu_s")]
        lines.append(f"| {side}×{side}, {critic} critic, opponents {opponents}, batch {batch} "
                     f"| {iterations * steps:,} / "
                     f"{group[0]['generator_updates']:,} | {', '.join(str(r['seed']) for r in group)} "
                     f"| {cell('mixture')} | {cell('uniform')} | {cell('best_cell')} | {cell('single')} "
                     f"| {diff('mixture', 'best_cell')} | {diff('mixture', 'single')} | {cell('real_held_out')} "
                     f"| {cpu[0]:.0f} / {cpu[1]:.0f} |")
    lines.append("")
    lines.append("Per seed (FID): " + "; ".join(
        f"{r['side']}×{r['side']} {r['opponents']} seed {r['seed']}: mixture {r['mixture']['lipizzaner_fid']:.0f}, "
        f"uniform {r['uniform']['lipizzaner_fid']:.0f}, cells {', '.join(f'{c:.0f}' for c in r['cells_fid'])}, "
        f"single {r['single']['lipizzaner_fid']:.0f}"
        for r in sorted(rows, key=lambda r: (r['side'], r['opponents'], r['seed']))) + ".")
    lines.append(f"Lipizzaner's shipped MNIST generators: FID {SHIPPED} on the same yardstick.")
    return "\n".join(lines)


def shipped(args: argparse.Namespace) -> list[dict[str, Any]]:
    """Lipizzaner's shipped MNIST generators (64-256-256-784 state dicts, read as tensors only) in coevo's
    ``MLPGenerator``, each scored on n = 2,500 samples of standard normal latents against the grid's reference."""
    from artists.dcgan.networks import MLPGenerator
    from coevo.programs.grid import REFERENCE, GridConfig, grid_yardstick

    data_dir, yardstick, _ = args.paths
    stick, _ = grid_yardstick(GridConfig(data=f"mnist:{data_dir}:t10k", size=28, yardstick=yardstick), (1, 28, 28))
    rows = []
    for path in sorted(args.shipped.glob("*.pkl")):
        state = torch.load(path, map_location="cpu", weights_only=True)
        net = MLPGenerator(64, (1, 28, 28))
        net.main.load_state_dict({k: v.float() for k, v in state.items()})
        with torch.no_grad():
            images = net.eval()(torch.randn(REFERENCE, 64, generator=torch.Generator().manual_seed(0)))
        rows.append({"generator": path.name, **_rounded(stick.score(images))})
    return rows


def main(argv: list[str]) -> None:
    args = parse(argv)
    if args.table:
        print(table(Path(args.paths[0])))
        return
    if args.shipped is not None:
        for row in shipped(args):
            print(json.dumps(row), flush=True)
        return
    torch.set_num_threads(1)
    out = Path(args.paths[2])
    out.mkdir(parents=True, exist_ok=True)
    for side in args.cells:
        for seed in args.seeds:
            row = one(args, side, seed)
            record(out, row)
            print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
