"""Benchmark: the CNN critic's parts of a GP-vs-CNN round at 64 and 128 px (issue 28: a 128-px round at most 4x a
64-px one), in each memory layout: its learning step (64 real and 64 fake images), the round's scoring (the
population of 64) and the held-out measures (128 held-out images and the population, features and scores in one
pass). Sizes and layouts are timed in turn, ``--repeats`` times, in CPU seconds of this process (torch on one
thread, as a run); medians, and the 128/64 ratio of each part. ``--chunks`` also times the held-out pass cut
into smaller chunks and says whether it gives the same bits (a chunk's size can change the last bits of the
scores); ``--compile`` times ``torch.compile`` on the learning step (its compile, its step, and whether its
results are the same bits).

    PYTHONPATH=. python bench/round_critic.py [--repeats 5] [--sizes 64 128] [--chunks 64 65] [--compile]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable

import torch

from critics.cnn.critic import CNNCritic

LAYOUTS = {"channels-last": True, "NCHW": False}


def critic(size: int, channels_last: bool) -> CNNCritic:
    """A run's critic (default options) with the same initial weights whatever its layout."""
    torch.manual_seed(0)
    return CNNCritic((1, size, size), channels_last=channels_last)


def images(count: int, size: int, seed: int) -> torch.Tensor:
    return torch.rand(count, 1, size, size, generator=torch.Generator().manual_seed(seed)) * 2 - 1


def cpu(call: Callable[[], object]) -> float:
    began = time.process_time()
    call()
    return time.process_time() - began


def parts(size: int, channels_last: bool, steps: int = 3) -> dict[str, float]:
    """CPU seconds of each part (the median of ``steps`` after a first, untimed, one)."""
    judge = critic(size, channels_last)
    real, fake, held_out = images(64, size, 1), images(64, size, 2), images(192, size, 3)
    timed: dict[str, list[float]] = {"learn": [], "score": [], "measures": []}
    for step in range(steps + 1):
        spent = {"learn": cpu(lambda: judge.learn(real, fake)), "score": cpu(lambda: judge.score(fake)),
                 "measures": cpu(lambda: judge.features_and_scores(held_out))}
        if step:
            for part, seconds in spent.items():
                timed[part].append(seconds)
    return {part: statistics.median(seconds) for part, seconds in timed.items()}


def chunked(size: int, chunks: list[int], repeats: int) -> None:
    """The held-out pass whole and in chunks: CPU time, and whether the bits are the same."""
    judge = critic(size, True)
    judge.learn(images(64, size, 1), images(64, size, 2))
    held_out = images(192, size, 3)
    whole = judge.features_and_scores(held_out)
    timed: dict[int, list[float]] = {chunk: [] for chunk in [judge.chunk, *chunks]}
    same = {}
    for _ in range(repeats):
        for chunk in timed:
            judge.chunk = chunk
            timed[chunk].append(cpu(lambda: judge.features_and_scores(held_out)))
            features, scores = judge.features_and_scores(held_out)
            same[chunk] = torch.equal(features, whole[0]) and torch.equal(scores, whole[1])
    print(f"  held-out pass at {size} px by chunk: " + ", ".join(
        f"{chunk}: {1000 * statistics.median(v):.1f} ms{'' if same[chunk] else ' (other bits)'}"
        for chunk, v in timed.items()))


def compiled(size: int) -> None:
    """``torch.compile`` on the learning step: its compile and first step, its step against eager, same bits?"""
    eager, fast = critic(size, True), critic(size, True)
    real, fake = images(64, size, 1), images(64, size, 2)
    began = time.perf_counter()
    fast.net = torch.compile(fast.net)
    first = cpu(lambda: fast.learn(real, fake))
    wall = time.perf_counter() - began
    eager.learn(real, fake)
    steps = [(cpu(lambda: eager.learn(real, fake)), cpu(lambda: fast.learn(real, fake))) for _ in range(5)]
    same = all(torch.equal(a, b) for a, b in zip(eager.net.parameters(), fast.net.parameters()))
    print(f"  torch.compile at {size} px: compile and first step {wall:.1f} s wall ({first:.1f} CPU s here; its "
          f"compile workers not counted); step {1000 * statistics.median(e for e, _ in steps):.1f} ms eager, "
          f"{1000 * statistics.median(c for _, c in steps):.1f} ms compiled; {'the same' if same else 'other'} "
          f"weights after 6 steps")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--sizes", type=int, nargs=2, default=[64, 128])
    parser.add_argument("--chunks", type=int, nargs="*", default=[])
    parser.add_argument("--compile", action="store_true")
    args = parser.parse_args()
    torch.set_num_threads(1)
    timed: dict[tuple[int, str], list[dict[str, float]]] = {}
    for _ in range(args.repeats):
        for layout, channels_last in LAYOUTS.items():
            for size in args.sizes:
                timed.setdefault((size, layout), []).append(parts(size, channels_last))
    small, large = args.sizes
    print(f"CNN critic, CPU ms (median of {args.repeats}); load average "
          f"{' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    for layout in LAYOUTS:
        median = {size: {part: statistics.median(t[part] for t in timed[(size, layout)]) for part in timed[(size,
                  layout)][0]} for size in args.sizes}
        print(f"  {layout}: " + "; ".join(f"{part} {1000 * median[small][part]:.1f} / {1000 * median[large][part]:.1f}"
                                         f" = {median[large][part] / median[small][part]:.2f}x"
                                         for part in median[small]) + f" ({small} / {large} px)")
    for part in ("learn", "score", "measures"):
        gain = {size: statistics.median(t[part] for t in timed[(size, "NCHW")]) /
                statistics.median(t[part] for t in timed[(size, "channels-last")]) for size in args.sizes}
        print(f"  channels-last against NCHW, {part}: " + ", ".join(f"{g:.2f}x faster at {s} px"
                                                                    for s, g in gain.items()))
    for size in args.sizes if args.chunks else ():
        chunked(size, args.chunks, args.repeats)
    for size in args.sizes if args.compile else ():
        compiled(size)


if __name__ == "__main__":
    main()
