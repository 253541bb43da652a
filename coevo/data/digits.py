"""scikit-learn's bundled handwritten digits (1,797 real 8x8 scans): the embedded default data set."""

from __future__ import annotations

from sklearn.datasets import load_digits

from coevo.data.imageset import ImageSet, from_array


def load(size: int | None = 32, channels: int | None = None, invert: bool = False,
         count: int | None = None) -> ImageSet:
    """All 1,797 digits (or the first ``count``), upscaled to ``size``, with their labels; needs no download.
    ``invert``: dark digits on white (``digits:invert``), as ink on a turtle's white canvas."""
    bunch = load_digits()
    images, labels = bunch.images[:count] / 16.0, bunch.target[:count]  # values 0..16 -> [0, 1]
    if invert:
        images = 1.0 - images
    name = "digits" + (":invert" if invert else "") + (f":{count}" if count else "")
    return from_array(images.astype("float32"), labels, name, size, channels)
