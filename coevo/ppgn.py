"""Plug & Play Generative Networks' sampler (Nguyen, Clune, Bengio, Dosovitskiy & Yosinski 2017).

One step on a latent code h of a generator G, conditioned on class y of a classifier p(y | x):

    h <- h + eps1 (R(h) - h) + eps2 d log p(y | G(h)) / dh + N(0, eps3^2)

R is a denoising autoencoder on h, so R(h) - h approximates the gradient of log p(h) (Alain & Bengio 2014): the
prior term. With eps1 = 0 (and eps3 = 0) it is DGN-AM, activation maximisation through a generator (Nguyen et al.
2016); with a large eps1 the prior outweighs the class. The public sampler (Evolving-AI-Lab/ppgn, ``sampler.py``)
also rescales every step to ``lr / mean|d_h|`` (``normalise``), decays ``lr`` linearly to ``lr_end`` and clips
h to a range (``clip``); both are options here, off by default, so the plain rule above is what runs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch
from torch import nn

Prior = Callable[[torch.Tensor], torch.Tensor]  # h -> R(h), the denoising autoencoder's reconstruction
LogProb = Callable[[torch.Tensor], torch.Tensor]  # h -> log p(y | G(h)) per code, (N,), differentiable in h


@dataclass
class Rule:
    """The step's weights and the public sampler's optional extras."""

    eps1: float = 1e-2  # prior: weight of R(h) - h
    eps2: float = 1.0  # condition: weight of the gradient of log p(y | G(h))
    eps3: float = 5e-2  # noise: standard deviation of the Gaussian added each step
    normalise: bool = False  # sampler.py: scale each code's step to lr / mean |d_h|
    lr: float = 1.0  # sampler.py's step size at the first step (with normalise)
    lr_end: float = 1.0  # ... decayed linearly to this at the last
    clip: tuple[float, float] | None = None  # sampler.py clips fc6 codes to [0, 30]; None: no clipping


def step(h: torch.Tensor, prior: Prior | None, log_prob: LogProb, rule: Rule, progress: float = 0.0,
         generator: torch.Generator | None = None) -> torch.Tensor:
    """One PPGN step on codes ``h`` ``(N, ...)``; ``progress`` in [0, 1] decays the normalised step size."""
    h = h.detach()
    d_prior = torch.zeros_like(h) if prior is None or rule.eps1 == 0 else (prior(h).detach() - h)
    probe = h.clone().requires_grad_(True)
    (d_condition,) = torch.autograd.grad(log_prob(probe).sum(), probe)
    noise = torch.zeros_like(h)
    if rule.eps3 > 0:
        noise = rule.eps3 * torch.randn(h.shape, generator=generator, dtype=h.dtype).to(h.device)
    d_h = rule.eps1 * d_prior + rule.eps2 * d_condition + noise
    if rule.normalise:
        size = rule.lr + (rule.lr_end - rule.lr) * progress
        scale = d_h.abs().flatten(1).mean(1).clamp_min(1e-12)
        d_h = size / scale.view(-1, *[1] * (h.ndim - 1)) * d_h
    h = h + d_h
    if rule.clip is not None:
        h = h.clamp(*rule.clip)
    return h


class CodeDAE(nn.Module):
    """A denoising autoencoder on codes h (an MLP): trained to undo Gaussian noise of ``sigma``, its
    reconstruction R(h) points towards where codes are dense (the prior of PPGN-h)."""

    def __init__(self, nz: int, hidden: int = 256) -> None:
        super().__init__()
        self.net = nn.Sequential(nn.Linear(nz, hidden), nn.ReLU(), nn.Linear(hidden, hidden), nn.ReLU(),
                                 nn.Linear(hidden, nz))

    def forward(self, h: torch.Tensor) -> torch.Tensor:
        return self.net(h)


def train_dae(codes: torch.Tensor, sigma: float = 0.5, steps: int = 2000, batch: int = 128, lr: float = 1e-3,
              seed: int = 0) -> CodeDAE:
    """Fit R(h + noise) ~ h on ``codes`` ``(N, nz)``; deterministic for a seed (the global RNG is left alone)."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        dae = CodeDAE(codes.shape[1])
        optimiser = torch.optim.Adam(dae.parameters(), lr=lr)
        for _ in range(steps):
            clean = codes[torch.randint(len(codes), (batch,))]
            loss = (dae(clean + sigma * torch.randn_like(clean)) - clean).pow(2).sum(1).mean()
            optimiser.zero_grad(set_to_none=True)
            loss.backward()
            optimiser.step()
    return dae.eval()
