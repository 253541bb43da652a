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
    lab = None if labels is None else torch.tensor(np.asarray(labels), dtype=torch.long)
    if lab is not None and len(lab) != len(images):
        raise CoevoError(f"{name}: {len(lab)} labels for {len(images)} images; they must match")
    return ImageSet(images.clamp(-1.0, 1.0).contiguous(), lab, name)


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
