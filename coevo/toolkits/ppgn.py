"""Plug & Play Generative Networks' sampler (Nguyen, Clune, Bengio, Dosovitskiy & Yosinski 2017).

One step on a latent code h of a generator G, conditioned on class y of a classifier p(y | x):

    h <- h + eps1 (R(h) - h) + eps2 d log p(y | G(h)) / dh + N(0, eps3^2)

R is a denoising autoencoder on h, so R(h) - h approximates the gradient of log p(h) (Alain & Bengio 2014): the
prior term. With eps1 = 0 (and eps3 = 0) it is DGN-AM, activation maximisation through a generator (Nguyen et al.
2016); with a large eps1 the prior outweighs the class. The public sampler (Evolving-AI-Lab/ppgn, ``sampler.py``)
also rescales every step to ``lr / mean|d_h|`` (``normalise``), decays ``lr`` linearly to ``lr_end`` and clips
h to a range (``clip``); both are options here, off by default. The noise does decay by default, linearly from
``eps3`` to ``eps3_end`` (``None``: constant): wide steps early spread the chains over the class, quiet ones late
settle each on a confident sample (measured against DGN-AM in the README).

``PPGNSampler`` plays the chains through ``coevolve`` as an artist: ``ask`` proposes G(h) of every chain, to be
scored per class by a fixed classifier (the critic), and ``tell`` takes one step with the gradient of
log p(y | G(h)) back through those scores (as the ``pixels`` artist does on the image itself).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import torch
from torch import nn

from coevo.evolution.bestperclass import BestPerClass
from coevo.protocols import Proposal
from coevo.rng import module_init, seeded_torch

Prior = Callable[[torch.Tensor], torch.Tensor]  # h -> R(h), the denoising autoencoder's reconstruction
Render = Callable[[torch.Tensor], torch.Tensor]  # h -> images G(h) (N, C, H, W), differentiable in h
LogProb = Callable[[torch.Tensor], torch.Tensor]  # h -> log p(y | G(h)) per code, (N,), differentiable in h


@dataclass
class Rule:
    """The step's weights and the public sampler's optional extras."""

    eps1: float = 3e-2  # prior: weight of R(h) - h (0.03: what an independent judge reads as the digits asked)
    eps2: float = 1.0  # condition: weight of the gradient of log p(y | G(h))
    eps3: float = 0.35  # noise: standard deviation of the Gaussian added at the first step
    normalise: bool = False  # sampler.py: scale each code's step to lr / mean |d_h|
    lr: float = 1.0  # sampler.py's step size at the first step (with normalise)
    lr_end: float = 1.0  # ... decayed linearly to this at the last
    clip: tuple[float, float] | None = None  # sampler.py clips fc6 codes to [0, 30]; None: no clipping
    eps3_end: float | None = 0.0  # the noise at the last step, decayed linearly from eps3; None: eps3 throughout

    def noise(self, progress: float) -> float:
        """The noise's standard deviation ``progress`` (0 to 1) of the way through the chain."""
        return self.eps3 if self.eps3_end is None else self.eps3 + (self.eps3_end - self.eps3) * progress


def step(h: torch.Tensor, prior: Prior | None, log_prob: LogProb, rule: Rule, progress: float = 0.0,
         generator: torch.Generator | None = None) -> torch.Tensor:
    """One PPGN step on codes ``h`` ``(N, ...)``; ``progress`` in [0, 1] decays the normalised step size."""
    h = h.detach()
    probe = h.clone().requires_grad_(True)
    (d_condition,) = torch.autograd.grad(log_prob(probe).sum(), probe)
    return update(h, prior, d_condition, rule, progress, generator)


def update(h: torch.Tensor, prior: Prior | None, d_condition: torch.Tensor, rule: Rule, progress: float = 0.0,
           generator: torch.Generator | None = None) -> torch.Tensor:
    """The step from a given ``d_condition`` = d log p(y | G(h)) / dh: add the prior, the noise, and move
    (``progress`` in [0, 1] decays the normalised step size and, with ``eps3_end``, the noise)."""
    h = h.detach()
    d_prior = torch.zeros_like(h) if prior is None or rule.eps1 == 0 else (prior(h).detach() - h)
    noise, sd = torch.zeros_like(h), rule.noise(progress)
    if sd > 0:
        noise = sd * torch.randn(h.shape, generator=generator, dtype=h.dtype).to(h.device)
    d_h = rule.eps1 * d_prior + rule.eps2 * d_condition.detach() + noise
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
    with seeded_torch(seed) as generator:
        with module_init():
            dae = CodeDAE(codes.shape[1])
        optimiser = torch.optim.Adam(dae.parameters(), lr=lr)
        for _ in range(steps):
            clean = codes[torch.randint(len(codes), (batch,), generator=generator)]
            noise = torch.randn(clean.shape, generator=generator, dtype=clean.dtype)
            loss = (dae(clean + sigma * noise) - clean).pow(2).sum(1).mean()
            optimiser.zero_grad(set_to_none=True)
            loss.backward()
            optimiser.step()
    return dae.eval()


class PPGNSampler:
    """Chains of codes ``start`` ``(N, ...)``, chain i conditioned on class ``targets[i]``: an ``Artist`` whose
    proposals ask to be scored per class (a classifier's softmax, with its graph) and whose ``tell`` is one PPGN
    step. It keeps each class's most confident image as scored (a ``GradientFooler``, as the pixels artist)."""

    def __init__(self, render: Render, start: torch.Tensor, targets: torch.Tensor, classes: int, rule: Rule,
                 prior: Prior | None = None, steps: int = 1, seed: int = 0) -> None:
        if start.shape[0] != targets.shape[0] or classes < 2 or steps < 1:
            raise ValueError("one target class per chain, at least 2 classes and 1 step")
        self.render, self.rule, self.prior, self.steps = render, rule, prior, int(steps)
        self.h, self.targets, self.classes = start.detach().clone(), targets.long(), int(classes)
        self.noise = torch.Generator().manual_seed(seed)
        self.taken = 0
        self.best = BestPerClass(self.classes)
        self.last: dict[str, float] = {}

    def ask(self) -> Proposal:
        """G(h) of every chain, carrying the graph back to the codes (kept in ``extra["h"]``)."""
        h = self.h.clone().requires_grad_(True)
        return Proposal(self.render(h), labels=self.targets, per_class=True, extra={"h": h})

    def tell(self, proposal: Proposal, scores: torch.Tensor) -> dict[str, float]:
        """One step h <- h + eps1 (R(h) - h) + eps2 d log p(y | G(h)) / dh + N(0, eps3^2), the gradient taken
        through the critic's per-class ``scores`` of ``proposal``."""
        if scores.shape != (len(self.targets), self.classes) or not scores.requires_grad:
            raise ValueError(f"the PPGN sampler needs per-class scores ({len(self.targets)}, {self.classes}) with "
                             f"their gradient, got {tuple(scores.shape)}; use the classifier critic")
        picked = scores.gather(1, self.targets.to(scores.device)[:, None]).squeeze(1)
        self._crown(proposal.images.detach().cpu(), picked.detach().double().cpu())
        (d_condition,) = torch.autograd.grad(picked.clamp_min(1e-300).log().sum(), proposal.extra["h"])
        self.h = update(self.h, self.prior, d_condition, self.rule, self.taken / max(1, self.steps - 1), self.noise)
        self.taken += 1
        return self.metrics()

    def _crown(self, images: torch.Tensor, picked: torch.Tensor) -> None:
        self.best.crown(self.targets, picked, images)
        self.last = {"target_confidence_mean": float(picked.mean()), "target_confidence_min": float(picked.min()),
                     "share_99": float((picked >= 0.99).double().mean())}

    @torch.no_grad()
    def images(self) -> torch.Tensor:
        """The chains' current images G(h), in [-1, 1], on the CPU."""
        return self.render(self.h).detach().float().clamp(-1, 1).cpu()

    def metrics(self) -> dict[str, float]:
        """The best confidence per class so far (as ``MapElites``), their minimum and mean, this step's rates."""
        return {**self.best.metrics(), **self.last}

    def scores(self) -> torch.Tensor:
        return self.best.scores()

    def elites(self) -> list[torch.Tensor | None]:
        return self.best.elites()

    def pairs(self) -> tuple[torch.Tensor, torch.Tensor] | None:
        return None  # no real images are attacked

    def state_dict(self) -> dict[str, Any]:
        return {"h": self.h.clone(), "noise": self.noise.get_state(), "taken": self.taken,
                "best": self.best.state(), "last": dict(self.last)}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.h, self.taken, self.last = state["h"].clone(), int(state["taken"]), dict(state["last"])
        self.noise.set_state(state["noise"])
        self.best.load(state["best"])
