"""The hercl critic (critics/hercl/critic.py) on digits against a blank canvas, and its state round trip."""

from __future__ import annotations

import random

import torch

from coevo.data import load_data
from critics.hercl import HERCLCritic


def test_the_critic_tells_digits_from_a_blank_canvas_and_its_state_resumes() -> None:
    random.seed(0)
    torch.manual_seed(0)
    real, blank = load_data("digits:ink:40", 64).images, torch.ones(8, 1, 64, 64)
    critic = HERCLCritic(shape=(1, 64, 64), evals=300)
    for _ in range(30):
        metrics = critic.learn(real, blank)
        if metrics["critic_solved"]:
            break
    assert metrics["critic_solved"] == 1.0 and metrics["critic_items"] == 41  # 40 digits, one blank
    assert (critic.probability(real) > 0.5).all() and critic.probability(blank[:1]).item() < 0.5
    assert (critic.score(real) > 0).all() and critic.score(blank[:1]).item() < 0
    copy = HERCLCritic(shape=(1, 64, 64), evals=300)
    copy.load_state_dict(critic.state_dict())
    assert copy.program() == critic.program() and torch.equal(copy.probability(real), critic.probability(real))
    state = random.getstate()
    more = torch.zeros(4, 1, 64, 64)  # new fakes: both go on searching alike
    a = critic.learn(real[:4], more)
    random.setstate(state)
    assert copy.learn(real[:4], more) == a and copy.program() == critic.program()
