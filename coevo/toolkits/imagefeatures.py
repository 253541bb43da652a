"""Hand-made image features for critics that are not discriminators: complexity, Vickers' metrics, colour.

``image_features(images)`` maps a batch ``(N, C, H, W)`` in ``[-1, 1]`` to ``(N, F)`` float32 on the CPU; the
names of the columns are ``feature_names(channels)``. Everything is deterministic (no random numbers), so a
critic built on it scores a resumed run as an uninterrupted one. Values are on the sources' scales (mostly
[0, 1]; ``n_corners`` and ``n_patches`` are counts); critics standardise them.

Sources:

- **Complexity** after Machado, Romero & Manaris (2008), "Experiments in computational aesthetics", who
  estimate image complexity as the error of a lossy compression divided by its compression ratio, with JPEG
  and fractal compression: ``jpeg_size`` is the JPEG size (Pillow, quality ``JPEG_QUALITY``) beyond that of a
  flat image of the same shape (the header), per raw byte; ``jpeg_rmse`` the RMS error of the decoded image
  (lightness in [0, 1]); ``jpeg_complexity = jpeg_rmse * jpeg_size`` (RMSE / compression ratio). The fractal
  estimate is the *quad-tree range partition* of fractal compression (Fisher 1995): a block splits into four
  while its standard deviation exceeds ``QUADTREE_TOLERANCE`` and it is larger than 2 pixels;
  ``quadtree_leaves`` is the share of the finest possible partition used, ``quadtree_rmse`` the error of
  filling every leaf with its mean, ``quadtree_complexity`` their product. (The domain-block search of full
  fractal coding is not done: this estimates its compression ratio, not its collage error.)
- **Vickers, Soderlund & Blair (2017)**, HERCL artist-critic, the metric list of ``src/metrics/metrics.cpp`` in
  wofnot/hercl (read as a specification; no code taken): 19 grey metrics (``VICKERS_GREY``) and 33 colour
  ones (``VICKERS_COLOUR``, HLS), in their order and scaling: mean and standard deviation of lightness (and
  hue, saturation; colour standard deviations divided by 0.5, Popoviciu), grey-level entropy (256 bins, over
  log 256), Sobel edge magnitude mean and deviation (scaled to [0, 1], the deviation over 0.5), Harris corners
  (block 2, aperture 3, k 0.04; the response min-max normalised to 0..255 and thresholded at 90:
  ``mean_corner`` its mean over 255, ``n_corners`` its connected regions), and k-means patches: the grey image
  halved, 4 clusters, every pixel given its nearest centre, connected regions of one centre are patches;
  those over 1% of the image, largest first, give ``n_patches`` (at most 5) and the five largest patches'
  mean lightness (hue, saturation) and size; ``convexity`` sums the sizes of regions over 0.5% that fill at
  least 80% of their convex hull. Differences, all deliberate: pixels are counted instead of contour
  polygons' areas; k-means starts from fixed quantiles instead of random centres (no random numbers); a
  patch's mean is over its own pixels (holes excluded); colour edges are taken on lightness (the original
  takes the first, hue, channel); hue is in [0, 1] (OpenCV's 8-bit hue ends at 180/255); and convexity uses
  area / hull >= 0.8 (the original's hull / area >= 0.8 holds for every region).
- **Colour statistics** (colour images only): mean red, green and blue, and colourfulness (Hasler &
  Süsstrunk 2003: sqrt(σ_rg² + σ_yb²) + 0.3 sqrt(μ_rg² + μ_yb²) on [0, 1] values).
"""

from __future__ import annotations

import io
import math
from functools import lru_cache

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image
from scipy import ndimage
from scipy.spatial import ConvexHull, QhullError

JPEG_QUALITY = 75
QUADTREE_TOLERANCE = 0.05  # standard deviation (lightness in [0, 1]) below which a quad-tree block stays whole
PATCHES, CLUSTERS = 5, 4
CORNER_THRESHOLD = 90

COMPLEXITY = ("jpeg_size", "jpeg_rmse", "jpeg_complexity", "quadtree_leaves", "quadtree_rmse", "quadtree_complexity")
_PATCH_GREY = tuple(f"patch_{i}_mean_l" for i in range(1, PATCHES + 1))
_PATCH_SIZE = tuple(f"patch_{i}_size" for i in range(1, PATCHES + 1))
VICKERS_GREY = ("mean_l", "stddev_l", "entropy_grey", "mean_edge", "stddev_edge", "n_patches", *_PATCH_GREY,
                *_PATCH_SIZE, "convexity", "mean_corner", "n_corners")
VICKERS_COLOUR = ("mean_l", "stddev_l", "mean_s", "stddev_s", "mean_h", "stddev_h", "entropy_grey", "mean_edge",
                  "stddev_edge", "n_patches", *_PATCH_GREY, *(f"patch_{i}_mean_s" for i in range(1, PATCHES + 1)),
                  *(f"patch_{i}_mean_h" for i in range(1, PATCHES + 1)), *_PATCH_SIZE, "convexity", "mean_corner",
                  "n_corners")
COLOUR = ("mean_r", "mean_g", "mean_b", "colourfulness")
EIGHT = np.ones((3, 3), dtype=bool)  # 8-connected regions (OpenCV's contours of a binary image)


def feature_names(channels: int) -> tuple[str, ...]:
    """Column names of ``image_features`` for images with ``channels`` channels (1 grey, 3 colour)."""
    return (*VICKERS_GREY, *COMPLEXITY) if channels == 1 else (*VICKERS_COLOUR, *COMPLEXITY, *COLOUR)


def image_features(images: torch.Tensor, hls8: bool = False) -> torch.Tensor:
    """``(N, F)`` float32 features (``feature_names``) of ``(N, C, H, W)`` images in ``[-1, 1]``, on the CPU.
    ``hls8``: colour images are taken to 8-bit RGB and then to 8-bit HLS as hercl's ``runMetrics`` does
    (OpenCV's ``cvtColor(BGR2HLS)``: hue in degrees halved, 0..180, lightness and saturation 0..255, each rounded
    to the nearest, ties to even), every HLS value over 255; otherwise HLS in floats, hue in [0, 1]."""
    x = ((torch.nan_to_num(images.detach().float().cpu(), nan=0.0).clamp(-1, 1) + 1) / 2)  # [0, 1]
    n, c = x.shape[:2]
    if n == 0:
        return torch.zeros(0, len(feature_names(c)))
    if c == 1:
        light, hls = x[:, 0], None
    elif c == 3:
        hls = rgb_to_hls8(x) if hls8 else rgb_to_hls(x)
        light = hls[:, 1]
    else:
        raise ValueError(f"image features need 1 or 3 channels, got {c}")
    grey8 = (light * 255).round().to(torch.uint8)
    found: dict[str, torch.Tensor] = {}
    found.update(light_statistics(light if hls is None else hls, colour=hls is not None))
    found["entropy_grey"] = entropy(grey8)
    found.update(edge_statistics(light))
    found.update(corner_statistics(light))
    found.update(patch_statistics(grey8, light if hls is None else hls))
    found.update(jpeg_complexity(x))
    found.update(quadtree_complexity(light))
    if hls is not None:
        found.update(colour_statistics(x))
    return torch.stack([found[name].float() for name in feature_names(c)], dim=1)


def rgb_to_hls(x: torch.Tensor) -> torch.Tensor:
    """RGB ``(N, 3, H, W)`` in [0, 1] to hue, lightness, saturation in [0, 1] (as ``colorsys.rgb_to_hls``)."""
    r, g, b = x[:, 0], x[:, 1], x[:, 2]
    high, low = x.max(dim=1).values, x.min(dim=1).values
    light = (high + low) / 2
    span = high - low
    safe = torch.where(span > 0, span, torch.ones_like(span))
    sat = torch.where(light <= 0.5, span / (high + low).clamp_min(1e-12), span / (2 - high - low).clamp_min(1e-12))
    sat = torch.where(span > 0, sat, torch.zeros_like(sat))
    hue = torch.where(high == r, (g - b) / safe, torch.where(high == g, 2 + (b - r) / safe, 4 + (r - g) / safe))
    hue = torch.where(span > 0, (hue / 6) % 1.0, torch.zeros_like(hue))
    return torch.stack([hue, light, sat], dim=1)


def rgb_to_hls8(x: torch.Tensor) -> torch.Tensor:
    """RGB ``(N, 3, H, W)`` in [0, 1] to hue, lightness, saturation over 255, as OpenCV converts 8-bit images
    (``cvtColor`` BGR2HLS, ``RGB2HLS_b``): RGB rounded to 0..255 and divided by 255 in single precision; hue in
    degrees (60 (g - b) / span, + 120, + 240 by the largest channel, + 360 below 0) halved and rounded (0..180);
    lightness and saturation times 255 and rounded."""
    rgb = torch.round(x.double() * 255).float() * torch.tensor(1.0 / 255, dtype=torch.float32)
    r, g, b = rgb[:, 0], rgb[:, 1], rgb[:, 2]
    high, low = rgb.max(dim=1).values, rgb.min(dim=1).values
    span = high - low
    light = (high + low) * 0.5
    some = span > torch.finfo(torch.float32).eps
    safe = torch.where(some, span, torch.ones_like(span))
    sat = torch.where(light < 0.5, span / torch.where(some, high + low, torch.ones_like(span)),
                      span / torch.where(some, 2 - high - low, torch.ones_like(span)))
    scale = 60.0 / safe
    hue = torch.where(high == r, (g - b) * scale, torch.where(high == g, (b - r) * scale + 120, (r - g) * scale + 240))
    hue = torch.where(hue < 0, hue + 360, hue)
    hue, sat = torch.where(some, hue, torch.zeros_like(hue)), torch.where(some, sat, torch.zeros_like(sat))
    eight = torch.stack([torch.round(hue * 0.5), torch.round(light * 255), torch.round(sat * 255)], dim=1)
    return eight.clamp(0, 255) / 255


def light_statistics(values: torch.Tensor, colour: bool) -> dict[str, torch.Tensor]:
    """Mean and standard deviation of lightness (grey: ``(N, H, W)``), or of hue, lightness and saturation."""
    if not colour:
        return {"mean_l": values.mean(dim=(1, 2)), "stddev_l": values.std(dim=(1, 2), unbiased=False)}
    found = {}
    for k, name in enumerate("hls"):
        found[f"mean_{name}"] = values[:, k].mean(dim=(1, 2))
        found[f"stddev_{name}"] = values[:, k].std(dim=(1, 2), unbiased=False) / 0.5
    return found


def entropy(grey8: torch.Tensor) -> torch.Tensor:
    """Shannon entropy of the 256-bin grey histogram over log 256: 0 for a flat image, 1 for uniform noise."""
    n = grey8.shape[0]
    flat = grey8.reshape(n, -1).long()
    counts = torch.zeros(n, 256).scatter_add_(1, flat, torch.ones_like(flat, dtype=torch.float32))
    p = counts / flat.shape[1]
    return -(p * torch.log(p.clamp_min(1e-30))).sum(dim=1) / math.log(256)


SOBEL_X = torch.tensor([[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]])


def sobel(light: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """3×3 Sobel derivatives of ``(N, H, W)`` with reflected borders (OpenCV's BORDER_REFLECT_101)."""
    padded = F.pad(light[:, None], (1, 1, 1, 1), mode="reflect") if min(light.shape[1:]) > 1 else \
        F.pad(light[:, None], (1, 1, 1, 1), mode="replicate")
    kernels = torch.stack([SOBEL_X, SOBEL_X.T])[:, None]
    grads = F.conv2d(padded, kernels)
    return grads[:, 0], grads[:, 1]


def edge_statistics(light: torch.Tensor) -> dict[str, torch.Tensor]:
    """Mean and (over 0.5) standard deviation of the Sobel magnitude, scaled by its maximum 4√2 to [0, 1]."""
    gx, gy = sobel(light)
    magnitude = torch.sqrt(gx ** 2 + gy ** 2) / (4 * math.sqrt(2))
    return {"mean_edge": magnitude.mean(dim=(1, 2)),
            "stddev_edge": magnitude.std(dim=(1, 2), unbiased=False) / 0.5}


def corner_statistics(light: torch.Tensor, k: float = 0.04) -> dict[str, torch.Tensor]:
    """Harris response (block 2, aperture 3), min-max normalised to 0..255, thresholded at 90: its mean over 255
    and its number of 8-connected regions."""
    gx, gy = sobel(light)
    products = torch.stack([gx * gx, gx * gy, gy * gy], dim=1)
    summed = F.avg_pool2d(F.pad(products, (0, 1, 0, 1), mode="replicate"), 2, stride=1) * 4  # 2×2 block sums
    xx, xy, yy = summed[:, 0], summed[:, 1], summed[:, 2]
    response = xx * yy - xy * xy - k * (xx + yy) ** 2
    low = response.amin(dim=(1, 2), keepdim=True)
    span = response.amax(dim=(1, 2), keepdim=True) - low
    scaled = torch.where(span > 1e-12, (response - low) / span.clamp_min(1e-12) * 255, torch.zeros_like(response))
    scaled = scaled.round()
    kept = torch.where(scaled > CORNER_THRESHOLD, scaled, torch.zeros_like(scaled))
    regions = [ndimage.label(mask, structure=EIGHT)[1] for mask in (kept > 0).numpy()]
    return {"mean_corner": kept.mean(dim=(1, 2)) / 255, "n_corners": torch.tensor(regions, dtype=torch.float32)}


def kmeans_1d(values: torch.Tensor, clusters: int = CLUSTERS, iterations: int = 30) -> torch.Tensor:
    """Batched 1-D k-means of grey levels ``(N, P)`` in 0..255 -> ``(N, clusters)`` centres, run on each image's
    256-bin histogram (the same optimum, far cheaper) and started at fixed quantiles (no random numbers)."""
    n = values.shape[0]
    levels = torch.arange(256, dtype=torch.float32)
    hist = torch.zeros(n, 256).scatter_add_(1, values.round().clamp(0, 255).long(), torch.ones_like(values))
    quantiles = (torch.arange(clusters, dtype=torch.float32) + 0.5) / clusters
    centres = torch.quantile(values, quantiles, dim=1).T.contiguous()  # (N, k)
    for _ in range(iterations):
        nearest = (levels[None, :, None] - centres[:, None, :]).abs().argmin(dim=2)  # (N, 256)
        counts = torch.zeros(n, clusters).scatter_add_(1, nearest, hist)
        sums = torch.zeros(n, clusters).scatter_add_(1, nearest, hist * levels)
        moved = torch.where(counts > 0, sums / counts.clamp_min(1), centres)
        if torch.equal(moved, centres):
            break
        centres = moved
    return centres


def patch_statistics(grey8: torch.Tensor, values: torch.Tensor) -> dict[str, torch.Tensor]:
    """Vickers' k-means patches: counts, the five largest patches' means (lightness; hue and saturation for
    colour ``values`` (N, 3, H, W) in HLS order) and sizes, and convexity."""
    n, h, w = grey8.shape
    grey = grey8.float()
    half = F.interpolate(grey[:, None], scale_factor=0.5, mode="bilinear", align_corners=False,
                         antialias=False)[:, 0] if min(h, w) >= 2 else grey
    centres = kmeans_1d(half.reshape(n, -1))
    labels = (grey.reshape(n, -1, 1) - centres.trunc()[:, None, :]).abs().argmin(dim=2).reshape(n, h, w).numpy()
    colour = values.ndim == 4
    channels = values.numpy() if colour else values.numpy()[:, None]
    out = {name: np.zeros(n, dtype=np.float32) for name in ("n_patches", "convexity")}
    means = np.zeros((n, PATCHES, channels.shape[1]), dtype=np.float32)
    sizes = np.zeros((n, PATCHES), dtype=np.float32)
    pixels = h * w
    for i in range(n):
        patches, convexity = [], 0.0
        for cluster in np.unique(labels[i]):
            regions, count = ndimage.label(labels[i] == cluster, structure=EIGHT)
            areas = np.bincount(regions.ravel(), minlength=count + 1)[1:] / pixels
            big = np.flatnonzero(areas > 0.005)
            if len(big) == 0:
                continue
            boxes = ndimage.find_objects(regions)
            for region in big:
                if areas[region] * pixels / hull_area(regions[boxes[region]] == region + 1) >= 0.8:
                    convexity += areas[region]
            large = big[areas[big] > 0.01]
            if len(large):
                region_means = np.stack([ndimage.mean(channel, regions, large + 1) for channel in channels[i]], 1)
                patches += list(zip(areas[large].tolist(), region_means))
        patches.sort(key=lambda patch: -patch[0])
        out["n_patches"][i] = min(PATCHES, len(patches))
        out["convexity"][i] = convexity
        for j, (share, mean) in enumerate(patches[:PATCHES]):
            sizes[i, j], means[i, j] = share, mean
    found = {name: torch.from_numpy(value) for name, value in out.items()}
    order = ("h", "l", "s") if colour else ("l",)
    for j in range(PATCHES):
        found[f"patch_{j + 1}_size"] = torch.from_numpy(sizes[:, j])
        for k, name in enumerate(order):
            found[f"patch_{j + 1}_mean_{name}"] = torch.from_numpy(means[:, j, k])
    return found


def hull_area(mask: np.ndarray) -> float:
    """Area of the convex hull of a region's pixel squares (at least the region's pixel count): the hull of
    each row's outermost pixel corners."""
    rows = np.flatnonzero(mask.any(axis=1))
    left = mask[rows].argmax(axis=1)
    right = mask.shape[1] - mask[rows, ::-1].argmax(axis=1)
    corners = np.concatenate([np.stack([rows + dr, cols], axis=1) for dr in (0, 1) for cols in (left, right)])
    try:
        return max(float(ConvexHull(corners).volume), float(mask.sum()))
    except QhullError:
        return float(mask.sum())


@lru_cache(maxsize=16)
def _jpeg_header(mode: str, width: int, height: int, quality: int) -> int:
    """Bytes of a flat image's JPEG of this shape: the part of every file that says nothing about the image."""
    buffer = io.BytesIO()
    Image.new(mode, (width, height), 128 if mode == "L" else (128, 128, 128)).save(buffer, "JPEG", quality=quality)
    return buffer.tell()


def jpeg_complexity(x: torch.Tensor, quality: int = JPEG_QUALITY) -> dict[str, torch.Tensor]:
    """Machado's JPEG complexity: size beyond a flat image's per raw byte, RMS error, and their product."""
    n, c, h, w = x.shape
    array = (x * 255).round().to(torch.uint8).permute(0, 2, 3, 1).numpy()
    mode = "L" if c == 1 else "RGB"
    header = _jpeg_header(mode, w, h, quality)
    size, rmse = np.zeros(n, dtype=np.float32), np.zeros(n, dtype=np.float32)
    for i in range(n):
        buffer = io.BytesIO()
        Image.fromarray(array[i, ..., 0] if c == 1 else array[i], mode).save(buffer, "JPEG", quality=quality)
        size[i] = max(0, buffer.tell() - header) / (h * w * c)
        decoded = np.asarray(Image.open(io.BytesIO(buffer.getvalue())).convert(mode), dtype=np.float32)
        rmse[i] = np.sqrt(np.mean((decoded.reshape(array[i].shape) - array[i]) ** 2)) / 255
    return {"jpeg_size": torch.from_numpy(size), "jpeg_rmse": torch.from_numpy(rmse),
            "jpeg_complexity": torch.from_numpy(size * rmse)}


def quadtree_complexity(light: torch.Tensor, tolerance: float = QUADTREE_TOLERANCE,
                        smallest: int = 2) -> dict[str, torch.Tensor]:
    """Quad-tree partition (fractal coding's range blocks) of ``(N, H, W)`` lightness, padded by replication to a
    power-of-two square: share of the finest partition used, RMS error of mean-filled leaves, their product."""
    n, h, w = light.shape
    side = max(smallest, 1 << math.ceil(math.log2(max(h, w))))
    padded = F.pad(light[:, None], (0, side - w, 0, side - h), mode="replicate")[:, 0] if (h, w) != (side, side) \
        else light
    leaves = torch.zeros(n)
    squared = torch.zeros(n)
    open_ = torch.ones(n, 1, 1, dtype=torch.bool)  # blocks of the current level not yet inside a leaf
    block = side
    while True:
        cells = side // block
        tiles = padded.reshape(n, cells, block, cells, block)
        variance = tiles.var(dim=(2, 4), unbiased=False)
        leaf = open_ & ((variance.sqrt() <= tolerance) | (block <= smallest))
        leaves += leaf.sum(dim=(1, 2)).float()
        squared += (variance * leaf).sum(dim=(1, 2)) * block * block
        open_ = open_ & ~leaf
        if block <= smallest or not open_.any():
            break
        open_ = open_.repeat_interleave(2, dim=1).repeat_interleave(2, dim=2)
        block //= 2
    share = leaves / (side // smallest) ** 2
    rmse = torch.sqrt(squared / (side * side))
    return {"quadtree_leaves": share, "quadtree_rmse": rmse, "quadtree_complexity": share * rmse}


def colour_statistics(x: torch.Tensor) -> dict[str, torch.Tensor]:
    """Mean red, green, blue and Hasler & Süsstrunk's colourfulness of RGB ``(N, 3, H, W)`` in [0, 1]."""
    r, g, b = x[:, 0], x[:, 1], x[:, 2]
    rg, yb = r - g, (r + g) / 2 - b
    spread = torch.sqrt(rg.var(dim=(1, 2), unbiased=False) + yb.var(dim=(1, 2), unbiased=False))
    centre = torch.sqrt(rg.mean(dim=(1, 2)) ** 2 + yb.mean(dim=(1, 2)) ** 2)
    return {"mean_r": r.mean(dim=(1, 2)), "mean_g": g.mean(dim=(1, 2)), "mean_b": b.mean(dim=(1, 2)),
            "colourfulness": spread + 0.3 * centre}
