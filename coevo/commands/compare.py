"""``coevo compare``: several artists against the same critic, data and budget, judged by the same metrics."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from coevo.commands.flags import add_flags, bounded, given, overlay
from coevo.training.config import COMPARED, RunConfig

SHARED = ("critic", "data", "size", "loss", "batch", "critic_steps", "pop", "warmup", "seed", "device", "threads")


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("compare", help="compare artists (DCGAN, GP, ...) under one budget; write a report",
                            description="Play each artist on each seed against a fresh copy of the same critic on "
                            "the same data and budget (by default 800 critic updates each), measure KID, FID, "
                            "precision/recall, class coverage, "
                            "memorisation and critic accuracy at one matched n with features trained on a half of "
                            "the data the evaluation never uses, and write report.html and report.md with 95% "
                            "intervals over seeds and paired tests. Run it again with the same settings to continue "
                            "a killed comparison. Example: coevo compare --artists dcgan,gp --data digits --seeds 3")
    parser.add_argument("--artists", help="comma-separated artists (default: every automated one registered)")
    parser.add_argument("--runs", type=Path, nargs="+", default=[], metavar="DIR",
                        help="existing run folders to evaluate and report beside the played artists")
    add_flags(parser, RunConfig, only=SHARED, shown=COMPARED | {"data": "digits, or the first --runs folder's",
                                                                 "size": "32, or the first --runs folder's"})
    budget = parser.add_mutually_exclusive_group()
    budget.add_argument("--images", type=bounded(int), help="budget: images each run shows the critic")
    budget.add_argument("--critic-updates", type=bounded(int), help="budget: critic updates per run, the same for "
                        "every artist (default 800: a DCGAN draws digits by then on MNIST)")
    budget.add_argument("--rounds", type=bounded(int), help="budget: rounds per run (generations / GAN steps)")
    budget.add_argument("--seconds", type=bounded(float), help="budget: seconds of play per run (not reproducible)")
    budget.add_argument("--quick", action="store_true", help="quick mode: 100 critic updates per run, a smoke test "
                        "(a DCGAN still draws noise); the report says so")
    parser.add_argument("--seeds", type=int, default=3, help="seeds per artist, from --seed on (default 3)")
    parser.add_argument("--workers", type=int, default=0, help="run the artist x seed runs on a Dask LocalCluster "
                        "of N processes (default 0: one by one here; the results are the same)")
    parser.add_argument("--scheduler", help="address of a running Dask scheduler to run the runs on instead")
    parser.add_argument("--evals", type=int, default=5, help="evaluations per artist over the budget (default 5)")
    parser.add_argument("--samples", type=int, default=1000, help="images per evaluation, the same n for every "
                        "artist and the real floor (default 1000, fewer if the held-out real images are fewer)")
    parser.add_argument("--features", default="auto", choices=("auto", "classifier", "autoencoder"),
                        help="metric features: a classifier (labelled data) or an autoencoder")
    parser.add_argument("--yardstick", type=Path, metavar="PATH", help="Lipizzaner's MNIST classifier weights "
                        "(mnist_cnn.pkl of ALFA-group/lipizzaner-gan): adds its FID and TVD, the numbers comparable "
                        "with published work (on mnist:DIR at --size 28 with --samples 2500)")
    parser.add_argument("--out", type=Path, help="comparison folder (default runs/compare, numbered compare-2, ... "
                        "while another comparison holds it; the same settings continue theirs)")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    from coevo.loop import Stop
    from coevo.programs.compare import compare, default_out
    from coevo.programs.comparison import CompareSettings, default_artists
    from coevo.training.config import load_config

    first = load_config(args.runs[0] / "config.toml") if args.runs else RunConfig()
    base = overlay(RunConfig(data=first.data, size=first.size, **COMPARED), given(args, RunConfig, SHARED))
    artists = [a.strip() for a in args.artists.split(",") if a.strip()] if args.artists is not None else (
        [] if args.runs else default_artists())
    budget = Stop(images=args.images, critic_updates=args.critic_updates, rounds=args.rounds, seconds=args.seconds)
    command = " ".join(["coevo", *sys.argv[1:]])
    settings = CompareSettings(base, artists, budget, args.seeds, args.evals, args.samples, args.features,
                               list(args.runs), args.workers, args.scheduler, command,
                               str(args.yardstick) if args.yardstick else "", args.quick)
    report = compare(settings, args.out or default_out(settings))
    print(f"wrote {report} and {report.with_suffix('.md')}")
    return 0
