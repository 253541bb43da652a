"""A jury of past critics: the artist fools only when it fools the playing critic and every kept earlier one."""

from __future__ import annotations

import pytest
import torch

from coevo.errors import CoevoError
from coevo.evolution.pastjury import PastJury
from coevo.programs.run import RunProgram
from coevo.training.config import RunConfig
from tests.toys import TinyCritic


def liking(critic: TinyCritic, weight: float) -> TinyCritic:
    with torch.no_grad():
        critic.net.weight.fill_(weight)
        critic.net.bias.fill_(0.0)
    return critic


def test_the_score_is_the_lowest_of_the_playing_and_the_last_n_past_critics() -> None:
    critic = liking(TinyCritic((1, 2, 2)), 1.0)  # likes bright images
    jury = PastJury(critic, size=2)
    bright, dark = torch.ones(1, 1, 2, 2), -torch.ones(1, 1, 2, 2)
    assert jury.score(bright).item() == pytest.approx(4.0)  # no past critics yet
    assert jury.next_phase() == {"past_jury": 1.0}
    liking(critic, -1.0)  # retrained: now likes dark images
    assert jury.score(bright).item() == pytest.approx(-4.0) and jury.score(dark).item() == pytest.approx(-4.0)
    jury.next_phase()
    liking(critic, 0.5)
    jury.next_phase()  # the first (bright-loving) critic leaves: two are kept
    assert len(jury.past) == 2
    liking(critic, 2.0)
    assert jury.score(bright).item() == pytest.approx(-4.0)  # the dark-loving past critic still says no
    restored = PastJury(liking(TinyCritic((1, 2, 2)), 0.0), size=2)
    restored.load_state_dict(jury.state_dict())
    for images in (bright, dark):
        assert torch.equal(restored.score(images), jury.score(images))
    assert "opt" not in jury.past[0]  # only what scores is kept


def test_a_jury_needs_the_phases_schedule() -> None:
    config = RunConfig(critic="tests.toys:TinyCritic", artist="tests.toys:ToyGenetics", size=8, pop=4, rounds=2,
                       device="cpu", phase_jury=2)
    with pytest.raises(CoevoError, match=r"--phase-jury .* --schedule phases"):
        RunProgram().build(config)
    config.schedule = "phases"
    game = RunProgram().build(config)
    assert isinstance(game.players.critic, PastJury) and game.meta["critic"] is game.players.critic.bare
