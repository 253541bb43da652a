"""A critic's scoring state: no optimiser, and it loads back into a whole critic that scores the same."""

from __future__ import annotations

import torch

from coevo.evolution.snapshots import completed, scoring_state
from tests.toys import TinyCritic


def test_a_kept_critic_drops_its_optimiser_and_loads_back_whole() -> None:
    critic = TinyCritic((1, 8, 8))
    critic.learn(torch.rand(4, 1, 8, 8), -torch.rand(4, 1, 8, 8))
    kept = scoring_state(critic.state_dict())
    assert set(kept) == {"net"}  # the Adam state is not kept
    critic.learn(torch.rand(4, 1, 8, 8), -torch.rand(4, 1, 8, 8))  # the kept state is a copy: it does not move
    other = TinyCritic((1, 8, 8))
    other.load_state_dict(completed(kept, other.state_dict()))
    assert not torch.equal(other.net.weight, critic.net.weight)
    critic.load_state_dict(completed(kept, critic.state_dict()))
    images = torch.randn(5, 1, 8, 8)
    assert torch.equal(other.score(images), critic.score(images))
