"""A mixture of generators with weights (Lipizzaner's ensemble): an artist that draws each image from one member.

A latent of the mixture is the members' latent with one coordinate in front that picks the member: its normal CDF
falls in one member's share of [0, 1), so sampling fresh latents draws member k with probability ``weights[k]``,
and a latent (a genome of ``coevo breed --from``) keeps its member while it is bred. The members are any latent
generator artists of one kind (``mlpgan``, ``dcgan``); ``coevo grid`` writes the mixture of its best neighbourhood
as an ordinary run folder, so ``coevo compare --runs``, ``coevo latent`` and ``coevo breed --from`` take it.
"""

from __future__ import annotations

import math
from typing import Any, ClassVar

import torch

from coevo import rng
from coevo.protocols import LatentGenerator, Proposal
from coevo.training.settings import Limits

MAX_MEMBERS = 64  # a 8 x 8 grid's neighbourhood holds 5; a mixture of the whole grid at most 64


def normalised(weights: torch.Tensor) -> torch.Tensor:
    """Non-negative weights that sum to one (uniform where all are zero or not finite)."""
    weights = torch.nan_to_num(weights.double(), nan=0.0, posinf=0.0, neginf=0.0).clamp(min=0)
    total = float(weights.sum())
    return torch.full_like(weights, 1 / len(weights)) if total <= 0 else weights / total


def pick(selector: torch.Tensor, weights: torch.Tensor) -> torch.Tensor:
    """The member each latent's first coordinate picks: the normal CDF of it, placed in the weights' shares."""
    u = 0.5 * (1 + torch.erf(selector.double() / math.sqrt(2)))
    edges = torch.cumsum(normalised(weights), 0)
    return torch.searchsorted(edges, u.contiguous(), right=True).clamp(max=len(weights) - 1)


class MixtureArtist:
    """``members`` generators of the artist ``member`` (with ``member_options``) and their mixture weights; a fixed
    artist: ``tell`` learns nothing (the grid trains the members)."""

    LIMITS: ClassVar[Limits] = {"members": (1, MAX_MEMBERS), "batch": (1, 65536)}

    def __init__(self, shape: tuple[int, int, int] = (1, 28, 28), batch: int = 64, device: str | torch.device = "cpu",
                 loss: str = "nonsaturating", member: str = "mlpgan", members: int = 1,
                 member_options: dict[str, Any] | None = None) -> None:
        from dataclasses import replace

        from coevo.programs.build import build_artist
        from coevo.training.config import RunConfig

        if member == "mixture":
            raise ValueError("a mixture's members cannot be mixtures; pass member=mlpgan or member=dcgan")
        config = replace(RunConfig(), artist=member, artist_options=dict(member_options or {}), size=shape[-1],
                         loss=loss, pop=batch, batch=batch)
        self.members = [build_artist(config, shape, torch.device(device)) for _ in range(int(members))]
        if not all(isinstance(m, LatentGenerator) for m in self.members):
            raise ValueError(f"a mixture needs latent generators (mlpgan, dcgan); {member!r} has no latent space")
        self.member, self.member_options = member, dict(member_options or {})
        self.shape, self.batch = tuple(shape), int(batch)
        self.weights = torch.full((len(self.members),), 1 / len(self.members), dtype=torch.float64)
        self.nz = int(self.members[0].nz) + 1  # the member's latent, after the coordinate that picks the member

    def set_weights(self, weights: torch.Tensor | list[float]) -> None:
        """New mixture weights, one per member (normalised)."""
        weights = torch.as_tensor(weights, dtype=torch.float64)
        if weights.shape != (len(self.members),):
            raise ValueError(f"need {len(self.members)} weights, got shape {tuple(weights.shape)}")
        self.weights = normalised(weights)

    @torch.no_grad()
    def generate(self, z: torch.Tensor) -> torch.Tensor:
        """Images for latents ``(N, nz)``: column 0 picks the member, the rest is that member's latent."""
        z = z.detach().float().cpu()
        chosen = pick(z[:, 0], self.weights)
        out: torch.Tensor | None = None
        for k, member in enumerate(self.members):
            rows = (chosen == k).nonzero().flatten()
            if not len(rows):
                continue
            images = member.generate(z[rows, 1:])
            if out is None:
                out = torch.zeros(len(z), *images.shape[1:])
            out[rows] = images
        return out if out is not None else torch.zeros(0, *self.shape)

    def sample(self, n: int) -> torch.Tensor:
        """``n`` images from fresh latents (member k with probability ``weights[k]``)."""
        return torch.cat([self.generate(rng.randn(min(256, n - i), self.nz)) for i in range(0, n, 256)]) \
            if n > 0 else torch.zeros(0, *self.shape)

    def ask(self) -> Proposal:
        z = rng.randn(self.batch, self.nz)
        return Proposal(images=self.generate(z), extra={"z": z})

    def tell(self, proposal: Proposal, scores: torch.Tensor) -> dict[str, float]:
        return {}

    def state_dict(self) -> dict[str, Any]:
        return {"members": [m.state_dict() for m in self.members], "weights": self.weights.clone(),
                "shape": list(self.shape), "member": self.member, "nz": self.nz}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        if len(state["members"]) != len(self.members):
            raise ValueError(f"the saved mixture has {len(state['members'])} members, this one {len(self.members)}")
        for member, saved in zip(self.members, state["members"]):
            member.load_state_dict(saved)
        self.set_weights(state["weights"])
