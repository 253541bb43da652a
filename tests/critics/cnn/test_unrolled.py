"""The unrolled critic (critics/cnn/unrolled.py): the generator is scored by the critic after k Adam steps, with
gradients through them, and the critic itself does not move."""

from __future__ import annotations

import copy

import pytest
import torch

from coevo import losses
from coevo.commands.main import main
from critics.cnn import CNNCritic


def trained(norm: str, unroll: int, **options: object) -> tuple[CNNCritic, torch.Tensor]:
    torch.manual_seed(0)
    critic = CNNCritic((1, 16, 16), "cpu", norm=norm, width=8, unroll=unroll, **options)
    for _ in range(2):
        critic.learn(torch.rand(8, 1, 16, 16) * 2 - 1, torch.rand(8, 1, 16, 16) * 2 - 1)
    return critic, (torch.rand(6, 1, 16, 16) * 2 - 1).requires_grad_(True)


@pytest.mark.parametrize("norm", ["spectral", "batch", "layer"])
@pytest.mark.parametrize("options", [{}, {"pack": 2}, {"minibatch": 10, "dims": 3}])
def test_unrolled_scores_are_the_critic_after_k_adam_steps(norm: str, options: dict) -> None:
    critic, images = trained(norm, 3, **options)
    before = copy.deepcopy(critic.state_dict())
    scores = critic.score(images)
    twin = copy.deepcopy(critic)  # take the same three steps for real, in eval mode, on the same batches
    real, fake = twin._pack(twin.last_real), twin._pack(images.detach())
    for _ in range(3):
        twin.net.eval()
        twin.opt.zero_grad()
        logits = twin.net(torch.cat([real, fake]), sizes=(len(real), len(fake)))
        losses.critic_loss(twin.loss, logits[: len(real)], logits[len(real):]).backward()
        twin.opt.step()
    with torch.no_grad():
        expected = twin._spread(twin.net(fake), len(images))
    assert scores.shape == (6,) and torch.allclose(scores, expected, atol=1e-5)
    after = critic.state_dict()
    assert all(torch.equal(before["net"][k], v) for k, v in after["net"].items())
    assert before["opt"]["state"].keys() == after["opt"]["state"].keys()


def test_the_generator_gradient_runs_through_the_unrolled_steps() -> None:
    critic, images = trained("spectral", 2)
    critic.score(images).sum().backward()
    unrolled = images.grad.clone()
    images.grad = None
    critic.unroll = 0
    critic.score(images).sum().backward()
    assert torch.isfinite(unrolled).all() and unrolled.abs().sum() > 0
    assert not torch.allclose(unrolled, images.grad)  # the steps' dependence on the images adds to the gradient
    with torch.no_grad():  # scoring without a graph (metrics) is the plain critic
        critic.unroll = 2
        assert torch.equal(critic.score(images.detach()), CNNCritic.score(critic, images.detach()))


def test_unroll_is_refused_for_losses_without_plain_adam_steps() -> None:
    for loss in ("wgan", "wgan-gp"):
        with pytest.raises(ValueError, match="unroll needs an Adam critic"):
            CNNCritic((1, 16, 16), loss=loss, unroll=2)


def test_an_unrolled_run_plays_and_resumes_its_last_real_batch(tmp_path) -> None:
    args = ["run", "--artist", "dcgan", "--data", "digits:64", "--size", "28", "--batch", "8", "--warmup", "0",
            "--device", "cpu", "--sheet-every", "0", "--critic-option", "unroll=2", "--critic-option", "width=8",
            "--artist-option", "ngf=8"]
    assert main([*args, "--rounds", "4", "--out", str(tmp_path / "whole")]) == 0
    assert main([*args, "--rounds", "2", "--out", str(tmp_path / "half")]) == 0
    assert main(["resume", str(tmp_path / "half"), "--rounds", "4"]) == 0
    whole = (tmp_path / "whole" / "metrics.jsonl").read_text()
    assert whole.count("artist_loss") == 4 and (tmp_path / "half" / "metrics.jsonl").read_text() == whole
