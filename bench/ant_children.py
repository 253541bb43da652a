"""Ant children against their parent: how far a child's colour mix moves from its parent's (``colour_distance``,
total variation over 64 colour bins) with the plain mutation and with the options a breeding session turns on
(``AntGenetics.BREEDING``), beside the distance between unrelated paintings; and the CPU seconds a child costs.
Breeding grids as a person sees them: colour paintings, ``--parents`` parents × 14 children each.

    PYTHONPATH=. python bench/ant_children.py [--parents 10] [--seed 11]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from artists.ants.genetics import AntGenetics, colour_distance
from coevo.rng import seed_everything

CHILDREN = 14  # a 5x3 breeding grid: the parent and 14 children


def distances(options: dict, parents: int, seed: int) -> tuple[list[float], float]:
    """Every child's colour distance from its parent, and the CPU seconds a child took to breed."""
    seed_everything(seed)
    genetics = AntGenetics(channels=3, **options)
    found, cpu = [], 0.0
    for _ in range(parents):
        parent = genetics.random_genome()
        started = time.process_time()
        children = [genetics.mutate(parent) for _ in range(CHILDREN)]
        cpu += time.process_time() - started
        pictures = genetics.paint([parent, *children])
        found += [colour_distance(pictures[0], p) for p in pictures[1:]]
    return found, cpu / (parents * CHILDREN)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parents", type=int, default=10, help="breeding grids (14 children each)")
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    seed_everything(args.seed + 1)
    unrelated = AntGenetics(channels=3)
    pictures = unrelated.paint([unrelated.random_genome() for _ in range(2 * args.parents * 2)])
    pairs = [colour_distance(pictures[i], pictures[i + 1]) for i in range(0, len(pictures), 2)]
    print(f"{'children of':34} {'median':>7} {'10%':>7} {'least':>7} {'90%':>7} {'CPU s/child':>12}")
    for name, options in (("plain mutation (runs)", {}), ("distinct (before)", {"distinct": True}),
                          ("breeding options (now)", AntGenetics.BREEDING)):
        found, cpu = distances(options, args.parents, args.seed)
        print(f"{name:34} {np.median(found):7.3f} {np.quantile(found, 0.1):7.3f} {min(found):7.3f} "
              f"{np.quantile(found, 0.9):7.3f} {cpu:12.3f}")
    print(f"{'unrelated paintings (pairs)':34} {np.median(pairs):7.3f} {np.quantile(pairs, 0.1):7.3f} "
          f"{min(pairs):7.3f} {np.quantile(pairs, 0.9):7.3f}")
    load = open("/proc/loadavg").read().split()[:3]
    print(f"{len(found)} children a row; breeding options {AntGenetics.BREEDING}; load average {load}")


if __name__ == "__main__":
    main()
