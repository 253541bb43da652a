"""Does the cDCGAN draw the asked digit? Trains ``cdcgan`` against the projection critic ``ccnn`` through the
ordinary loop (``coevo.programs.build`` + ``coevolve``) and, every ``--every`` steps, asks the cached LeNet
(3000 steps, as ``coevo fool``) to classify 1000 class-cycling samples: the share read as the asked class, and
their within-class pixel spread (mode collapse inside a class shows as a spread far below the real digits').

Usage: PYTHONPATH=. python bench/cdcgan_classes.py --data mnist:../shared/data/mnist --steps 2000 [--seed 0]
[--loss hinge] [--until 0.9] [--option augment=true --option embed=50]
"""

from __future__ import annotations

import argparse
import time

import torch

from coevo.data import load_data
from coevo.loop import Hook, Progress, Round, Stop, coevolve
from coevo.metrics.scoreboard import pairwise_spread
from coevo.programs.build import build
from coevo.toolkits.classifier import cached_classifier
from coevo.training.config import RunConfig
from coevo.training.settings import parse_option


def within_class_spread(images: torch.Tensor, labels: torch.Tensor) -> float:
    """Mean over classes of the mean RMS pixel distance between images of that class (0: one image per class)."""
    classes = labels.unique()
    return sum(pairwise_spread(images[labels == c]) for c in classes) / len(classes)


class Reached(Exception):
    """The asked accuracy was reached: stop the game."""


class Accuracy(Hook):
    def __init__(self, game, classifier, every: int, began: float, until: float) -> None:
        self.game, self.classifier, self.every, self.began, self.until = game, classifier, every, began, until
        self.rows: list[tuple[int, float]] = []

    def on_round_end(self, played: Round, progress: Progress) -> None:
        if progress.rounds % self.every:
            return
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(12345)
            images, labels = self.game.artist.sample_labelled(1000)
        share = float((self.classifier.probabilities(images).argmax(1) == labels).float().mean())
        spread = within_class_spread(images, labels)
        self.rows.append((progress.rounds, share, spread))
        print(f"step {progress.rounds:5d}  asked class read back {share:6.1%}  within-class pixel spread "
              f"{spread:.3f} ({time.perf_counter() - self.began:.0f} s)", flush=True)
        if share >= self.until:
            raise Reached


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default="mnist:../shared/data/mnist")
    parser.add_argument("--steps", type=int, default=2000)
    parser.add_argument("--every", type=int, default=250)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--loss", default="hinge")
    parser.add_argument("--ngf", type=int, default=32)
    parser.add_argument("--until", type=float, default=1.1, help="stop at the first evaluation at least this good")
    parser.add_argument("--option", action="append", default=[], help="an artist option KEY=VALUE, e.g. augment=true")
    args = parser.parse_args()
    classifier = cached_classifier(load_data(args.data, 28), steps=3000)
    config = RunConfig(artist="cdcgan", critic="ccnn", data=args.data, size=28, pop=64, batch=64, warmup=0,
                       fakes="latest", loss=args.loss, seed=args.seed, rounds=args.steps, device="cpu",
                       artist_options={"ngf": args.ngf, **dict(parse_option(o) for o in args.option)})
    data = load_data(args.data, 28)
    print(f"real digits: within-class pixel spread {within_class_spread(data.images[:1000], data.labels[:1000]):.3f}")
    game = build(config)
    hook = Accuracy(game, classifier, args.every, time.perf_counter(), args.until)
    try:
        coevolve(game.players, game.schedule, Stop(rounds=args.steps), game.progress, [hook])
    except Reached:
        pass
    print("steps,asked_class_accuracy,within_class_spread")
    for steps, share, spread in hook.rows:
        print(f"{steps},{share:.4f},{spread:.4f}")


if __name__ == "__main__":
    main()
