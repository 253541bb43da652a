"""Features of a whole minibatch for the critic's head, against mode collapse: a critic that sees how alike the
samples of a batch are can call a collapsed batch fake, so the generator is pushed to spread out.

Every layer maps body features ``(N, F)`` to ``(N, F + extra)``. ``sizes`` splits the batch into parts measured
apart (the critic's real and fake halves: a real image is never compared with a fake one).
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn


def parts(phi: torch.Tensor, sizes: Sequence[int] | None) -> list[torch.Tensor]:
    """``phi`` cut into the batch parts measured apart (the whole batch when ``sizes`` is None)."""
    if sizes is None:
        return [phi]
    if sum(sizes) != len(phi):
        raise ValueError(f"batch parts {list(sizes)} do not add up to the batch of {len(phi)}")
    return list(phi.split(list(sizes)))


class MinibatchDiscrimination(nn.Module):
    """Salimans et al. 2016: M = f T with T of ``kernels`` × ``dims``; o(x_i)_b = Σ_j exp(−‖M_i,b − M_j,b‖₁)
    over the samples j of x_i's batch part (j = i included, as in the paper), appended to f."""

    def __init__(self, features: int, kernels: int = 100, dims: int = 5) -> None:
        super().__init__()
        if not (1 <= kernels <= 1000 and 1 <= dims <= 100):
            raise ValueError(f"minibatch discrimination takes 1..1000 kernels of 1..100 dims, not {kernels}×{dims}")
        self.kernels, self.dims = kernels, dims
        self.tensor = nn.Parameter(torch.randn(features, kernels * dims) * 0.1)
        self.extra = kernels

    def closeness(self, phi: torch.Tensor) -> torch.Tensor:
        """o(x_i) ``(n, kernels)`` within one batch part."""
        m = (phi @ self.tensor).view(len(phi), self.kernels, self.dims)
        l1 = (m[:, None] - m[None, :]).abs().sum(3)  # (n, n, kernels)
        return torch.exp(-l1).sum(1)

    def forward(self, phi: torch.Tensor, sizes: Sequence[int] | None = None) -> torch.Tensor:
        return torch.cat([phi, torch.cat([self.closeness(part) for part in parts(phi, sizes)])], dim=1)


class MinibatchStd(nn.Module):
    """Karras et al. 2018: the standard deviation of each feature over a group of ``group`` samples, averaged to
    one number, appended to each member's features (a part not divisible by ``group`` is one group)."""

    extra = 1

    def __init__(self, group: int = 4) -> None:
        super().__init__()
        if not 1 <= group <= 4096:
            raise ValueError(f"the minibatch-std group takes 1..4096 samples, not {group}")
        self.group = group

    def spread(self, phi: torch.Tensor) -> torch.Tensor:
        """One number per sample ``(n, 1)``: its group's mean feature standard deviation."""
        group = self.group if len(phi) % self.group == 0 else len(phi)
        grouped = phi.view(len(phi) // group, group, -1)
        std = (grouped.var(1, unbiased=False) + 1e-8).sqrt().mean(1)  # (groups,)
        return std.repeat_interleave(group)[:, None]

    def forward(self, phi: torch.Tensor, sizes: Sequence[int] | None = None) -> torch.Tensor:
        return torch.cat([phi, torch.cat([self.spread(part) for part in parts(phi, sizes)])], dim=1)


class MinibatchStdInto(nn.Module):
    """Karras et al.'s placement of the minibatch standard deviation (``mbstd_at=body``): the group's number goes
    into the input of one more non-linear ``layer`` — as a constant extra channel of the ``shape`` (C, H, W) feature
    map for a convolution, as one more feature (``shape`` None) for a dense layer — so the critic mixes it with the
    other features instead of shifting the linear head's logit by it. ``(N, features)`` -> the flattened output of
    ``layer``, ``(N, out)``."""

    def __init__(self, group: int, layer: nn.Module, features: int, out: int,
                 shape: tuple[int, int, int] | None = None) -> None:
        super().__init__()
        self.std = MinibatchStd(group)
        self.layer, self.shape, self.extra = layer, shape, out - features

    def forward(self, phi: torch.Tensor, sizes: Sequence[int] | None = None) -> torch.Tensor:
        spread = torch.cat([self.std.spread(part) for part in parts(phi, sizes)])  # (N, 1)
        if self.shape is None:
            return self.layer(torch.cat([phi, spread], dim=1))
        maps = phi.reshape(len(phi), *self.shape)
        constant = spread[:, :, None, None].expand(-1, 1, *self.shape[1:])
        return self.layer(torch.cat([maps, constant], dim=1)).flatten(1)


STD_PLACES = ("head", "body")  # mbstd_at: before the linear head (one more feature), or into a last hidden layer


def std_in_body(mbstd_at: str, mbstd: int) -> bool:
    """Whether the ``mbstd_at`` option puts the minibatch standard deviation into the body (Karras et al.'s
    placement) rather than before the head; a bad value, or ``body`` without a group, is a ``ValueError``."""
    if not isinstance(mbstd_at, str) or mbstd_at not in STD_PLACES:
        raise ValueError(f"mbstd_at must be head (one number before the linear head) or body (Karras et al.: into a "
                         f"last non-linear layer), not {mbstd_at!r}")
    if mbstd_at == "body" and not mbstd:
        raise ValueError("mbstd_at=body places the minibatch standard deviation: give its group too, e.g. mbstd=4")
    return mbstd_at == "body"


class NoMinibatch(nn.Module):
    """The plain critic: the body's features as they are."""

    extra = 0

    def forward(self, phi: torch.Tensor, sizes: Sequence[int] | None = None) -> torch.Tensor:
        return phi


def minibatch_layer(features: int, minibatch: int = 0, dims: int = 5, mbstd: int = 0) -> nn.Module:
    """The layer the critic's options ask for: ``minibatch`` kernels (0: none), or a ``mbstd`` group (0: none)."""
    if minibatch and mbstd:
        raise ValueError("choose one of minibatch (discrimination kernels) and mbstd (standard deviation group)")
    if minibatch:
        return MinibatchDiscrimination(features, minibatch, dims)
    if mbstd:
        return MinibatchStd(mbstd)
    return NoMinibatch()
