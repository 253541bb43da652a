"""Scores generated images against a data set with every offline metric at once."""

from __future__ import annotations

import copy

import torch

from coevo.data import ImageSet
from coevo.metrics.distances import (
    critic_accuracy,
    frechet_distance,
    kernel_inception_distance,
    mode_coverage,
    precision_recall,
    total_variation,
)
from coevo.metrics.features import FeatureNet, feature_net
from coevo.protocols import Critic


class Evaluator:
    """Holds a data set's feature network and the features of a fixed reference sample of its images."""

    def __init__(self, data: ImageSet, reference: int = 2000, kind: str = "auto", k: int = 3,
                 net: FeatureNet | None = None) -> None:
        self.net: FeatureNet = net or feature_net(data, kind)
        fixed = torch.Generator().manual_seed(0)  # a fixed draw, independent of the run's seed and RNG state
        order = torch.randperm(len(data), generator=fixed)
        self.real = data.images[order[:reference]]
        self.rest = data.images[order[reference:]]  # real images outside the reference: the metrics' floor
        self.real_features = self.net.features(self.real)
        self.real_labels = self.net.predict(self.real) if self.net.predict is not None else None
        self.k = k

    def evaluate(self, fake: torch.Tensor, critic: Critic | None = None,
                 threshold: float | None = 0.0) -> dict[str, float]:
        """FID, KID, precision, recall; class coverage and TV distance when labelled; critic accuracy when given.

        ``threshold`` is the critic's real/fake boundary (0 for logits and hinge); ``None`` takes the median of
        all scores, for Wasserstein critics.
        """
        fake = fake.detach().float().cpu()
        features = self.net.features(fake)
        precision, recall = precision_recall(self.real_features, features, self.k)
        result = {"fid": frechet_distance(self.real_features, features),
                  "kid": kernel_inception_distance(self.real_features, features),
                  "precision": precision, "recall": recall}
        if self.net.predict is not None and self.real_labels is not None:
            labels = self.net.predict(fake)
            result["coverage"] = mode_coverage(labels, self.net.classes)
            result["class_tv"] = total_variation(self.real_labels, labels, self.net.classes)
        if critic is not None:
            judge = copy.deepcopy(critic)  # scoring may move BatchNorm statistics; the playing critic stays as is
            with torch.no_grad():
                real_scores = judge.score(self.real[: len(fake)]).float().cpu()
                fake_scores = judge.score(fake).float().cpu()
            cut = float(torch.cat([real_scores, fake_scores]).median()) if threshold is None else threshold
            result["critic_accuracy"] = critic_accuracy(real_scores, fake_scores, cut)
        return result

    def real_floor(self, n: int) -> dict[str, float] | None:
        """The metrics of up to ``n`` real images outside the reference sample: what a perfect artist scores
        (FID is biased upwards for small samples); ``None`` when the data set has too few left."""
        if len(self.rest) <= 2 * self.k:
            return None
        return {**self.evaluate(self.rest[:n]), "samples": float(min(n, len(self.rest)))}
