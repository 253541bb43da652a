"""Image features against values worked out by hand on small images."""

import math

import pytest
import torch

from coevo.toolkits.imagefeatures import (
    COMPLEXITY,
    VICKERS_COLOUR,
    VICKERS_GREY,
    feature_names,
    image_features,
    rgb_to_hls,
)


def features(images: torch.Tensor) -> list[dict[str, float]]:
    names = feature_names(images.shape[1])
    return [dict(zip(names, row.tolist())) for row in image_features(images)]


def from_unit(x: torch.Tensor) -> torch.Tensor:
    """[0, 1] values to the image convention [-1, 1]."""
    return x * 2 - 1


def test_the_lists_follow_vickers_19_grey_and_33_colour_metrics() -> None:
    assert len(VICKERS_GREY) == 19 and len(VICKERS_COLOUR) == 33
    assert feature_names(1)[:19] == VICKERS_GREY and feature_names(3)[:33] == VICKERS_COLOUR
    assert image_features(torch.zeros(2, 1, 16, 16)).shape == (2, 19 + len(COMPLEXITY))
    assert image_features(torch.zeros(2, 3, 16, 16)).shape == (2, 33 + len(COMPLEXITY) + 4)


def test_light_entropy_and_edges_of_a_vertical_step() -> None:
    step = from_unit(torch.tensor([0.0, 0.0, 1.0, 1.0]).repeat(4, 1))[None, None]  # 4×4: two dark, two light columns
    f = features(step)[0]
    assert f["mean_l"] == pytest.approx(0.5) and f["stddev_l"] == pytest.approx(0.5)
    assert f["entropy_grey"] == pytest.approx(math.log(2) / math.log(256))  # two equal levels: 1/8
    # Sobel x is 4 on the two middle columns (1 - 0 times 1 + 2 + 1), 0 on the reflected borders; max 4√2
    assert f["mean_edge"] == pytest.approx(0.5 * 4 / (4 * math.sqrt(2)), abs=1e-6)
    assert f["stddev_edge"] == pytest.approx(0.5 * 4 / (4 * math.sqrt(2)) / 0.5, abs=1e-6)


def test_four_grey_levels_have_entropy_a_quarter_and_four_patches() -> None:
    levels = torch.tensor([0.0, 1 / 3, 2 / 3, 1.0]).repeat_interleave(4)  # 16 columns, 4 of each level
    image = from_unit(levels.repeat(16, 1))[None, None]
    f = features(image)[0]
    assert f["entropy_grey"] == pytest.approx(2 * math.log(2) / math.log(256), abs=1e-6)
    assert f["n_patches"] == 4
    assert [f[f"patch_{i}_size"] for i in range(1, 6)] == pytest.approx([0.25, 0.25, 0.25, 0.25, 0.0])
    assert sorted(f[f"patch_{i}_mean_l"] for i in range(1, 5)) == pytest.approx([0, 85 / 255, 170 / 255, 1], abs=1e-6)
    assert f["convexity"] == pytest.approx(1.0)  # four rectangles fill their hulls


def test_quadtree_of_a_half_dark_square() -> None:
    half = torch.zeros(8, 8)
    half[:, 4:] = 1
    f = features(from_unit(half)[None, None])[0]
    assert f["quadtree_leaves"] == pytest.approx(4 / 16)  # the root splits once into four flat 4×4 blocks
    assert f["quadtree_rmse"] == pytest.approx(0.0) and f["quadtree_complexity"] == pytest.approx(0.0)


def test_a_flat_image_is_least_complex_and_noise_most() -> None:
    torch.manual_seed(0)
    ramp = torch.linspace(-1, 1, 32).repeat(32, 1)
    disc = ((torch.linspace(-1, 1, 32)[:, None] ** 2 + torch.linspace(-1, 1, 32)[None] ** 2) < 0.4).float() * 2 - 1
    images = torch.stack([torch.zeros(32, 32), ramp, disc, torch.rand(32, 32) * 2 - 1])[:, None]
    f = features(images)
    for name in ("jpeg_size", "jpeg_complexity", "quadtree_leaves", "quadtree_complexity", "entropy_grey"):
        values = [row[name] for row in f]
        assert values[0] == min(values) and values[3] == max(values), (name, values)
    assert f[0]["jpeg_size"] == 0.0 and f[0]["jpeg_rmse"] == pytest.approx(0.0)
    assert f[0]["quadtree_leaves"] == pytest.approx(1 / 256) and f[3]["quadtree_leaves"] == pytest.approx(1.0)
    assert f[0]["n_corners"] == 0 and f[0]["mean_edge"] == 0.0


def test_colour_statistics_of_pure_red() -> None:
    red = torch.zeros(1, 3, 8, 8)
    red[:, 0] = 1
    hls = rgb_to_hls(red)[0, :, 0, 0]
    assert hls.tolist() == pytest.approx([0.0, 0.5, 1.0])
    f = features(from_unit(red))[0]
    assert f["mean_r"] == 1 and f["mean_g"] == 0 and f["mean_s"] == pytest.approx(1.0)
    assert f["colourfulness"] == pytest.approx(0.3 * math.sqrt(1 + 0.25))  # rg = 1, yb = 0.5, no spread
    assert f["stddev_h"] == 0 and f["mean_l"] == pytest.approx(0.5)


def test_features_are_batched_and_deterministic() -> None:
    torch.manual_seed(1)
    images = torch.rand(6, 3, 16, 16) * 2 - 1
    together = image_features(images)
    alone = torch.cat([image_features(images[i: i + 1]) for i in range(6)])
    assert torch.equal(together, alone) and torch.isfinite(together).all()


def test_eight_bit_hls_is_opencv_s_worked_by_hand() -> None:
    """OpenCV's 8-bit BGR2HLS: hue = degrees / 2 rounded (ties to even), lightness and saturation x 255 rounded."""
    from coevo.toolkits.imagefeatures import rgb_to_hls8

    pixels = [(255, 0, 0), (0, 255, 0), (0, 0, 255), (255, 0, 1), (10, 200, 100), (128, 128, 128)]
    x = torch.tensor(pixels, dtype=torch.float32).T.reshape(1, 3, 1, len(pixels)) / 255
    got = (rgb_to_hls8(x)[0, :, 0].T * 255).round().int().tolist()
    # red: l = 0.5 -> 127.5 -> 128 (ties to even); (255, 0, 1): h = 360 - 60/255 = 359.76 -> 179.88 -> 180;
    # (10, 200, 100): h = 120 + 60 (100 - 10) / 190 = 148.42 -> 74, l = 210 / 510 -> 105, s = 190 / 210 -> 231
    assert got == [[0, 128, 255], [60, 128, 255], [120, 128, 255], [180, 128, 255], [74, 105, 231], [0, 128, 0]]


def test_hls8_metrics_differ_from_float_ones_by_hercl_s_scales_only() -> None:
    blue = from_unit(torch.tensor([0.0, 0.0, 1.0]).view(1, 3, 1, 1).expand(1, 3, 8, 8))
    names = feature_names(3)
    eight = dict(zip(names, image_features(blue, hls8=True)[0].tolist()))
    plain = dict(zip(names, image_features(blue)[0].tolist()))
    assert eight["mean_h"] == pytest.approx(120 / 255) and plain["mean_h"] == pytest.approx(2 / 3)
    assert eight["mean_l"] == pytest.approx(128 / 255) and plain["mean_l"] == pytest.approx(0.5)
    noise = torch.rand(2, 3, 16, 16, generator=torch.Generator().manual_seed(0)) * 2 - 1
    a, b = image_features(noise, hls8=True), image_features(noise)
    light = names.index("mean_l")
    assert 0 < (a[:, light] - b[:, light]).abs().max() < 1 / 255  # lightness rounded to 8 bits
