"""Per-round measures: held-out split, accuracy before learning, fooling rate, diversity; no RNG, no state."""

from __future__ import annotations

import random

import numpy as np
import torch

from coevo.data import load_data
from coevo.data.imageset import ImageSet
from coevo.loop import Progress
from coevo.metrics.scoreboard import Scoreboard, pairwise_spread, split_real
from coevo.protocols import Proposal
from tests.toys import BrightnessCritic


def test_held_out_images_are_kept_from_training() -> None:
    data = load_data("digits", 8)
    train, held_out = split_real(data)
    assert held_out is not None and len(train) + len(held_out) == len(data)
    assert torch.equal(held_out.images, data.images[::10]) and torch.equal(train.images[:9], data.images[1:10])
    tiny = ImageSet(torch.zeros(5, 1, 8, 8), None, "tiny")
    assert split_real(tiny) == (tiny, None)


def test_spread_is_zero_for_clones_and_grows_with_difference() -> None:
    clones = torch.ones(6, 1, 8, 8) * 0.3
    assert pairwise_spread(clones) == 0.0
    assert pairwise_spread(clones[:1]) == 0.0
    pair = torch.stack([torch.full((1, 8, 8), -1.0), torch.full((1, 8, 8), 1.0)])
    assert abs(pairwise_spread(pair) - 2.0) < 1e-6


def test_accuracy_fooling_and_diversity_from_a_known_critic() -> None:
    held = ImageSet(torch.cat([torch.full((3, 1, 8, 8), 0.5), torch.full((1, 1, 8, 8), -0.5)]), None, "held")
    board = Scoreboard(BrightnessCritic(), held)  # score = mean brightness: real if > 0
    population = torch.cat([torch.full((1, 1, 8, 8), 0.9), torch.full((3, 1, 8, 8), -0.9)])
    proposal = Proposal(population)
    state = (random.getstate(), np.random.get_state()[1].copy(), torch.get_rng_state())
    before = board.before_learning(proposal)
    assert before["critic_accuracy_real"] == 0.75 and before["critic_accuracy_fake"] == 0.75
    assert before["critic_accuracy"] == 0.75
    assert before["diversity_pixels"] > 0 and "diversity_features" not in before  # this critic has no features
    after = board.after_scoring(proposal, torch.tensor([0.9, -0.9, -0.9, -0.9]))
    assert after == {"fooling_rate": 0.25}
    assert board.after_scoring(proposal, torch.tensor([5.0, 5.0, 5.0, 5.0]), raw=False) == {"fooling_rate": 0.25}
    assert random.getstate() == state[0] and (np.random.get_state()[1] == state[1]).all()
    assert torch.equal(torch.get_rng_state(), state[2])



def test_the_critics_scores_of_the_held_out_real_images_for_a_bar_set_by_the_data() -> None:
    held = ImageSet(torch.linspace(-1, 1, 200).view(200, 1, 1, 1).expand(200, 1, 8, 8).clone(), None, "held")
    scores = Scoreboard(BrightnessCritic(), held).real_scores()
    assert scores is not None and torch.allclose(scores, held.images[:128].mean(dim=(1, 2, 3)))  # the first PROBE
    assert Scoreboard(BrightnessCritic(), None).real_scores() is None

def test_the_clock_takes_the_held_out_measures_every_n_rounds_from_round_0() -> None:
    """The critic's held-out pass (accuracy; feature diversity) on rounds 0, 3, 6, ...; the pixel diversity every
    round; the rounds follow the progress alone, so a resumed run measures the same rounds."""
    held = ImageSet(torch.full((4, 1, 8, 8), 0.5), None, "held")
    board = Scoreboard(BrightnessCritic(), held, every=3)
    clock = board.clock()
    proposal = Proposal(torch.linspace(-1, 1, 4 * 64).reshape(4, 1, 8, 8))
    measured = []
    for index in (0, 1, 2, 3, 4, 5, 6, 0, 1):
        clock.on_round_start(Progress(rounds=index))
        metrics = board.before_learning(proposal)
        assert metrics["diversity_pixels"] > 0
        if "critic_accuracy" in metrics:
            measured.append(index)
    assert measured == [0, 3, 6, 0]
    assert "critic_accuracy" in Scoreboard(BrightnessCritic(), held).before_learning(proposal)  # no clock: always
