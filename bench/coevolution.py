"""Benchmark: an evolutionary artist against the CNN critic, population 64, 32x32, 100 rounds, critic retrained
every round (goal on 2 CPU cores: at most 3 minutes). Prints where the time goes and, in the last line, the
ratio of the whole game to the artist alone (the same rounds judged by a fixed critic that learns nothing).

    PYTHONPATH=. python bench/coevolution.py [--artist gp] [--rounds 100] [--pop 64] [--size 32]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import torch

from coevo.evolution.ga import EvolutionaryArtist
from coevo.loop import warm_up
from coevo.metrics.scoreboard import Scoreboard
from coevo.programs.build import build
from coevo.programs.run import RunProgram
from coevo.store.runfolder import RunFolder
from coevo.training.config import RunConfig
from coevo.training.trainer import Game, Trainer
from tests.toys import BrightnessCritic

GOAL_S = 30.0  # issue 17: 100 rounds, pop 64, 32², gp vs cnn on 2 cores (151 s in wave 1)


def clocks() -> tuple[float, float]:
    """Wall time and this process's CPU time (all threads): on a shared machine CPU time is the steadier one."""
    return time.perf_counter(), time.process_time()


class Profile:
    """Exclusive wall and CPU time per label: time inside a nested timed call counts only for the inner label."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.cpu: dict[str, float] = defaultdict(float)
        self.stack: list[list[float]] = []  # [wall, cpu] already claimed by inner calls, per open call

    def wrap(self, owner: Any, name: str, label: str) -> None:
        inner: Callable = getattr(owner, name)

        def timed(*args: Any, **kwargs: Any) -> Any:
            self.stack.append([0.0, 0.0])
            wall, cpu = clocks()
            try:
                return inner(*args, **kwargs)
            finally:
                now = clocks()
                spent = (now[0] - wall, now[1] - cpu)
                claimed = self.stack.pop()
                self.seconds[label] += spent[0] - claimed[0]
                self.cpu[label] += spent[1] - claimed[1]
                if self.stack:
                    self.stack[-1][0] += spent[0]
                    self.stack[-1][1] += spent[1]

        setattr(owner, name, timed)


def instrument(game: Game, profile: Profile) -> None:
    artist = game.artist
    assert isinstance(artist, EvolutionaryArtist), "the benchmark needs an evolutionary artist"
    profile.wrap(artist.genetics, "render", "render")
    profile.wrap(artist, "_breed", "variation")
    profile.wrap(game.critic, "learn", "critic learn")
    profile.wrap(game.critic, "score", "score")
    profile.wrap(game.players.measures, "before_learning", "metrics")
    profile.wrap(game.players.measures, "after_scoring", "metrics")


def play_game(config: RunConfig, fixed_critic: bool) -> tuple[float, tuple[float, float], Profile]:
    """Warm-up wall seconds, (wall, CPU) seconds of the rounds and their profile, played into a temporary folder."""
    game = build(config)
    if fixed_critic:
        game.players.critic = BrightnessCritic(game.meta["critic"].shape)
        game.players.measures = Scoreboard(game.players.critic, None)
        game.meta["critic"] = game.parts["critic"] = game.players.critic
    profile = Profile()
    instrument(game, profile)
    with tempfile.TemporaryDirectory() as tmp:
        folder = RunFolder(Path(tmp) / "run")
        folder.create("")
        start = time.perf_counter()
        warm_up(game.players, game.progress)
        warm = time.perf_counter() - start
        profile.seconds.clear()
        profile.cpu.clear()
        wall, cpu = clocks()
        Trainer(bar=False).play(RunProgram(), folder, game)
        now = clocks()
        return warm, (now[0] - wall, now[1] - cpu), profile


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--artist", default="gp", help="evolutionary artist (tests.toys:ToyGenetics without gp)")
    parser.add_argument("--rounds", type=int, default=100)
    parser.add_argument("--pop", type=int, default=64)
    parser.add_argument("--size", type=int, default=32)
    parser.add_argument("--warmup", type=int, default=RunConfig.warmup)
    parser.add_argument("--threads", type=int, default=RunConfig.threads, help="torch threads (the run's option)")
    parser.add_argument("--checkpoint-seconds", type=float, default=RunConfig.checkpoint_seconds,
                        help="the run's checkpoint cadence by time (0: a checkpoint every round)")
    args = parser.parse_args()
    config = RunConfig(artist=args.artist, critic="cnn", data="digits", rounds=args.rounds, pop=args.pop,
                       size=args.size, warmup=args.warmup, critic_steps=1, fakes="gallery", sheet_every=10,
                       checkpoint_every=1, checkpoint_seconds=args.checkpoint_seconds, device="cpu",
                       threads=args.threads)
    print(f"{args.artist} vs cnn on digits: pop {args.pop}, {args.size}x{args.size}, {args.rounds} rounds, "
          f"critic retrained every round, {args.threads} torch threads, checkpoints at most every "
          f"{args.checkpoint_seconds:g} s; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    _, (alone, _), _ = play_game(config, fixed_critic=True)
    warm, (total, total_cpu), profile = play_game(config, fixed_critic=False)
    rows = sorted(((label, seconds, profile.cpu[label]) for label, seconds in profile.seconds.items()),
                  key=lambda row: -row[1])
    rows.append(("recording (metrics line, sheets, curves, genomes, store, checkpoint)",
                 total - sum(profile.seconds.values()), total_cpu - sum(profile.cpu.values())))
    print(f"  {'':<70} {'wall':>8}  {'share':>6} {'CPU':>8}")
    for label, seconds, cpu in rows:
        print(f"  {label:<70} {seconds:7.2f}s {100 * seconds / total:5.1f} % {cpu:7.2f}s")
    print(f"warm-up ({args.warmup} critic steps): {warm:.2f} s; rounds: {total:.2f} s wall, {total_cpu:.2f} s CPU "
          f"({1000 * total / args.rounds:.0f} ms a round); whole: {warm + total:.2f} s, goal <= {GOAL_S:.0f} s: "
          f"{'met' if warm + total <= GOAL_S else 'missed'}")
    print(f"artist alone (fixed critic): {alone:.2f} s")
    print(f"ratio coevolution / artist alone: {total / alone:.2f}   (torch threads {torch.get_num_threads()}, "
          f"load average {os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    main()
