"""Image priors (artists/pixels/priors.py): total variation and its gradient."""

from __future__ import annotations

import pytest
import torch

from artists.pixels import l2_prior, total_variation


def test_total_variation_is_mahendran_and_vedaldis_formula() -> None:
    torch.manual_seed(0)
    x = torch.randn(2, 3, 5, 4, dtype=torch.float64)
    expected = torch.zeros(2, dtype=torch.float64)
    for i in range(4):
        for j in range(3):
            across, down = x[:, :, i, j + 1] - x[:, :, i, j], x[:, :, i + 1, j] - x[:, :, i, j]
            expected += (across ** 2 + down ** 2 + 1e-8).pow(0.5).sum(1)
    assert torch.allclose(total_variation(x, beta=1.0), expected / 60)
    assert torch.allclose(l2_prior(x), (x ** 2).flatten(1).mean(1))


@pytest.mark.parametrize("beta", [1.0, 2.0])
def test_the_tv_gradient_matches_finite_differences(beta: float) -> None:
    torch.manual_seed(1)
    x = torch.randn(2, 1, 6, 6, dtype=torch.float64, requires_grad=True)
    (grad,) = torch.autograd.grad(total_variation(x, beta, eps=1e-6).sum(), x)
    h, numeric = 1e-6, torch.zeros_like(x)
    flat = x.detach().clone().flatten()
    for k in range(flat.numel()):
        up, down = flat.clone(), flat.clone()
        up[k] += h
        down[k] -= h
        numeric.view(-1)[k] = (total_variation(up.view_as(x), beta, 1e-6).sum()
                               - total_variation(down.view_as(x), beta, 1e-6).sum()) / (2 * h)
    assert torch.allclose(grad, numeric, rtol=1e-5, atol=1e-7)
    assert torch.autograd.gradcheck(lambda t: total_variation(t, beta, eps=1e-6), (x,))
