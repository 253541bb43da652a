"""Real image data sets, all as ``ImageSet``: digits (embedded), mnist:DIR, stacked:DIR (stacked MNIST), an image
folder, a .npz file."""

from __future__ import annotations

from pathlib import Path

from coevo.data.imageset import ImageSet, from_array, to_channels
from coevo.errors import CoevoError

__all__ = ["ImageSet", "from_array", "load_data", "to_channels"]


def load_data(spec: str, size: int | None = 32, channels: int | None = None) -> ImageSet:
    """Load a data set from its spec: digits[:ink][:N], mnist:DIR[:train|t10k], stacked:DIR[:N[:SEED]],
    ring[:N[:SEED]], grid[:N[:SEED]] (2-D points as (2, 1, 1) images), folder:DIR, DIR or FILE.npz."""
    kind, _, rest = spec.partition(":")
    if kind == "digits":
        from coevo.data import digits

        words = rest.split(":") if rest else []
        count = [w for w in words if w.isdigit()]
        if any(w != "ink" and not w.isdigit() for w in words) or len(count) > 1 or "0" in count:
            raise CoevoError(f"unknown data {spec!r}: write digits, digits:ink, digits:N or digits:ink:N "
                             "(N > 0 the first N digits)")
        return digits.load(size, channels, ink="ink" in words, count=int(count[0]) if count else None)
    if kind == "mnist" and rest:
        from coevo.data import mnist

        directory, _, split = rest.partition(":") if not Path(rest).is_dir() else (rest, "", "")
        return mnist.load(Path(directory), size, channels, split or None)
    if kind == "stacked" and rest:
        from coevo.data import stacked

        return stacked.load(rest, size)
    if kind in ("ring", "grid"):
        from coevo.data import toy2d

        return toy2d.load(kind, rest)
    if kind == "folder" and rest:
        from coevo.data import folder

        return folder.load(Path(rest), size or 32, channels or 3)
    path = Path(spec)
    if path.suffix == ".npz":
        from coevo.data import npz

        return npz.load(path, size, channels)
    if path.is_dir():
        from coevo.data import folder

        return folder.load(path, size or 32, channels or 3)
    raise CoevoError(f"unknown data {spec!r}: not 'digits', 'digits:ink', 'mnist:DIR', an existing image folder "
                     "or a .npz file; see `coevo list`")
