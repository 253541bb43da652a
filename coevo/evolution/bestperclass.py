"""Each class's best image so far and its confidence: what a gradient fooler (``pixels``, the PPGN sampler)
reports as ``GradientFooler.scores``/``elites``/``metrics``, as ``MapElites`` does for its cells."""

from __future__ import annotations

from typing import Any

import torch


class BestPerClass:
    """The best-scored image per class; a tie replaces the kept one (the later image wins)."""

    def __init__(self, classes: int) -> None:
        self.best: list[tuple[float, torch.Tensor] | None] = [None] * classes

    def crown(self, targets: torch.Tensor, confidence: torch.Tensor, images: torch.Tensor) -> None:
        """Keep, per class, the image aimed at it (``targets``) with the highest ``confidence`` if it ties or beats
        the one kept."""
        for cls in range(len(self.best)):
            mine = (targets == cls).nonzero().squeeze(1)
            if len(mine):
                pick = mine[int(confidence[mine].argmax())]
                current = self.best[cls]
                if current is None or float(confidence[pick]) >= current[0]:
                    self.best[cls] = (float(confidence[pick]), images[pick].clone())

    def scores(self) -> torch.Tensor:
        return torch.tensor([-float("inf") if b is None else b[0] for b in self.best], dtype=torch.float64)

    def elites(self) -> list[torch.Tensor | None]:
        """Each class's best image (None for a class no image aims at)."""
        return [None if b is None else b[1] for b in self.best]

    def metrics(self) -> dict[str, float]:
        """``confidence_K`` per class, ``confidence_min`` and ``confidence_mean``."""
        values = self.scores().tolist()
        return {**{f"confidence_{c}": v for c, v in enumerate(values)}, "confidence_min": min(values),
                "confidence_mean": sum(values) / len(values)}

    def state(self) -> list[Any]:
        return [None if b is None else [b[0], b[1]] for b in self.best]

    def load(self, state: list[Any]) -> None:
        self.best = [None if b is None else (float(b[0]), b[1]) for b in state]
