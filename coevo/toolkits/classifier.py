"""A small LeNet-style digit classifier, trained once per data set and cached on disk by a content hash.

Used by the fixed-classifier critic (fooling images) and by image metrics (``features``: penultimate layer).
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

from coevo.data import ImageSet
from coevo.errors import CoevoError
from coevo.rng import module_init, randint, seeded_torch
from coevo.toolkits import modelcache

CACHE_VERSION = 2  # bump when the architecture or training changes, so old cache files are not reused


class LeNet(nn.Module):
    """Classic LeNet shape: two valid 5x5 conv + pool blocks, then two dense layers; any (C, H, W) >= 16x16."""

    def __init__(self, shape: tuple[int, int, int] = (1, 28, 28), classes: int = 10, width: int = 16) -> None:
        super().__init__()
        channels, height, widthpx = shape
        if height < 16 or widthpx < 16:
            raise CoevoError(f"classifier images must be at least 16x16 pixels (got {height}x{widthpx}); raise --size")
        self.shape, self.classes = (int(channels), int(height), int(widthpx)), int(classes)
        self.body = nn.Sequential(
            nn.Conv2d(channels, width, 5), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(width, 2 * width, 5), nn.ReLU(), nn.MaxPool2d(2),
            nn.AdaptiveAvgPool2d(4), nn.Flatten(),  # 28x28 input: exactly 4x4 already
        )
        self.hidden = nn.Sequential(nn.Linear(2 * width * 16, 128), nn.ReLU())
        self.head = nn.Linear(128, classes)

    def features(self, images: torch.Tensor) -> torch.Tensor:
        """The 128-d penultimate-layer activations of ``(N, C, H, W)`` images in [-1, 1]."""
        return self.hidden(self.body(images))

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        """Class logits ``(N, classes)``."""
        return self.head(self.features(images))

    @torch.no_grad()
    def probabilities(self, images: torch.Tensor, batch: int = 512) -> torch.Tensor:
        """Softmax class probabilities, in batches, on the model's device; returns a CPU tensor."""
        device = next(self.parameters()).device
        parts = [F.softmax(self(images[i: i + batch].to(device)).double(), dim=1).float().cpu()
                 for i in range(0, len(images), batch)]
        return torch.cat(parts) if parts else torch.zeros(0, self.classes)


@dataclass
class TrainSettings:
    """How a classifier is trained; part of the cache key."""

    steps: int = 800  # Adam steps
    batch: int = 64  # images per step
    lr: float = 2e-3  # Adam learning rate (cosine-decayed to zero)
    seed: int = 0  # seeds a private fork of Torch's generator; the caller's RNG state is left untouched


def _labels_of(data: ImageSet) -> torch.Tensor:
    if data.labels is None:
        raise CoevoError(f"data {data.name!r} has no labels; a classifier needs labelled data (digits, mnist:DIR, "
                         "or a .npz with 'labels')")
    return data.labels.long()


def train_classifier(data: ImageSet, steps: int = 800, seed: int = 0, device: str | torch.device = "cpu",
                     settings: TrainSettings | None = None) -> LeNet:
    """Train a LeNet on labelled images; deterministic for a seed, and leaves the global RNG state as it was."""
    settings = settings or TrainSettings(steps=steps, seed=seed)
    labels = _labels_of(data)
    device = torch.device(device)
    with seeded_torch(settings.seed):
        with module_init():
            model = LeNet(data.shape, int(labels.max()) + 1).to(device)
        images, labels = data.images.to(device), labels.to(device)
        optimiser = torch.optim.Adam(model.parameters(), lr=settings.lr)
        schedule = torch.optim.lr_scheduler.OneCycleLR(optimiser, settings.lr, total_steps=max(1, settings.steps))
        model.train()
        for _ in range(settings.steps):
            pick = randint(len(images), (settings.batch,), device=device)
            loss = F.cross_entropy(model(images[pick]), labels[pick])
            optimiser.zero_grad(set_to_none=True)
            loss.backward()
            optimiser.step()
            schedule.step()
    return model.eval()


@torch.no_grad()
def accuracy(model: LeNet, data: ImageSet) -> float:
    """Fraction of ``data`` the model labels correctly."""
    predicted = model.probabilities(data.images).argmax(1)
    return float((predicted == _labels_of(data).cpu()).float().mean())


def data_hash(data: ImageSet, settings: TrainSettings) -> str:
    """sha256 of the images' bytes, the labels, the shape and the training settings."""
    digest = hashlib.sha256()
    digest.update(f"coevo-classifier-v{CACHE_VERSION}|{data.shape}|{sorted(asdict(settings).items())}".encode())
    digest.update(data.images.detach().float().cpu().contiguous().numpy().tobytes())
    digest.update(_labels_of(data).cpu().contiguous().numpy().tobytes())
    return digest.hexdigest()


def cache_folder(cache_dir: str | Path | None = None) -> Path:
    """The argument, else ``$COEVO_CACHE/classifiers``, else ``~/.cache/coevo/classifiers``."""
    return modelcache.cache_folder("classifiers", cache_dir)


def cached_classifier(data: ImageSet, cache_dir: str | Path | None = None, steps: int = 800, seed: int = 0,
                      device: str | torch.device = "cpu") -> LeNet:
    """A classifier for ``data``: loaded from the cache when this data and these settings were seen, else trained
    and saved (atomically). A damaged cache file is retrained over."""
    settings = TrainSettings(steps=steps, seed=seed)
    labels = _labels_of(data)
    path = cache_folder(cache_dir) / f"lenet-{data_hash(data, settings)[:32]}.pt"
    with module_init():
        template = LeNet(data.shape, int(labels.max()) + 1)
    model = modelcache.cached_model(path, template,
                                    lambda: train_classifier(data, device=device, settings=settings),
                                    f"the LeNet classifier on {data.name} ({steps} steps)")
    return model.to(device).eval()
