"""The fixed-classifier critic: confidences, target class, learns nothing, cached classifier."""

from __future__ import annotations

import torch

from coevo.data import load_data
from critics.classifier import ClassifierCritic


def test_scores_are_confidences_and_learning_changes_nothing(tmp_path):
    critic = ClassifierCritic((1, 16, 16), data="digits", steps=60, cache_dir=str(tmp_path))
    data = load_data("digits", 16)
    confidences = critic.confidences(data.images[:200])
    assert confidences.shape == (200, 10)
    assert torch.allclose(confidences.sum(1), torch.ones(200), atol=1e-5)
    assert (confidences.argmax(1) == data.labels[:200]).float().mean() > 0.6
    assert torch.allclose(critic.score(data.images[:5]), confidences[:5].max(1).values, atol=1e-6)
    before = [p.clone() for p in critic.model.parameters()]
    assert critic.learn(data.images[:8], data.images[8:16]) == {}
    assert all(torch.equal(a, b) for a, b in zip(before, critic.model.parameters()))
    critic.load_state_dict({"target": 3})
    assert torch.allclose(critic.score(data.images[:5]), confidences[:5, 3], atol=1e-6)
    assert critic.state_dict() == {"target": 3}
    assert len(list(tmp_path.glob("lenet-*.pt"))) == 1
