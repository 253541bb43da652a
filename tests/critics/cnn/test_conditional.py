"""The projection critic (critics/cnn/conditional.py): only it takes labels; wrong labels score lower."""

from __future__ import annotations

import pytest
import torch

from coevo.data import load_data
from coevo.protocols import LabelledCritic
from critics.cnn import CNNCritic, ConditionalCNNCritic


def test_only_the_projection_critic_takes_labels() -> None:
    assert isinstance(ConditionalCNNCritic((1, 28, 28), width=8), LabelledCritic)
    assert not isinstance(CNNCritic((1, 28, 28), width=8), LabelledCritic)
    with pytest.raises(ValueError, match="labels must lie"):
        ConditionalCNNCritic((1, 28, 28), width=8, classes=3).score_labelled(torch.zeros(2, 1, 28, 28),
                                                                             torch.tensor([0, 3]))


@pytest.mark.parametrize("loss", ["nonsaturating", "wgan-gp"])
def test_a_conditional_critic_given_wrong_labels_scores_lower(loss: str) -> None:
    """Real digits with their own labels are real; the same digits with the wrong labels are fake. The critic
    learns the difference: held-out digits score higher as their class than as another."""
    torch.manual_seed(0)
    data = load_data("digits", 28)
    train, test = data.split(0.2)
    critic = ConditionalCNNCritic((1, 28, 28), width=16, loss=loss, classes=10)
    for _ in range(120):
        images, labels = train.sample_labelled(64)
        wrong = (labels + torch.randint(1, 10, labels.shape)) % 10
        critic.learn_labelled(images, labels, images, wrong)
    wrong = (test.labels + 1 + torch.arange(len(test.labels)) % 9) % 10
    right_scores = critic.score_labelled(test.images, test.labels)
    wrong_scores = critic.score_labelled(test.images, wrong)
    assert (right_scores > wrong_scores).float().mean() > 0.9
    assert right_scores.mean() > wrong_scores.mean()
