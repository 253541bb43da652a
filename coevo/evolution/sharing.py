"""Against mode collapse: fitness sharing in the critic's feature space (Goldberg & Richardson 1987).

``SharedFitness`` wraps a critic and lowers each image's score by ``strength * log(niche count)``, where the
niche count sums how close the other images of the same batch are in the critic's penultimate features:
a unique image loses nothing, k clones each lose ``strength * log k``. Additive, so it works on logits.
"""

from __future__ import annotations

from typing import Any

import torch

from coevo.errors import CoevoError
from coevo.protocols import Critic, FeatureCritic


def niche_counts(features: torch.Tensor, radius: float) -> torch.Tensor:
    """Per row: 1 + the sharing of every other row, ``max(0, 1 - d / sigma)``; sigma is ``radius`` times the
    rows' mean RMS feature size, so the niche scales with the features."""
    flat = features.detach().float().flatten(1)
    distances = (torch.cdist(flat, flat) / flat.shape[1] ** 0.5).fill_diagonal_(0.0)
    sigma = radius * flat.pow(2).mean(1).sqrt().mean().clamp_min(1e-8)
    return (1.0 - distances / sigma).clamp_min(0.0).sum(1)


class SharedFitness:
    """A ``Critic`` whose scores are the wrapped critic's minus a crowding penalty (learning is unchanged)."""

    def __init__(self, critic: Critic, strength: float, radius: float = 0.25) -> None:
        if not isinstance(critic, FeatureCritic):
            raise CoevoError("diversity needs a critic with features() (e.g. --critic cnn); pass --diversity 0 "
                             "for this one")
        if strength < 0 or radius <= 0:
            raise CoevoError(f"diversity strength must be >= 0 and radius > 0 (got {strength}, {radius})")
        self.critic, self.strength, self.radius = critic, strength, radius

    def penalty(self, images: torch.Tensor) -> torch.Tensor:
        """``strength * log(niche count)`` per image (no gradient)."""
        if self.strength == 0 or len(images) < 2:
            return torch.zeros(len(images))
        return self.strength * niche_counts(self.critic.features(images.detach()), self.radius).log()

    def score(self, images: torch.Tensor) -> torch.Tensor:
        raw = self.critic.score(images)
        return raw - self.penalty(images).to(raw.device, raw.dtype)

    def features(self, images: torch.Tensor) -> torch.Tensor:
        return self.critic.features(images)

    def learn(self, real: torch.Tensor, fake: torch.Tensor) -> dict[str, float]:
        return self.critic.learn(real, fake)

    def state_dict(self) -> dict[str, Any]:
        return self.critic.state_dict()

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.critic.load_state_dict(state)
