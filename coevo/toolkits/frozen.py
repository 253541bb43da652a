"""A critic that never learns and keeps no state: the base of choosers (a person's click, a learned critic's
pick, a grid's placeholder) that stand in a game's critic seat without being trained."""

from __future__ import annotations

from typing import Any

import torch


class FrozenCritic:
    """``learn``, ``state_dict`` and ``load_state_dict`` of a critic with nothing to learn or save; subclasses give
    ``score``."""

    def score(self, images: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError

    def learn(self, real: torch.Tensor, fake: torch.Tensor) -> dict[str, float]:
        return {}

    def state_dict(self) -> dict[str, Any]:
        return {}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        pass
