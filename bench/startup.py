"""Start-up: how soon a person sees something. Times, from launch, (1) the README quick start's first progress line
(``coevo run``: the bar's first draw, and its first round played), (2) ``coevo render`` at 256 px of a GP and of
a CPPN genome, and of an imported Picbreeder XML when ``../shared/data/picbreeder`` holds one, and (3) the first
breeding window (``coevo breed --artist A`` headless, ``SDL_VIDEODRIVER=dummy``, until the window prints its first
frame with children drawn: ``COEVO_FIRST_FRAME``, ``critics.human.critic``) for biomorph, gp and cppn. Each is a
fresh process with a warm Numba cache, interleaved with the baseline (a process that only imports torch). Wall
seconds and CPU seconds (user + system; on a loaded shared machine the CPU seconds are what a quiet one would take
as wall time). Goals (issue 27, quiet 2 cores): first line <= 5 s, render <= 1 s, first breeding window <= 3 s.

    PYTHONPATH=. python bench/startup.py [--repeats 3] [--before DIR]   # DIR: e.g. `git worktree add DIR main`
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ROUND_DRAWN = re.compile(rb" [1-9][0-9]*/30 ")  # the bar's first draw after a round was played
ENV = {**os.environ, "SDL_VIDEODRIVER": "dummy", "MPLBACKEND": "Agg", "PYTHONPATH": str(ROOT)}
BREEDERS = ("biomorph", "gp", "cppn")  # artists whose first breeding window is timed
GOALS = {"quick start: first line": 5.0, "render gp": 1.0, "render cppn": 1.0, "render picbreeder": 1.0,
         **{f"breed {artist}: first window": 3.0 for artist in BREEDERS}}
PICBREEDER = ROOT.parent / "shared" / "data" / "picbreeder"  # imported genomes (exact renderer), when present


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(command: list[str], cwd: Path, root: Path = ROOT) -> tuple[float, float]:
    """(wall, CPU) seconds of a command run to its end, with the coevo checkout at ``root``."""
    cpu, start = children_cpu(), time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env={**ENV, "PYTHONPATH": str(root)}, capture_output=True, text=True,
                          timeout=600)
    if done.returncode:
        raise SystemExit(f"{' '.join(command)} failed: {done.stderr[-1500:]}")
    return time.perf_counter() - start, children_cpu() - cpu


def first_lines(out: Path, cwd: Path) -> tuple[float, float, float]:
    """(seconds to the bar's first draw, seconds to its first round, CPU seconds until then) of the quick start;
    the run is stopped there."""
    cpu, start = children_cpu(), time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "coevo", "run", "--out", str(out)], cwd=cwd, env=ENV,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    seen, drawn = b"", None
    while True:
        byte = process.stderr.read(1)
        if not byte:
            raise SystemExit(f"the quick start ended before its first round: {seen[-1500:]!r}")
        seen += byte
        if drawn is None and b"gp vs cnn:" in seen:
            drawn = time.perf_counter() - start
        if ROUND_DRAWN.search(seen[-16:]):  # the bar may skip "1/30" when rounds are fast
            first = time.perf_counter() - start
            break
    process.kill()
    process.wait()
    return drawn or first, first, children_cpu() - cpu


def first_window(artist: str, out: Path, cwd: Path) -> tuple[float, float]:
    """(wall, CPU) seconds from launching ``coevo breed --artist ARTIST`` to its window's first frame with the
    children drawn (the line ``COEVO_FIRST_FRAME`` makes it print); the session is stopped there."""
    from critics.human.critic import FIRST_FRAME, FIRST_FRAME_LINE

    cpu, start = children_cpu(), time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "coevo", "breed", "--artist", artist, "--out", str(out)],
                               cwd=cwd, env={**ENV, FIRST_FRAME: "1"}, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    seen = b""
    while FIRST_FRAME_LINE.encode() not in seen:
        line = process.stderr.readline()
        if not line:
            raise SystemExit(f"coevo breed --artist {artist} ended before its first frame: {seen[-1500:]!r}")
        seen += line
    wall = time.perf_counter() - start
    process.kill()
    process.wait()
    return wall, children_cpu() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="interleaved repeats of every measurement")
    parser.add_argument("--before", type=Path, help="another coevo checkout (e.g. `git worktree add /tmp/m main`): "
                        "its renders are timed too, interleaved, as 'before' rows")
    args = parser.parse_args()
    python = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        genomes = {}
        for artist in ("gp", "cppn"):  # a genome of each, and every Numba cache warmed
            timed([python, "-m", "coevo", "run", "--artist", artist, "--rounds", "1", "--pop", "8", "--warmup", "1",
                   "--no-tensorboard", "--out", str(work / artist)], work)
            genomes[artist] = work / artist / "genomes" / "best.json"
        first_lines(work / "warm", work)
        for artist in BREEDERS:
            first_window(artist, work / f"breed-{artist}-warm", work)
        xml = sorted(PICBREEDER.glob("*.xml"))[:1]
        specs = {"gp": genomes["gp"], "cppn": genomes["cppn"], **({"picbreeder": xml[0]} if xml else {})}

        def render(name: str, root: Path = ROOT, tag: str = "") -> Callable[[int], tuple[float, float]]:
            command = [python, "-m", "coevo", "render", str(specs[name]), "--size", "256", "--out",
                       str(work / f"{name}{tag}.png")]
            return lambda i: timed(command, work, root)

        cases: dict[str, Callable[[int], tuple[float, float]]] = {
            "baseline: import torch": lambda i: timed([python, "-c", "import torch"], work),
            **{f"render {name}": render(name) for name in specs},
        }
        if args.before:
            for name in specs:
                cases[f"render {name} (before)"] = render(name, args.before.resolve(), "-before")
                cases[f"render {name} (before)"](0)  # its Numba cache warmed
        names = [*cases, "quick start: first line", "quick start: first round",
                 *(f"breed {artist}: first window" for artist in BREEDERS)]
        results: dict[str, list[tuple[float, float]]] = {name: [] for name in names}
        for i in range(args.repeats):
            for name, case in cases.items():
                results[name].append(case(i))
            drawn, first, cpu = first_lines(work / f"qs-{i}", work)
            results["quick start: first line"].append((drawn, cpu))
            results["quick start: first round"].append((first, cpu))
            for artist in BREEDERS:
                results[f"breed {artist}: first window"].append(first_window(artist, work / f"breed-{artist}-{i}",
                                                                             work))
        same = {name: (work / f"{name}.png").read_bytes() == (work / f"{name}-before.png").read_bytes()
                for name in specs if args.before}
    print(f"load average: {open('/proc/loadavg').read().split()[:3]}; median of {args.repeats}")
    if same:
        verdicts = ", ".join(f"{name} {'yes' if ok else 'NO'}" for name, ok in same.items())
        print(f"same PNG bytes before and now: {verdicts}")
    print(f"{'measure':30} {'wall s':>8} {'CPU s':>8} {'goal s':>7}")
    for name, values in results.items():
        wall, cpu = statistics.median(v[0] for v in values), statistics.median(v[1] for v in values)
        goal = GOALS.get(name)
        verdict = "" if goal is None else ("met" if cpu <= goal else "NOT met") + " (by CPU s)"
        print(f"{name:30} {wall:8.2f} {cpu:8.2f} {goal if goal else '':>7} {verdict}")


if __name__ == "__main__":
    main()
