"""The CNN critic: a DCGAN discriminator that scores images with logits and learns real from fake."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any, ClassVar

import torch

from coevo import losses
from coevo.devices import resolve_device
from coevo.rng import module_init
from coevo.training.settings import Limits
from critics.cnn.minibatch import std_in_body
from critics.cnn.network import FULL_WIDTH, Discriminator
from critics.cnn.unrolled import UNROLLED, unrolled_scores


class CNNCritic:
    """A convolutional critic (``coevo.protocols.Critic``): ``score`` gives logits, ``learn`` one optimiser step.

    Scoring uses the network in eval mode, so a score does not depend on what else is in the batch. The
    default norm is spectral (layer for Wasserstein losses): batch norm's running statistics lag behind a
    shifting fake set, so an eval-mode batch-norm critic scores badly for its first few dozen steps.
    On CUDA it trains and scores under mixed precision (bf16 where supported, else fp16 with loss scaling).

    Remedies for mode collapse, as options: ``minibatch=K`` minibatch discrimination with K kernels of ``dims``
    numbers (Salimans et al. 2016: 100 × 5), or ``mbstd=G`` the minibatch standard deviation over groups of G
    (Karras et al. 2018: 4), both before the head (``critics.cnn.minibatch``; a batch's scores then depend on
    the batch, as they must), the std with ``mbstd_at=body`` where Karras et al. put it instead: one more feature
    map into a last 3×3 convolution (the MLP critic: into its last maxout layer); ``pack=m`` judges m images at
    once, stacked on the channels (PacGAN, Lin et al. 2018: each image gets its pack's score); ``unroll=k``
    scores the generator's images with the critic after k further Adam steps on them and the last real batch,
    differentiable through the steps (unrolled GAN, Metz et al. 2017; the critic itself does not move).
    Above ``full_width`` px the first stage's channels halve per doubling of the side (``first_channels``).
    """

    # option bounds (coevo.training.settings.check_options)
    LIMITS: ClassVar[Limits] = {"width": (1, 512), "chunk": (1, 65536), "full_width": (0, 65536)}

    def __init__(self, shape: tuple[int, int, int] = (1, 32, 32), device: str | torch.device = "cpu",
                 loss: str = "nonsaturating", norm: str | None = None, lr: float | None = None,
                 betas: tuple[float, float] | list[float] | None = None, width: int = 32, clip: float = 0.01,
                 penalty: float = 10.0, chunk: int = 512, minibatch: int = 0, dims: int = 5, mbstd: int = 0,
                 pack: int = 1, unroll: int = 0, channels_last: bool = False, mbstd_at: str = "head",
                 full_width: int = FULL_WIDTH) -> None:
        if not 1 <= pack <= 16 or not 0 <= unroll <= 50:
            raise ValueError(f"pack takes 1..16 images and unroll 0..50 steps (got pack={pack}, unroll={unroll})")
        std_in_body(mbstd_at, mbstd)
        self.mbstd_at = mbstd_at
        if unroll and loss not in UNROLLED:
            raise ValueError(f"unroll needs an Adam critic without a penalty: loss {', '.join(UNROLLED)}")
        self.minibatch, self.dims, self.mbstd, self.pack, self.unroll = minibatch, dims, mbstd, pack, unroll
        self.last_real: torch.Tensor | None = None  # the last real batch learned from (for unrolling)
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
        self.full_width = int(full_width)
        with module_init():
            self.net = self.network(width).to(self.device)
        self.channels_last = bool(channels_last)  # NHWC: ~1.4-1.7x faster on CPU, results differ in the last bits
        if self.channels_last:
            self.net = self.net.to(memory_format=torch.channels_last)
        self.opt = losses.make_optimizer(self.net.parameters(), self.loss, lr=lr, betas=betas)
        cuda = self.device.type == "cuda"
        self.amp_dtype = (torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16) if cuda else None
        self.scaler = torch.amp.GradScaler("cuda", enabled=self.amp_dtype is torch.float16)

    def network(self, width: int) -> torch.nn.Module:
        """The discriminator network (subclasses build theirs from the same settings)."""
        channels, height, width_px = self.shape
        return Discriminator((channels * self.pack, height, width_px), width, self.norm, self.minibatch, self.dims,
                             self.mbstd, self.mbstd_at, self.full_width)

    def _pack(self, images: torch.Tensor) -> torch.Tensor:
        """``(N, C, H, W)`` as ⌈N/m⌉ packs ``(⌈N/m⌉, m·C, H, W)`` of consecutive images (PacGAN); the last pack
        is filled with the first images again."""
        m = self.pack
        if m == 1:
            return images
        n, (channels, height, width) = len(images), images.shape[1:]
        if n == 0:
            return images.new_zeros(0, m * channels, height, width)
        if n % m:
            images = images[torch.arange(n + (-n % m), device=images.device) % n]
        return images.reshape(-1, m * channels, height, width)

    def _spread(self, per_pack: torch.Tensor, n: int) -> torch.Tensor:
        """Each image's value: its pack's (rows of ``per_pack`` repeated m times, cut to ``n``)."""
        return per_pack if self.pack == 1 else per_pack.repeat_interleave(self.pack, dim=0)[:n]

    @property
    def feature_size(self) -> int:
        """Length of the vectors ``features`` returns."""
        return self.net.features

    def _autocast(self) -> contextlib.AbstractContextManager:
        if self.amp_dtype is None:
            return contextlib.nullcontext()
        return torch.autocast(self.device.type, dtype=self.amp_dtype)

    def _layout(self, images: torch.Tensor) -> torch.Tensor:
        """The network's input in its memory format (channels-last where the critic computes so)."""
        return images.contiguous(memory_format=torch.channels_last) if self.channels_last else images

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
        n = len(images)
        if torch.is_grad_enabled() and images.requires_grad:
            if self.unroll and self.last_real is not None and labels is None:
                return unrolled_scores(self, images.to(self.device)).float().to(images.device)
            with self._autocast():
                return self._spread(self.net(self._layout(self._pack(images.to(self.device))), *given).float(),
                                    n).to(images.device)
        packed = self._pack(images)
        with torch.no_grad(), self._autocast():
            parts = [self.net(self._layout(part), *(g[start: start + self.chunk] for g in given)).float()
                     for start, part in zip(range(0, len(packed), self.chunk), self._chunks(packed))]
        return self._spread(torch.cat(parts), n).to(images.device) if parts else torch.zeros(0, device=images.device)

    def features(self, images: torch.Tensor) -> torch.Tensor:
        """Penultimate activations ``(N, feature_size)`` float32 on the CPU, for diversity measures."""
        self._check(images)
        self.net.eval()
        with torch.no_grad(), self._autocast():
            parts = [self.net.body(self._layout(part)).float().cpu() for part in self._chunks(self._pack(images))]
        return self._spread(torch.cat(parts), len(images)) if parts else torch.zeros(0, self.feature_size)

    def features_and_scores(self, images: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """``features(images)`` and ``score(images)`` (no gradient) from one pass through the network, chunk by
        chunk as ``score`` goes: the head runs on the body's output instead of a second body pass."""
        self._check(images)
        self.net.eval()
        features, scores = [], []
        with torch.no_grad(), self._autocast():
            for part in self._chunks(self._pack(images)):
                phi = self.net.body(self._layout(part))
                features.append(phi.float().cpu())
                scores.append(self.net.judge(phi).float())
        if not scores:
            return torch.zeros(0, self.feature_size), torch.zeros(0, device=images.device)
        n = len(images)
        return self._spread(torch.cat(features), n), self._spread(torch.cat(scores), n).to(images.device)

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
        if self.unroll:
            self.last_real = real
        real, fake = self._pack(real), self._pack(fake)
        self.net.train()
        self.opt.zero_grad(set_to_none=True)
        with self._autocast():  # one batch: batch-norm statistics of the mix; minibatch features of each half
            logits = self.net(self._layout(torch.cat([real, fake])), *given, sizes=(len(real), len(fake))).float()
        on_real, on_fake = logits[: len(real)], logits[len(real):]
        loss = losses.critic_loss(self.loss, on_real, on_fake)
        metrics = {}
        if self.loss == "wgan-gp":  # conditional: the interpolates are judged as the real images' classes
            real_given = tuple(g[: len(real)] for g in given)
            penalty = losses.gradient_penalty(lambda x: self.net(self._layout(x), *real_given), real.float(),
                                              fake.float())
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

    def loss_gradient_norm(self, real: torch.Tensor, fake: torch.Tensor) -> float:
        """‖∇θ L(real, fake)‖: the L2 norm of the gradient of the critic's loss (``learn``'s, without a penalty)
        with respect to its parameters, in eval mode: nothing moves, no ``.grad`` is written (E-GAN's
        diversity fitness, ``coevo.protocols.LossGradientCritic``)."""
        self._check(real)
        self._check(fake)
        real = self._pack(real.detach().to(self.device))
        fake = self._pack(fake.detach().to(self.device))
        self.net.eval()
        params = [p for p in self.net.parameters() if p.requires_grad]
        with torch.enable_grad(), self._autocast():
            logits = self.net(torch.cat([real, fake]), sizes=(len(real), len(fake))).float()
            loss = losses.critic_loss(self.loss, logits[: len(real)], logits[len(real):])
        grads = torch.autograd.grad(loss, params, allow_unused=True)
        return float(torch.stack([g.double().pow(2).sum() for g in grads if g is not None]).sum().sqrt())

    def state_dict(self) -> dict[str, Any]:
        state = {"net": self.net.state_dict(), "opt": self.opt.state_dict(), "scaler": self.scaler.state_dict()}
        return state | ({"last_real": self.last_real.cpu()} if self.last_real is not None else {})

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.net.load_state_dict(state["net"])
        self.opt.load_state_dict(state["opt"])
        if state.get("scaler"):
            self.scaler.load_state_dict(state["scaler"])
        if state.get("last_real") is not None:
            self.last_real = state["last_real"].to(self.device)
