"""``ClassifierCritic``: scores images by a trained, then frozen, classifier's confidence; it learns nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

import torch
import torch.nn.functional as F

from coevo.data import ImageSet, load_data
from coevo.toolkits.classifier import LeNet, cached_classifier
from coevo.training.settings import Limits


class ClassifierCritic:
    """Confidence of a fixed LeNet (trained once on ``data`` and cached) that an image shows class ``target``
    (or, with ``target = -1``, any class: the top confidence). With ``holdout`` it learns only the images
    ``ImageSet.split(holdout)`` keeps for training, so an independent judge can learn the held-out ones."""

    # option bounds (coevo.training.settings.check_options): training steps of the cached LeNet
    LIMITS: ClassVar[Limits] = {"steps": (1, 1_000_000), "holdout": (0.0, 0.5)}

    def __init__(self, shape: tuple[int, int, int] = (1, 28, 28), device: str | torch.device = "cpu",
                 data: str = "digits", target: int = -1, steps: int = 800, cache_dir: str | None = None,
                 holdout: float = 0.0) -> None:
        images = load_data(data, shape[1], shape[0])
        if holdout > 0:
            images = images.split(holdout)[0]
        self.model = self.trained(images, steps, cache_dir, device)
        if not -1 <= target < self.model.classes:
            raise ValueError(f"target must be -1 (any class) or a class 0..{self.model.classes - 1}, got {target}")
        self.target = target

    @staticmethod
    def trained(images: ImageSet, steps: int, cache_dir: str | Path | None, device: str | torch.device) -> LeNet:
        return cached_classifier(images, cache_dir, steps=steps, device=device)

    @property
    def classes(self) -> int:
        return self.model.classes

    def confidences(self, images: torch.Tensor) -> torch.Tensor:
        """Softmax class probabilities ``(N, classes)`` (computed in float64 at the end): on the CPU, or, for
        images that carry a graph (gradient artists), differentiable and on the images' device."""
        if torch.is_grad_enabled() and images.requires_grad:
            device = next(self.model.parameters()).device
            logits = self.model(images.float().to(device)).double()
            return F.softmax(logits, dim=1).to(images.device)
        return self.model.probabilities(images.detach().float())

    def score(self, images: torch.Tensor) -> torch.Tensor:
        confidences = self.confidences(images)
        return confidences.max(1).values if self.target < 0 else confidences[:, self.target]

    def learn(self, real: torch.Tensor, fake: torch.Tensor) -> dict[str, float]:
        return {}

    def state_dict(self) -> dict[str, Any]:
        return {"target": self.target}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.target = int(state["target"])
