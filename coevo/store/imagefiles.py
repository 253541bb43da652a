"""Pictures to files, PNG or JPEG by suffix, atomically, and captioned contact sheets; no torch here, so what draws
with PIL alone starts fast."""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from PIL import Image

from coevo.errors import CoevoError
from coevo.store.atomic import atomic_write_bytes

FORMATS = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG"}  # image formats by file suffix


def to_pixels(images: np.ndarray) -> np.ndarray:
    """float32 images in ``[-1, 1]`` to uint8 of the same shape, rounded as ``coevo.images.to_uint8`` rounds tensors
    (NaN mid-grey, halves to even), so a torch-free renderer writes the same PNG bytes."""
    values = np.clip(np.nan_to_num(np.asarray(images, dtype=np.float32), nan=0.0), -1.0, 1.0)
    return np.round((values + np.float32(1.0)) * np.float32(127.5)).astype(np.uint8)


def picture(pixels: np.ndarray) -> Image.Image:
    """uint8 ``(C, H, W)`` (grey or RGB; 2 channels, a 2-D point data set's, as red and green) as a PIL image."""
    if pixels.shape[0] == 2:
        pixels = np.concatenate([pixels, np.zeros_like(pixels[:1])])
    return Image.fromarray(pixels[0], "L") if pixels.shape[0] == 1 else Image.fromarray(pixels.transpose(1, 2, 0),
                                                                                       "RGB")


def save_picture(image: Image.Image, path: Path, level: int | None = None) -> Path:
    """Write ``image`` in the format its suffix names (PNG or JPEG), atomically; ``level`` is a PNG's zlib level
    (None: Pillow's default, 6)."""
    kind = FORMATS.get(Path(path).suffix.lower())
    if kind is None:
        raise CoevoError(f"cannot write {path}: name a .png, .jpg or .jpeg file")
    buffer = io.BytesIO()
    options = {"quality": 95} if kind == "JPEG" else {} if level is None else {"compress_level": level}
    image.save(buffer, format=kind, **options)
    atomic_write_bytes(path, buffer.getvalue())
    return Path(path)


SHEET_CELL = 96  # pixels a side each image is at least shown at on a contact sheet (nearest neighbour, whole factors)
CAPTION = 16  # pixels of the caption strip under each image (Pillow's own font at 12 px)
MAX_SHEET = 16384  # pixels a side of a whole sheet at most


def contact_sheet(pixels: np.ndarray, captions: Sequence[str] = (), columns: int | None = None, title: str = "",
                  cell: int = SHEET_CELL, pad: int = 4) -> Image.Image:
    """uint8 ``(N, H, W, C)`` images tiled on white, each enlarged by a whole factor to at least ``cell`` pixels
    (sharp, so 28-px digits stay readable) with its caption under it (round, score, class) and a ``title`` above."""
    from PIL import ImageDraw, ImageFont

    n, h, w, channels = pixels.shape
    columns = max(1, min(columns or math.ceil(math.sqrt(max(n, 1))), max(n, 1)))
    rows = math.ceil(n / columns)
    scale = max(1, -(-cell // max(h, w, 1)))
    while scale > 1 and max(h, w) * scale * max(columns, rows) > MAX_SHEET:
        scale -= 1
    try:
        font = ImageFont.load_default(size=12)  # Pillow's bundled TrueType font: the same pixels everywhere
    except TypeError:  # Pillow < 10.1: its bitmap font
        font = ImageFont.load_default()
    strip = CAPTION if any(captions) else 0
    top = CAPTION + pad if title else 0
    side_x, side_y = w * scale, h * scale
    width = max(columns * (side_x + pad) + pad, math.ceil(font.getlength(title)) + 2 * pad if title else 0)
    mode = "L" if channels == 1 else "RGB"
    sheet = Image.new(mode, (width, top + rows * (side_y + strip + pad) + pad), 255 if mode == "L" else (255, 255, 255))
    draw = ImageDraw.Draw(sheet)
    ink = 0 if mode == "L" else (0, 0, 0)
    if title:
        draw.text((pad, pad // 2), title, fill=ink, font=font)
    for i in range(n):
        r, k = divmod(i, columns)
        x, y = pad + k * (side_x + pad), top + pad + r * (side_y + strip + pad)
        tile = picture(np.ascontiguousarray(pixels[i].transpose(2, 0, 1)))
        sheet.paste(tile.resize((side_x, side_y), Image.Resampling.NEAREST) if scale > 1 else tile, (x, y))
        if i < len(captions) and captions[i]:
            draw.text((x + 1, y + side_y + 1), captions[i], fill=ink, font=font)
    return sheet
