"""GAN step time: our loop (DCGAN artist vs CNN critic through ``play_round``) against a plain hand-written loop
with the same generator, discriminator, losses and optimisers, in one process. Ratio (reference / ours) last;
>= 1.0 means the loop costs nothing. Usage: python bench/dcgan_step.py [--size 28] [--batch 64] [--steps 10]
"""

from __future__ import annotations

import argparse
import copy
import statistics
import time

import torch
import torch.nn.functional as F

from artists.dcgan import DCGANArtist
from coevo.fakes import FakePool
from coevo.loop import LoopConfig, Players, play_round
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
    args = parser.parse_args()
    torch.manual_seed(0)
    shape = (1, args.size, args.size)
    artist = DCGANArtist(shape, batch=args.batch, ngf=args.ngf)
    critic = CNNCritic(shape)
    real = torch.rand(1000, *shape) * 2 - 1
    cfg = LoopConfig(critic_steps=1, batch=args.batch)
    sides = {"reference": reference(artist, critic, real, cfg), "ours": ours(artist, critic, real, cfg)}
    for step in sides.values():
        timed(step, 2)  # warm-up
    times: dict[str, list[float]] = {name: [] for name in sides}
    for block in range(args.blocks):  # alternate (and swap who goes first), so load changes hit both alike
        for name in (list(sides) if block % 2 == 0 else list(sides)[::-1]):
            times[name].append(timed(sides[name], args.steps))
    for name, values in times.items():
        print(f"{name:>9}: {1000 * min(values):.1f} ms/step best, {1000 * statistics.median(values):.1f} median "
              f"({args.size}px, batch {args.batch}, threads {torch.get_num_threads()})")
    print(f"ratio (reference / ours, best blocks): {min(times['reference']) / min(times['ours']):.3f}")


if __name__ == "__main__":
    main()
