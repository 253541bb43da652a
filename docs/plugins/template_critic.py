"""A template critic for coevo: logistic regression on average-pooled pixels (see docs/plugins.md).

It implements ``coevo.protocols.Critic``: ``score`` gives one logit per image (higher = more real), ``learn``
takes one Adam step of binary cross-entropy on a real and a fake batch. Run it with::

    PYTHONPATH=docs/plugins coevo run --critic template_critic:TemplateCritic
"""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from coevo.rng import module_init


class TemplateCritic:
    """Pools each image to ``pool`` × ``pool`` cells and reads a logit off them with one linear layer.

    The constructor's ``shape`` (C, H, W) is provided by the program; ``pool`` and ``lr`` are options
    (``--critic-option lr=0.01``).
    """

    def __init__(self, shape: tuple[int, int, int], pool: int = 8, lr: float = 0.01) -> None:
        if pool < 1 or lr <= 0:
            raise ValueError("pool must be at least 1 and lr above 0")
        self.pool = int(pool)
        with module_init():  # its initial weights drawn from the run's torch generator, as the run's seed says
            self.net = nn.Linear(shape[0] * self.pool * self.pool, 1)
        self.optimizer = torch.optim.Adam(self.net.parameters(), lr=float(lr))

    def logits(self, images: torch.Tensor) -> torch.Tensor:
        pooled = F.adaptive_avg_pool2d(images.float().cpu(), self.pool)
        return self.net(pooled.flatten(1)).squeeze(1)

    def score(self, images: torch.Tensor) -> torch.Tensor:
        """One score per image, ``(N,)``: higher = more real. No graph is kept (gradient artists need one)."""
        with torch.no_grad():
            return self.logits(images)

    def learn(self, real: torch.Tensor, fake: torch.Tensor) -> dict[str, float]:
        """One step: real images towards 1, fakes towards 0; returns metrics for the round's line."""
        real_logits, fake_logits = self.logits(real), self.logits(fake.detach())
        loss = (F.binary_cross_entropy_with_logits(real_logits, torch.ones_like(real_logits))
                + F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits)))
        self.optimizer.zero_grad()
        loss.backward()
        self.optimizer.step()
        return {"template_critic_loss": loss.item()}

    def state_dict(self) -> dict[str, Any]:
        """The weights and the optimiser's moments: a resumed run continues exactly where it stopped."""
        return {"net": self.net.state_dict(), "optimizer": self.optimizer.state_dict()}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.net.load_state_dict(state["net"])
        self.optimizer.load_state_dict(state["optimizer"])
