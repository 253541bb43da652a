"""Stacked MNIST (Metz et al. 2017; PacGAN's mode benchmark): three MNIST digits in the red, green and blue
channels of one image, so the data has 1,000 modes (labels 100·red + 10·green + blue). The digits of each image
are drawn from a seeded generator of its own, so the same spec gives the same images on every machine."""

from __future__ import annotations

from pathlib import Path

import torch

from coevo.data import mnist
from coevo.data.imageset import ImageSet
from coevo.errors import CoevoError

DEFAULT_COUNT = 10_000
MAX_COUNT = 200_000  # 200,000 × 3 × 28 × 28 float32 is 1.9 GB


def stack(digits: ImageSet, count: int = DEFAULT_COUNT, seed: int = 0) -> ImageSet:
    """``count`` RGB images whose channels are three digits of ``digits`` drawn with replacement (seeded)."""
    if digits.labels is None or digits.images.shape[1] != 1:
        raise CoevoError(f"stacked MNIST needs grey labelled digits; {digits.name} is not")
    if not 1 <= count <= MAX_COUNT:
        raise CoevoError(f"stacked MNIST takes 1..{MAX_COUNT} images, not {count}")
    pick = torch.randint(len(digits), (count, 3), generator=torch.Generator().manual_seed(seed))
    images = digits.images[pick].squeeze(2)  # (count, 3, H, W): one digit per channel
    labels = (digits.labels[pick] * torch.tensor([100, 10, 1])).sum(1)
    return ImageSet(images.contiguous(), labels, f"stacked:{digits.name.removeprefix('mnist:')}:{count}:{seed}")


def parse(rest: str) -> tuple[Path, int, int]:
    """``DIR[:N[:SEED]]`` -> (folder, count, seed): trailing whole numbers are the count and the seed."""
    parts = rest.split(":")
    numbers: list[int] = []
    while len(parts) > 1 and parts[-1].isdigit() and len(numbers) < 2:
        numbers.insert(0, int(parts.pop()))
    count, seed = (numbers + [DEFAULT_COUNT, 0][len(numbers):])[:2]
    return Path(":".join(parts)), count, seed


def load(rest: str, size: int | None = 28) -> ImageSet:
    """``stacked:DIR[:N[:SEED]]``: N (10,000) stacked images of the MNIST digits in DIR (its t10k split when it has
    no training split), seed SEED (0)."""
    folder, count, seed = parse(rest)
    return stack(mnist.load(folder, size), count, seed)
