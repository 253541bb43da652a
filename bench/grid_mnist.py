"""Lipizzaner's yardstick for a grid of GANs against a single GAN at the same total generator updates.

For each seed: a SIDE x SIDE grid of mlpgan vs cnn cells on MNIST t10k (ITERATIONS iterations of STEPS generator
updates per cell), then one mlpgan vs cnn run of SIDE^2 * ITERATIONS * STEPS generator updates (one critic update
each, as in every cell). Prints the FID / TVD on Lipizzaner's MNIST classifier (n = 2,500) of the best cell's
ES-weighted mixture, the same neighbourhood's uniform mixture, the best single cell, and the single GAN, with the
CPU seconds of each. Usage: python bench/grid_mnist.py DATA_DIR YARDSTICK OUT [SIDE ITERATIONS STEPS SEEDS...]
"""

from __future__ import annotations

import json
import sys
import time
from dataclasses import replace
from pathlib import Path

import torch


def main(argv: list[str]) -> None:
    from coevo.programs.grid import GridConfig
    from coevo.programs.grid import start as start_grid
    from coevo.programs.run import start as start_run
    from coevo.training.config import RunConfig

    data_dir, yardstick, out = argv[:3]
    side, iterations, steps = (int(v) for v in (argv[3:6] or (2, 15, 20)))
    seeds = [int(v) for v in argv[6:]] or [0]
    torch.set_num_threads(1)
    data = f"mnist:{data_dir}:t10k"
    updates = side * side * iterations * steps
    for seed in seeds:
        began = time.process_time()
        grid = GridConfig(artist="mlpgan", critic="cnn", data=data, size=28, side=side, iterations=iterations,
                          steps=steps, batch=64, seed=seed, yardstick=yardstick)
        folder = Path(out) / f"grid-{side}x{side}-seed{seed}"
        if not (folder / "grid.json").exists():
            start_grid(grid, folder)
        grid_cpu = time.process_time() - began
        report = json.loads((folder / "grid.json").read_text())["yardstick"]
        began = time.process_time()
        single = replace(RunConfig(), artist="mlpgan", critic="cnn", data=data, size=28, pop=64, batch=64,
                         fakes="latest", warmup=0, rounds=updates, seed=seed, yardstick=yardstick,
                         yardstick_every=updates, sheet_every=0, tensorboard=False, threads=1, ciao_keep=0)
        run = Path(out) / f"single-{updates}-seed{seed}"
        if not (run / "metrics.jsonl").exists():
            start_run(single, run)
        single_cpu = time.process_time() - began
        last = [json.loads(line) for line in (run / "metrics.jsonl").read_text().splitlines()][-1]
        cells = [c["lipizzaner_fid"] for c in report["cells"]]
        alone = {k: last.get(k) for k in ("lipizzaner_fid", "lipizzaner_tvd")}
        print(json.dumps({"seed": seed, "side": side, "iterations": iterations, "steps": steps,
                          "generator_updates": updates, "mixture": report["mixture"], "uniform": report["uniform"],
                          "best_cell_fid": min(cells), "cells_fid": cells, "single": alone,
                          "grid_cpu_s": round(grid_cpu, 1), "single_cpu_s": round(single_cpu, 1)}), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
