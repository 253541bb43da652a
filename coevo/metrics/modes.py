"""The mode count of stacked MNIST (PacGAN's protocol, Lin et al. 2018): each channel of each sample is read by
an MNIST classifier (Lipizzaner's yardstick net), the three digits name one of 1,000 modes; the count of modes
with at least one sample, and the KL divergence of the samples' mode histogram to the uniform one."""

from __future__ import annotations

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
