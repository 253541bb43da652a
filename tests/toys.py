"""Tiny test-only artists and critics: fixtures for the loop's tests, not product."""

from __future__ import annotations

import time
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from coevo.rng import module_init, python_rng, randn
from coevo.toolkits.frozen import FrozenCritic


class ToyGenetics:
    """Genome = three floats (a, b, c); image = tanh(a*x + b*y + c) on a [-1, 1] grid."""

    def __init__(self, channels: int = 1) -> None:
        self.channels = channels

    def random_genome(self) -> list[float]:
        return [python_rng().uniform(-1, 1) for _ in range(3)]

    def mutate(self, genome: list[float], strength: float = 1.0) -> list[float]:
        return [g + python_rng().gauss(0.0, 0.3 * strength) for g in genome]

    def crossover(self, a: list[float], b: list[float]) -> tuple[list[float], list[float]]:
        rng = python_rng()
        swap = [rng.random() < 0.5 for _ in a]
        return ([y if s else x for x, y, s in zip(a, b, swap)], [x if s else y for x, y, s in zip(a, b, swap)])

    def render(self, genomes: list[list[float]], size: int) -> torch.Tensor:
        axis = torch.linspace(-1, 1, size)
        y, x = torch.meshgrid(axis, axis, indexing="ij")
        g = torch.tensor(genomes, dtype=torch.float32).view(-1, 3, 1, 1)
        image = torch.tanh(g[:, 0:1] * x + g[:, 1:2] * y + g[:, 2:3])
        return image.expand(-1, self.channels, -1, -1).contiguous()

    def options(self) -> dict[str, Any]:
        return {"channels": self.channels}

    def to_json(self, genome: list[float]) -> dict[str, Any]:
        return {"weights": list(genome)}

    def from_json(self, data: dict[str, Any]) -> list[float]:
        from coevo.errors import CoevoError

        weights = data.get("weights")
        if not (isinstance(weights, list) and len(weights) == 3):
            raise CoevoError("toy genome needs 'weights': three numbers")
        return [float(w) for w in weights]


class BrightnessCritic(FrozenCritic):
    """A fixed critic preferring bright images; learns nothing."""

    def __init__(self, shape: tuple[int, int, int] = (1, 8, 8)) -> None:
        self.shape = shape

    def score(self, images: torch.Tensor) -> torch.Tensor:
        return images.mean(dim=(1, 2, 3))


class TinyCritic:
    """A logistic-regression discriminator; ``delay`` slows scoring so tests can kill a run mid-way."""

    def __init__(self, shape: tuple[int, int, int] = (1, 8, 8), delay: float = 0.0, lr: float = 0.01) -> None:
        with module_init():
            self.net = nn.Linear(shape[0] * shape[1] * shape[2], 1)
        self.opt = torch.optim.Adam(self.net.parameters(), lr=lr)
        self.delay = delay

    def score(self, images: torch.Tensor) -> torch.Tensor:
        if self.delay:
            time.sleep(self.delay)
        return self.net(images.flatten(1)).squeeze(1)

    def learn(self, real: torch.Tensor, fake: torch.Tensor) -> dict[str, float]:
        self.opt.zero_grad(set_to_none=True)
        logits_real, logits_fake = self.score(real), self.score(fake.detach())
        loss = F.softplus(-logits_real).mean() + F.softplus(logits_fake).mean()
        loss.backward()
        self.opt.step()
        return {"critic_loss": loss.item()}

    def state_dict(self) -> dict[str, Any]:
        return {"net": self.net.state_dict(), "opt": self.opt.state_dict()}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.net.load_state_dict(state["net"])
        self.opt.load_state_dict(state["opt"])


class TinyGenerator:
    """A gradient artist: a linear generator from an 8-d latent, trained by the non-saturating loss."""

    def __init__(self, shape: tuple[int, int, int] = (1, 8, 8), batch: int = 16, lr: float = 0.01) -> None:
        self.shape, self.batch = shape, batch
        with module_init():
            self.net = nn.Linear(8, shape[0] * shape[1] * shape[2])
        self.opt = torch.optim.Adam(self.net.parameters(), lr=lr)

    def ask(self):  # -> Proposal
        from coevo.protocols import Proposal

        z = randn(self.batch, 8)
        return Proposal(images=torch.tanh(self.net(z)).view(self.batch, *self.shape), extra={"z": z})

    def tell(self, proposal, scores: torch.Tensor) -> dict[str, float]:
        self.opt.zero_grad(set_to_none=True)
        loss = F.softplus(-scores).mean()
        loss.backward()
        self.opt.step()
        return {"artist_loss": loss.item()}

    def state_dict(self) -> dict[str, Any]:
        return {"net": self.net.state_dict(), "opt": self.opt.state_dict()}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.net.load_state_dict(state["net"])
        self.opt.load_state_dict(state["opt"])


class ToyClassifier(BrightnessCritic):
    """A fixed "classifier" of mean brightness into three classes (dark, grey, bright); ``delay`` seconds per
    call slow it down for kill tests. It takes (and ignores) the classifier critic's ``data`` and ``steps``."""

    classes = 3

    def __init__(self, shape: tuple[int, int, int] = (1, 8, 8), data: str = "", steps: int = 0,
                 delay: float = 0.0) -> None:
        self.shape, self.delay = shape, delay

    def confidences(self, images: torch.Tensor) -> torch.Tensor:
        time.sleep(self.delay)
        mean = images.detach().float().mean(dim=(1, 2, 3))
        return torch.softmax(torch.stack([-4 * mean, 1 - 8 * mean.abs(), 4 * mean], dim=1), dim=1)

    def score(self, images: torch.Tensor) -> torch.Tensor:
        return self.confidences(images).max(1).values
