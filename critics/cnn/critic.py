"""The CNN critic: a DCGAN discriminator that scores images with logits and learns real from fake."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import torch

from coevo import losses
from coevo.devices import resolve_device
from coevo.rng import module_init
from critics.cnn.network import Discriminator


class CNNCritic:
    """A convolutional critic (``coevo.protocols.Critic``): ``score`` gives logits, ``learn`` one optimiser step.

    Scoring uses the network in eval mode, so a score does not depend on what else is in the batch. The
    default norm is spectral (layer for Wasserstein losses): batch norm's running statistics lag behind a
    shifting fake set, so an eval-mode batch-norm critic scores badly for its first few dozen steps.
    On CUDA it trains and scores under mixed precision (bf16 where supported, else fp16 with loss scaling).
    """

    def __init__(self, shape: tuple[int, int, int] = (1, 32, 32), device: str | torch.device = "cpu",
                 loss: str = "nonsaturating", norm: str | None = None, lr: float | None = None,
                 betas: tuple[float, float] | list[float] | None = None, width: int = 32, clip: float = 0.01,
                 penalty: float = 10.0, chunk: int = 512) -> None:
        self.shape = tuple(int(s) for s in shape)
        self.device = resolve_device(str(device))
        self.loss = losses.check(loss)
        wasserstein = loss in ("wgan", "wgan-gp")
        self.norm = norm or ("layer" if wasserstein else "spectral")
        if wasserstein and self.norm == "batch":
            raise ValueError(f"loss {loss!r} needs a critic without batch norm; use norm=layer, spectral or none")
        if width < 1 or chunk < 1:
            raise ValueError("width and chunk must be positive")
        self.clip, self.penalty, self.chunk = clip, penalty, chunk
        with module_init():
            self.net = self.network(width).to(self.device)
        self.opt = losses.make_optimizer(self.net.parameters(), self.loss, lr=lr, betas=betas)
        cuda = self.device.type == "cuda"
        self.amp_dtype = (torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16) if cuda else None
        self.scaler = torch.amp.GradScaler("cuda", enabled=self.amp_dtype is torch.float16)

    def network(self, width: int) -> torch.nn.Module:
        """The discriminator network (subclasses build theirs from the same settings)."""
        return Discriminator(self.shape, width, self.norm)

    @property
    def feature_size(self) -> int:
        """Length of the vectors ``features`` returns."""
        return self.net.features

    def _autocast(self) -> contextlib.AbstractContextManager:
        if self.amp_dtype is None:
            return contextlib.nullcontext()
        return torch.autocast(self.device.type, dtype=self.amp_dtype)

    def _check(self, images: torch.Tensor) -> None:
        if images.ndim != 4 or tuple(images.shape[1:]) != self.shape:
            raise ValueError(f"critic expects images (N, {', '.join(map(str, self.shape))}), got "
                             f"{tuple(images.shape)}; build it with the data's shape")

    def _chunks(self, images: torch.Tensor) -> Iterator[torch.Tensor]:
        for start in range(0, len(images), self.chunk):
            yield images[start: start + self.chunk].to(self.device, non_blocking=True)

    def score(self, images: torch.Tensor) -> torch.Tensor:
        """Logits ``(N,)`` (higher = more real), float32 on the images' device; differentiable w.r.t. images."""
        return self._score(images)

    def _score(self, images: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        self._check(images)
        self.net.eval()
        given = () if labels is None else (labels.to(self.device),)
        if torch.is_grad_enabled() and images.requires_grad:
            with self._autocast():
                return self.net(images.to(self.device), *given).float().to(images.device)
        with torch.no_grad(), self._autocast():
            parts = [self.net(part, *(g[start: start + self.chunk] for g in given)).float()
                     for start, part in zip(range(0, len(images), self.chunk), self._chunks(images))]
        return torch.cat(parts).to(images.device) if parts else torch.zeros(0, device=images.device)

    def features(self, images: torch.Tensor) -> torch.Tensor:
        """Penultimate activations ``(N, feature_size)`` float32 on the CPU, for diversity measures."""
        self._check(images)
        self.net.eval()
        with torch.no_grad(), self._autocast():
            parts = [self.net.body(part).float().cpu() for part in self._chunks(images)]
        return torch.cat(parts) if parts else torch.zeros(0, self.feature_size)

    def features_and_scores(self, images: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """``features(images)`` and ``score(images)`` (no gradient) from one pass through the network, chunk by
        chunk as ``score`` goes: the head runs on the body's output instead of a second body pass."""
        self._check(images)
        self.net.eval()
        features, scores = [], []
        with torch.no_grad(), self._autocast():
            for part in self._chunks(images):
                phi = self.net.body(part)
                features.append(phi.float().cpu())
                scores.append(self.net.head(phi).squeeze(1).float())
        if not scores:
            return torch.zeros(0, self.feature_size), torch.zeros(0, device=images.device)
        return torch.cat(features), torch.cat(scores).to(images.device)

    def learn(self, real: torch.Tensor, fake: torch.Tensor) -> dict[str, float]:
        """One optimiser step of the configured loss on a batch of real and a batch of fake images."""
        return self._learn(real, fake)

    def _learn(self, real: torch.Tensor, fake: torch.Tensor, labels: torch.Tensor | None = None) -> dict[str, float]:
        """One step; ``labels`` (real's then fake's, concatenated) go to a conditional network."""
        self._check(real)
        self._check(fake)
        real = real.detach().to(self.device)
        fake = fake.detach().to(self.device)
        given = () if labels is None else (labels.to(self.device),)
        self.net.train()
        self.opt.zero_grad(set_to_none=True)
        with self._autocast():
            logits = self.net(torch.cat([real, fake]), *given).float()  # one batch: batch-norm statistics of the mix
        on_real, on_fake = logits[: len(real)], logits[len(real):]
        loss = losses.critic_loss(self.loss, on_real, on_fake)
        metrics = {}
        if self.loss == "wgan-gp":  # conditional: the interpolates are judged as the real images' classes
            real_given = tuple(g[: len(real)] for g in given)
            penalty = losses.gradient_penalty(lambda x: self.net(x, *real_given), real.float(), fake.float())
            metrics["critic_penalty"] = penalty
            loss = loss + self.penalty * penalty
        self.scaler.scale(loss).backward()
        self.scaler.step(self.opt)
        self.scaler.update()
        if self.loss == "wgan":
            with torch.no_grad():
                for parameter in self.net.parameters():
                    parameter.clamp_(-self.clip, self.clip)
        metrics.update(critic_loss=loss, critic_real=on_real.mean(), critic_fake=on_fake.mean())
        return {name: float(value.detach()) for name, value in metrics.items()}

    def state_dict(self) -> dict[str, Any]:
        return {"net": self.net.state_dict(), "opt": self.opt.state_dict(), "scaler": self.scaler.state_dict()}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.net.load_state_dict(state["net"])
        self.opt.load_state_dict(state["opt"])
        if state.get("scaler"):
            self.scaler.load_state_dict(state["scaler"])
