"""Pictures to files, PNG or JPEG by suffix, atomically; no torch here, so what draws with PIL alone starts fast."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
from PIL import Image

from coevo.errors import CoevoError
from coevo.store.atomic import atomic_write_bytes

FORMATS = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG"}  # image formats by file suffix


def picture(pixels: np.ndarray) -> Image.Image:
    """uint8 ``(C, H, W)`` (grey or RGB) as a PIL image."""
    return Image.fromarray(pixels[0], "L") if pixels.shape[0] == 1 else Image.fromarray(pixels.transpose(1, 2, 0),
                                                                                       "RGB")


def save_picture(image: Image.Image, path: Path) -> Path:
    """Write ``image`` in the format its suffix names (PNG or JPEG), atomically."""
    kind = FORMATS.get(Path(path).suffix.lower())
    if kind is None:
        raise CoevoError(f"cannot write {path}: name a .png, .jpg or .jpeg file")
    buffer = io.BytesIO()
    image.save(buffer, format=kind, **({"quality": 95} if kind == "JPEG" else {}))
    atomic_write_bytes(path, buffer.getvalue())
    return Path(path)
