"""Latent-space helpers (coevo/programs/latent.py): spherical interpolation."""

from __future__ import annotations

import torch

from coevo.programs.latent import latents, slerp


def test_slerp_keeps_the_endpoints() -> None:
    a, b = latents(2, 100, 5)
    path = slerp(a, b, 5)
    assert torch.allclose(path[0], a, atol=1e-5) and torch.allclose(path[-1], b, atol=1e-5)
