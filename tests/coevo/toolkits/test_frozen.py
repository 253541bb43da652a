"""The critic base that never learns (coevo/toolkits/frozen.py)."""

import pytest
import torch

from coevo.protocols import Critic
from coevo.toolkits.frozen import FrozenCritic


class Brightest(FrozenCritic):
    def score(self, images: torch.Tensor) -> torch.Tensor:
        return images.mean(dim=(1, 2, 3))


def test_a_frozen_critic_is_a_critic_that_learns_and_saves_nothing() -> None:
    critic = Brightest()
    images = torch.rand(4, 1, 8, 8) * 2 - 1
    before = critic.score(images)
    assert isinstance(critic, Critic)
    assert critic.learn(images, -images) == {} and critic.state_dict() == {}
    critic.load_state_dict({})
    assert torch.equal(critic.score(images), before)


def test_a_frozen_critic_without_a_score_says_so() -> None:
    with pytest.raises(NotImplementedError):
        FrozenCritic().score(torch.zeros(1, 1, 8, 8))
