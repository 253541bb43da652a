"""The mode count of stacked MNIST (PacGAN's protocol, Lin et al. 2018): each channel of each sample is read by
an MNIST classifier (Lipizzaner's yardstick net), the three digits name one of 1,000 modes; the count of modes
with at least one sample, and the KL divergence of the samples' mode histogram to the uniform one; and PacGAN's
count on its 2-D Gaussian mixtures (the 3-std rule, ``gaussian_modes``)."""

from __future__ import annotations

import math
from collections.abc import Callable

import torch

MODES = 1000


def stacked_labels(images: torch.Tensor, classify: Callable[[torch.Tensor], torch.Tensor]) -> torch.Tensor:
    """The mode 100·red + 10·green + blue of each ``(N, 3, H, W)`` image; ``classify`` maps ``(N, 1, H, W)``
    grey images to digits ``(N,)``."""
    if images.ndim != 4 or images.shape[1] != 3:
        raise ValueError(f"stacked MNIST images are (N, 3, H, W), not {tuple(images.shape)}")
    digits = [classify(images[:, c: c + 1]).long() for c in range(3)]
    return digits[0] * 100 + digits[1] * 10 + digits[2]


def mode_count(labels: torch.Tensor, modes: int = MODES) -> dict[str, float]:
    """``modes`` covered (at least one sample) and ``kl`` = KL(p ‖ uniform) = Σ p log(p · modes) of the
    histogram (0 for a uniform one, log(modes) for a single mode)."""
    counts = torch.bincount(labels.long().flatten(), minlength=modes)[:modes].double()
    p = counts / counts.sum().clamp(min=1)
    present = p > 0
    return {"modes": float(present.sum()), "kl": float((p[present] * (p[present] * modes).log()).sum())}


def gaussian_modes(points: torch.Tensor, means: torch.Tensor, std: float, threshold: float = 3.0,
                   samples: int | None = None) -> dict[str, float]:
    """PacGAN's count on a mixture of isotropic Gaussians (its 2-D ring and grid; ``fjxmlzn/PacGAN``'s metric):
    each point goes to its nearest mean; it is a high-quality sample when within ``threshold`` stds of it, and a
    mode is covered when it has at least one. Returns ``modes`` covered, ``high_quality`` (the share of points
    that are), and ``kl`` = KL(p ‖ uniform) of the high-quality points' mode histogram (as ``mode_count``).

    ``points`` ``(N, 2)`` or ``(N, 2, 1, 1)`` and ``means`` ``(modes, 2)`` in the same units (``samples`` caps N)."""
    flat = points.reshape(len(points), -1).double()[:samples]
    centres = means.double()
    if flat.shape[1] != centres.shape[1]:
        raise ValueError(f"points of {flat.shape[1]} numbers against means of {centres.shape[1]}")
    distance = torch.cdist(flat, centres) / std  # in stds
    nearest, which = distance.min(dim=1)
    good = nearest < threshold
    counted = mode_count(which[good], len(centres)) if bool(good.any()) else {"modes": 0.0, "kl": math.inf}
    return {"modes": counted["modes"], "high_quality": float(good.double().mean()) if len(flat) else 0.0,
            "kl": counted["kl"]}
