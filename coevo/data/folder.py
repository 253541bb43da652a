"""A folder of PNG / JPEG images, searched recursively, resized to a square."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image

from coevo.data.imageset import ImageSet, from_array
from coevo.errors import CoevoError
from coevo.store.untrusted import open_image

SUFFIXES = {".png", ".jpg", ".jpeg"}


def read_image(path: Path, size: int, channels: int) -> np.ndarray:
    """One image as uint8 ``(size, size, channels)``; a corrupt file raises ``CoevoError`` naming it."""
    with open_image(path) as image:  # a decompression bomb or a FIFO is refused before decoding
        image = image.convert("L" if channels == 1 else "RGB")
        image = image.resize((size, size), Image.Resampling.LANCZOS)
        array = np.asarray(image, dtype=np.uint8)
    return array.reshape(size, size, channels)


def load(directory: Path, size: int = 32, channels: int = 3) -> ImageSet:
    """Every PNG/JPEG under ``directory``, sorted by path, as grey (1) or RGB (3) images."""
    if not directory.is_dir():
        raise CoevoError(f"image folder {directory} does not exist; check the path")
    paths = sorted(p for p in directory.rglob("*") if p.suffix.lower() in SUFFIXES and p.is_file())
    if not paths:
        raise CoevoError(f"image folder {directory} holds no PNG or JPEG files; add images or pick another folder")
    array = np.stack([read_image(p, size, channels) for p in paths])
    return from_array(array, None, str(directory), None, channels)
