"""Image features by the image's bytes: the real data and an archive are seen again and again, and features
(``coevo.toolkits.imagefeatures``) are a pure function of the image, so a cache changes no result. ``SHARED`` is the
process's one cache, for critics that judge the same images together (a jury of feature critics)."""

from __future__ import annotations

import hashlib

import torch

from coevo.toolkits.imagefeatures import image_features


class FeatureCache:
    """Image features by the image's bytes (the real data and an archive are seen again and again); features
    are a pure function of the image, so a cache changes no result."""

    def __init__(self, capacity: int, hls8: bool = False) -> None:
        self.capacity, self.hls8 = capacity, hls8  # hls8: colour features from 8-bit HLS (image_features)
        self.rows: dict[bytes, torch.Tensor] = {}

    def __call__(self, images: torch.Tensor) -> torch.Tensor:
        images = images.detach().float().cpu().contiguous()
        keys = [hashlib.blake2b(image.numpy().tobytes(), digest_size=16).digest() for image in images]
        missing = [i for i, key in enumerate(keys) if key not in self.rows]
        if missing:
            computed = image_features(images[missing], self.hls8)
            if len(self.rows) + len(missing) > self.capacity:
                self.rows.clear()
            for i, row in zip(missing, computed):
                self.rows[keys[i]] = row
            fresh = dict(zip((keys[i] for i in missing), computed))
            return torch.stack([self.rows.get(key, fresh.get(key)) for key in keys])
        return torch.stack([self.rows[key] for key in keys])


SHARED = FeatureCache(200_000)
SHARED_HLS8 = FeatureCache(200_000, hls8=True)  # hercl's 8-bit HLS colour metrics (the hercl critic's hls8)
