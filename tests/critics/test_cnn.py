"""The CNN critic: sizes, losses, learning real digits from noise, checkpoints, the registry."""

from __future__ import annotations

import io

import pytest
import torch

from coevo.data import load_data
from coevo.programs.build import build_critic
from coevo.training.config import RunConfig
from critics.cnn import CNNCritic
from critics.cnn.network import stage_count


def noise(n: int, shape: tuple[int, int, int]) -> torch.Tensor:
    return torch.rand(n, *shape) * 2 - 1


@pytest.mark.parametrize(("shape", "stages"), [((1, 28, 28), 3), ((1, 32, 32), 3), ((3, 64, 64), 4),
                                               ((3, 8, 8), 1)])
def test_sized_from_the_image_shape(shape: tuple[int, int, int], stages: int) -> None:
    torch.manual_seed(0)
    critic = CNNCritic(shape)
    convs = [m for m in critic.net.modules() if isinstance(m, torch.nn.Conv2d)]
    assert stage_count(shape[1]) == stages == len(convs)
    assert all(c.stride == (2, 2) for c in convs)
    assert not any(isinstance(m, (torch.nn.MaxPool2d, torch.nn.AvgPool2d)) for m in critic.net.modules())
    images = noise(5, shape)
    assert critic.score(images).shape == (5,)
    assert critic.features(images).shape == (5, critic.feature_size)


def test_scores_are_differentiable_and_batch_independent() -> None:
    torch.manual_seed(0)
    critic = CNNCritic((1, 32, 32), chunk=7)
    images = noise(20, (1, 32, 32)).requires_grad_(True)
    scores = critic.score(images)
    scores.sum().backward()
    assert images.grad is not None and images.grad.abs().sum() > 0
    plain = critic.score(images.detach())  # no grad: scored in chunks of 7
    assert torch.allclose(plain, scores.detach(), atol=1e-5)
    assert torch.allclose(critic.score(images.detach()[:3]), plain[:3], atol=1e-5)


def test_separates_real_digits_from_noise_on_held_out_images() -> None:
    torch.manual_seed(0)
    train, held_out = load_data("digits", 32).split(0.2)
    critic = CNNCritic(train.shape)
    for _ in range(60):
        critic.learn(train.sample(16), noise(16, train.shape))
    right_real = (critic.score(held_out.images) > 0).float().mean()
    right_fake = (critic.score(noise(len(held_out), train.shape)) < 0).float().mean()
    assert (right_real + right_fake) / 2 > 0.95


@pytest.mark.parametrize(("loss", "norm", "optimiser"), [("wgan", None, torch.optim.RMSprop),
                                                         ("wgan-gp", None, torch.optim.Adam),
                                                         ("hinge", None, torch.optim.Adam),
                                                         ("minimax", "none", torch.optim.Adam)])
def test_each_loss_learns_with_its_defaults(loss: str, norm: str | None, optimiser: type) -> None:
    torch.manual_seed(0)
    critic = CNNCritic((1, 16, 16), loss=loss, norm=norm, width=8)
    assert isinstance(critic.opt, optimiser)
    assert not any(isinstance(m, torch.nn.BatchNorm2d) for m in critic.net.modules())
    real = torch.ones(8, 1, 16, 16) * 0.5
    before = critic.score(real).mean() - critic.score(-real).mean()
    for _ in range(15):
        metrics = critic.learn(real, -real)
    assert torch.isfinite(torch.tensor(list(metrics.values()))).all()
    assert critic.score(real).mean() - critic.score(-real).mean() > before
    if loss == "wgan":
        assert max(p.abs().max() for p in critic.net.parameters()) <= critic.clip + 1e-7
    if loss == "wgan-gp":
        assert "critic_penalty" in metrics


def test_batch_norm_on_request_but_refused_for_wasserstein_losses() -> None:
    critic = CNNCritic((1, 32, 32), norm="batch")
    assert any(isinstance(m, torch.nn.BatchNorm2d) for m in critic.net.modules())
    critic.learn(noise(4, (1, 32, 32)), noise(4, (1, 32, 32)))
    with pytest.raises(ValueError, match="batch norm"):
        CNNCritic((1, 32, 32), loss="wgan-gp", norm="batch")


def test_checkpoint_reloads_to_identical_scores() -> None:
    torch.manual_seed(0)
    shape = (1, 28, 28)
    critic = CNNCritic(shape)
    real, fake = noise(16, shape).abs(), noise(16, shape)
    for _ in range(3):
        critic.learn(real, fake)
    buffer = io.BytesIO()
    torch.save(critic.state_dict(), buffer)
    buffer.seek(0)
    copy = CNNCritic(shape)
    copy.load_state_dict(torch.load(buffer, weights_only=True))
    probe = noise(10, shape)
    assert torch.equal(copy.score(probe), critic.score(probe))
    critic.learn(real, fake)  # the optimiser state came along too: the next step matches
    copy.learn(real, fake)
    assert torch.equal(copy.score(probe), critic.score(probe))


def test_built_by_the_runner_from_the_registry() -> None:
    critic = build_critic(RunConfig(critic="cnn", loss="hinge"), (3, 32, 32), torch.device("cpu"))
    assert isinstance(critic, CNNCritic) and critic.loss == "hinge" and critic.shape == (3, 32, 32)


@pytest.mark.gpu
def test_cuda_mixed_precision_learns_and_reloads() -> None:
    if not torch.cuda.is_available():
        pytest.skip("no CUDA GPU")
    torch.manual_seed(0)
    critic = CNNCritic((3, 64, 64), device="auto")
    assert critic.device.type == "cuda" and critic.amp_dtype in (torch.bfloat16, torch.float16)
    real, fake = torch.rand(32, 3, 64, 64), -torch.rand(32, 3, 64, 64)
    for _ in range(30):
        critic.learn(real, fake)
    scores = critic.score(torch.cat([real, fake]))
    assert scores.dtype == torch.float32 and scores.device.type == "cpu"
    assert (scores[:32] > 0).all() and (scores[32:] < 0).all()
    copy = CNNCritic((3, 64, 64), device="cuda")
    copy.load_state_dict(critic.state_dict())
    assert torch.equal(copy.score(real), critic.score(real))


def test_item1_wgan_gp_with_a_fake_batch_smaller_than_the_real_batch() -> None:
    """The gradient penalty pairs real and fake images when the fake pool holds fewer than a batch (README)."""
    critic = CNNCritic((1, 32, 32), loss="wgan-gp")
    metrics = critic.learn(noise(64, (1, 32, 32)), noise(32, (1, 32, 32)))
    assert metrics["critic_penalty"] >= 0.0


class TwoPasses:
    """The same CNN critic seen without ``FeatureScores``: the scoreboard then runs features and scores apart."""

    def __init__(self, critic: CNNCritic) -> None:
        self.critic = critic

    def score(self, images: torch.Tensor) -> torch.Tensor:
        return self.critic.score(images)

    def features(self, images: torch.Tensor) -> torch.Tensor:
        return self.critic.features(images)

    def learn(self, real: torch.Tensor, fake: torch.Tensor) -> dict[str, float]:
        return self.critic.learn(real, fake)

    def state_dict(self) -> dict:
        return self.critic.state_dict()

    def load_state_dict(self, state: dict) -> None:
        self.critic.load_state_dict(state)


@pytest.mark.parametrize(("norm", "chunk"), [("spectral", 512), ("batch", 512), ("layer", 40)])
def test_one_pass_before_learning_gives_the_two_pass_measures(norm: str, chunk: int) -> None:
    from coevo.data.imageset import ImageSet
    from coevo.metrics.scoreboard import Scoreboard
    from coevo.protocols import FeatureScores, Proposal

    torch.manual_seed(0)
    critic = CNNCritic((1, 16, 16), norm=norm, width=8, chunk=chunk)
    data = load_data("digits", 16)
    critic.learn(data.images[:32], torch.rand(32, 1, 16, 16) * 2 - 1)  # trained a step: batch-norm statistics move
    assert isinstance(critic, FeatureScores) and not isinstance(TwoPasses(critic), FeatureScores)
    held_out = ImageSet(data.images[:100], None, "held")
    proposal = Proposal(torch.rand(70, 1, 16, 16) * 2 - 1)
    passes = []
    hook = critic.net.body.register_forward_hook(lambda module, inputs, output: passes.append(len(inputs[0])))
    one = Scoreboard(critic, held_out).before_learning(proposal)
    assert sum(passes) == 100 + 70, passes  # the body saw each image once
    passes.clear()
    two = Scoreboard(TwoPasses(critic), held_out).before_learning(proposal)
    hook.remove()
    assert sum(passes) == 100 + 70 + 70  # features, then held-out and population scores
    assert one == two and list(one) == list(two)  # the same measures, bit for bit, in the same order
    features, scores = critic.features_and_scores(proposal.images)
    assert torch.equal(features, critic.features(proposal.images))
    assert torch.equal(scores, critic.score(proposal.images))
