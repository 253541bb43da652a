"""The maxout MLP critic (critics/cnn/mlp.py): PacGAN's 2-D discriminator, with the CNN critic's remedies."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from coevo.commands.main import main
from critics.cnn import MLPCritic
from critics.cnn.mlp import Maxout


def test_maxout_takes_the_largest_piece() -> None:
    layer = Maxout(2, 3, 4, "none")
    x = torch.randn(5, 2)
    pieces = layer.linear(x).view(5, 3, 4)
    assert torch.equal(layer(x), pieces.max(dim=2).values)


def test_it_is_pacgans_network_and_learns_real_from_fake() -> None:
    torch.manual_seed(0)
    critic = MLPCritic((2, 1, 1), lr=1e-3)
    maxouts = [m for m in critic.net.modules() if isinstance(m, Maxout)]
    assert [(m.linear.in_features, m.out, m.pieces) for m in maxouts] == [(2, 200, 5), (200, 200, 5), (200, 200, 5)]
    real, fake = torch.full((64, 2, 1, 1), 0.5), torch.full((64, 2, 1, 1), -0.5)
    for _ in range(30):
        critic.learn(real + 0.01 * torch.randn_like(real), fake + 0.01 * torch.randn_like(fake))
    assert critic.score(real).min() > critic.score(fake).max()
    assert critic.features(real).shape == (64, 200)


@pytest.mark.parametrize("options", [{"pack": 2}, {"minibatch": 20}, {"mbstd": 4}, {"mbstd": 4, "mbstd_at": "body"},
                                     {"unroll": 2}])
def test_the_remedies_work_on_it_with_gradients_to_the_points(options: dict) -> None:
    torch.manual_seed(0)
    critic = MLPCritic((2, 1, 1), width=16, **options)
    critic.learn(torch.rand(8, 2, 1, 1), torch.rand(8, 2, 1, 1))
    points = torch.rand(8, 2, 1, 1, requires_grad=True)
    scores = critic.score(points)
    scores.sum().backward()
    assert scores.shape == (8,) and points.grad is not None and points.grad.abs().sum() > 0
    assert critic.loss_gradient_norm(torch.rand(8, 2, 1, 1), torch.rand(8, 2, 1, 1)) > 0


def test_mbstd_at_body_feeds_the_std_to_the_last_maxout_layer() -> None:
    """Karras et al.'s placement on the MLP: the group's std is one more input of the last maxout layer (through its
    non-linearity) instead of one more input of the linear head; ``body`` ends a layer earlier."""
    torch.manual_seed(0)
    critic = MLPCritic((2, 1, 1), width=16, mbstd=4, mbstd_at="body")
    maxouts = [m for m in critic.net.body if isinstance(m, Maxout)]
    assert [m.linear.in_features for m in maxouts] == [2, 16] and critic.net.mix.layer.linear.in_features == 17
    assert critic.net.head.in_features == 16 and critic.feature_size == 16
    head = MLPCritic((2, 1, 1), width=16, mbstd=4)
    assert len([m for m in head.net.body if isinstance(m, Maxout)]) == 3 and head.net.head.in_features == 17
    points = torch.randn(8, 2, 1, 1)
    assert not torch.allclose(critic.score(points[:1].expand(8, 2, 1, 1))[0], critic.score(points)[0])
    moved = points.clone().requires_grad_(True)
    critic.score(moved)[0].backward()
    assert moved.grad[1:4].abs().sum() > 0 and moved.grad[4:].abs().sum() == 0  # its group of 4 through the std
    with torch.no_grad():  # a real half of 2 and a fake one of 6, across the whole batch's groups of 4
        halves = critic.net(points, sizes=(2, 6))
        assert torch.equal(halves[:2], critic.net(torch.cat([points[:2], -points[2:]]), sizes=(2, 6))[:2])


def test_ring_plays_through_the_ordinary_run(tmp_path: Path) -> None:
    assert main(["run", "--artist", "mlpgan", "--critic", "mlp", "--data", "ring:1000", "--batch", "16", "--pop",
                 "16", "--rounds", "2", "--warmup", "0", "--device", "cpu", "--fakes", "latest", "--sheet-every", "1",
                 "--artist-option", "nz=2", "--artist-option", "depth=4", "--out", str(tmp_path / "r")]) == 0
    assert (tmp_path / "r" / "metrics.jsonl").read_text().count("critic_loss") == 2  # sheets and TensorBoard too
    assert list((tmp_path / "r" / "sheets").glob("*.png")) and list((tmp_path / "r" / "tensorboard").iterdir())
    assert main(["run", "--artist", "mlpgan", "--critic", "mlp", "--data", "ring", "--critic-option", "norm=batch",
                 "--rounds", "1", "--out", str(tmp_path / "bad")]) == 2
    assert main(["run", "--artist", "mlpgan", "--critic", "mlp", "--data", "ring", "--critic-option", "mbstd=4",
                 "--critic-option", "mbstd_at=bogus", "--rounds", "1", "--out", str(tmp_path / "bogus")]) == 2
    assert not (tmp_path / "bogus").exists()
