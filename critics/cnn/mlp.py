"""The maxout MLP critic: PacGAN's discriminator for its 2-D benchmarks (Lin et al. 2018, after ALI): three
maxout layers of 200 units with 5 pieces, then a linear logit, N(0, 0.02) weights and zero biases.

It is the CNN critic with another network, so its losses, optimiser and the remedies (``minibatch``, ``mbstd``,
``mbstd_at``, ``pack``, ``unroll``) are the same code; it judges images of any shape, flattened.
"""

from __future__ import annotations

from typing import ClassVar

import torch
from torch import nn

from coevo.training.settings import Limits
from critics.cnn.critic import CNNCritic
from critics.cnn.minibatch import MinibatchStdInto, std_in_body
from critics.cnn.network import HeadedNet, _weighted


class Maxout(nn.Module):
    """``out`` units, each the largest of ``pieces`` linear functions of the input."""

    def __init__(self, features: int, out: int, pieces: int, norm: str) -> None:
        super().__init__()
        self.out, self.pieces = out, pieces
        self.linear = _weighted(nn.Linear(features, out * pieces), norm)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.linear(x).view(x.shape[0], self.out, self.pieces).amax(dim=2)


class MaxoutDiscriminator(HeadedNet):
    """Image -> logit ``(N,)`` as ``critics.cnn.network.Discriminator``: ``body`` (the maxout layers, the
    penultimate features), ``mix`` (minibatch features, none by default) and the linear ``head``. With
    ``mbstd_at=body`` the last maxout layer is the ``mix``'s: it takes the group's standard deviation as one more
    input (Karras et al.'s placement), and ``body`` ends one layer earlier."""

    def __init__(self, shape: tuple[int, int, int], width: int = 200, layers: int = 3, pieces: int = 5,
                 norm: str = "none", minibatch: int = 0, dims: int = 5, mbstd: int = 0,
                 mbstd_at: str = "head") -> None:
        super().__init__()
        inside = std_in_body(mbstd_at, mbstd)
        channels, height, width_px = shape
        stack: list[nn.Module] = [nn.Flatten()]
        features = channels * height * width_px
        for _ in range(layers - inside):
            stack.append(Maxout(features, width, pieces, norm))
            features = width
        self.body = nn.Sequential(*stack)
        mix = MinibatchStdInto(mbstd, Maxout(features + 1, width, pieces, norm), features, width) if inside else None
        self.add_head(features, norm, minibatch, dims, mbstd, mix)


class MLPCritic(CNNCritic):
    """PacGAN's maxout MLP discriminator as a critic: ``width`` (200) units per layer, ``layers`` (3) maxout layers
    of ``pieces`` (5); no normalisation by default (``norm=spectral`` puts spectral norm on every layer); every
    other option as ``cnn``."""

    LIMITS: ClassVar[Limits] = {**CNNCritic.LIMITS, "width": (1, 4096), "layers": (1, 16), "pieces": (1, 16)}

    def __init__(self, shape: tuple[int, int, int] = (2, 1, 1), device: str | torch.device = "cpu",
                 loss: str = "nonsaturating", norm: str | None = "none", lr: float | None = None,
                 betas: tuple[float, float] | list[float] | None = None, width: int = 200, clip: float = 0.01,
                 penalty: float = 10.0, chunk: int = 512, minibatch: int = 0, dims: int = 5, mbstd: int = 0,
                 pack: int = 1, unroll: int = 0, layers: int = 3, pieces: int = 5, mbstd_at: str = "head") -> None:
        if norm not in ("none", "spectral"):
            raise ValueError(f"the MLP critic takes norm=none or norm=spectral, not {norm!r}")
        self.layers, self.pieces = layers, pieces
        super().__init__(shape, device, loss, norm, lr, betas, width, clip, penalty, chunk, minibatch, dims, mbstd,
                         pack, unroll, mbstd_at=mbstd_at)

    def network(self, width: int) -> torch.nn.Module:
        channels, height, width_px = self.shape
        return MaxoutDiscriminator((channels * self.pack, height, width_px), width, self.layers, self.pieces,
                                   self.norm, self.minibatch, self.dims, self.mbstd, self.mbstd_at)
