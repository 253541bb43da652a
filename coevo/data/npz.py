"""A NumPy ``.npz`` archive with an ``images`` array and an optional ``labels`` array."""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np

from coevo.data.imageset import ImageSet, from_array
from coevo.errors import CoevoError
from coevo.store.untrusted import check_npz


def load(path: Path, size: int | None = None, channels: int | None = None) -> ImageSet:
    """Images (N, H, W), (N, H, W, C) or (N, C, H, W), uint8 or float, plus labels when present."""
    arrays = check_npz(path)  # sizes and dtypes from the headers: a zip bomb or a complex array loads nothing
    if "images" not in arrays:
        raise CoevoError(f"{path} has no 'images' array (it has {', '.join(arrays) or 'none'}); "
                         "save it with np.savez(path, images=..., labels=...)")
    try:
        with np.load(path, allow_pickle=False) as archive:
            if "images" not in archive:
                raise CoevoError(f"{path} has no 'images' array (it has {', '.join(archive.files) or 'none'}); "
                                 "save it with np.savez(path, images=..., labels=...)")
            images = archive["images"]
            labels = archive["labels"] if "labels" in archive else None
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise CoevoError(f"cannot read {path} as .npz ({exc or type(exc).__name__}); save it with np.savez") from None
    if not np.issubdtype(images.dtype, np.number):
        raise CoevoError(f"{path}: images must be numeric, got {images.dtype}")
    return from_array(images, labels, str(path), size, channels)
