"""The stacked-MNIST mode count (coevo/metrics/modes.py): modes from three per-channel digits, KL to uniform."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import torch

from coevo.data import load_data
from coevo.data.toy2d import grid, ring
from coevo.metrics.modes import gaussian_modes, mode_count, stacked_labels


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


def test_the_3_std_rule_counts_modes_and_high_quality_points() -> None:
    means = torch.tensor([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    points = torch.tensor([[0.0, 0.02], [0.029, 0.0], [1.0, 0.031], [0.5, 0.5], [1.0, 0.0]])  # std 0.01
    counted = gaussian_modes(points.view(5, 2, 1, 1), means, 0.01)
    assert counted["modes"] == 2 and counted["high_quality"] == pytest.approx(3 / 5)  # 0.031 and the middle: out
    assert counted["kl"] == pytest.approx((2 / 3) * math.log(2) + (1 / 3) * math.log(1))  # p = (2/3, 1/3) of 3
    nothing = gaussian_modes(torch.full((4, 2), 0.5), means, 0.01)
    assert nothing["modes"] == 0 and nothing["high_quality"] == 0 and nothing["kl"] == math.inf


@pytest.mark.parametrize("make", [ring, grid])
def test_real_points_cover_every_mode_and_a_collapsed_set_one(make: object) -> None:
    mixture = make()  # type: ignore[operator]
    real = load_data(f"{mixture.name}:2500:4").images
    counted = gaussian_modes(real, mixture.means, mixture.std)
    assert counted["modes"] == mixture.modes and counted["kl"] < 0.02
    assert counted["high_quality"] == pytest.approx(1 - math.exp(-4.5), abs=0.01)  # P(r < 3σ) of a 2-D Gaussian
    collapsed = real[load_data(f"{mixture.name}:2500:4").labels == 0]
    assert gaussian_modes(collapsed, mixture.means, mixture.std)["modes"] == 1
