"""The spatial grid against a single population at equal evaluations (issue 24), GP vs CNN on bundled digits.

A ``side x side`` grid of GP-population/CNN cells (``coevo grid --artist gp``), ``pop`` images a cell, ``steps``
generations a cell and iteration, one critic update a generation, against one GP population of ``side² x pop``
images played for as many generations (``coevo run --schedule round``), its critic updated ``side²`` times a
generation: both score ``side² x pop x generations`` artist images and make as many critic updates. Both set the
same independent judge split aside (``--judge``), which neither ever sees, and the judge scores as many images in
both: every cell's population at once, or the single population, every 10 generations. Printed per seed and as
mean ± 95% t interval over seeds: the judge's FID (first look, mean of the last quarter of looks, Spearman over
time), the share read as a digit with p >= 0.9 (last quarter), the real images' floors at that n, the single run's
master-tournament progress (a grid has no single critic lineage), CPU seconds.

    PYTHONPATH=. python bench/grid_gp.py [--side 2] [--pop 8] [--generations 200] [--seeds 0,1,2] [--workers 2]
        [--out runs/grid-gp]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from arms_race import cell_text  # bench/arms_race.py's table cells

JUDGE = 0.25  # the share of digits the judge keeps (as bench/arms_race.py)
EVERY = 10  # generations between the judge's looks
SHOWN = ("fid_first", "fid_late", "fid_spearman", "fid_real", "confident_late", "confident_real", "progress", "cpu_s")


def play(kind: str, seed: int, side: int, pop: int, generations: int, out: Path) -> dict[str, Any]:
    """One grid or single run into ``out`` (reused when finished): its judge summary and CPU seconds."""
    folder = out / f"{kind}-seed{seed}"
    if not (folder / "cpu-seconds.txt").is_file():
        import shutil

        shutil.rmtree(folder, ignore_errors=True)
        began = time.process_time()
        if kind == "grid":
            from coevo.programs.grid import GridConfig, start

            start(GridConfig(artist="gp", critic="cnn", side=side, pop=pop, steps=EVERY,
                             iterations=generations // EVERY, critic_steps=1, seed=seed, judge=JUDGE), folder)
        else:
            from coevo.programs.run import start as start_run
            from coevo.training.config import RunConfig

            start_run(RunConfig(artist="gp", critic="cnn", schedule="round", pop=side * side * pop, rounds=generations,
                                critic_steps=side * side, warmup=0, fakes="latest", seed=seed, judge=JUDGE,
                                ciao_every=EVERY, device="cpu"), folder)
        (folder / "cpu-seconds.txt").write_text(f"{time.process_time() - began:.1f}\n")
    rows = [json.loads(line) for line in (folder / "metrics.jsonl").read_text().splitlines() if line.strip()]
    return {"kind": kind, "seed": seed, **judged(rows), "cpu_s": float((folder / "cpu-seconds.txt").read_text())}


def judged(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The judge's numbers of a run's or a grid's metrics lines."""
    from coevo.metrics.armsrace import spearman

    looks = [row for row in rows if "judge_fid" in row]
    late = looks[len(looks) - max(1, len(looks) // 4):]
    progress = [row["ciao_progress"] for row in rows if "ciao_progress" in row]
    return {"looks": len(looks), "fid_first": looks[0]["judge_fid"],
            "fid_late": statistics.fmean(row["judge_fid"] for row in late),
            "fid_spearman": spearman([row["round"] for row in looks], [row["judge_fid"] for row in looks]),
            "fid_real": looks[-1].get("judge_fid_real"),
            "confident_late": statistics.fmean(row["judge_confident"] for row in late),
            "confident_real": looks[-1].get("judge_confident_real"),
            "progress": progress[-1] if progress else None}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--side", type=int, default=2)
    parser.add_argument("--pop", type=int, default=8)
    parser.add_argument("--generations", type=int, default=200)
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", type=Path, default=Path("runs/grid-gp"))
    args = parser.parse_args()
    seeds = [int(s) for s in args.seeds.split(",")]
    jobs = [(kind, seed) for seed in seeds for kind in ("grid", "single")]
    fixed = [[value] * len(jobs) for value in (args.side, args.pop, args.generations, args.out)]
    with ProcessPoolExecutor(args.workers) as pool:
        results = list(pool.map(play, *zip(*jobs), *fixed))
    from coevo.metrics.stats import estimate

    cells = args.side * args.side
    print(f"{args.side}x{args.side} grid, pop {args.pop} a cell, vs one population of {cells * args.pop}; "
          f"{args.generations} generations: {cells * args.pop * args.generations} artist images scored and "
          f"{cells * args.generations} critic updates each; the judge looks at {cells * args.pop} images")
    print("| kind | seed | " + " | ".join(SHOWN) + " |")
    print("|" + "---|" * (len(SHOWN) + 2))
    for row in results:
        print(f"| {row['kind']} | {row['seed']} | " + " | ".join(cell_text(row.get(key)) for key in SHOWN) + " |")
    print()
    for kind in ("grid", "single"):
        rows = [row for row in results if row["kind"] == kind]
        print(f"{kind}, seeds {args.seeds} (mean ± 95% t): " + "; ".join(
            f"{key} {estimate([r[key] for r in rows if r.get(key) is not None])}" for key in SHOWN))
    grid = {row["seed"]: row for row in results if row["kind"] == "grid"}
    single = {row["seed"]: row for row in results if row["kind"] == "single"}
    for key in ("fid_late", "confident_late"):
        print(f"grid - single, {key}, paired over seeds: {estimate([grid[s][key] - single[s][key] for s in seeds])}")


if __name__ == "__main__":
    main()
