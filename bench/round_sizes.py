"""Benchmark: a GP-vs-CNN round at 128 px against one at 64 px (issue 28: at most 4x, the pixels' ratio). Runs of
each size are played in turn in one process, ``--repeats`` times; a round is timed from its start to the next
round's start (render, critic learning, scoring, variation, measures, recorders: everything a round costs), the
runs' last rounds (their one-off end) left out. CPU seconds of this process and wall seconds, medians.

    PYTHONPATH=. python bench/round_sizes.py [--pop 64] [--rounds 11] [--repeats 3] [--sizes 64 128]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from coevo.loop import Hook, Progress
from coevo.programs.build import build
from coevo.programs.run import RunProgram
from coevo.store.runfolder import RunFolder
from coevo.training.config import RunConfig
from coevo.training.trainer import Trainer


class Stopwatch(Hook):
    """(CPU, wall) seconds from each round's start to the next one's."""

    def __init__(self) -> None:
        self.marks: list[tuple[float, float]] = []

    def on_round_start(self, progress: Progress) -> None:
        self.marks.append((time.process_time(), time.perf_counter()))

    def rounds(self) -> list[tuple[float, float]]:
        return [(b[0] - a[0], b[1] - a[1]) for a, b in zip(self.marks, self.marks[1:])]


def play(size: int, pop: int, rounds: int) -> list[tuple[float, float]]:
    """The timed rounds of one run at ``size`` px."""
    config = RunConfig(artist="gp", critic="cnn", data="digits", rounds=rounds, pop=pop, size=size, warmup=5,
                       sheet_every=10, checkpoint_seconds=30.0, device="cpu", tensorboard=False)
    game = build(config)
    RunProgram().begin(game)
    watch = Stopwatch()
    game.hooks.append(watch)
    with tempfile.TemporaryDirectory() as tmp:
        folder = RunFolder(Path(tmp) / "run")
        folder.create("")
        Trainer(bar=False).play(RunProgram(), folder, game)
    return watch.rounds()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pop", type=int, default=64)
    parser.add_argument("--rounds", type=int, default=11)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--sizes", type=int, nargs=2, default=[64, 128])
    args = parser.parse_args()
    import matplotlib.figure  # noqa: F401  - imported once per process: not a round's cost

    timed: dict[int, list[tuple[float, float]]] = {size: [] for size in args.sizes}
    for _ in range(args.repeats):
        for size in args.sizes:
            timed[size] += play(size, args.pop, args.rounds)
    small, large = args.sizes
    print(f"gp vs cnn, pop {args.pop}: {len(timed[small])} rounds of each size; load average "
          f"{os.getloadavg()[0]:.1f}")
    for label, index in (("CPU", 0), ("wall", 1)):
        a = statistics.median(t[index] for t in timed[small])
        b = statistics.median(t[index] for t in timed[large])
        print(f"  {label:4}: {small} px {1000 * a:7.1f} ms, {large} px {1000 * b:7.1f} ms a round: {b / a:.2f}x "
              f"(goal <= {(large / small) ** 2:.0f}x)")


if __name__ == "__main__":
    main()
