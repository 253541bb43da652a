"""scikit-learn's bundled handwritten digits (1,797 real 8x8 scans): the embedded default data set."""

from __future__ import annotations

from sklearn.datasets import load_digits

from coevo.data.imageset import ImageSet, from_array


def load(size: int | None = 32, channels: int | None = None) -> ImageSet:
    """All 1,797 digits, upscaled to ``size``, with their labels; needs no download."""
    bunch = load_digits()
    images = bunch.images / 16.0  # values 0..16 -> [0, 1]
    return from_array(images.astype("float32"), bunch.target, "digits", size, channels)
