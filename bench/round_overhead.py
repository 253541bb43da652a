"""Benchmark: where a co-evolution round's time goes besides render, critic learning and scoring (issue 28's
"overhead"; goal <= 20% of a pop-64, 32-px GP-vs-CNN round). Plays the rounds under cProfile and prints each
part's share of the rounds' time and the functions that take the most of the rest. A run's one-off end (its last
curves.png and checkpoint: a short run's only ones) is shown apart, and the overhead with and without it.

    PYTHONPATH=. python bench/round_overhead.py [--artist gp] [--pop 64] [--size 32] [--rounds 25] [--top 25]
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import tempfile
from pathlib import Path

from coevo.loop import warm_up
from coevo.programs.build import build
from coevo.programs.run import RunProgram
from coevo.store.runfolder import RunFolder
from coevo.training.config import RunConfig
from coevo.training.trainer import Trainer


def inclusive(stats: pstats.Stats, file_end: str, name: str) -> float:
    """The cumulative seconds of the outermost calls of functions ``name`` in files ending ``file_end``."""
    return sum(entry[3] for (path, _, func), entry in stats.stats.items()  # type: ignore[attr-defined]
               if func == name and path.endswith(file_end))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--artist", default="gp")
    parser.add_argument("--pop", type=int, default=64)
    parser.add_argument("--size", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=25)
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    config = RunConfig(artist=args.artist, critic="cnn", data="digits", rounds=args.rounds, pop=args.pop,
                       size=args.size, warmup=20, critic_steps=1, sheet_every=10, checkpoint_seconds=30.0,
                       device="cpu")
    game = build(config)
    warm_up(game.players, game.progress)
    import matplotlib.figure  # noqa: F401  - imported once per process: not a round's cost
    with tempfile.TemporaryDirectory() as tmp:
        folder = RunFolder(Path(tmp) / "run")
        folder.create("")
        profiler = cProfile.Profile()
        profiler.enable()
        Trainer(bar=False).play(RunProgram(), folder, game)
        profiler.disable()
    stats = pstats.Stats(profiler)
    total = stats.total_tt  # type: ignore[attr-defined]
    parts = {"render": inclusive(stats, "genetics.py", "render"),
             "critic learn": inclusive(stats, "critic.py", "learn"),
             "score (round)": inclusive(stats, "loop.py", "judge"),
             "measures (scoreboard)": inclusive(stats, "scoreboard.py", "before_learning")
             + inclusive(stats, "scoreboard.py", "after_scoring"),
             "variation": inclusive(stats, "ga.py", "_breed"),
             "recorders and checkpoints": inclusive(stats, "trainer.py", "save")
             + inclusive(stats, "run.py", "on_round_end")}
    print(f"{args.artist} vs cnn, pop {args.pop}, {args.size} px, {args.rounds} rounds: {total:.2f} s profiled "
          f"({1000 * total / args.rounds:.0f} ms a round); load average {os.getloadavg()[0]:.1f}")
    for label, seconds in parts.items():
        print(f"  {label:<28} {seconds:7.2f} s  {100 * seconds / total:5.1f} %")
    work = parts["render"] + parts["critic learn"] + parts["score (round)"]
    # the one-off end: curves.png and the checkpoint itself (each at most every 30 s, and at the end); the files of
    # the rounds it accounts for (champions, sheets), written just before it, are the rounds' cost and stay in
    end = inclusive(stats, "run.py", "plot") + inclusive(stats, "runfolder.py", "save_checkpoint")
    print(f"overhead (all but render, critic learning and the round's scoring): {100 * (1 - work / total):.1f} % "
          f"with the run's end ({end:.2f} s: curves.png and checkpoint, at most every 30 s), "
          f"{100 * (1 - work / (total - end)):.1f} % of the rounds without it (goal <= 20 %)")
    stats.sort_stats("cumulative").print_stats(args.top)


if __name__ == "__main__":
    main()
