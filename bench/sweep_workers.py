"""Benchmark: a 4-run ``coevo sweep`` (one setting, four seeds) one by one (``--workers 0``) and on a Dask
LocalCluster of 1 and 2 workers, interleaved; wall and CPU seconds (this process and its finished children, the
cluster's processes included) and their ratios. Goals (issue 28): 2 workers >= 1.7x one worker; Dask's CPU
at most 15% over one by one. Every worker count must give the same bytes.

    PYTHONPATH=. python bench/sweep_workers.py [--repeats 2] [--artist gp] [--rounds 3] [--pop 8] [--size 16]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import tempfile
import time
from pathlib import Path

from coevo.programs.sweep import sweep
from coevo.training.config import RunConfig

WORKERS = (0, 1, 2)


def cpu_seconds() -> float:
    """CPU seconds of this process and of every child it has waited for (Dask's nannies wait for their workers)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def metrics(out: Path) -> dict[str, bytes]:
    return {p.parent.name: p.read_bytes() for p in sorted(out.glob("*/metrics.jsonl"))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--artist", default="gp")
    parser.add_argument("--critic", default="cnn")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--pop", type=int, default=8)
    parser.add_argument("--size", type=int, default=16)
    args = parser.parse_args()
    base = RunConfig(artist=args.artist, critic=args.critic, rounds=args.rounds, pop=args.pop, size=args.size,
                     warmup=1, seed=0, device="cpu", checkpoint_seconds=0.0)
    wall: dict[int, list[float]] = {w: [] for w in WORKERS}
    cpu: dict[int, list[float]] = {w: [] for w in WORKERS}
    with tempfile.TemporaryDirectory(prefix="coevo-bench-sweep-") as root:
        reference = None
        for repeat in range(args.repeats):
            for workers in WORKERS if repeat % 2 == 0 else reversed(WORKERS):  # interleaved, order alternating
                out = Path(root) / f"r{repeat}-w{workers}"
                started, used = time.perf_counter(), cpu_seconds()
                sweep(base, {}, 4, out, workers=workers)
                wall[workers].append(time.perf_counter() - started)
                cpu[workers].append(cpu_seconds() - used)
                got = metrics(out)
                reference = reference or got
                assert got == reference and len(got) == 4, f"workers {workers} gave other bytes"
                print(f"repeat {repeat} workers {workers}: {wall[workers][-1]:.1f} s wall, {cpu[workers][-1]:.1f} s "
                      "CPU", flush=True)
    w = {k: statistics.median(v) for k, v in wall.items()}
    c = {k: statistics.median(v) for k, v in cpu.items()}
    for k in WORKERS:
        print(f"workers {k}: median {w[k]:.1f} s wall, {c[k]:.1f} s CPU")
    print(f"one worker / one by one: {w[1] / w[0]:.2f}x wall, {c[1] / c[0]:.2f}x CPU")
    print(f"two workers / one by one: {w[2] / w[0]:.2f}x wall, {c[2] / c[0]:.2f}x CPU (goal CPU <= 1.15x)")
    print(f"speed-up of two workers over one: {w[1] / w[2]:.2f}x (goal >= 1.7x); all worker counts same bytes")


if __name__ == "__main__":
    main()
