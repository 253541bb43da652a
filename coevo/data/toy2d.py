"""PacGAN's two-dimensional mode benchmarks (Lin et al. 2018, after Metz et al. 2017 and VEEGAN): the ring of 8
Gaussians (means on the unit circle, std 0.01) and the grid of 25 (means at {-4, -2, 0, 2, 4}², std 0.05), each
mode equally likely, 100,000 points drawn from a seeded generator of the spec's own.

A point travels through the loop as a ``(2, 1, 1)`` image, so every artist, critic and remedy plays it unchanged;
images lie in ``[-1, 1]``, so each set is scaled (the ring by 0.8, the grid by 0.2) and ``Mixture`` keeps the
means and std in the same units: the mode count (``coevo.metrics.modes.gaussian_modes``) is that of the unscaled
points.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch

from coevo.data.imageset import ImageSet
from coevo.errors import CoevoError

DEFAULT_COUNT = 100_000  # PacGAN's num_sample
MAX_COUNT = 2_000_000


@dataclass(frozen=True)
class Mixture:
    """A mixture of isotropic Gaussians with equal weights, in image units."""

    name: str
    means: torch.Tensor  # (modes, 2)
    std: float
    scale: float  # image units per original unit

    @property
    def modes(self) -> int:
        return int(self.means.shape[0])


def ring(scale: float = 0.8) -> Mixture:
    """8 Gaussians on the unit circle, std 0.01 (PacGAN's 2DRing)."""
    angles = torch.arange(8, dtype=torch.float64) * 2 * math.pi / 8
    means = torch.stack([angles.cos(), angles.sin()], dim=1)
    return Mixture("ring", means * scale, 0.01 * scale, scale)


def grid(scale: float = 0.2) -> Mixture:
    """25 Gaussians at {-4, -2, 0, 2, 4}², std 0.05 (PacGAN's 2DGrid)."""
    axis = torch.arange(-4, 5, 2, dtype=torch.float64)
    means = torch.cartesian_prod(axis, axis)
    return Mixture("grid", means * scale, 0.05 * scale, scale)


MIXTURES = {"ring": ring, "grid": grid}


def draw(mixture: Mixture, count: int = DEFAULT_COUNT, seed: int = 0) -> ImageSet:
    """``count`` points of ``mixture`` as ``(count, 2, 1, 1)`` images labelled by their mode (seeded)."""
    if not 1 <= count <= MAX_COUNT:
        raise CoevoError(f"{mixture.name} takes 1..{MAX_COUNT} points, not {count}")
    generator = torch.Generator().manual_seed(seed)
    labels = torch.randint(mixture.modes, (count,), generator=generator)
    noise = torch.randn(count, 2, generator=generator, dtype=torch.float64)
    points = (mixture.means[labels] + mixture.std * noise).clamp(-1, 1).float()
    return ImageSet(points.view(count, 2, 1, 1).contiguous(), labels, f"{mixture.name}:{count}:{seed}")


def load(kind: str, rest: str = "") -> ImageSet:
    """``ring[:N[:SEED]]`` or ``grid[:N[:SEED]]``: N (100,000) points, seed SEED (0)."""
    parts = [p for p in rest.split(":") if p] if rest else []
    if kind not in MIXTURES or len(parts) > 2 or not all(p.isdigit() for p in parts):
        raise CoevoError(f"unknown data {kind}:{rest}: write ring, ring:N or ring:N:SEED (grid likewise)")
    count, seed = ([int(p) for p in parts] + [DEFAULT_COUNT, 0][len(parts):])[:2]
    return draw(MIXTURES[kind](), count, seed)
