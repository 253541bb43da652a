"""Scores generated images against a data set with every offline metric at once."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import torch

from coevo.data import ImageSet
from coevo.metrics.distances import (
    critic_accuracy,
    density_coverage,
    frechet_distance,
    kernel_inception_distance,
    precision_recall,
    total_variation,
)
from coevo.metrics.features import FeatureNet, feature_net
from coevo.metrics.yardstick import Yardstick, is_lipizzaner_data, load_yardstick
from coevo.protocols import Critic

CONFIDENT = 0.9  # a generated image counts for class coverage only when the classifier is this sure of its class
DENSITY_K = 5  # neighbours of density and coverage (Naeem et al. 2020's choice)
NEIGHBOURS = 5000  # training images searched for each sample's nearest neighbour (memorisation check)


def confident_coverage(probabilities: torch.Tensor, threshold: float = CONFIDENT,
                       min_share: float = 0.1) -> tuple[float, float, list[float]]:
    """(coverage, confident share, class histogram) counting only images classified with probability >=
    ``threshold``: a class is covered when at least ``min_share`` of its fair share 1/classes of *all* images
    is confidently of it, so one repeated image covers 1 class in 10 and unrecognisable images cover none."""
    top, label = probabilities.max(dim=1)
    sure = top >= threshold
    classes = probabilities.shape[1]
    counts = torch.bincount(label[sure], minlength=classes)[:classes].double() / max(1, len(label))
    return float((counts >= min_share / classes).double().mean()), float(sure.double().mean()), counts.tolist()


def nearest_distance(samples: torch.Tensor, pool: torch.Tensor) -> float:
    """Median over samples of the RMS pixel distance to the closest image of ``pool`` (0 = a copy)."""
    flat_pool = pool.detach().float().cpu().flatten(1)
    closest = torch.cat([torch.cdist(chunk.flatten(1), flat_pool).min(dim=1).values
                         for chunk in samples.detach().float().cpu().split(256)])
    return float((closest / flat_pool.shape[1] ** 0.5).median())


class Evaluator:
    """A data set's feature network and a fixed reference sample of real images, disjoint from what the network
    learned from: the data's fixed half split (``ImageSet.split(0.5)``) trains the network; the other half gives
    the reference sample and, apart from it, the real images of the floor row. With ``yardstick`` (the path of
    Lipizzaner's ``mnist_cnn.pkl``) it adds that fixed net's FID and TVD, against real images of the first half
    (the net learned none of them), so the floor row stays disjoint from its reference."""

    def __init__(self, data: ImageSet, reference: int = 2000, kind: str = "auto", k: int = 3,
                 net: FeatureNet | None = None, split: bool = True, yardstick: Path | str | None = None) -> None:
        train, held = data.split(0.5) if split else (data, data)
        self.yardstick: Yardstick | None = None
        if yardstick:
            fixed_order = torch.randperm(len(train), generator=torch.Generator().manual_seed(1))
            self.yardstick = load_yardstick(Path(yardstick), train.images[fixed_order],
                                        is_lipizzaner_data(data.name, data.shape))
        self.train = train.images
        self.net: FeatureNet = net or feature_net(train, kind)
        fixed = torch.Generator().manual_seed(0)  # a fixed draw, independent of the run's seed and RNG state
        order = torch.randperm(len(held), generator=fixed)
        size = min(reference, len(held) // 2) if split else min(reference, len(held))
        self.real = held.images[order[:size]]
        self.rest = held.images[order[size:]]  # held-out real images outside the reference: the metrics' floor
        self.real_features = self.net.features(self.real)
        self.real_labels = self.net.predict(self.real) if self.net.predict is not None else None
        held_labels = None if held.labels is None else held.labels[order[:size]]
        self.accuracy = (None if held_labels is None or self.real_labels is None
                         else float((self.real_labels == held_labels).double().mean()))
        self.k = k

    def matched(self, samples: int) -> int:
        """The n every artist and the floor are measured at: ``samples``, or fewer if the floor has fewer."""
        return max(2 * self.k + 1, min(samples, len(self.rest)))

    def evaluate(self, fake: torch.Tensor, critic: Critic | None = None,
                 threshold: float | None = 0.0) -> dict[str, Any]:
        """KID, FID, precision, recall, density, k-NN coverage, nearest-neighbour distance to the training images;
        confident class coverage, confident share, class histogram and TV distance when labelled; critic accuracy
        when given; Lipizzaner's FID and TVD with a yardstick.

        ``threshold`` is the critic's real/fake boundary (0 for logits and hinge); ``None`` takes the median of
        all scores, for Wasserstein critics.
        """
        fake = fake.detach().float().cpu()
        features = self.net.features(fake)
        precision, recall = precision_recall(self.real_features, features, self.k)
        density, coverage = density_coverage(self.real_features, features, max(1, min(DENSITY_K, len(self.real) - 1)))
        result: dict[str, Any] = {"kid": kernel_inception_distance(self.real_features, features),
                                  "fid": frechet_distance(self.real_features, features),
                                  "precision": precision, "recall": recall,
                                  "density": density, "knn_coverage": coverage,
                                  "nn_distance": nearest_distance(fake, self.train[:NEIGHBOURS])}
        if self.net.probabilities is not None and self.real_labels is not None:
            probabilities = self.net.probabilities(fake)
            coverage, confident, histogram = confident_coverage(probabilities)
            result.update(coverage=coverage, confident=confident, class_hist=histogram,
                          class_tv=total_variation(self.real_labels, probabilities.argmax(1), self.net.classes))
        if self.yardstick is not None:
            result.update(self.yardstick.score(fake))
        if critic is not None:
            judge = copy.deepcopy(critic)  # scoring may move BatchNorm statistics; the playing critic stays as is
            with torch.no_grad():
                real_scores = judge.score(self.real[: len(fake)]).float().cpu()
                fake_scores = judge.score(fake).float().cpu()
            cut = float(torch.cat([real_scores, fake_scores]).median()) if threshold is None else threshold
            result["critic_accuracy"] = critic_accuracy(real_scores, fake_scores, cut)
        return result

    def real_floor(self, n: int) -> dict[str, Any] | None:
        """The metrics of ``n`` held-out real images outside the reference sample: what a perfect artist scores at
        the same n (FID is biased upwards for small samples); ``None`` when the data set has too few left."""
        if len(self.rest) <= 2 * self.k:
            return None
        return {**self.evaluate(self.rest[:n]), "samples": float(min(n, len(self.rest)))}

