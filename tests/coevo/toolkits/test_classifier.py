"""The cached LeNet classifier: accuracy on real digits, caching by content hash, RNG left untouched."""

from __future__ import annotations

import pytest
import torch

from coevo.data import load_data
from coevo.errors import CoevoError
from coevo.toolkits import classifier
from coevo.toolkits.classifier import LeNet, accuracy, cached_classifier, train_classifier


@pytest.fixture(scope="module")
def digits():
    return load_data("digits", 16)


def test_lenet_shapes_and_features():
    model = LeNet((3, 32, 32), 7)
    images = torch.rand(5, 3, 32, 32) * 2 - 1
    assert model(images).shape == (5, 7)
    assert model.features(images).shape == (5, 128)
    probabilities = model.probabilities(images)
    assert torch.allclose(probabilities.sum(1), torch.ones(5), atol=1e-5)
    with pytest.raises(CoevoError, match="16x16"):
        LeNet((1, 8, 8))


def test_trains_on_real_digits_and_leaves_global_rng_alone(digits):
    train, held_out = digits.split()
    state = torch.get_rng_state()
    model = train_classifier(train, steps=150, seed=1)
    assert torch.equal(state, torch.get_rng_state())
    assert accuracy(model, held_out) >= 0.9


def test_training_is_deterministic_for_a_seed(digits):
    a = train_classifier(digits, steps=20, seed=3).state_dict()
    b = train_classifier(digits, steps=20, seed=3).state_dict()
    c = train_classifier(digits, steps=20, seed=4).state_dict()
    assert all(torch.equal(a[k], b[k]) for k in a)
    assert not all(torch.equal(a[k], c[k]) for k in a)


def test_cache_trains_once_then_loads(digits, tmp_path, monkeypatch):
    first = cached_classifier(digits, tmp_path, steps=20)
    files = list(tmp_path.glob("lenet-*.pt"))
    assert len(files) == 1

    def refuse(*args, **kwargs):
        raise AssertionError("trained again although the cache holds this data")

    monkeypatch.setattr(classifier, "train_classifier", refuse)
    second = cached_classifier(digits, tmp_path, steps=20)
    assert all(torch.equal(first.state_dict()[k], second.state_dict()[k]) for k in first.state_dict())
    images = digits.images[:8]
    assert torch.allclose(first.probabilities(images), second.probabilities(images))


def test_cache_key_follows_data_and_settings(digits, tmp_path):
    cached_classifier(digits, tmp_path, steps=10)
    changed = load_data("digits", 16)
    changed.images[0, 0, 0, 0] = -changed.images[0, 0, 0, 0] + 0.5
    cached_classifier(changed, tmp_path, steps=10)
    cached_classifier(digits, tmp_path, steps=11)
    assert len(list(tmp_path.glob("lenet-*.pt"))) == 3


def test_cache_folder_from_environment_and_damaged_file(digits, tmp_path, monkeypatch):
    monkeypatch.setenv("COEVO_CACHE", str(tmp_path))
    cached_classifier(digits, steps=10)
    (path,) = (tmp_path / "classifiers").glob("lenet-*.pt")
    path.write_bytes(b"not a torch file")
    model = cached_classifier(digits, steps=10)  # retrains over the damaged file
    assert model(digits.images[:2]).shape == (2, 10)
    assert torch.load(path, weights_only=True).keys() == model.state_dict().keys()


def test_unlabelled_data_is_refused(digits, tmp_path):
    digits.labels = None
    with pytest.raises(CoevoError, match="no labels"):
        cached_classifier(digits, tmp_path, steps=1)


@pytest.mark.slow
def test_mnist_held_out_accuracy_at_least_97_percent(shared_data):
    train, held_out = load_data(f"mnist:{shared_data / 'mnist'}", None).split()
    assert accuracy(train_classifier(train), held_out) >= 0.97
