"""The UCI handwritten digits (1,797 real 8x8 scans, as scikit-learn bundles them): the embedded default data set,
read from ``digits.npz`` shipped beside this file (``coevo.data.make_digits`` wrote it), so no scikit-learn at run
time."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from coevo.data.imageset import ImageSet, from_array

FILE = Path(__file__).with_name("digits.npz")


def load(size: int | None = 32, channels: int | None = None, ink: bool = False,
         count: int | None = None) -> ImageSet:
    """All 1,797 digits (or the first ``count``), upscaled to ``size``, with their labels; needs no download.
    ``ink`` (``digits:ink``): black digits on white, thresholded at mid-grey after upscaling, like a pen's
    strokes on a turtle's white canvas (the blurry grey scans would differ from any drawing by grey levels
    alone)."""
    with np.load(FILE, allow_pickle=False) as stored:
        images, labels = stored["images"][:count] / 16.0, stored["labels"][:count].astype(np.int64)  # 0..16 -> [0, 1]
    name = "digits" + (":ink" if ink else "") + (f":{count}" if count else "")
    data = from_array((1.0 - images if ink else images).astype("float32"), labels, name, size, channels)
    if ink:
        data = ImageSet(torch.where(data.images > 0, 1.0, -1.0), data.labels, name)
    return data
