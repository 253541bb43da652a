"""What ``coevo run --config vickers2017`` (the paper's set-up) costs: CPU seconds per artist evaluation (render a
hercl-lines drawing at 128² in colour, its 33 metrics from 8-bit HLS, the jury's three HERCL critics) and per
critic evaluation (one HERCsearch child judged on the curriculum), measured here on the colour Chinese
characters, then the budget of a phase extrapolated from them: an artist stops when it fools or after 10^6
evaluations, a critic when solved or after 10^6 (the config's caps), so the caps give the upper bound.

    python -m coevo.data.make_cjk --out data/cjk
    PYTHONPATH=. python bench/vickers_budget.py [--data data/cjk] [--artist-evals 300] [--critic-evals 3000]
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import torch

from artists.hercl.school import HERCLSchool
from coevo.data import load_data
from coevo.evolution.school import search
from coevo.rng import Generators, using
from critics.hercl import HERCLCritic
from critics.jury import JuryCritic

ARTISTS, CRITICS, CAP = 10, 3, 10**6  # the config's artists and critics a phase, and both evaluation caps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=Path("data/cjk"))
    parser.add_argument("--artist-evals", type=int, default=300)
    parser.add_argument("--critic-evals", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    torch.set_num_threads(1)
    generators = Generators()
    generators.seed(args.seed)
    with using(generators):
        real = load_data(str(args.data), 128, 3).images[:200]
        blank = torch.ones(1, 3, 128, 128)

        def member(name: str, options: dict) -> HERCLCritic:
            return HERCLCritic(shape=(3, 128, 128), hls8=True, **options)

        jury = JuryCritic(member, members="hercl,hercl,hercl", combine="cost", tolerance=10.0,
                          member_options={"evals": 0})
        start = time.process_time()
        jury.learn(real, blank)  # the metrics of every image, once (cached for the rest)
        metrics_cpu = time.process_time() - start
        for critic in jury.current:
            critic.evals = args.critic_evals
        start = time.process_time()
        learned = jury.learn(real[:0], blank[:0])
        critic_cpu = (time.process_time() - start) / sum(c.search.evaluations for c in jury.current)
        solved = sum(int(v) for k, v in learned.items() if k.endswith("critic_solved"))
        school = HERCLSchool(channels=3, artists=1, evaluations=args.artist_evals, pushpop=False, max_steps=100_000)
        start = time.process_time()
        _, _, score, made = search(school.genetics, jury, 128, 0.0, args.artist_evals, 10, 0.3, [], args.seed)
        artist_cpu = (time.process_time() - start) / made
    phase = ARTISTS * CAP * artist_cpu + CRITICS * CAP * critic_cpu
    print(f"load {os.getloadavg()[0]:.1f}; metrics of 201 images: {metrics_cpu:.2f} CPU s")
    print(f"critic: {critic_cpu * 1e3:.3f} CPU ms an evaluation ({args.critic_evals} each, {solved}/3 solved)")
    print(f"artist: {artist_cpu * 1e3:.2f} CPU ms an evaluation ({made} evaluations, best jury score {score:.2f})")
    print(f"phase at the caps (10 artists x 10^6, 3 critics x 10^6): {phase / 3600:.1f} CPU h; on 2 cores "
          f"(workers=2) {phase / 2 / 3600:.1f} h; 20 phases {20 * phase / 2 / 3600 / 24:.1f} days")


if __name__ == "__main__":
    main()
