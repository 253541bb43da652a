"""A template artist for coevo: an evolution strategy over a small grid of pixel values (see docs/plugins.md).

It implements ``coevo.protocols.Artist`` directly: ``ask`` proposes ``batch`` noisy copies of a mean picture,
``tell`` moves the mean towards the copies the critic scored highest (a natural evolution strategy, Wierstra et
al. 2014; OpenAI-ES, Salimans et al. 2017). Run it with::

    PYTHONPATH=docs/plugins coevo run --artist template_artist:TemplateArtist --critic template_critic:TemplateCritic
"""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F

from coevo import rng
from coevo.protocols import Proposal


class TemplateArtist:
    """A mean picture of ``grid`` × ``grid`` values per channel, blown up to the image size and squashed by tanh.

    The constructor's ``shape`` and ``batch`` are provided by the program (the image shape (C, H, W) and the
    run's ``--pop``); ``grid``, ``sigma`` and ``lr`` are options (``--artist-option sigma=0.3``).
    """

    def __init__(self, shape: tuple[int, int, int], batch: int = 16, grid: int = 8, sigma: float = 0.5,
                 lr: float = 0.3) -> None:
        if grid < 1 or sigma <= 0 or lr <= 0:
            raise ValueError("grid must be at least 1, sigma and lr above 0")
        self.shape = tuple(shape)
        self.batch = max(2, int(batch))
        self.sigma = float(sigma)
        self.lr = float(lr)
        # Randomness from the run's own torch generator (``coevo.rng``): the run seeds it and keeps its state in
        # every checkpoint, so a resumed run draws the same numbers as one never interrupted.
        self.mean = 0.1 * rng.randn(shape[0], grid, grid)

    def draw(self, values: torch.Tensor) -> torch.Tensor:
        """Values ``(N, C, grid, grid)`` to images ``(N, C, H, W)``: float32 in [-1, 1], the image convention."""
        return torch.tanh(F.interpolate(values, size=self.shape[1:], mode="bilinear", align_corners=False))

    def ask(self) -> Proposal:
        """``batch`` pictures: the mean plus Gaussian noise; the noise rides along in ``extra`` for ``tell``."""
        noise = rng.randn(self.batch, *self.mean.shape)
        images = self.draw(self.mean + self.sigma * noise)
        return Proposal(images=images, extra={"noise": noise})

    def tell(self, proposal: Proposal, scores: torch.Tensor) -> dict[str, float]:
        """Step the mean along the score-weighted noise (scores standardised, so their scale does not matter);
        returns metrics for the round's line in metrics.jsonl."""
        scores = scores.detach().float().cpu().flatten()
        weights = (scores - scores.mean()) / (scores.std() + 1e-8)
        noise = proposal.extra["noise"]
        step = (weights.view(-1, 1, 1, 1) * noise).mean(dim=0) / self.sigma
        self.mean = self.mean + self.lr * step
        return {"template_step": float(step.norm())}

    def sample(self, n: int) -> torch.Tensor:
        """Fresh pictures (``coevo.protocols.Sampler``), e.g. for ``coevo compare``."""
        return self.draw(self.mean + self.sigma * rng.randn(n, *self.mean.shape))

    def state_dict(self) -> dict[str, Any]:
        """Everything ``tell`` has learned; checkpointed with the run (``coevo resume`` loads it back)."""
        return {"mean": self.mean.clone()}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.mean = state["mean"].clone()
