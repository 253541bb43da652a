"""A DCGAN-style discriminator sized from the image shape: strided convolutions, LeakyReLU 0.2, no pooling."""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn
from torch.nn.utils.parametrizations import spectral_norm

from critics.cnn.minibatch import MinibatchStdInto, minibatch_layer, std_in_body

NORMS = ("batch", "spectral", "layer", "none")
FULL_WIDTH = 64  # the largest image side whose first stage has the full width (``first_channels``)


def stage_count(side: int) -> int:
    """Stride-2 stages that bring ``side`` down to 4 pixels or less (at least one): 28 -> 3, 32 -> 3, 64 -> 4."""
    stages = 1
    while (side := (side + 1) // 2) > 4:
        stages += 1
    return stages


def first_channels(width: int, side: int, full_width: int = FULL_WIDTH) -> int:
    """The first stage's channels: ``width`` up to a side of ``full_width`` px; above it, half as many per doubling
    of the side (at least one), as ProGAN sets a map's channels by its resolution (Karras et al. 2018): a larger
    image's critic is the smaller one's with a narrow stage in front, not full-width stages at every resolution
    (the 128-px critic costs ~1.35x the 64-px one, not ~4.7x). ``full_width`` 0: ``width`` at every side (the rule
    of runs made before it)."""
    channels = width
    while full_width and side > full_width and channels > 1:
        side, channels = (side + 1) // 2, channels // 2
    return channels


def _weighted(layer: nn.Conv2d | nn.Linear, norm: str) -> nn.Module:
    """DCGAN's N(0, 0.02) initialisation (Radford et al. 2016), then spectral norm if asked."""
    nn.init.normal_(layer.weight, 0.0, 0.02)
    if layer.bias is not None:
        nn.init.zeros_(layer.bias)
    return spectral_norm(layer) if norm == "spectral" else layer


def _conv(cin: int, cout: int, norm: str, kernel: int = 4, stride: int = 2) -> nn.Module:
    bias = norm in ("none", "spectral")  # a following norm layer has its own shift
    return _weighted(nn.Conv2d(cin, cout, kernel_size=kernel, stride=stride, padding=1, bias=bias), norm)


def _norm(channels: int, norm: str) -> nn.Module:
    if norm == "batch":
        layer: nn.Module = nn.BatchNorm2d(channels)
    elif norm == "layer":
        layer = nn.GroupNorm(1, channels)  # LayerNorm over (C, H, W): no batch statistics, safe for WGAN-GP
    else:
        return nn.Identity()
    nn.init.normal_(layer.weight, 1.0, 0.02)
    nn.init.zeros_(layer.bias)
    return layer


class HeadedNet(nn.Module):
    """A ``body`` (set by the subclass) whose ``features`` go through ``mix`` (minibatch features,
    ``critics.cnn.minibatch``; none by default) to a linear ``head``: image -> logit ``(N,)``."""

    body: nn.Module

    def add_head(self, features: int, norm: str, minibatch: int, dims: int, mbstd: int,
                 mix: nn.Module | None = None) -> None:
        """The minibatch layer (``mix`` when given, else the options') and the DCGAN-initialised linear head after
        ``features`` body features."""
        self.mix = minibatch_layer(features, minibatch, dims, mbstd) if mix is None else mix
        self.head = _weighted(nn.Linear(features + self.mix.extra, 1), norm)
        self.features = features

    def judge(self, phi: torch.Tensor, sizes: Sequence[int] | None = None) -> torch.Tensor:
        """Logits ``(N,)`` from body features (the batch ``sizes`` measured apart by a minibatch layer)."""
        return self.head(self.mix(phi, sizes)).squeeze(1)

    def forward(self, images: torch.Tensor, sizes: Sequence[int] | None = None) -> torch.Tensor:
        return self.judge(self.body(images), sizes)


class Discriminator(HeadedNet):
    """Image ``(N, C, H, W)`` -> logit ``(N,)``; ``body`` gives the penultimate features used for diversity,
    ``mix`` appends minibatch features to them (``critics.cnn.minibatch``; none by default) before the head.
    ``mbstd_at=body`` (with ``mbstd``): Karras et al.'s placement instead, the group's standard deviation as one
    more channel of the last stage's map, then a 3×3 convolution back to its channels (the body's norm, LeakyReLU)
    before the head. The first stage has ``width`` channels up to 64 px (``first_channels``), each next one twice as
    many, up to ``8 * width``."""

    def __init__(self, shape: tuple[int, int, int], width: int = 32, norm: str = "batch", minibatch: int = 0,
                 dims: int = 5, mbstd: int = 0, mbstd_at: str = "head", full_width: int = FULL_WIDTH) -> None:
        super().__init__()
        if norm not in NORMS:
            raise ValueError(f"unknown norm {norm!r}; choose one of {', '.join(NORMS)}")
        inside = std_in_body(mbstd_at, mbstd)
        channels, height, width_px = shape
        layers: list[nn.Module] = []
        cin, cout = channels, first_channels(width, min(height, width_px), full_width)
        for index in range(stage_count(min(height, width_px))):
            layers.append(_conv(cin, cout, norm))
            if index > 0:  # DCGAN: no normalisation on the first layer
                layers.append(_norm(cout, norm))
            layers.append(nn.LeakyReLU(0.2, inplace=True))
            cin, cout = cout, min(cout * 2, width * 8)
        self.body = nn.Sequential(*layers, nn.Flatten())
        with torch.no_grad():
            last = self.body.eval()[:-1](torch.zeros(1, *shape)).shape[1:]
        self.body.train()
        features = last.numel()
        mix = None
        if inside:
            stage = last[0]
            conv = nn.Sequential(_conv(stage + 1, stage, norm, kernel=3, stride=1), _norm(stage, norm),
                                 nn.LeakyReLU(0.2, inplace=True))
            mix = MinibatchStdInto(mbstd, conv, features, features, tuple(last))
        self.add_head(features, norm, minibatch, dims, mbstd, mix)



class ProjectionDiscriminator(nn.Module):
    """D(x | y) = psi(phi(x)) + embed(y) . phi(x): the projection discriminator (Miyato & Koyama 2018).

    ``phi`` is the plain ``Discriminator``'s body, ``psi`` its linear head; ``embed`` holds one vector per class
    (spectrally normalised with the rest when ``norm`` is spectral). Without labels it is the unconditional term.
    """

    def __init__(self, shape: tuple[int, int, int], classes: int, width: int = 32, norm: str = "batch",
                 full_width: int = FULL_WIDTH) -> None:
        super().__init__()
        plain = Discriminator(shape, width, norm, full_width=full_width)
        self.body, self.mix, self.head, self.features = plain.body, plain.mix, plain.head, plain.features
        embed = nn.Embedding(classes, self.features)
        nn.init.normal_(embed.weight, 0.0, 0.02)
        self.embed = spectral_norm(embed) if norm == "spectral" else embed
        self.classes = classes

    def judge(self, phi: torch.Tensor, sizes: Sequence[int] | None = None) -> torch.Tensor:
        """The unconditional term psi(phi(x))."""
        return self.head(self.mix(phi, sizes)).squeeze(1)

    def forward(self, images: torch.Tensor, labels: torch.Tensor | None = None,
                sizes: Sequence[int] | None = None) -> torch.Tensor:
        phi = self.body(images)
        out = self.judge(phi, sizes)
        if labels is None:
            return out
        return out + (self.embed(labels.long()) * phi).sum(1)
