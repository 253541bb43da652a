"""The hercl critic (critics/hercl/critic.py) on digits against a blank canvas, and its state round trip."""

from __future__ import annotations

import random

import pytest
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


def test_hls8_reads_colour_metrics_from_8_bit_hls_as_hercl() -> None:
    from critics.hercl import HERCLCritic

    blue = torch.tensor([-1.0, -1.0, 1.0]).view(1, 3, 1, 1).expand(2, 3, 8, 8)
    eight, plain = HERCLCritic(shape=(3, 8, 8), hls8=True), HERCLCritic(shape=(3, 8, 8))
    hue = eight.names.index("mean_h")
    assert eight.metrics(blue)[0, hue].item() == pytest.approx(120 / 255)  # OpenCV's 8-bit hue: 240 degrees / 2
    assert plain.metrics(blue)[0, hue].item() == pytest.approx(2 / 3)
