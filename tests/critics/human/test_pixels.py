"""The human critic's pixels (critics/human/pixels.py) follow the image convention."""

from __future__ import annotations

import torch


def test_pixels_match_the_image_convention() -> None:
    from coevo.images import to_uint8
    from critics.human.pixels import rgb_pixels

    colour = torch.rand(4, 3, 9, 7) * 2.4 - 1.2  # some values beyond [-1, 1]
    assert abs(rgb_pixels(colour).astype(int) - to_uint8(colour).astype(int)).max() <= 1
    grey = torch.rand(2, 1, 5, 5) * 2 - 1
    assert (rgb_pixels(grey) == rgb_pixels(grey.expand(-1, 3, -1, -1))).all()
    assert rgb_pixels(torch.full((1, 3, 2, 2), float("nan"))).max() == 0
