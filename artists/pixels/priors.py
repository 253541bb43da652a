"""Image priors for gradient fooling: total variation (Mahendran & Vedaldi 2015) and an L2 (alpha-norm) prior."""

from __future__ import annotations

import torch


def total_variation(images: torch.Tensor, beta: float = 1.0, eps: float = 1e-8) -> torch.Tensor:
    """Mahendran & Vedaldi's R_TV^beta per image, ``(N,)``, over each channel and interior pixel (i, j):
    ((x[i, j+1] - x[i, j])^2 + (x[i+1, j] - x[i, j])^2 + eps)^(beta / 2), divided by the pixel count.

    ``eps`` keeps beta = 1 (the sharp-edged prior) differentiable where the image is flat.
    """
    corner = images[..., :-1, :-1]
    across = images[..., :-1, 1:] - corner
    down = images[..., 1:, :-1] - corner
    return (across ** 2 + down ** 2 + eps).pow(beta / 2).flatten(1).sum(1) / images[0].numel()


def l2_prior(images: torch.Tensor) -> torch.Tensor:
    """The mean squared pixel (the alpha = 2 norm prior) per image, ``(N,)``: pulls pixels towards mid-grey."""
    return images.pow(2).flatten(1).mean(1)
