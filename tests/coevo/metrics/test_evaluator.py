"""Sanity of the metrics on real digits: two halves of real data score near 0; noise raises the distance."""

from __future__ import annotations

import pytest
import torch

from coevo.data import ImageSet, load_data
from coevo.metrics import Evaluator
from coevo.metrics.features import autoencoder_features, cached_autoencoder


@pytest.fixture(scope="module")
def digits() -> ImageSet:
    data = load_data("digits", 16)
    return ImageSet(data.images[:1000], data.labels[:1000], data.name)


@pytest.fixture(autouse=True)
def cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COEVO_CACHE", str(tmp_path_factory.getbasetemp() / "cache"))


def halves(data: ImageSet) -> tuple[ImageSet, torch.Tensor]:
    """The first half as the reference data, the second as the 'generated' set (the digits begin in class order
    0, 1, ..., 9, 0, 1, ..., so even and odd indices would hold different digits).

    The feature nets here train on both halves; ``split=False`` takes the reference as given.
    """
    half = len(data) // 2
    return ImageSet(data.images[:half], None if data.labels is None else data.labels[:half], data.name), \
        data.images[half:]


def noisy(images: torch.Tensor, sigma: float) -> torch.Tensor:
    noise = torch.randn(images.shape, generator=torch.Generator().manual_seed(7))
    return (images + sigma * noise).clamp(-1, 1)


@pytest.mark.parametrize("kind", ["autoencoder", pytest.param("classifier", marks=pytest.mark.slow)])
def test_real_halves_score_near_zero_and_noise_raises_the_distance(digits: ImageSet, kind: str) -> None:
    reference, other = halves(digits)
    if kind == "classifier":
        classifier = pytest.importorskip("coevo.toolkits.classifier", reason="coevo.toolkits.classifier not merged yet")
        from coevo.metrics.features import classifier_features

        net = classifier_features(digits, classifier.train_classifier(digits, steps=150))
    else:
        net = autoencoder_features(digits, epochs=3)
    evaluator = Evaluator(reference, net=net, split=False)
    same = evaluator.evaluate(other)
    scores = [evaluator.evaluate(noisy(other, s)) for s in (0.25, 0.5, 1.0, 2.0)]
    fids = [same["fid"]] + [s["fid"] for s in scores]
    kids = [same["kid"]] + [s["kid"] for s in scores]
    assert fids == sorted(fids) and kids == sorted(kids), (fids, kids)
    # FID carries a finite-sample bias (about tr(cov)·dim / n), so "near 0" is relative to the noisiest set
    assert same["fid"] < 0.15 * fids[-1] and abs(same["kid"]) < 0.1 * kids[-1], (fids, kids)
    assert same["precision"] > 0.7 and same["recall"] > 0.7
    assert scores[-1]["precision"] < same["precision"]
    if kind == "classifier":
        assert same["coverage"] == 1.0 and same["class_tv"] < 0.1


def test_autoencoder_is_cached_by_content(digits: ImageSet) -> None:
    first = cached_autoencoder(digits.images[:200], epochs=1)
    again = cached_autoencoder(digits.images[:200].clone(), epochs=1)
    for a, b in zip(first.state_dict().values(), again.state_dict().values()):
        assert torch.equal(a, b)
    other = cached_autoencoder(digits.images[200:400], epochs=1)
    assert not torch.equal(first.encoder[0].weight, other.encoder[0].weight)


def test_one_repeated_image_covers_one_class_in_ten() -> None:
    from coevo.metrics.evaluator import confident_coverage

    sure = torch.zeros(50, 10, dtype=torch.float64)
    sure[:, 3] = 1.0
    assert confident_coverage(sure)[:2] == (0.1, 1.0)
    unsure = torch.full((50, 10), 0.1, dtype=torch.float64)  # nothing recognisable: covers nothing
    assert confident_coverage(unsure)[:2] == (0.0, 0.0)


def test_feature_net_never_sees_the_reference_images(digits: ImageSet) -> None:
    """The network learns from one half of the fixed split; the reference and floor come from the other."""
    evaluator = Evaluator(digits, kind="autoencoder")
    train, _ = digits.split(0.5)
    assert torch.equal(evaluator.train, train.images)
    seen = {bytes(image.numpy().tobytes()) for image in train.images}
    assert not any(bytes(image.numpy().tobytes()) in seen for image in evaluator.real)
    n = evaluator.matched(400)
    assert n == min(400, len(evaluator.rest))
    floor = evaluator.real_floor(n)
    assert floor is not None and floor["samples"] == n
    assert abs(floor["kid"]) < 0.1 * evaluator.evaluate(noisy(evaluator.rest[:n], 1.0))["kid"]
