"""GAN losses for both sides, by name; critics and gradient artists pick theirs from config.

Critic scores are logits (or Wasserstein critic values); higher means "more real".
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch
import torch.nn.functional as F

from coevo.rng import rand
from coevo.training.kernel import LOSSES

# loss -> (optimiser, learning rate, Adam betas): the recipe of the paper that introduced each loss, for both sides
RECIPES: dict[str, tuple[str, float, tuple[float, float]]] = {
    "minimax": ("adam", 2e-4, (0.5, 0.999)),  # DCGAN (Radford et al. 2016)
    "nonsaturating": ("adam", 2e-4, (0.5, 0.999)),
    "hinge": ("adam", 2e-4, (0.5, 0.999)),
    "wgan": ("rmsprop", 5e-5, (0.0, 0.0)),  # WGAN with weight clipping (Arjovsky et al. 2017)
    "wgan-gp": ("adam", 1e-4, (0.5, 0.9)),  # WGAN-GP (Gulrajani et al. 2017)
}


def make_optimizer(params: Any, loss: str, optimizer: str | None = None, lr: float | None = None,
                   betas: Sequence[float] | None = None) -> torch.optim.Optimizer:
    """The loss's recipe (``RECIPES``), with any of optimiser, learning rate and betas overridden."""
    default_opt, default_lr, default_betas = RECIPES[check(loss)]
    name, rate = optimizer or default_opt, default_lr if lr is None else float(lr)
    if name == "adam":
        pair = tuple(float(b) for b in (default_betas if betas is None else betas))
        return torch.optim.Adam(params, lr=rate, betas=(pair[0], pair[1]))
    if name == "rmsprop":
        return torch.optim.RMSprop(params, lr=rate)
    raise ValueError(f"unknown optimizer {name!r}; use adam or rmsprop")


def check(name: str) -> str:
    """Return ``name`` if it is a known loss, else raise ``ValueError`` listing them."""
    if name not in LOSSES:
        raise ValueError(f"unknown loss {name!r}; choose one of {', '.join(LOSSES)}")
    return name


def critic_loss(name: str, real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
    """The critic's loss on scores of real and fake images (without any gradient penalty)."""
    if check(name) in ("minimax", "nonsaturating"):
        return F.softplus(-real).mean() + F.softplus(fake).mean()  # binary cross-entropy on logits
    if name == "hinge":
        return F.relu(1.0 - real).mean() + F.relu(1.0 + fake).mean()
    return fake.mean() - real.mean()  # wgan, wgan-gp


def artist_loss(name: str, fake: torch.Tensor) -> torch.Tensor:
    """The artist's (generator's) loss on the critic's scores of its images."""
    if check(name) == "minimax":
        return -F.softplus(fake).mean()  # log(1 - D(G(z))), the saturating original
    if name == "nonsaturating":
        return F.softplus(-fake).mean()  # -log D(G(z))
    return -fake.mean()  # wgan, wgan-gp, hinge


def gradient_penalty(score, real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
    """WGAN-GP's penalty (||grad score(x_hat)|| - 1)^2 on random interpolates (Gulrajani et al. 2017).

    Real and fake batches may differ in size (a fake pool smaller than the batch): pairs are cut to the shorter."""
    n = min(real.shape[0], fake.shape[0])
    real, fake = real[:n], fake[:n]
    alpha = rand(n, 1, 1, 1, device=real.device, dtype=real.dtype)
    mixed = (alpha * real.detach() + (1 - alpha) * fake.detach()).requires_grad_(True)
    (grad,) = torch.autograd.grad(score(mixed).sum(), mixed, create_graph=True)
    return ((grad.flatten(1).norm(dim=1) - 1.0) ** 2).mean()
