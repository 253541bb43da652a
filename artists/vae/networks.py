"""A small convolutional VAE (Kingma & Welling 2014) for square images whose side is a multiple of 4.

Encoder: two 4-2-1 convolutions (LeakyReLU 0.2) down to a quarter of the side, then a linear layer to the mean
and log-variance of q(z | x). Decoder: a linear layer up to that quarter-size map, two 4-2-1 transposed
convolutions (ReLU) back to the image; it gives logits of Bernoulli pixels, drawn as ``tanh(logits / 2)``
(= 2 sigmoid - 1, so images lie in [-1, 1]). No batch norm: a sample never depends on the rest of the batch.
"""

from __future__ import annotations

import torch
from torch import nn


class Encoder(nn.Module):
    def __init__(self, nz: int, channels: int, size: int, width: int) -> None:
        super().__init__()
        self.body = nn.Sequential(nn.Conv2d(channels, width, 4, 2, 1), nn.LeakyReLU(0.2),
                                  nn.Conv2d(width, 2 * width, 4, 2, 1), nn.LeakyReLU(0.2), nn.Flatten())
        self.head = nn.Linear(2 * width * (size // 4) ** 2, 2 * nz)

    def forward(self, images: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """The mean and log-variance of q(z | x), each ``(N, nz)``."""
        mu, logvar = self.head(self.body(images)).chunk(2, dim=1)
        return mu, logvar.clamp(-12.0, 8.0)


class Decoder(nn.Module):
    def __init__(self, nz: int, channels: int, size: int, width: int) -> None:
        super().__init__()
        self.quarter, self.width = size // 4, width
        self.head = nn.Sequential(nn.Linear(nz, 2 * width * self.quarter ** 2), nn.ReLU())
        self.body = nn.Sequential(nn.ConvTranspose2d(2 * width, width, 4, 2, 1), nn.ReLU(),
                                  nn.ConvTranspose2d(width, channels, 4, 2, 1))

    def logits(self, z: torch.Tensor) -> torch.Tensor:
        """Bernoulli logits of each pixel being ink (``(N, C, H, W)``)."""
        h = self.head(z).view(len(z), 2 * self.width, self.quarter, self.quarter)
        return self.body(h)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return torch.tanh(self.logits(z) / 2)
