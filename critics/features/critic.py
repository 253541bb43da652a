"""``FeaturesCritic``: a small MLP that tells real from fake on ``coevo.toolkits.imagefeatures`` (complexity, Vickers'
metrics, colour), as Machado, Romero & Manaris (2008) train an ANN on complexity estimates and Vickers,
Soderlund & Blair (2017) evolve critics on their 19/33 image metrics."""

from __future__ import annotations

from typing import Any, ClassVar

import torch
from torch import nn

from coevo import losses
from coevo.devices import resolve_device
from coevo.rng import module_init
from coevo.toolkits.featurecache import FeatureCache
from coevo.toolkits.imagefeatures import feature_names
from coevo.training.settings import Limits

LOSSES = ("minimax", "nonsaturating", "hinge")  # the features are not differentiable: no gradient penalty


class FeaturesCritic:
    """An MLP on image features (``coevo.protocols.FeatureCritic``): ``score`` gives logits (> 0: real),
    ``learn`` one optimiser step of the run's loss; the features are standardised by the mean and spread of the
    first batch it learns from (kept in its state)."""

    # option bounds (coevo.training.settings.check_options)
    LIMITS: ClassVar[Limits] = {"hidden": (1, 4096), "layers": (1, 64), "cache": (0, 10_000_000)}

    def __init__(self, shape: tuple[int, int, int] = (1, 32, 32), device: str | torch.device = "cpu",
                 loss: str = "nonsaturating", hidden: int = 64, layers: int = 2, lr: float = 1e-3,
                 betas: tuple[float, float] | list[float] | None = None, cache: int = 200_000) -> None:
        self.shape = tuple(int(s) for s in shape)
        if self.shape[0] not in (1, 3):
            raise ValueError(f"the features critic takes grey or RGB images, not {self.shape[0]} channels")
        if loss not in LOSSES:
            raise ValueError(f"the features critic learns with {', '.join(LOSSES)} (features have no gradient), "
                             f"not {loss!r}")
        if hidden < 1 or layers < 1:
            raise ValueError("hidden and layers must be positive")
        self.loss, self.device = loss, resolve_device(str(device))
        self.names = feature_names(self.shape[0])
        size, body = len(self.names), []
        with module_init():
            for _ in range(layers):
                body += [nn.Linear(size, hidden), nn.LeakyReLU(0.2)]
                size = hidden
            self.net = nn.Sequential(*body, nn.Linear(size, 1)).to(self.device)
        self.opt = losses.make_optimizer(self.net.parameters(), loss, lr=lr, betas=betas)
        self.mean = torch.zeros(len(self.names))
        self.spread = torch.ones(len(self.names))
        self.fitted = False
        self.cache = FeatureCache(cache)

    def _check(self, images: torch.Tensor) -> None:
        if images.ndim != 4 or tuple(images.shape[1:]) != self.shape:
            raise ValueError(f"critic expects images (N, {', '.join(map(str, self.shape))}), got "
                             f"{tuple(images.shape)}; build it with the data's shape")

    def features(self, images: torch.Tensor) -> torch.Tensor:
        """Standardised image features ``(N, F)`` on the CPU (``coevo.toolkits.imagefeatures``; names in
        ``self.names``)."""
        self._check(images)
        if len(images) == 0:
            return torch.zeros(0, len(self.names))
        return (self.cache(images) - self.mean) / self.spread

    def score(self, images: torch.Tensor) -> torch.Tensor:
        """Logits ``(N,)`` float32 on the images' device (not differentiable w.r.t. the images)."""
        x = self.features(images).to(self.device)
        with torch.no_grad():
            return self.net(x)[:, 0].float().to(images.device) if len(x) else torch.zeros(0, device=images.device)

    def learn(self, real: torch.Tensor, fake: torch.Tensor) -> dict[str, float]:
        """One optimiser step on a batch of real and a batch of fake images."""
        if not self.fitted:
            raw = self.cache(torch.cat([real.detach().cpu(), fake.detach().cpu()]))
            self.mean, self.spread = raw.mean(dim=0), raw.std(dim=0).clamp_min(1e-3)
            self.fitted = True
        x = torch.cat([self.features(real), self.features(fake)]).to(self.device)
        self.opt.zero_grad(set_to_none=True)
        logits = self.net(x)[:, 0]
        on_real, on_fake = logits[: len(real)], logits[len(real):]
        loss = losses.critic_loss(self.loss, on_real, on_fake)
        loss.backward()
        self.opt.step()
        return {"critic_loss": float(loss.detach()), "critic_real": float(on_real.detach().mean()),
                "critic_fake": float(on_fake.detach().mean())}

    def state_dict(self) -> dict[str, Any]:
        return {"net": self.net.state_dict(), "opt": self.opt.state_dict(), "mean": self.mean,
                "spread": self.spread, "fitted": self.fitted}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.net.load_state_dict(state["net"])
        self.opt.load_state_dict(state["opt"])
        self.mean, self.spread, self.fitted = state["mean"], state["spread"], bool(state["fitted"])
