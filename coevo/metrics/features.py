"""Feature networks for the metrics, trained on the data set itself and cached by its content hash.

Labelled data gets a LeNet-style classifier (``coevo.toolkits.classifier``), whose penultimate layer gives features
and whose predictions give class histograms; unlabelled data gets a small convolutional autoencoder.
No pretrained weights are downloaded.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

import torch

from coevo.data import ImageSet
from coevo.metrics.autoencoder import AutoEncoder, train_autoencoder
from coevo.rng import module_init
from coevo.toolkits.modelcache import cache_folder, cached_model

AUTOENCODER_VERSION = 1  # bump when the autoencoder or its training changes, to retrain cached nets


@dataclass
class FeatureNet:
    """Maps images to feature vectors, and to class labels when the data set has labels."""

    kind: str  # "classifier" or "autoencoder"
    features: Callable[[torch.Tensor], torch.Tensor]  # (N, C, H, W) in [-1, 1] -> (N, D)
    predict: Callable[[torch.Tensor], torch.Tensor] | None = None  # (N, C, H, W) -> (N,) class labels
    classes: int = 0  # number of classes predict() can return
    probabilities: Callable[[torch.Tensor], torch.Tensor] | None = None  # (N, C, H, W) -> (N, classes)


def content_hash(images: torch.Tensor, labels: torch.Tensor | None = None) -> str:
    """A short SHA-256 of the images (and labels): equal data, equal hash, whatever its file name."""
    digest = hashlib.sha256(str(tuple(images.shape)).encode())
    digest.update(images.detach().float().cpu().contiguous().numpy().tobytes())
    if labels is not None:
        digest.update(labels.detach().long().cpu().contiguous().numpy().tobytes())
    return digest.hexdigest()[:16]


def cached_autoencoder(images: torch.Tensor, epochs: int = 10) -> AutoEncoder:
    """An autoencoder trained on ``images``, loaded from the cache when the same data was seen before."""
    name = f"autoencoder-v{AUTOENCODER_VERSION}-e{epochs}-{content_hash(images)}.pt"
    with module_init():
        template = AutoEncoder(images.shape[1])
    net = cached_model(cache_folder("autoencoders") / name, template,
                       lambda: train_autoencoder(images, epochs), f"the metrics' autoencoder ({epochs} epochs)")
    return net.eval()


def _batched(fn: Callable[[torch.Tensor], torch.Tensor]) -> Callable[[torch.Tensor], torch.Tensor]:
    @torch.no_grad()
    def run(images: torch.Tensor) -> torch.Tensor:
        return torch.cat([fn(chunk.float().cpu()) for chunk in images.split(512)])
    return run


def autoencoder_features(data: ImageSet, epochs: int = 10) -> FeatureNet:
    """Features from an autoencoder trained on ``data``'s images."""
    net = cached_autoencoder(data.images, epochs)
    return FeatureNet("autoencoder", _batched(net.encode))


def classifier_features(data: ImageSet, net: torch.nn.Module | None = None) -> FeatureNet:
    """Penultimate-layer features and predicted labels of a LeNet trained on ``data``'s labels (or of ``net``)."""
    from coevo.toolkits.classifier import cached_classifier

    net = (net or cached_classifier(data)).cpu().eval()
    return FeatureNet("classifier", _batched(net.features), _batched(lambda x: net(x).argmax(1)), net.classes,
                      _batched(lambda x: torch.softmax(net(x).double(), dim=1)))


def feature_net(data: ImageSet, kind: str = "auto") -> FeatureNet:
    """The feature network for ``data``: ``classifier`` (needs labels), ``autoencoder``, or ``auto``."""
    if kind not in ("auto", "classifier", "autoencoder"):
        raise ValueError(f"unknown feature network {kind!r}; use auto, classifier or autoencoder")
    if kind == "autoencoder" or (kind == "auto" and data.labels is None):
        return autoencoder_features(data)
    if data.labels is None:
        raise ValueError(f"{data.name} has no labels, so no classifier can be trained; use the autoencoder")
    return classifier_features(data)
