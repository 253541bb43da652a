"""An independent judge's classifier: another architecture than the LeNet (``coevo.toolkits.classifier``).

A sampler that climbs the LeNet's confidence can end on images adversarial to that LeNet rather than on digits; a
second network of other design (3x3 padded convolutions in pairs, trained on randomly shifted images), trained on
images neither the LeNet nor the generator saw, tells the two apart. Trained once per data set and cached by a
content hash, as the LeNet is.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass

import torch
import torch.nn.functional as F
from torch import nn

from coevo.data import ImageSet
from coevo.errors import CoevoError
from coevo.metrics.features import FeatureNet
from coevo.rng import module_init, randint, seeded_torch
from coevo.toolkits.modelcache import cache_folder, cached_model

JUDGE_VERSION = 2  # bump when the architecture or its training changes, so cached judges are retrained
SHIFT = 2  # pixels of random translation the judge is trained with


class JudgeNet(nn.Module):
    """VGG-style: two blocks of two 3x3 padded convolutions and a 2x2 pool, a 128-d dense layer (no dropout: it
    would draw from torch's module-level generator, which a run never does)."""

    def __init__(self, shape: tuple[int, int, int] = (1, 28, 28), classes: int = 10, width: int = 24) -> None:
        super().__init__()
        channels, height, widthpx = shape
        if height < 8 or widthpx < 8:
            raise CoevoError(f"the judge needs images of at least 8x8 pixels (got {height}x{widthpx}); raise --size")
        self.shape, self.classes = (int(channels), int(height), int(widthpx)), int(classes)
        self.body = nn.Sequential(
            nn.Conv2d(channels, width, 3, padding=1), nn.ReLU(), nn.Conv2d(width, width, 3, padding=1), nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(width, 2 * width, 3, padding=1), nn.ReLU(), nn.Conv2d(2 * width, 2 * width, 3, padding=1),
            nn.ReLU(), nn.MaxPool2d(2), nn.AdaptiveAvgPool2d(7), nn.Flatten())
        self.hidden = nn.Sequential(nn.Linear(2 * width * 49, 128), nn.ReLU())
        self.head = nn.Linear(128, classes)

    def features(self, images: torch.Tensor) -> torch.Tensor:
        """The 128-d penultimate activations of ``(N, C, H, W)`` images in [-1, 1] (FID's features)."""
        return self.hidden(self.body(images))

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        return self.head(self.features(images))


@dataclass
class JudgeSettings:
    """How the judge is trained; part of its cache key."""

    steps: int = 1500  # Adam steps
    batch: int = 64
    lr: float = 2e-3  # one-cycle schedule
    seed: int = 0


def _shifted(images: torch.Tensor) -> torch.Tensor:
    """Each image moved by up to ``SHIFT`` pixels each way (the background, -1, fills in)."""
    padded = F.pad(images, (SHIFT,) * 4, value=-1.0)
    dx, dy = randint(2 * SHIFT + 1, (len(images),)), randint(2 * SHIFT + 1, (len(images),))
    h, w = images.shape[-2:]
    return torch.stack([padded[i, :, y:y + h, x:x + w] for i, (x, y) in enumerate(zip(dx.tolist(), dy.tolist()))])


def train_judge(data: ImageSet, settings: JudgeSettings | None = None) -> JudgeNet:
    """Train a judge on labelled ``data``; deterministic for a seed, the run's generators left alone."""
    settings = settings or JudgeSettings()
    if data.labels is None:
        raise CoevoError(f"data {data.name!r} has no labels; the judge is a classifier and needs labelled data")
    labels = data.labels.long()
    with seeded_torch(settings.seed):
        with module_init():
            model = JudgeNet(data.shape, int(labels.max()) + 1)
        optimiser = torch.optim.Adam(model.parameters(), lr=settings.lr)
        schedule = torch.optim.lr_scheduler.OneCycleLR(optimiser, settings.lr, total_steps=max(1, settings.steps))
        model.train()
        for _ in range(settings.steps):
            pick = randint(len(labels), (settings.batch,))
            loss = F.cross_entropy(model(_shifted(data.images[pick])), labels[pick])
            optimiser.zero_grad(set_to_none=True)
            loss.backward()
            optimiser.step()
            schedule.step()
    return model.eval()


def cached_judge(data: ImageSet, settings: JudgeSettings | None = None) -> JudgeNet:
    """The judge for ``data``, loaded from the cache (``$COEVO_CACHE/judges``) when trained before."""
    settings = settings or JudgeSettings()
    if data.labels is None:
        raise CoevoError(f"data {data.name!r} has no labels; the judge is a classifier and needs labelled data")
    digest = hashlib.sha256(f"judge-v{JUDGE_VERSION}|{data.shape}|{sorted(asdict(settings).items())}".encode())
    digest.update(data.images.detach().float().cpu().contiguous().numpy().tobytes())
    digest.update(data.labels.long().cpu().contiguous().numpy().tobytes())
    with module_init():
        template = JudgeNet(data.shape, int(data.labels.max()) + 1)
    path = cache_folder("judges") / f"judge-{digest.hexdigest()[:32]}.pt"
    return cached_model(path, template, lambda: train_judge(data, settings),
                        f"the independent judge on {data.name} ({settings.steps} steps)").eval()


def judge_features(net: JudgeNet) -> FeatureNet:
    """The judge as the metrics' feature network: features, labels and probabilities, batched without a graph."""

    def batched(fn):  # type: ignore[no-untyped-def]
        @torch.no_grad()
        def run(images: torch.Tensor) -> torch.Tensor:
            return torch.cat([fn(chunk.float().cpu()) for chunk in images.split(512)])
        return run

    return FeatureNet("classifier", batched(net.features), batched(lambda x: net(x).argmax(1)), net.classes,
                      batched(lambda x: torch.softmax(net(x).double(), dim=1)))
