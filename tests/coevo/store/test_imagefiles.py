"""Pictures to files (coevo/store/imagefiles.py): captioned contact sheets with every image at least 96 px."""

from __future__ import annotations

import numpy as np

from coevo.store.imagefiles import SHEET_CELL, contact_sheet


def tiles(n: int, side: int, channels: int = 1) -> np.ndarray:
    rng = np.random.default_rng(0)
    return rng.integers(0, 256, size=(n, side, side, channels), dtype=np.uint8)


def test_small_images_are_enlarged_to_at_least_96_px_each_sharp() -> None:
    for side in (8, 28, 32, 100):
        pixels = tiles(6, side)
        sheet = contact_sheet(pixels, columns=3)
        scale = max(1, -(-SHEET_CELL // side))
        assert side * scale >= SHEET_CELL and sheet.size[0] >= 3 * SHEET_CELL
        first = np.asarray(sheet)[4:4 + side * scale, 4:4 + side * scale]  # the first tile, whole factors
        assert np.array_equal(first[::scale, ::scale], pixels[0, :, :, 0])


def test_captions_and_a_title_are_drawn_under_and_above_the_images() -> None:
    pixels = np.full((4, 28, 28, 3), 255, dtype=np.uint8)  # white images: only text is dark
    plain = np.asarray(contact_sheet(pixels, columns=4))
    captioned = np.asarray(contact_sheet(pixels, ["#0  0.512", "#1  0.250", "", "3: 99.99%"], columns=4,
                                         title="each round's champion"))
    assert plain.min() == 255 and captioned.shape[0] > plain.shape[0]
    assert captioned.shape[2] == 3 and captioned.min() < 100  # ink: the captions and the title
    assert captioned[:16].min() < 100  # the title strip at the top


def test_a_title_wider_than_the_images_widens_the_sheet() -> None:
    narrow = contact_sheet(tiles(2, 16), ["a", "b"], columns=2)
    titled = contact_sheet(tiles(2, 16), ["a", "b"], columns=2, title="the elite of each class (the classifier's "
                           "confidence in that class)")
    assert titled.size[0] > narrow.size[0] and np.asarray(titled)[:16, narrow.size[0]:].min() < 100  # ink out there


def test_to_pixels_rounds_as_the_torch_writer_does() -> None:
    """``to_pixels`` (torch-free renderers) against ``coevo.images.to_uint8`` on every byte level, halves, NaN and
    values out of range."""
    import torch

    from coevo.images import to_uint8
    from coevo.store.imagefiles import to_pixels

    levels = np.arange(256, dtype=np.float32) / np.float32(127.5) - np.float32(1.0)
    odd = np.array([np.nan, np.inf, -np.inf, 3.0, -2.0, 0.5 / 127.5 - 1.0, 1.5 / 127.5 - 1.0], dtype=np.float32)
    rng = np.random.default_rng(0)
    values = np.concatenate([levels, odd, rng.uniform(-1, 1, 4000).astype(np.float32)])[None, None, None]
    assert np.array_equal(to_pixels(levels), np.arange(256))
    assert np.array_equal(to_pixels(values)[:, 0], to_uint8(torch.from_numpy(values))[..., 0])
    assert to_pixels(np.array([np.nan], dtype=np.float32))[0] == 128


def test_two_channel_points_are_drawn_red_and_green() -> None:
    from coevo.store.imagefiles import picture

    pixels = np.array([[[10]], [[200]]], dtype=np.uint8)  # a 2-D point data set's (2, 1, 1) image
    shown = picture(pixels)
    assert shown.mode == "RGB" and shown.getpixel((0, 0)) == (10, 200, 0)
