"""The common form of every data set: images ``(N, C, H, W)`` in ``[-1, 1]`` plus optional labels."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from coevo.errors import CoevoError
from coevo.rng import randint


@dataclass
class ImageSet:
    """Real images for critics and metrics."""

    images: torch.Tensor  # (N, C, H, W) float32 in [-1, 1]
    labels: torch.Tensor | None  # (N,) int64 class labels, when the data set has them
    name: str  # the spec it was loaded from

    def __len__(self) -> int:
        return int(self.images.shape[0])

    @property
    def shape(self) -> tuple[int, int, int]:
        c, h, w = self.images.shape[1:]
        return int(c), int(h), int(w)

    def sample(self, n: int) -> torch.Tensor:
        """``n`` images drawn with the run's Torch generator (checkpointed with the run)."""
        return self.images[randint(len(self), (n,))]

    def sample_labelled(self, n: int) -> tuple[torch.Tensor, torch.Tensor]:
        """``n`` images and their class labels, drawn as ``sample`` draws."""
        if self.labels is None:
            raise ValueError(f"{self.name} has no labels")
        index = randint(len(self), (n,))
        return self.images[index], self.labels[index]

    def split(self, holdout: float = 0.1) -> tuple[ImageSet, ImageSet]:
        """A fixed train / held-out split (every k-th image held out, independent of any seed)."""
        step = max(2, round(1 / holdout))
        mask = torch.zeros(len(self), dtype=torch.bool)
        mask[::step] = True
        pick = (lambda t: None if t is None else t[~mask]), (lambda t: None if t is None else t[mask])
        return (ImageSet(self.images[~mask], pick[0](self.labels), self.name),
                ImageSet(self.images[mask], pick[1](self.labels), self.name + " (held out)"))


def from_array(array: np.ndarray, labels: np.ndarray | None, name: str, size: int | None,
               channels: int | None = None, layout: str = "auto") -> ImageSet:
    """Normalise an image array (uint8 0..255 or float in [0, 1] / [-1, 1]) into an ``ImageSet``."""
    images = torch.from_numpy(np.array(array, copy=True))
    if images.ndim == 3:
        images = images[:, None]
    elif images.ndim == 4 and layout != "nchw" and images.shape[-1] in (1, 3, 4) and images.shape[1] not in (1, 3):
        images = images.permute(0, 3, 1, 2)
    if images.ndim != 4 or images.shape[1] not in (1, 3, 4) or images.shape[0] == 0:
        raise CoevoError(f"{name}: images have shape {tuple(array.shape)}; expected (N, H, W), (N, H, W, C) "
                         "or (N, C, H, W) with C in 1, 3, 4 and N > 0")
    images = images[:, :3].float() if images.shape[1] == 4 else images.float()
    if not torch.isfinite(images).all():
        bad = int((~torch.isfinite(images)).flatten(1).any(1).sum())
        raise CoevoError(f"{name}: {bad} images hold NaN or Inf values; replace them (e.g. np.nan_to_num) or "
                         "drop those images")
    if array.dtype == np.uint8 or images.max() > 1.0:
        images = images / 127.5 - 1.0
    elif images.min() >= 0.0:
        images = images * 2.0 - 1.0
    images = to_channels(images, channels)
    if size is not None and images.shape[-2:] != (size, size):
        images = F.interpolate(images, size=(size, size), mode="bilinear", align_corners=False, antialias=True)
    lab = None if labels is None else class_labels(labels, len(images), name)
    return ImageSet(images.clamp(-1.0, 1.0).contiguous(), lab, name)


MAX_CLASSES = 1000  # a classifier's outputs: one per class up to the largest label (ImageNet has 1000)


def class_labels(labels: np.ndarray, count: int, name: str) -> torch.Tensor:
    """``count`` class labels as int64, or one ``CoevoError`` naming what is wrong (a 1-D array of whole numbers in
    0..MAX_CLASSES-1, one per image): the classifier sizes its output by the largest, so one huge label would
    allocate terabytes."""
    array = np.asarray(labels)
    fix = "save labels as one integer 0..K-1 per image, e.g. np.savez(path, images=..., labels=y.astype(np.int64))"
    if array.ndim != 1 or len(array) != count:
        raise CoevoError(f"{name}: labels have shape {array.shape} for {count} images; {fix}")
    if np.issubdtype(array.dtype, np.floating):
        if not (np.isfinite(array).all() and (array == np.round(array)).all()):
            raise CoevoError(f"{name}: labels hold fractions, NaN or Inf; {fix}")
    elif not np.issubdtype(array.dtype, np.integer) or array.dtype == np.bool_:
        raise CoevoError(f"{name}: labels are {array.dtype}, not integers; {fix}")
    if count and not (0 <= array.min() and array.max() < MAX_CLASSES):
        raise CoevoError(f"{name}: labels range over {array.min()}..{array.max()}, outside 0..{MAX_CLASSES - 1}; "
                         f"{fix}")
    return torch.from_numpy(array.astype(np.int64))


def to_channels(images: torch.Tensor, channels: int | None) -> torch.Tensor:
    """Convert between grey (1) and colour (3) channels; ``None`` keeps what there is."""
    if channels is None or images.shape[1] == channels:
        return images
    if channels == 1:
        weights = torch.tensor([0.299, 0.587, 0.114], dtype=images.dtype).view(1, 3, 1, 1)
        return (images * weights).sum(1, keepdim=True)
    if channels == 3:
        return images.expand(-1, 3, -1, -1).contiguous()
    raise CoevoError(f"channels must be 1 (grey) or 3 (colour), got {channels}")
