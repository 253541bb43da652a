"""The stacked-MNIST mode count (coevo/metrics/modes.py): modes from three per-channel digits, KL to uniform."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import torch

from coevo.data import load_data
from coevo.metrics.modes import mode_count, stacked_labels


def test_modes_and_kl_of_known_histograms() -> None:
    uniform = mode_count(torch.arange(1000).repeat(3))
    assert uniform == {"modes": 1000.0, "kl": pytest.approx(0.0, abs=1e-12)}
    single = mode_count(torch.full((500,), 42))
    assert single["modes"] == 1 and single["kl"] == pytest.approx(math.log(1000))
    half = mode_count(torch.arange(500))
    assert half["modes"] == 500 and half["kl"] == pytest.approx(math.log(2))


def test_the_channels_are_read_red_green_blue() -> None:
    images = torch.zeros(2, 3, 4, 4)
    images[0, 0], images[0, 1], images[0, 2] = 7, 0, 3  # a "classifier" that reads the pixel value
    images[1, 0], images[1, 1], images[1, 2] = 1, 2, 9
    labels = stacked_labels(images, lambda grey: grey[:, 0, 0, 0])
    assert labels.tolist() == [703, 129]
    with pytest.raises(ValueError, match=r"\(N, 3, H, W\)"):
        stacked_labels(torch.zeros(2, 1, 4, 4), lambda grey: grey[:, 0, 0, 0])


def test_the_yardstick_net_reads_real_stacked_digits(shared_data: Path) -> None:
    from coevo.metrics.yardstick import load_weights

    weights = shared_data / "lipizzaner" / "mnist_cnn.pkl"
    if not weights.is_file():
        pytest.skip(f"no Lipizzaner weights at {weights}")
    net = load_weights(weights)
    data = load_data(f"stacked:{shared_data / 'mnist'}:2000", 28)
    with torch.no_grad():
        labels = stacked_labels(data.images, lambda grey: net(grey).argmax(1))
    assert float((labels == data.labels).double().mean()) > 0.97  # 0.993³ of the three digits right
    read, true = mode_count(labels)["modes"], mode_count(data.labels)["modes"]
    assert true > 800 and abs(read - true) <= 20
