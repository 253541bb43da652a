"""Minibatch discrimination and minibatch standard deviation (critics/cnn/minibatch.py): shapes, the published
formulas, batch parts kept apart, and gradients that cross between samples."""

from __future__ import annotations

import pytest
import torch

from critics.cnn.minibatch import MinibatchDiscrimination, MinibatchStd, NoMinibatch, minibatch_layer


def features(n: int = 6, f: int = 12, seed: int = 0) -> torch.Tensor:
    return torch.randn(n, f, generator=torch.Generator().manual_seed(seed))


def test_minibatch_discrimination_is_salimans_formula_with_100_kernels_of_5() -> None:
    torch.manual_seed(0)
    layer = minibatch_layer(12, minibatch=100)
    assert isinstance(layer, MinibatchDiscrimination) and layer.tensor.shape == (12, 500) and layer.extra == 100
    phi = features()
    out = layer(phi)
    assert out.shape == (6, 112) and torch.equal(out[:, :12], phi)
    m = (phi @ layer.tensor).view(6, 100, 5)
    expected = torch.stack([sum(torch.exp(-(m[i] - m[j]).abs().sum(1)) for j in range(6)) for i in range(6)])
    assert torch.allclose(out[:, 12:], expected, atol=1e-6)


def test_the_parts_of_a_batch_are_measured_apart() -> None:
    torch.manual_seed(0)
    for layer in (MinibatchDiscrimination(12, 10, 5), MinibatchStd(8)):  # a group of 8: the whole batch
        phi = features(8)
        other = torch.cat([phi[:4], features(4, seed=9)])  # another fake half
        assert torch.equal(layer(phi, (4, 4))[:4], layer(other, (4, 4))[:4])  # the real half does not see it
        assert not torch.equal(layer(phi)[:4], layer(other)[:4])  # one part: it does
        with pytest.raises(ValueError, match="do not add up"):
            layer(phi, (4, 3))


def test_gradients_cross_between_the_samples_of_a_batch() -> None:
    torch.manual_seed(0)
    for layer in (MinibatchDiscrimination(12, 10, 5), MinibatchStd(4)):
        phi = features(4).requires_grad_(True)
        layer(phi)[0, 12:].sum().backward()
        assert phi.grad[1:].abs().sum() > 0  # sample 0's minibatch feature depends on the others
        if isinstance(layer, MinibatchDiscrimination):
            assert layer.tensor.grad is not None and layer.tensor.grad.abs().sum() > 0


def test_minibatch_std_is_karras_groups_and_tells_a_collapsed_batch() -> None:
    layer = MinibatchStd(4)
    phi = features(8)
    out = layer(phi)
    assert out.shape == (8, 13)
    first = phi[:4].std(0, unbiased=False).mean()
    assert torch.allclose(out[:4, 12], first.expand(4), atol=1e-4) and not torch.allclose(out[4:, 12], first)
    collapsed = phi[:1].expand(8, 12)
    assert layer(collapsed)[:, 12].max() < 1e-3 < out[:, 12].min()
    assert layer(features(6)).shape == (6, 13)  # 6 is not a multiple of 4: one group of 6


def test_options_are_checked_and_none_is_the_plain_critic() -> None:
    assert isinstance(minibatch_layer(12), NoMinibatch) and torch.equal(minibatch_layer(12)(features()), features())
    with pytest.raises(ValueError, match="choose one"):
        minibatch_layer(12, minibatch=10, mbstd=4)
    with pytest.raises(ValueError, match="kernels"):
        minibatch_layer(12, minibatch=5000)
