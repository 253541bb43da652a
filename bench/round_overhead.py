"""Benchmark: where a co-evolution round's time goes besides render, critic learning and scoring (issue 28's
"overhead"; goal <= 20% of a pop-64, 32-px GP-vs-CNN round).

Plays ``--repeats`` runs in this process and times, in CPU seconds of this process (``time.process_time``: steadier
than wall time on a shared machine), the whole run and its render, critic learning and the round's scoring, each
call wrapped in a stopwatch (a few calls a round: no profiler's overhead on the rest). The overhead is the share of
everything else; a run's one-off end (its last curves.png and checkpoint: a short run's only ones, at most every
30 s in a long run) is shown apart, and the overhead with and without it; the median over the repeats.
``--profile`` plays one more run under cProfile (CPU timer) and prints the functions that take the most time.

    PYTHONPATH=. python bench/round_overhead.py [--artist gp] [--pop 64] [--size 32] [--rounds 40] [--repeats 3]
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import coevo.loop
from coevo.loop import warm_up
from coevo.programs.build import build
from coevo.programs.run import RunProgram, RunRecorder
from coevo.store.runfolder import RunFolder
from coevo.store.tensorboard import TensorBoardHook
from coevo.training.config import RunConfig
from coevo.training.trainer import Game, Trainer

WORK = ("render", "critic learn", "score (round)")
PARTS = (*WORK, "variation", "measures", "recorders", "tensorboard", "run's end")


class Stopwatch:
    """CPU seconds spent in each wrapped call, by part; a wrapped call inside another counts to its own part
    only (the outer part's seconds are what is left)."""

    def __init__(self) -> None:
        self.seconds = dict.fromkeys(PARTS, 0.0)
        self.nested = [0.0]  # per open call: the seconds of the calls inside it

    def wrap(self, part: str, call: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            self.nested.append(0.0)
            began = time.process_time()
            try:
                return call(*args, **kwargs)
            finally:
                spent = time.process_time() - began
                self.seconds[part] += spent - self.nested.pop()
                self.nested[-1] += spent
        return timed

    def patch(self, owner: Any, name: str, part: str) -> Callable[[], None]:
        """Wrap ``owner.name``; returns what undoes it."""
        was = owner.__dict__[name] if isinstance(owner, (type, ModuleType)) else None  # an instance: left as is
        setattr(owner, name, self.wrap(part, getattr(owner, name)))
        return (lambda: setattr(owner, name, was)) if was is not None else (lambda: None)


def game_of(args: argparse.Namespace) -> Game:
    config = RunConfig(artist=args.artist, critic="cnn", data="digits", rounds=args.rounds, pop=args.pop,
                       size=args.size, warmup=20, critic_steps=1, sheet_every=10, checkpoint_seconds=30.0,
                       device="cpu")
    game = build(config)
    warm_up(game.players, game.progress)
    return game


def played(game: Game) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = RunFolder(Path(tmp) / "run")
        folder.create("")
        Trainer(bar=False).play(RunProgram(), folder, game)


def measure(args: argparse.Namespace) -> tuple[float, dict[str, float]]:
    """(CPU seconds of the run, CPU seconds of each part) of one run."""
    game = game_of(args)
    watch = Stopwatch()
    artist, critic, board = game.artist, game.meta["critic"], game.players.measures
    watch.patch(artist.genetics, "render", "render")
    watch.patch(artist, "_breed", "variation")
    watch.patch(critic, "learn", "critic learn")
    undo = [watch.patch(coevo.loop, "judge", "score (round)"),
            watch.patch(RunRecorder, "on_round_end", "recorders"), watch.patch(RunRecorder, "flush", "recorders"),
            watch.patch(TensorBoardHook, "on_round_end", "tensorboard"),
            watch.patch(TensorBoardHook, "on_checkpoint", "tensorboard"),
            watch.patch(RunRecorder, "plot", "run's end"), watch.patch(RunFolder, "save_checkpoint", "run's end")]
    if board is not None:
        watch.patch(board, "before_learning", "measures")
        watch.patch(board, "after_scoring", "measures")
    try:
        began = time.process_time()
        played(game)
        total = time.process_time() - began
    finally:
        for step in undo:
            step()
    return total, watch.seconds


def profile(args: argparse.Namespace) -> None:
    game = game_of(args)
    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    played(game)
    profiler.disable()
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(args.top)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--artist", default="gp")
    parser.add_argument("--pop", type=int, default=64)
    parser.add_argument("--size", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--profile", action="store_true", help="also play a run under cProfile and print its top")
    parser.add_argument("--top", type=int, default=40)
    args = parser.parse_args()
    import matplotlib.figure  # noqa: F401  - imported once per process: not a round's cost

    measure(args)  # a first run warms every cache (Numba, torch's kernels): not counted
    runs = [measure(args) for _ in range(args.repeats)]
    with_end, without_end = [], []
    for total, parts in runs:
        work = sum(parts[part] for part in WORK)
        with_end.append(1 - work / total)
        without_end.append(1 - work / (total - parts["run's end"]))
    total = statistics.median(t for t, _ in runs)
    print(f"{args.artist} vs cnn, pop {args.pop}, {args.size} px, {args.rounds} rounds, {args.repeats} runs: median "
          f"{total:.2f} CPU s a run ({1000 * total / args.rounds:.0f} ms a round); load average "
          f"{' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    rest = statistics.median(t - sum(p.values()) for t, p in runs)
    for part, seconds in [*((part, statistics.median(p[part] for _, p in runs)) for part in PARTS), ("the rest", rest)]:
        print(f"  {part:<16} {seconds:7.2f} s  {100 * seconds / total:5.1f} %")
    print(f"overhead (all but render, critic learning and the round's scoring), CPU, median of {args.repeats}: "
          f"{100 * statistics.median(without_end):.1f} % of the rounds without the run's end "
          f"(runs: {', '.join(f'{100 * v:.1f}' for v in without_end)}; goal <= 20 %), "
          f"{100 * statistics.median(with_end):.1f} % with it")
    if args.profile:
        profile(args)


if __name__ == "__main__":
    main()
