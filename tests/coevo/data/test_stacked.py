"""Stacked MNIST (coevo/data/stacked.py): three digits in the colour channels, 1,000 modes, the same images from
the same seed."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from coevo.data import ImageSet, load_data
from coevo.data.stacked import parse, stack
from coevo.errors import CoevoError


def digits() -> ImageSet:
    return load_data("digits", 28)


def test_each_channel_is_a_digit_and_the_label_names_all_three() -> None:
    grey = digits()
    made = stack(grey, 50, seed=3)
    assert made.images.shape == (50, 3, 28, 28) and made.labels.shape == (50,)
    for image, label in zip(made.images[:10], made.labels[:10]):
        for channel, digit in zip(image, (int(label) // 100, int(label) // 10 % 10, int(label) % 10)):
            matches = (grey.images[:, 0] == channel).flatten(1).all(1)
            assert matches.any() and digit in grey.labels[matches].tolist()


def test_the_same_seed_gives_the_same_images_and_another_seed_others() -> None:
    grey = digits()
    assert torch.equal(stack(grey, 40, 1).images, stack(grey, 40, 1).images)
    assert not torch.equal(stack(grey, 40, 1).images, stack(grey, 40, 2).images)
    assert len(set(stack(grey, 5000, 0).labels.tolist())) > 900  # a thousand modes, nearly all present


def test_the_spec_takes_a_count_and_a_seed_and_bad_ones_are_refused(tmp_path: Path) -> None:
    assert parse("/data/mnist") == (Path("/data/mnist"), 10_000, 0)
    assert parse("/data/mnist:500:7") == (Path("/data/mnist"), 500, 7)
    assert parse("c:/x:500") == (Path("c:/x"), 500, 0)
    with pytest.raises(CoevoError, match=r"1\.\.200000"):
        stack(digits(), 0)
    with pytest.raises(CoevoError, match="grey labelled digits"):
        stack(ImageSet(torch.zeros(4, 3, 28, 28), None, "x"), 4)
    with pytest.raises(CoevoError, match="does not exist"):
        load_data(f"stacked:{tmp_path / 'absent'}:10", 28)


def test_stacked_t10k_loads_by_spec(shared_data: Path) -> None:
    data = load_data(f"stacked:{shared_data / 'mnist'}:300:5", 28)
    assert data.images.shape == (300, 3, 28, 28) and data.images.min() == -1 and int(data.labels.max()) < 1000
