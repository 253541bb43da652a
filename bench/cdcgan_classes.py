"""Does the cDCGAN draw the asked digit, and varied ones? Trains ``cdcgan`` against the projection critic ``ccnn``
through the ordinary loop (``coevo.programs.build`` + ``coevolve``) and, every ``--every`` steps, draws 1000
class-cycling samples (fixed latents) and measures:

- read back (LeNet): the share the cached LeNet of ``coevo fool`` (3000 steps on the real digits' labels; it never
  sees a sample or the critic) classifies as the asked class;
- read back (judge), by ``--summarise``: the same for each seed's last samples by the independent judge
  (``coevo.metrics.judgenet``: another architecture, trained on half of the ``--judge`` split, which the generator
  and critic never see; its read-back of the split's other half is printed beside it);
- condition read back: with conditioning augmentation, the share of sampled conditions c ~ N(μ(y), σ(y)²) whose
  most likely class is y: how much of the class the condition carries before the generator sees it;
- within-class spread: for each class, the mean over all pairs of its samples of the RMS pixel difference
  ‖x_i − x_j‖₂ / √(pixels) (pixels in [−1, 1]), averaged over the classes (real t10k digits: 0.626; one image per
  class: 0).

``--save DIR`` writes each seed's rows (``seed-K.csv``), its latest samples (``samples-seed-K.pt``) and its latest
one-row-per-class sheet (``cdcgan-classes-seed-K.png``) at every measurement; ``--summarise DIR`` adds the judge's
read-back of each seed's last samples and prints the last rows as mean ± 95% t interval over the seeds, so seeds
run as separate processes add up to one table.

Usage: PYTHONPATH=. python bench/cdcgan_classes.py --data mnist:../shared/data/mnist --steps 2000 [--seeds 0,1,2]
[--loss hinge] [--option augment=true --option cbn=true] [--save DIR]; then ... --summarise DIR [--at STEP]
"""

from __future__ import annotations

import argparse
import csv
import time
from pathlib import Path

import torch

from coevo.data import ImageSet, load_data
from coevo.images import grid, save_png
from coevo.loop import Hook, Progress, Round, Stop, coevolve
from coevo.metrics.judgenet import cached_judge
from coevo.metrics.scoreboard import pairwise_spread
from coevo.metrics.stats import estimate
from coevo.programs.build import build
from coevo.programs.latent import class_rows
from coevo.rng import seeded_torch
from coevo.toolkits.classifier import cached_classifier
from coevo.training.config import RunConfig
from coevo.training.settings import parse_option

MEASURES = ("read_back_lenet", "worst_class_lenet", "within_class_spread", "condition_read_back")
COLUMNS = ("steps", *MEASURES, "cpu_s")
EMA_COLUMNS = tuple(f"{m}_ema" for m in MEASURES)  # the moving-average generator's (``--option ema=...``)


def within_class_spread(images: torch.Tensor, labels: torch.Tensor) -> float:
    """Mean over classes of the mean RMS pixel distance between images of that class (0: one image per class)."""
    classes = labels.unique()
    return sum(pairwise_spread(images[labels == c]) for c in classes) / len(classes)


@torch.no_grad()
def condition_read_back(net: torch.nn.Module, labels: torch.Tensor) -> float:
    """How much of the class the sampled condition still carries (conditioning augmentation): the share of
    conditions c ~ N(μ(y), σ(y)²) whose most likely class under the ten Gaussians is y (1 without augmentation,
    where the condition is the class's embedding itself)."""
    classes = torch.arange(net.classes)
    mu, logvar = net.moments(classes)
    if logvar is None:
        return 1.0
    condition = net.condition(labels)
    log_p = -0.5 * (((condition[:, None] - mu[None]) ** 2) / logvar.exp()[None] + logvar[None]).sum(2)
    return float((log_p.argmax(1) == labels).float().mean())


class Reached(Exception):
    """The asked accuracy was reached: stop the game."""


class Accuracy(Hook):
    """Every ``every`` rounds: both read-backs and the spread of 1000 samples from fixed latents (a private
    generator, so the run draws as it would without this hook); with the artist's ``ema`` the same for the
    moving-average generator (columns ``..._ema``, samples ``samples-ema-seed-K...pt``)."""

    def __init__(self, game, lenet, every: int, until: float, save: Path | None, seed: int) -> None:
        self.game, self.lenet, self.every, self.until = game, lenet, every, until
        self.save, self.seed = save, seed
        self.rows: list[dict[str, float]] = []
        self.began = time.process_time()

    def on_round_end(self, played: Round, progress: Progress) -> None:
        if progress.rounds % self.every:
            return
        cpu = time.process_time() - self.began
        artist = self.game.artist
        row: dict[str, float] = {"steps": progress.rounds}
        drawn = {}
        for suffix, live in (("", True), ("_ema", False)) if getattr(artist, "average", None) is not None else (
                ("", True),):
            with seeded_torch(12345):
                images, labels = artist.sample_labelled(1000, live=live)
                carried = condition_read_back(artist.net if live else artist.shown, labels)
            with torch.no_grad():
                lenet = self.lenet.probabilities(images).argmax(1) == labels
            worst = min(float(lenet[labels == c].float().mean()) for c in labels.unique())
            row |= {f"read_back_lenet{suffix}": float(lenet.float().mean()), f"worst_class_lenet{suffix}": worst,
                    f"within_class_spread{suffix}": within_class_spread(images, labels),
                    f"condition_read_back{suffix}": carried}
            drawn[suffix] = {"steps": progress.rounds, "images": images, "labels": labels}
            print(f"step {row['steps']:5d}{suffix or '    '}  read back: LeNet {row[f'read_back_lenet{suffix}']:6.1%} "
                  f"(worst class {worst:6.1%})  within-class spread {row[f'within_class_spread{suffix}']:.3f}  "
                  f"condition carries the class {carried:6.1%} ({cpu:.0f} CPU s)", flush=True)
        row["cpu_s"] = cpu
        self.rows.append(row)
        if self.save is not None:  # written as it goes, so a run stopped early keeps its rows and latest sheet
            self.save.mkdir(parents=True, exist_ok=True)
            with open(self.save / f"seed-{self.seed}.csv", "w", newline="") as handle:
                writer = csv.DictWriter(handle, COLUMNS + (EMA_COLUMNS if "_ema" in drawn else ()))
                writer.writeheader()
                writer.writerows(self.rows)
            for suffix, samples in drawn.items():
                name = f"samples{suffix.replace('_', '-')}-seed-{self.seed}"
                torch.save(samples, self.save / f"{name}.pt")  # for the judge (--summarise)
                torch.save(samples, self.save / f"{name}-steps-{progress.rounds}.pt")  # (--at)
            with seeded_torch(0):  # the conditioning augmentation's draws too: the run's generator does not move
                sheet = class_rows(self.game.artist, 10, seed=0)
            save_png(grid(sheet, 10), self.save / f"cdcgan-classes-seed-{self.seed}.png")
        if row["read_back_lenet"] >= self.until:
            raise Reached


def play(args: argparse.Namespace, seed: int, lenet) -> list[dict[str, float]]:
    """One seed's run, measured every ``--every`` steps; its rows (and sheet, with ``--save``)."""
    config = RunConfig(artist="cdcgan", critic="ccnn", data=args.data, size=28, pop=64, batch=64, warmup=0,
                       fakes="latest", loss=args.loss, seed=seed, rounds=args.steps, device="cpu", judge=args.judge,
                       artist_options={"ngf": args.ngf, **dict(parse_option(o) for o in args.option)})
    game = build(config)
    hook = Accuracy(game, lenet, args.every, args.until, Path(args.save) if args.save else None, seed)
    try:
        coevolve(game.players, game.schedule, Stop(rounds=args.steps), game.progress, [hook])
    except Reached:
        pass
    return hook.rows


def judge_split(args: argparse.Namespace) -> tuple[ImageSet, ImageSet]:
    """The judge's training half and held-out half of the run's ``--judge`` split (``build``'s ``judge_split``)."""
    if not 0 < args.judge <= 0.5:
        raise SystemExit("--judge must lie in (0, 0.5]: the judge needs real digits the game never sees")
    return load_data(args.data, 28).split(args.judge)[1].split(0.5)


def summarise(args: argparse.Namespace) -> None:
    """The last row of every ``seed-K.csv`` in the folder (with ``--at N`` the row of step N), with the judge's
    read-back of that seed's samples then (``samples-seed-K.pt``, or ``samples-seed-K-steps-N.pt``): each column
    as mean ± 95% t interval over the seeds."""
    folder = Path(args.summarise)
    train, held = judge_split(args)
    judge = cached_judge(train)  # trained once (about 2 CPU minutes), then loaded from the cache
    with torch.no_grad():
        real = float((judge(held.images).argmax(1) == held.labels).float().mean())
    print(f"the judge reads {real:.1%} of {len(held)} held-out real digits right (trained on {len(train)} others)")
    last = []
    for path in sorted(folder.glob("seed-*.csv")):
        with open(path, newline="") as handle:
            rows = list(csv.DictReader(handle))
        if not rows:
            continue
        if args.at is not None:
            rows = [r for r in rows if int(float(r["steps"])) == args.at]
            if not rows:
                print(f"{path.stem}: no row at step {args.at}")
                continue
        row = {k: float(v) for k, v in rows[-1].items()}
        for suffix in ("", "-ema"):
            samples = path.with_name(f"samples{suffix}-{path.stem}.pt" if args.at is None
                                     else f"samples{suffix}-{path.stem}-steps-{args.at}.pt")
            if samples.exists():
                saved = torch.load(samples, weights_only=True)
                if int(saved["steps"]) == int(row["steps"]):
                    with torch.no_grad():
                        picked = torch.cat([judge(part).argmax(1) for part in saved["images"].split(500)])
                    row[f"read_back_judge{suffix.replace('-', '_')}"] = float(
                        (picked == saved["labels"]).float().mean())
        last.append(row)
        print(f"{path.stem}: " + ", ".join(f"{k} {v:.4g}" for k, v in row.items()))
    if not last:
        raise SystemExit(f"no seed-*.csv with rows in {folder}")
    print(f"over {len(last)} seeds (mean ± 95% t interval; range):")
    for key in (*COLUMNS[1:], "read_back_judge", *EMA_COLUMNS, "read_back_judge_ema"):
        values = [row[key] for row in last if key in row]
        if values:
            print(f"  {key}: {estimate(values).text(3)}  [{min(values):.3f}, {max(values):.3f}]  (n = {len(values)})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default="mnist:../shared/data/mnist")
    parser.add_argument("--steps", type=int, default=2000)
    parser.add_argument("--every", type=int, default=250)
    parser.add_argument("--seeds", default="0", help="comma-separated seeds, run one after another")
    parser.add_argument("--loss", default="hinge")
    parser.add_argument("--ngf", type=int, default=32)
    parser.add_argument("--judge", type=float, default=0.3,
                        help="share of the real images set aside for the independent judge (the game never sees it)")
    parser.add_argument("--until", type=float, default=1.1, help="stop at the first evaluation at least this good")
    parser.add_argument("--option", action="append", default=[], help="an artist option KEY=VALUE, e.g. augment=true")
    parser.add_argument("--save", help="folder for each seed's rows (seed-K.csv) and final class sheet")
    parser.add_argument("--summarise", help="print the last rows of the seed-K.csv files in this folder and stop")
    parser.add_argument("--at", type=int, help="with --summarise: the rows (and samples) of this step, not the last")
    args = parser.parse_args()
    if args.summarise:
        summarise(args)
        return
    data = load_data(args.data, 28)
    lenet = cached_classifier(data, steps=3000)
    judge_split(args)  # checked before the run
    print(f"real digits: within-class pixel spread {within_class_spread(data.images[:1000], data.labels[:1000]):.3f}",
          flush=True)
    for seed in (int(s) for s in args.seeds.split(",")):
        rows = play(args, seed, lenet)
        print("seed," + ",".join(COLUMNS))
        for row in rows:
            print(f"{seed}," + ",".join(f"{row[k]:.4f}" for k in COLUMNS))


if __name__ == "__main__":
    main()
