"""Minibatch discrimination and minibatch standard deviation (critics/cnn/minibatch.py): shapes, the published
formulas, batch parts kept apart, gradients that cross between samples, and the std's two places (mbstd_at)."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from critics.cnn.minibatch import (
    MinibatchDiscrimination,
    MinibatchStd,
    MinibatchStdInto,
    NoMinibatch,
    minibatch_layer,
    std_in_body,
)


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
    for layer in (MinibatchDiscrimination(12, 10, 5), MinibatchStd(8),  # a group of 8: the whole batch
                  MinibatchStdInto(8, nn.Linear(13, 5), 12, 5)):
        phi = features(8)
        other = torch.cat([phi[:4], features(4, seed=9)])  # another fake half
        assert torch.equal(layer(phi, (4, 4))[:4], layer(other, (4, 4))[:4])  # the real half does not see it
        assert not torch.equal(layer(phi)[:4], layer(other)[:4])  # one part: it does
        with pytest.raises(ValueError, match="do not add up"):
            layer(phi, (4, 3))


def test_gradients_cross_between_the_samples_of_a_batch() -> None:
    torch.manual_seed(0)
    for layer in (MinibatchDiscrimination(12, 10, 5), MinibatchStd(4), MinibatchStdInto(4, nn.Identity(), 12, 13)):
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


def test_the_std_into_a_layer_is_one_more_channel_of_the_map_or_one_more_input() -> None:
    """Karras et al.'s placement: the group's number as a constant extra channel of the (C, H, W) map (their
    feature map) or one more input of a dense layer, then through the layer; the same number as before the head."""
    phi = features(8, 2 * 3 * 3)
    spread = MinibatchStd(4).spread(phi)  # (8, 1)
    shown = MinibatchStdInto(4, nn.Identity(), 18, 27, (2, 3, 3))  # the layer's input, flattened
    assert shown.extra == 9
    maps = shown(phi).view(8, 3, 3, 3)
    assert torch.equal(maps[:, :2].reshape(8, 18), phi)
    assert torch.equal(maps[:, 2], spread.view(8, 1, 1).expand(8, 3, 3))
    dense = MinibatchStdInto(4, nn.Identity(), 18, 19)
    assert torch.equal(dense(phi), MinibatchStd(4)(phi))
    conv = nn.Conv2d(3, 2, 3, padding=1)
    layer = MinibatchStdInto(4, conv, 18, 18, (2, 3, 3))
    assert layer.extra == 0 and torch.equal(layer(phi), conv(shown(phi).view(8, 3, 3, 3)).flatten(1))
    collapsed = phi[:1].expand(8, 18)  # the same sample 0 in a collapsed batch: only its group's spread differs
    assert not torch.allclose(layer(collapsed)[0], layer(phi)[0])


def test_the_place_option_is_head_by_default_body_with_a_group_and_nothing_else() -> None:
    assert std_in_body("head", 0) is False and std_in_body("head", 4) is False and std_in_body("body", 4) is True
    for bad in ("bogus", "map", 3, None):
        with pytest.raises(ValueError, match="mbstd_at must be head"):
            std_in_body(bad, 4)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"e\.g\. mbstd=4"):
        std_in_body("body", 0)
    with pytest.raises(ValueError, match=r"1\.\.4096"):
        MinibatchStdInto(5000, nn.Identity(), 12, 13)
