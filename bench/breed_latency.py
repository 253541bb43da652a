"""Breeding latency: time from a person's choice to the next 15 boxes drawn (256x256 each), per artist.

Drives the real window (headless: SDL's dummy driver, so the final screen flip is not counted) through the
real breeding session with posted clicks. Baseline: the same loop with a trivial artist (one grey level
per genome), i.e. the window, session and gallery overhead alone. Goal: at most 50 ms on 2 CPU cores.

Sessions draw with the options a new `coevo breed` session turns on (the artist's ``BREEDING``: ants' stronger,
visibly different children, line drawings fitted to their boxes); ``--plain`` uses the artist's plain options.

    PYTHONPATH=. python bench/breed_latency.py [--choices 20] [--artists lines,ants,evoeco] [--plain]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import numpy as np
import pygame
import torch

from coevo.loop import StopGame
from coevo.programs.breed import BreedingSession, breeding_options
from coevo.programs.genomes import build_genetics
from coevo.rng import seed_everything
from coevo.threads import DEFAULT_THREADS, use_threads
from coevo.training import registry
from critics.human import HumanCritic

GOAL_MS = 50.0  # issue 17: at most 50 ms for biomorph, gp and cppn
BASELINE = "baseline"
BOX = 256


class FlatGenetics:
    """A trivial artist for the baseline: a genome is one grey level, rendered with NumPy."""

    channels = 3

    def random_genome(self) -> float:
        return random.uniform(-1, 1)

    def mutate(self, genome: float, strength: float = 1.0) -> float:
        return max(-1.0, min(1.0, genome + random.gauss(0, 0.2 * strength)))

    def crossover(self, a: float, b: float) -> tuple[float, float]:
        return b, a

    def render(self, genomes: list[float], size: int) -> torch.Tensor:
        return torch.from_numpy(np.repeat(np.array(genomes, dtype=np.float32), 3 * size * size).reshape(
            len(genomes), 3, size, size))

    def options(self) -> dict[str, Any]:
        return {}

    def to_json(self, genome: float) -> dict[str, Any]:
        return {"grey": genome}

    def from_json(self, data: dict[str, Any]) -> float:
        return float(data["grey"])


def session_genetics(artist: str, plain: bool) -> Any:
    """The artist's genetics as a new breeding session builds it (``breeding_options``), or plain."""
    if artist == BASELINE:
        return FlatGenetics()
    genetics = build_genetics(artist, {}, 3)[1]
    shown = {} if plain else breeding_options(genetics, {})
    return build_genetics(artist, {**genetics.options(), **shown})[1] if shown else genetics


def latencies(artist: str, choices: int, critic: HumanCritic, folder: Path, plain: bool = False) -> list[float]:
    """Milliseconds from each choice to the next generation drawn."""
    seed_everything(0)
    genetics = session_genetics(artist, plain)
    session = BreedingSession.start(artist, genetics, genetics.random_genome(), 15, BOX, folder / artist)
    critic.session_keys = True
    measured: list[float] = []
    state = {"choices": 0}

    def idle() -> None:
        if "choice" in critic.timing and critic.timing["drawn"] > critic.timing["choice"]:
            measured.append(1000 * (critic.timing["drawn"] - critic.timing["choice"]))
            del critic.timing["choice"]
        if state["choices"] < choices:
            state["choices"] += 1
            box = random.Random(state["choices"]).randrange(15)
            pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=critic.box_centre(box), button=1))
            pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_RETURN, mod=0, unicode="\r"))
        else:
            pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_ESCAPE, mod=0, unicode="\x1b"))

    critic.idle = idle
    critic.timing.clear()
    with contextlib.suppress(StopGame):  # the session's steps until Esc, as the trainer plays them
        while True:
            session.step(critic)
    return measured


def render_alone(artist: str, plain: bool = False) -> float:
    """Median milliseconds to render 15 fresh genomes at 256x256 (no window, no cache hits), for comparison."""
    seed_everything(1)
    genetics = session_genetics(artist, plain)
    times = []
    for _ in range(5):
        genomes = [genetics.random_genome() for _ in range(15)]
        start = time.perf_counter()
        genetics.render(genomes, BOX)
        times.append(1000 * (time.perf_counter() - start))
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--choices", type=int, default=20, help="choices timed per artist")
    parser.add_argument("--artists", default="biomorph,gp", help="comma-separated, e.g. lines,ants,evoeco")
    parser.add_argument("--threads", type=int, default=DEFAULT_THREADS, help="torch threads, as `coevo breed`'s")
    parser.add_argument("--plain", action="store_true", help="the artists' plain options, not a session's")
    args = parser.parse_args()
    use_threads(args.threads)
    wanted = args.artists.split(",")
    names = [BASELINE] + [e.name for e in registry.ARTISTS if e.name in wanted and e.evolutionary]
    critic = HumanCritic(box=BOX)
    medians: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as folder:
        for name in names:
            times = latencies(name, args.choices, critic, Path(folder), args.plain)
            medians[name] = statistics.median(times)
            print(f"{name:<10} choice->drawn median {medians[name]:6.1f} ms   p90 "
                  f"{sorted(times)[int(0.9 * len(times))]:6.1f}   max {max(times):6.1f}   ({len(times)} choices)   "
                  f"render of 15 new genomes alone: {render_alone(name, args.plain):6.1f} ms")
    critic.close()
    print(f"15 boxes of {BOX}x{BOX}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    for name in wanted:
        if name not in medians:
            print(f"{name}: not registered in this checkout (skipped)")
    baseline = medians.pop(BASELINE)
    print(f"baseline (window + session, trivial artist): {baseline:.1f} ms; goal {GOAL_MS:.0f} ms")
    print("ratio median/goal: " + ", ".join(f"{k} {v / GOAL_MS:.2f}" for k, v in medians.items())
          + "   ratio median/baseline: " + ", ".join(f"{k} {v / baseline:.1f}" for k, v in medians.items()))


if __name__ == "__main__":
    main()
