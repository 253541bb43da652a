"""E-GAN (Wang et al. 2019, "Evolutionary Generative Adversarial Networks") for the gradient artists.

Each generator step makes one child per mutation loss: a copy of the generator and its optimiser, one update
with that loss on the round's scores. Each child draws the same fresh latents and is scored by the current
critic: fitness F = F_q + γ F_d, with quality F_q = mean D(G(z)) (D the critic's probability, sigmoid of its
logit) and diversity F_d = -log ‖∇_D L_D‖, the critic's loss gradient on a real batch and the child's images
(a child whose images the critic would learn a lot from is collapsed). The fittest child survives.

The paper's mutations, on D = sigmoid(logit): minimax ½ E log(1 - D(G(z))), non-saturating (the paper's
"heuristic") -½ E log D(G(z)), least-squares E (D(G(z)) - 1)².
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import torch
import torch.nn.functional as F

from coevo import rng
from coevo.errors import CoevoError
from coevo.protocols import Critic, LossGradientCritic, Proposal

MUTATIONS = ("minimax", "nonsaturating", "lsgan")
DEFAULT_LOSSES = ",".join(MUTATIONS)  # the paper's three
ALIASES = {"nonsat": "nonsaturating", "heuristic": "nonsaturating", "least-squares": "lsgan", "ls": "lsgan"}
GAMMA = 0.05  # default weight of the diversity fitness
MAX_GAMMA = 100.0


def parse_losses(value: str | Sequence[str]) -> tuple[str, ...]:
    """The mutation losses named by ``value`` (``"minimax,nonsat,lsgan"`` or a list), canonical and distinct."""
    names = [part.strip() for part in (value.split(",") if isinstance(value, str) else value)]
    names = [ALIASES.get(name, name) for name in names if name]
    unknown = [name for name in names if name not in MUTATIONS]
    if unknown or not names or len(set(names)) != len(names):
        raise ValueError(f"egan_losses takes distinct names of {', '.join(MUTATIONS)} (or nonsat, least-squares), "
                         f"e.g. egan_losses=minimax,nonsat,lsgan (got {value!r})")
    return tuple(names)


def check_gamma(gamma: float) -> float:
    """``gamma`` as a float in 0..MAX_GAMMA, else ``ValueError``."""
    if not (isinstance(gamma, (int, float)) and math.isfinite(gamma) and 0 <= gamma <= MAX_GAMMA):
        raise ValueError(f"egan_gamma must lie in 0..{MAX_GAMMA:g} (got {gamma!r}); pass e.g. egan_gamma={GAMMA}")
    return float(gamma)


def mutation_loss(name: str, logits: torch.Tensor) -> torch.Tensor:
    """The generator's loss ``name`` (``MUTATIONS``) on the critic's logits of its images."""
    if name == "minimax":
        return -0.5 * F.softplus(logits).mean()  # ½ log(1 - sigmoid(x)) = -½ softplus(x)
    if name == "nonsaturating":
        return 0.5 * F.softplus(-logits).mean()  # -½ log sigmoid(x)
    if name == "lsgan":
        return (torch.sigmoid(logits) - 1).pow(2).mean()
    raise ValueError(f"unknown E-GAN mutation {name!r}; choose one of {', '.join(MUTATIONS)}")


@dataclass
class Child:
    """One child of a step: its loss, its fitness and the generator and optimiser states it would leave."""

    loss: str
    loss_value: float
    quality: float
    diversity: float
    fitness: float
    net: dict[str, torch.Tensor]
    opt: dict[str, Any]


def fittest(children: Sequence[Child]) -> int:
    """The index of the child of highest fitness (the first on a tie)."""
    return max(range(len(children)), key=lambda i: (children[i].fitness, -i))


def snapshot(net: torch.nn.Module, opt: torch.optim.Optimizer) -> tuple[dict[str, torch.Tensor], dict[str, Any]]:
    """Copies (not views) of a network's and an optimiser's states."""
    return ({name: value.detach().clone() for name, value in net.state_dict().items()},
            copy.deepcopy(opt.state_dict()))


def restore(net: torch.nn.Module, opt: torch.optim.Optimizer, states: tuple[dict[str, torch.Tensor], dict]) -> None:
    """Put ``snapshot``'s states back (copies, so a later step leaves the snapshot alone)."""
    net.load_state_dict(states[0])
    opt.load_state_dict(copy.deepcopy(states[1]))


def evolve(artist: Any, proposal: Proposal, scores: torch.Tensor, critic: Critic,
           real: Callable[[int], torch.Tensor] | None) -> dict[str, float]:
    """One E-GAN generator step of ``artist`` (a ``DCGANArtist``: ``net``, ``opt``, ``batch``, ``nz``, ``amp``,
    ``egan_losses``, ``egan_gamma``): every child updated and judged, the fittest left in the artist."""
    gamma = artist.egan_gamma
    if gamma and not isinstance(critic, LossGradientCritic):
        raise CoevoError(f"E-GAN's diversity fitness needs a critic with loss_gradient_norm (cnn); this critic is "
                         f"{type(critic).__name__}: pass --artist-option egan_gamma=0")
    if gamma and real is None:
        raise CoevoError("E-GAN's diversity fitness needs real images; give --data or pass egan_gamma=0")
    net, opt = artist.net, artist.opt
    params = [p for p in net.parameters() if p.requires_grad]
    losses = [mutation_loss(name, scores) for name in artist.egan_losses]
    gradients = [torch.autograd.grad(loss, params, retain_graph=i + 1 < len(losses), allow_unused=True)
                 for i, loss in enumerate(losses)]
    parent = snapshot(net, opt)
    z = rng.randn(artist.batch, artist.nz, device=artist.device)  # every child is judged on the same latents
    batch = real(artist.batch) if gamma else None  # ... and the same real batch
    children: list[Child] = []
    for name, loss, grads in zip(artist.egan_losses, losses, gradients):
        restore(net, opt, parent)
        opt.zero_grad(set_to_none=True)
        for p, g in zip(params, grads):
            p.grad = None if g is None else g.detach().clone()
        opt.step()
        opt.zero_grad(set_to_none=True)
        states = snapshot(net, opt)  # before judging: judging in train mode moves BatchNorm's statistics
        quality, diversity = judge_child(artist, critic, z, batch)
        children.append(Child(name, float(loss.detach()), quality, diversity, quality + gamma * diversity,
                              *states))
    best = children[fittest(children)]
    restore(net, opt, (best.net, best.opt))
    artist.steps += 1
    return {"artist_loss": best.loss_value, "egan_child": float(artist.egan_losses.index(best.loss)),
            "egan_fitness": best.fitness, "egan_quality": best.quality, "egan_diversity": best.diversity}


@torch.no_grad()
def judge_child(artist: Any, critic: Critic, z: torch.Tensor, real: torch.Tensor | None) -> tuple[float, float]:
    """A child's quality (mean sigmoid of the critic's logits of G(z)) and diversity (-log of the critic's loss
    gradient norm on ``real`` and G(z); 0 without ``real``)."""
    artist.net.train()  # as ``ask`` draws
    with torch.autocast(artist.device.type, dtype=torch.bfloat16, enabled=artist.amp):
        fake = artist.net(z).float()
    quality = float(torch.sigmoid(critic.score(fake).float()).mean())
    if real is None:
        return quality, 0.0
    assert isinstance(critic, LossGradientCritic)
    norm = critic.loss_gradient_norm(real, fake)
    return quality, -math.log(max(norm, 1e-30))
