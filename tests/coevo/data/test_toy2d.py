"""PacGAN's 2-D ring and grid as data sets (coevo/data/toy2d.py): means, spread, seeding and bounds."""

from __future__ import annotations

import math

import pytest
import torch

from coevo.data import load_data
from coevo.data.toy2d import grid, ring
from coevo.errors import CoevoError


def test_the_ring_and_grid_are_pacgans_mixtures_scaled_into_the_image_range() -> None:
    circle = ring()
    assert circle.modes == 8 and circle.std == pytest.approx(0.01 * circle.scale)
    assert torch.allclose(circle.means.norm(dim=1), torch.full((8,), circle.scale, dtype=torch.float64))
    assert torch.allclose(circle.means[2], torch.tensor([0.0, 1.0], dtype=torch.float64) * circle.scale, atol=1e-12)
    square = grid()
    assert square.modes == 25 and square.std == pytest.approx(0.05 * square.scale)
    assert sorted(set((square.means[:, 0] / square.scale).round().tolist())) == [-4, -2, 0, 2, 4]


@pytest.mark.parametrize("kind", ["ring", "grid"])
def test_points_are_2x1x1_images_near_their_labelled_mode(kind: str) -> None:
    data = load_data(f"{kind}:5000:1")
    mixture = ring() if kind == "ring" else grid()
    assert data.shape == (2, 1, 1) and len(data) == 5000 and data.images.abs().max() <= 1
    offsets = data.images.view(-1, 2).double() - mixture.means[data.labels]
    assert offsets.std().item() == pytest.approx(mixture.std, rel=0.05)
    counts = torch.bincount(data.labels, minlength=mixture.modes).double()
    assert counts.min() > 0.5 * 5000 / mixture.modes  # every mode about equally likely
    assert torch.equal(load_data(f"{kind}:5000:1").images, data.images)  # seeded
    assert not torch.equal(load_data(f"{kind}:5000:2").images, data.images)
    assert len(load_data(kind)) == 100_000 and data.name == f"{kind}:5000:1"


def test_bad_specs_are_refused_in_one_line() -> None:
    for spec in ("ring:0", "ring:x", "grid:1:2:3", f"ring:{10**9}"):
        with pytest.raises(CoevoError, match=r"ring|grid"):
            load_data(spec)
    assert math.isfinite(float(load_data("ring:1").images.sum()))
