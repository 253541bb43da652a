"""Turning image tensors into pictures: PIL images, contact sheets, PNG files."""

from __future__ import annotations

import io
import math
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from coevo.store.atomic import atomic_write_bytes
from coevo.store.imagefiles import save_picture


def to_uint8(images: torch.Tensor) -> np.ndarray:
    """``(N, C, H, W)`` in ``[-1, 1]`` to uint8 ``(N, H, W, C)``; NaN becomes mid-grey."""
    x = torch.nan_to_num(images.detach().float().cpu(), nan=0.0).clamp(-1.0, 1.0)
    return ((x + 1.0) * 127.5).round().to(torch.uint8).permute(0, 2, 3, 1).numpy()


def to_pil(image: torch.Tensor) -> Image.Image:
    """One ``(C, H, W)`` image as a PIL image (grey or RGB; 2 channels, a 2-D point data set's, as red and green)."""
    if image.shape[0] == 2:
        image = torch.cat([image, image.new_full((1, *image.shape[1:]), -1.0)])
    array = to_uint8(image[None])[0]
    return Image.fromarray(array[..., 0], "L") if array.shape[-1] == 1 else Image.fromarray(array, "RGB")


def grid(images: torch.Tensor, columns: int | None = None, pad: int = 2, fill: float = 1.0) -> torch.Tensor:
    """Tile ``(N, C, H, W)`` into one ``(C, H', W')`` contact sheet with ``pad`` pixels of ``fill`` between."""
    n, c, h, w = images.shape
    columns = columns or math.ceil(math.sqrt(n))
    rows = math.ceil(n / columns)
    sheet = torch.full((c, rows * (h + pad) + pad, columns * (w + pad) + pad), fill, dtype=torch.float32)
    for i, image in enumerate(images.detach().float().cpu()):
        r, k = divmod(i, columns)
        sheet[:, pad + r * (h + pad): pad + r * (h + pad) + h, pad + k * (w + pad): pad + k * (w + pad) + w] = image
    return sheet


def numbered(images: torch.Tensor, columns: int, scale: int = 2, pad: int = 2) -> torch.Tensor:
    """A contact sheet (``grid``) of images enlarged ``scale``× with each one's index in its top-left corner, so a
    person can name them (``coevo latent RUN sheet``, then ``interpolate --pairs 3,12``)."""
    from PIL import ImageDraw

    big = torch.nn.functional.interpolate(images.detach().float().cpu(), scale_factor=scale, mode="nearest")
    picture = to_pil(grid(big, columns, pad)).convert("RGB")
    draw = ImageDraw.Draw(picture)
    side_y, side_x = big.shape[-2:]
    for i in range(len(big)):
        r, k = divmod(i, columns)
        x, y = pad + k * (side_x + pad) + 1, pad + r * (side_y + pad)
        draw.rectangle((x, y, x + 6 * len(str(i)) + 2, y + 10), fill=(255, 255, 255))
        draw.text((x + 1, y), str(i), fill=(200, 0, 0))
    array = torch.from_numpy(np.asarray(picture).copy()).permute(2, 0, 1).float()
    return array / 127.5 - 1.0


def save_png(image: torch.Tensor, path: Path) -> Path:
    """Write a ``(C, H, W)`` image as PNG, atomically (temp file then rename)."""
    buffer = io.BytesIO()
    to_pil(image).save(buffer, format="PNG")
    atomic_write_bytes(path, buffer.getvalue())
    return path


def save_image(image: torch.Tensor, path: Path) -> Path:
    """Write a ``(C, H, W)`` image in the format its suffix names (PNG or JPEG), atomically."""
    return save_picture(to_pil(image), path)


def cells(grids: np.ndarray, size: int) -> torch.Tensor:
    """Grids of cells, uint8 ``(N, G, G, C)``, shown at ``size`` pixels as ``(N, C, size, size)`` in ``[-1, 1]``:
    each cell a block of pixels when enlarging (sharp cells, any factor), averaged over when shrinking."""
    x = torch.from_numpy(np.ascontiguousarray(grids.transpose(0, 3, 1, 2))).float()
    if size != x.shape[-1]:
        mode = "nearest-exact" if size > x.shape[-1] else "area"
        x = torch.nn.functional.interpolate(x, size=(size, size), mode=mode)
    return x / 127.5 - 1.0
