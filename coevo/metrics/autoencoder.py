"""A small convolutional autoencoder trained on the data set itself: the feature network for unlabelled data."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from coevo.rng import module_init, randperm, seeded_torch

SIDE = 32  # images are resized to SIDE × SIDE before encoding, so one net serves every image size
CODE = 64  # feature (bottleneck) dimension


class AutoEncoder(nn.Module):
    """Encoder 32 -> 16 -> 8 -> 64-d code; the mirrored decoder exists only to train it."""

    def __init__(self, channels: int = 1) -> None:
        super().__init__()
        self.encoder = nn.Sequential(nn.Conv2d(channels, 16, 4, 2, 1), nn.ReLU(), nn.Conv2d(16, 32, 4, 2, 1),
                                     nn.ReLU(), nn.Flatten(), nn.Linear(32 * 8 * 8, CODE))
        self.decoder = nn.Sequential(nn.Linear(CODE, 32 * 8 * 8), nn.ReLU(), nn.Unflatten(1, (32, 8, 8)),
                                     nn.ConvTranspose2d(32, 16, 4, 2, 1), nn.ReLU(),
                                     nn.ConvTranspose2d(16, channels, 4, 2, 1), nn.Tanh())

    def encode(self, images: torch.Tensor) -> torch.Tensor:
        return self.encoder(resize(images))

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        return self.decoder(self.encode(images))


def resize(images: torch.Tensor) -> torch.Tensor:
    """Images at SIDE × SIDE (the feature nets' input size)."""
    if images.shape[-2:] == (SIDE, SIDE):
        return images
    return F.interpolate(images, size=(SIDE, SIDE), mode="bilinear", align_corners=False, antialias=True)


def train_autoencoder(images: torch.Tensor, epochs: int = 10, batch: int = 128, seed: int = 0) -> AutoEncoder:
    """Train on ``images`` by mean squared reconstruction error; seeded privately so a run's RNG is untouched."""
    with seeded_torch(seed):
        with module_init():
            net = AutoEncoder(images.shape[1])
        opt = torch.optim.Adam(net.parameters(), lr=1e-3)
        target = resize(images.float())
        for _ in range(epochs):
            for index in randperm(len(target)).split(batch):
                opt.zero_grad(set_to_none=True)
                loss = F.mse_loss(net(target[index]), target[index])
                loss.backward()
                opt.step()
    return net.eval()
