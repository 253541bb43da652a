"""GAN step time: our loop (DCGAN artist vs CNN critic through ``play_round``) against a plain hand-written loop
with the same generator, discriminator, losses and optimisers, in one process. Ratio (reference / ours) last;
>= 1.0 means the loop costs nothing. ``--threads 1,2`` interleaves torch thread counts block by block (ratio of
each count's best to the first's). Then the cost of one run checkpoint (both networks and optimisers, written
atomically) against a step: what a checkpoint every round adds, and what one per ``checkpoint_seconds`` adds.
Usage: python bench/dcgan_step.py [--size 28] [--batch 64] [--steps 10] [--threads 1,2]
"""

from __future__ import annotations

import argparse
import copy
import os
import statistics
import tempfile
import time
from pathlib import Path

import torch
import torch.nn.functional as F

from artists.dcgan import DCGANArtist
from coevo.fakes import FakePool
from coevo.loop import LoopConfig, Players, play_round
from coevo.store.runfolder import RunFolder
from coevo.training.config import RunConfig
from critics.cnn import CNNCritic


def ours(artist: DCGANArtist, critic: CNNCritic, real: torch.Tensor, cfg: LoopConfig):
    def sample(n: int) -> torch.Tensor:
        return real[torch.randint(len(real), (n,))]

    players = Players(artist, critic, sample, FakePool("latest"), cfg)

    def step() -> None:
        play_round(players)
    return step


def reference(artist: DCGANArtist, critic: CNNCritic, real: torch.Tensor, cfg: LoopConfig):
    """pytorch/examples' DCGAN step, written out, on copies of the same networks."""
    g, d = copy.deepcopy(artist.net), copy.deepcopy(critic.net)
    opt_g = torch.optim.Adam(g.parameters(), lr=2e-4, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(d.parameters(), lr=2e-4, betas=(0.5, 0.999))
    batch = cfg.batch

    def step() -> None:
        g.train()
        fake = g(torch.randn(batch, artist.nz))
        d.train()
        opt_d.zero_grad(set_to_none=True)
        logits = d(torch.cat([real[torch.randint(len(real), (batch,))], fake.detach()]))
        loss_d = F.softplus(-logits[:batch]).mean() + F.softplus(logits[batch:]).mean()
        loss_d.backward()
        opt_d.step()
        d.eval()
        opt_g.zero_grad(set_to_none=True)
        loss_g = F.softplus(-d(fake)).mean()
        loss_g.backward()
        opt_g.step()
    return step


def timed(step, steps: int) -> float:
    began = time.perf_counter()
    for _ in range(steps):
        step()
    return (time.perf_counter() - began) / steps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=28)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--ngf", type=int, default=32)
    parser.add_argument("--steps", type=int, default=10, help="steps per timed block")
    parser.add_argument("--blocks", type=int, default=5, help="alternating timed blocks per side")
    parser.add_argument("--threads", default="", help="comma-separated torch thread counts to interleave")
    args = parser.parse_args()
    counts = [int(t) for t in args.threads.split(",") if t.strip()] or [torch.get_num_threads()]
    torch.manual_seed(0)
    shape = (1, args.size, args.size)
    artist = DCGANArtist(shape, batch=args.batch, ngf=args.ngf)
    critic = CNNCritic(shape)
    real = torch.rand(1000, *shape) * 2 - 1
    cfg = LoopConfig(critic_steps=1, batch=args.batch)
    sides = {"reference": reference(artist, critic, real, cfg), "ours": ours(artist, critic, real, cfg)}
    for step in sides.values():
        timed(step, 2)  # warm-up
    times: dict[tuple[str, int], list[float]] = {(name, t): [] for name in sides for t in counts}
    for block in range(args.blocks):  # alternate (and swap who goes first), so load changes hit all alike
        for threads in (counts if block % 2 == 0 else counts[::-1]):
            torch.set_num_threads(threads)
            for name in (list(sides) if block % 2 == 0 else list(sides)[::-1]):
                times[(name, threads)].append(timed(sides[name], args.steps))
    for (name, threads), values in times.items():
        print(f"{name:>9}: {1000 * min(values):.1f} ms/step best, {1000 * statistics.median(values):.1f} median "
              f"({args.size}px, batch {args.batch}, threads {threads})")
    for threads in counts:
        print(f"threads {threads}: ratio (reference / ours, best blocks): "
              f"{min(times[('reference', threads)]) / min(times[('ours', threads)]):.3f}")
    for threads in counts[1:]:
        print(f"ours, threads {threads} / threads {counts[0]} (best blocks): "
              f"{min(times[('ours', threads)]) / min(times[('ours', counts[0])]):.2f}")
    checkpoint_cost(artist, critic, min(times[("ours", counts[0])]))
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")


def checkpoint_cost(artist: DCGANArtist, critic: CNNCritic, step: float) -> None:
    """One run checkpoint's time (``RunFolder.save_checkpoint`` of both players' state) against a step."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = RunFolder(Path(tmp))
        spent = []
        for _ in range(5):
            began = time.perf_counter()
            folder.save_checkpoint({"artist": artist.state_dict(), "critic": critic.state_dict()})
            spent.append(time.perf_counter() - began)
        size = (Path(tmp) / "checkpoint.pt").stat().st_size
    cost, every = statistics.median(spent), RunConfig.checkpoint_seconds
    print(f"checkpoint {size / 2**20:.1f} MiB: {1000 * cost:.1f} ms median = {100 * cost / step:.0f}% of a "
          f"{1000 * step:.0f} ms step when written every round; at most one per {every:.0f} s: "
          f"<= {100 * cost / every:.2f}% of the time")


if __name__ == "__main__":
    main()
