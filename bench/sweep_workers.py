"""Benchmark: a 4-run ``coevo sweep`` (one setting, four seeds) one by one (``--workers 0``) and on a Dask
LocalCluster of 1 and 2 workers, interleaved with alternating order; each a whole ``coevo sweep`` command, as a
user runs it (its start-up, imports and cluster included). Wall seconds until the command returns; CPU seconds of
the command and of every process it started, the forkserver and the workers included (this process is their
subreaper: orphans are reparented here and reaped, so their CPU is counted). Goals (issue 28): 2 workers >= 1.7x
one worker; Dask's CPU at most 15% over one by one. Every worker count must give the same bytes.

    PYTHONPATH=. python bench/sweep_workers.py [--repeats 2] [--artist gp] [--rounds 3] [--pop 8] [--size 16]
        [--code OTHER_CHECKOUT]
"""

from __future__ import annotations

import argparse
import ctypes
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WORKERS = (0, 1, 2)
PR_SET_CHILD_SUBREAPER = 36  # linux/prctl.h


def become_subreaper() -> None:
    """Processes orphaned below this one (the forkserver and its workers, once the command exits) come here."""
    if ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_CHILD_SUBREAPER) failed: CPU would be under-counted")


def reap_all() -> None:
    """Wait for every child (the command's orphans end once it has gone), so their CPU is in RUSAGE_CHILDREN."""
    while True:
        try:
            os.waitpid(-1, 0)
        except ChildProcessError:
            return


def children_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


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
    parser.add_argument("--code", type=Path, default=Path(__file__).resolve().parents[1],
                        help="the checkout whose coevo the commands run (default this one; another for before/after)")
    args = parser.parse_args()
    become_subreaper()
    command = [sys.executable, "-m", "coevo", "sweep", "--seeds", "4", "--artist", args.artist, "--critic",
               args.critic, "--rounds", str(args.rounds), "--pop", str(args.pop), "--size", str(args.size),
               "--warmup", "1", "--seed", "0", "--device", "cpu", "--checkpoint-seconds", "0"]
    print(f"load {Path('/proc/loadavg').read_text().strip()}; {' '.join(command[1:])}", flush=True)
    wall: dict[int, list[float]] = {w: [] for w in WORKERS}
    cpu: dict[int, list[float]] = {w: [] for w in WORKERS}
    with tempfile.TemporaryDirectory(prefix="coevo-bench-sweep-") as root:
        reference = None
        for repeat in range(args.repeats):
            for workers in WORKERS if repeat % 2 == 0 else reversed(WORKERS):  # interleaved, order alternating
                out = Path(root) / f"r{repeat}-w{workers}"
                started, used = time.perf_counter(), children_cpu()
                done = subprocess.run([*command, "--workers", str(workers), "--out", str(out)], cwd=args.code,
                                      env=os.environ | {"PYTHONPATH": str(args.code)}, capture_output=True, text=True)
                wall[workers].append(time.perf_counter() - started)
                reap_all()
                cpu[workers].append(children_cpu() - used)
                assert done.returncode == 0, done.stderr[-2000:]
                got = metrics(out)
                reference = reference or got
                assert got == reference and len(got) == 4, f"workers {workers} gave other bytes"
                print(f"repeat {repeat} workers {workers}: {wall[workers][-1]:.1f} s wall, {cpu[workers][-1]:.1f} s "
                      f"CPU (load {Path('/proc/loadavg').read_text().split()[0]})", flush=True)
    w = {k: statistics.median(v) for k, v in wall.items()}
    c = {k: statistics.median(v) for k, v in cpu.items()}
    for k in WORKERS:
        print(f"workers {k}: median {w[k]:.1f} s wall, {c[k]:.1f} s CPU")
    print(f"one worker / one by one: {w[1] / w[0]:.2f}x wall, {c[1] / c[0]:.2f}x CPU")
    print(f"two workers / one by one: {w[2] / w[0]:.2f}x wall, {c[2] / c[0]:.2f}x CPU (goal CPU <= 1.15x)")
    print(f"speed-up of two workers over one: {w[1] / w[2]:.2f}x (goal >= 1.7x); "
          f"speed-up of two workers over one by one: {w[0] / w[2]:.2f}x; all worker counts gave the same bytes")
    print(f"load {Path('/proc/loadavg').read_text().strip()}")


if __name__ == "__main__":
    main()
