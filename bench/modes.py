"""Mode collapse on stacked MNIST (1,000 modes): the plain DCGAN against each remedy at the same number of steps.

Each variant is the ``dcgan`` artist against the ``cnn`` critic through the ordinary loop (``coevo.programs.build``
+ ``coevolve``, one generator step and one critic step a round, batch 64, the same seed); the remedies are critic
or artist options (``minibatch=100``, ``mbstd=4``, ``pack=2``, ``unroll=K``, ``egan=true``). After the steps the
generator draws ``--samples`` images (PacGAN's protocol: 26,000), Lipizzaner's MNIST net reads each channel, and the
mode count (modes with at least one sample) and KL(samples ‖ uniform) are printed, with the share of samples whose three
digits the net is sure of (p >= 0.9; noise is read as some digit too) and the modes among those, and the CPU
seconds each variant took.

``--set ring`` or ``--set grid``: PacGAN's 2-D benchmarks (``coevo.data.toy2d``) with its toy set-up
(``fjxmlzn/PacGAN`` ``synthetic_data_experiments``) through the same loop: the ``mlpgan`` generator as PacGAN's
(z of 2, 4 hidden layers of 400 with BatchNorm and ReLU, ``norm=batch``; tanh out) against the ``mlp`` critic (3
maxout layers of 200 × 5), Adam at ``--lr`` (PacGAN's 1e-4) and β1 0.8 on both sides, 100 critic inputs a step
(a packing variant judges 100 packs of m points, as PacGAN); 2,500 samples counted by the 3-std rule
(``coevo.metrics.modes.gaussian_modes``): modes covered, the share of high-quality samples, KL.
``--at 1000,2000`` also measures each run at those steps on its way (one run gives every budget's row).
Not a timed test: the numbers depend on the budget, and these CPUs afford small ones. A ring step is ≈ 0.93 GFLOP
of matrix products (1.22 packed), ≈ 20 ms of one CPU here, all of it the two networks' steps: the loop adds ≈ 3%
over a bare PyTorch step, and no hook, recorder or checkpoint runs.

Usage: PYTHONPATH=. python bench/modes.py --mnist ../shared/data/mnist
--weights ../shared/data/lipizzaner/mnist_cnn.pkl --steps 200 [--seeds 0,1,2] [--variants plain,pack2]
       PYTHONPATH=. python bench/modes.py --set ring --steps 10000 --at 1000,2000,5000 [--seeds 0,1,2]
       [--variants plain,pack2]
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import csv
import math
import re
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import torch

from coevo import loop, losses
from coevo.data.toy2d import MIXTURES
from coevo.images import grid, save_png
from coevo.loop import Stop, coevolve
from coevo.metrics.modes import gaussian_modes, mode_count, stacked_labels
from coevo.metrics.stats import estimate, paired_p
from coevo.metrics.yardstick import load_weights
from coevo.programs.build import build
from coevo.training.config import RunConfig

VARIANTS = {  # name -> (critic options, artist options)
    "plain": ({}, {}),
    "minibatch": ({"minibatch": 100, "dims": 5}, {}),
    "mbstd": ({"mbstd": 4}, {}),
    "mbstd2": ({"mbstd": 2}, {}),
    "mbstd64": ({"mbstd": 64}, {}),  # one group: the whole batch of 64
    "mbstdbody": ({"mbstd": 4, "mbstd_at": "body"}, {}),  # Karras et al.'s placement: a feature map, a 3x3 conv
    "pack2": ({"pack": 2}, {}),
    "unroll5": ({"unroll": 5}, {}),
    "egan": ({}, {"egan": True}),  # E-GAN: minimax, non-saturating and least-squares children, gamma 0.05
}


def stacked_config(variant: str, mnist: str, steps: int, seed: int, ngf: int, width: int) -> RunConfig:
    """The DCGAN against the CNN critic on stacked MNIST, batch 64, with the variant's options."""
    critic_options, artist_options = VARIANTS[variant]
    return RunConfig(artist="dcgan", critic="cnn", data=f"stacked:{mnist}:10000:{seed}", size=28, pop=64,
                     batch=64, warmup=0, fakes="latest", seed=seed, rounds=steps, device="cpu",
                     artist_options={"ngf": ngf, **artist_options},
                     critic_options={"width": width, **critic_options})


def points_config(variant: str, kind: str, steps: int, seed: int, lr: float) -> RunConfig:
    """PacGAN's 2-D set-up (``fjxmlzn/PacGAN`` ``synthetic_data_experiments``): z of 2, 4 hidden layers of 400 with
    BatchNorm and ReLU (``norm=batch``), the 3-layer maxout critic, Adam at ``lr`` and β1 0.8 on both sides, and
    100 critic inputs a step: a variant that packs m points judges 100 packs, so it draws 100·m points a step."""
    critic_options, artist_options = VARIANTS[variant]
    batch = 100 * int(critic_options.get("pack", 1))
    adam = {"lr": lr, "betas": [0.8, 0.999]}
    return RunConfig(artist="mlpgan", critic="mlp", data=f"{kind}:100000:{seed}", pop=batch, batch=batch,
                     warmup=0, fakes="latest", seed=seed, rounds=steps, device="cpu",
                     artist_options={"nz": 2, "hidden": 400, "depth": 4, "norm": "batch", **adam, **artist_options},
                     critic_options={**adam, **critic_options})


def played(config: RunConfig, budgets: list[int]) -> Iterator[tuple[int, object, float]]:
    """Play ``config`` through the ordinary loop and yield (steps, the artist, CPU s of the steps so far) at each
    budget. The per-round measures (held-out accuracy, diversity) are left out: they draw no random numbers and
    change no state, so the steps are those of a run with them, at less cost."""
    game = build(config)
    players = replace(game.players, measures=None)
    cpu = 0.0
    for budget in budgets:
        began = time.process_time()
        coevolve(players, game.schedule, Stop(rounds=budget), game.progress, [])
        cpu += time.process_time() - began
        yield budget, game.artist, cpu


def phases(config: RunConfig, steps: int, warm: int = 20) -> dict[str, float]:
    """CPU ms a step of each phase of the loop's round (``coevo.loop.play_round``'s parts, timed one by one over
    ``steps`` steps after ``warm``), and of the same step written as bare PyTorch on copies of the two networks
    (same loss, Adam settings and batch; unpacked critics only): what a step costs, and what the loop adds."""
    game = build(config)
    players = replace(game.players, measures=None)
    artist, critic, batch = players.artist, players.critic, players.cfg.batch
    for _ in range(warm):
        loop.play_round(players)
    spent: dict[str, float] = {}

    @contextlib.contextmanager
    def clock(name: str) -> Iterator[None]:
        began = time.process_time()
        yield
        spent[name] = spent.get(name, 0.0) + time.process_time() - began

    for _ in range(steps):
        with clock("ask (generator forward)"):
            proposal = artist.ask()
        with clock("fake pool"):
            players.fakes.observe(proposal)
        with clock("critic step"):
            loop.learn(players)
        with clock("judge (critic forward)"):
            scores = loop.judge(critic, proposal)
        with clock("generator step"):
            loop.tell(players, proposal, scores)
        with clock("crown and round metrics"):
            players.fakes.crown(proposal, scores)
            loop.round_metrics(players, proposal, scores)
    out = {name: 1000 * seconds / steps for name, seconds in spent.items()}
    out["the loop's step"] = sum(out.values())
    if config.critic_options.get("pack", 1) == 1:
        g, d = copy.deepcopy(artist.net), copy.deepcopy(critic.net)
        g_opt, d_opt = (torch.optim.Adam(net.parameters(), **{k: opt.defaults[k] for k in ("lr", "betas", "eps")})
                        for net, opt in ((g, artist.opt), (d, critic.opt)))

        def bare() -> None:
            fake = g(torch.randn(batch, artist.nz))
            d_opt.zero_grad(set_to_none=True)
            logits = d(torch.cat([players.real(batch), fake.detach()]))
            losses.critic_loss(critic.loss, logits[:batch], logits[batch:]).backward()
            d_opt.step()
            g_opt.zero_grad(set_to_none=True)
            losses.artist_loss(artist.loss, d(fake)).backward(inputs=list(g.parameters()))
            g_opt.step()

        for _ in range(warm):
            bare()
        began = time.process_time()
        for _ in range(steps):
            bare()
        out["a bare PyTorch step"] = 1000 * (time.process_time() - began) / steps
    return out


def budgets_of(args: argparse.Namespace) -> list[int]:
    """The step counts at which each run is measured: ``--at`` (ascending, up to ``--steps``) and ``--steps``."""
    extra = [int(b) for b in args.at.split(",") if b] if args.at else []
    return sorted({b for b in extra if 0 < b < args.steps} | {args.steps})


def points_main(args: argparse.Namespace) -> None:
    """The ring or grid table: one row per variant, seed and budget."""
    mixture = MIXTURES[args.set]()
    print(f"{args.set} of {mixture.modes} Gaussians, up to {args.steps} steps, 100 critic inputs a step, lr "
          f"{args.lr}, {args.samples} samples; columns: variant, seed, steps, modes covered (3-std rule), share of "
          "high-quality samples, KL, CPU s of the steps", flush=True)
    print("variant,seed,steps,modes,high_quality,kl,cpu_seconds")
    for seed in [int(s) for s in args.seeds.split(",")]:
        for variant in args.variants.split(","):
            for steps, artist, cpu in played(points_config(variant, args.set, args.steps, seed, args.lr),
                                             budgets_of(args)):
                with torch.random.fork_rng(devices=[]), torch.no_grad():
                    torch.manual_seed(10_000 + seed)
                    counted = gaussian_modes(artist.sample(args.samples), mixture.means, mixture.std)
                print(f"{variant},{seed},{steps},{counted['modes']:.0f},{counted['high_quality']:.3f},"
                      f"{counted['kl']:.3f},{cpu:.0f}", flush=True)


def table(lines: list[str]) -> str:
    """The Markdown table of CSV rows (this script's, from one or several runs): one row per variant and budget,
    each number the mean ± 95% t interval over the seeds (``coevo.metrics.stats.estimate``, clipped to the
    metric's range), the seeds' own mode counts in brackets, and the paired p of the modes against ``plain``."""
    headers = {line for line in lines if line.startswith("variant,")}
    if len(headers) != 1:
        raise SystemExit("--table takes the output of one kind of run (stacked MNIST, or the ring, or the grid)")
    header = headers.pop()
    width = header.count(",")
    rows = list(csv.DictReader([header] + [line for line in lines if line.split(",")[0] in VARIANTS
                                           and line.count(",") == width]))
    if not rows:
        return "(no rows)"
    ring = "high_quality" in header
    sizes = {int(m.group(1)) for line in lines if (m := re.search(r"of (\d+) Gaussians", line))}
    total = (max(sizes) if sizes else math.inf) if ring else 1000  # the upper end of the intervals
    groups: dict[tuple[str, int], dict[int, dict[str, str]]] = {}
    for r in rows:
        groups.setdefault((r["variant"], int(r["steps"])), {})[int(r["seed"])] = r
    share = "high_quality" if ring else "confident"  # the confident column: all 3 digits read at p >= 0.9
    label = "high-quality" if ring else "sure (p ≥ 0.9)"
    out = [f"| variant | steps | seeds | modes (per seed) | KL to uniform | {label} | paired p vs "
           "plain (modes) | CPU s of the steps |", "|---|---|---|---|---|---|---|---|"]
    for (variant, steps), seeds in sorted(groups.items(), key=lambda item: (item[0][1], list(VARIANTS).index(
            item[0][0]) if item[0][0] in VARIANTS else 99)):
        order = sorted(seeds)
        modes = [float(seeds[s]["modes"]) for s in order]
        plain = groups.get(("plain", steps), {})
        both = [s for s in order if s in plain]
        p = paired_p([float(plain[s]["modes"]) for s in both], [float(seeds[s]["modes"]) for s in both])
        kls = [float(seeds[s]["kl"]) for s in order]
        kl = "∞ (a seed covers no mode)" if any(math.isinf(v) for v in kls) else estimate(kls, low=0).text(2)
        cpu = estimate([float(seeds[s]["cpu_seconds"]) for s in order], low=0)
        spread = estimate([float(seeds[s][share]) * 100 for s in order], low=0, high=100)
        shown = ", ".join(f"{m:.0f}" for m in modes)
        out.append(f"| {variant} | {steps} | {','.join(map(str, order))} | "
                   f"{estimate(modes, low=0, high=total).text(1)} ({shown}) | {kl} | {spread.text(1)}% | "
                   f"{'—' if variant == 'plain' or math.isnan(p) else f'{p:.2f}'} | {cpu.text(0)} |")
    return "\n".join(out)


def read(images: torch.Tensor, net: torch.nn.Module, threshold: float = 0.9) -> tuple[torch.Tensor, torch.Tensor]:
    """Each sample's mode (``stacked_labels``) and whether all three channels are read as a digit with probability
    >= ``threshold`` (a blob's channels are read as some digit too: the mode count alone does not tell digits from
    noise); one pass of the net over each channel."""
    probabilities = [torch.softmax(net(images[:, c: c + 1]), dim=1) for c in range(3)]
    sure = torch.stack([p.max(1).values >= threshold for p in probabilities]).all(0)
    digits = iter([p.argmax(1) for p in probabilities])
    return stacked_labels(images, lambda grey: next(digits)), sure


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mnist", default="../shared/data/mnist", help="folder of the MNIST IDX files")
    parser.add_argument("--weights", default="../shared/data/lipizzaner/mnist_cnn.pkl")
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--seeds", default="0")
    parser.add_argument("--samples", type=int, help="samples counted (PacGAN's: 26,000 on stacked MNIST, 2,500 on "
                        "the ring and grid)")
    parser.add_argument("--ngf", type=int, default=64)
    parser.add_argument("--width", type=int, default=32)
    parser.add_argument("--variants", default=",".join(VARIANTS))
    parser.add_argument("--save", help="folder for a grid of 64 samples per variant and seed")
    parser.add_argument("--set", choices=("stacked", *MIXTURES), default="stacked")
    parser.add_argument("--lr", type=float, default=1e-4, help="Adam's learning rate on the ring and grid")
    parser.add_argument("--at", default="", help="also measure each run after these steps (e.g. 100,200)")
    parser.add_argument("--phases", type=int, metavar="STEPS", help="time each phase of the first variant's step "
                        "(and a bare PyTorch step) over STEPS steps of the first seed, print CPU ms a step and stop")
    parser.add_argument("--table", nargs="+", metavar="CSV", help="print the Markdown table of these files' rows "
                        "(this script's output, one or several runs) and stop")
    args = parser.parse_args()
    if args.table:
        print(table([line for name in args.table for line in Path(name).read_text().splitlines()]))
        return
    torch.set_num_threads(1)
    args.samples = args.samples or (26_000 if args.set == "stacked" else 2_500)
    if args.phases:
        variant, seed = args.variants.split(",")[0], int(args.seeds.split(",")[0])
        config = (stacked_config(variant, args.mnist, args.phases, seed, args.ngf, args.width) if args.set == "stacked"
                  else points_config(variant, args.set, args.phases, seed, args.lr))
        for name, ms in phases(config, min(args.phases, 10_000)).items():
            print(f"{name:26s} {ms:7.2f} ms of CPU a step")
        return
    if args.set != "stacked":
        points_main(args)
        return
    net = load_weights(args.weights)
    print(f"stacked MNIST, {args.steps} steps, batch 64, {args.samples} samples; columns: variant, seed, modes "
          "(of 1000), KL to uniform, share of samples whose 3 digits are read with p >= 0.9, modes among those, "
          "CPU s of the steps", flush=True)
    print("variant,seed,steps,modes,kl,confident,confident_modes,cpu_seconds")
    for seed in [int(s) for s in args.seeds.split(",")]:
        for variant in args.variants.split(","):
            config = stacked_config(variant, args.mnist, args.steps, seed, args.ngf, args.width)
            for steps, artist, cpu in played(config, budgets_of(args)):
                with torch.random.fork_rng(devices=[]), torch.no_grad():
                    torch.manual_seed(10_000 + seed)
                    images = artist.sample(args.samples)
                    labels, sure = read(images, net)
                    counted, sure_modes = mode_count(labels), mode_count(labels[sure])["modes"]
                if args.save and steps == args.steps:
                    save_png(grid(images[:64], 8), Path(args.save) / f"modes-{variant}-seed{seed}.png")
                print(f"{variant},{seed},{steps},{counted['modes']:.0f},{counted['kl']:.3f},"
                      f"{float(sure.double().mean()):.3f},{sure_modes:.0f},{cpu:.0f}", flush=True)

if __name__ == "__main__":
    main()
