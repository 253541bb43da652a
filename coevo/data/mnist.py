"""MNIST-style IDX files (gzipped or not), train or t10k split."""

from __future__ import annotations

import gzip
import struct
from pathlib import Path

import numpy as np

from coevo.data.imageset import ImageSet, from_array
from coevo.errors import CoevoError
from coevo.store.untrusted import MAX_ELEMENTS, check_regular

MAX_BYTES = MAX_ELEMENTS + 64  # an IDX file's values are bytes; plus its header
SPLITS = {"train": "train", "t10k": "t10k", "test": "t10k"}


def read_idx(path: Path, magic: int) -> np.ndarray:
    """Read one IDX file, checking its magic number (2051 images, 2049 labels)."""
    check_regular(path, "IDX file")
    try:
        with (gzip.open if path.suffix == ".gz" else open)(path, "rb") as handle:
            raw = handle.read(MAX_BYTES + 1)  # a gzip bomb stops here
    except (OSError, EOFError) as exc:
        raise CoevoError(f"cannot read IDX file {path} ({exc}); re-download or replace it") from None
    if len(raw) > MAX_BYTES:
        raise CoevoError(f"IDX file {path} unpacks to over {MAX_BYTES:,} bytes (MNIST's largest is 47 MB); "
                         "pass a smaller data set")
    if len(raw) < 8 or struct.unpack(">I", raw[:4])[0] != magic:
        raise CoevoError(f"{path} is not an IDX file with magic {magic}; check it is an MNIST file")
    dims = (magic & 0xFF)
    shape = struct.unpack(f">{dims}I", raw[4: 4 + 4 * dims])
    body = np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * dims)
    if body.size != int(np.prod(shape)):
        raise CoevoError(f"{path} is truncated ({body.size} of {int(np.prod(shape))} values); replace it")
    return body.reshape(shape)


def find(directory: Path, split: str | None, kind: str) -> Path:
    """The images or labels file of a split (the train split when present, else t10k)."""
    candidates = [split] if split else ["train", "t10k"]
    for name in candidates:
        for suffix in ("", ".gz"):
            path = directory / f"{name}-{kind}-idx{3 if kind == 'images' else 1}-ubyte{suffix}"
            if path.is_file():
                return path
    raise CoevoError(f"no MNIST {kind} file ({'/'.join(candidates)}-{kind}-idx*-ubyte[.gz]) in {directory}; "
                     "point mnist: at the folder holding the IDX files")


def load(directory: Path, size: int | None = None, channels: int | None = None,
         split: str | None = None) -> ImageSet:
    """MNIST digits with labels from a folder of IDX files."""
    if not directory.is_dir():
        raise CoevoError(f"MNIST folder {directory} does not exist; pass mnist:DIR with the IDX files")
    if split is not None and split not in SPLITS:
        raise CoevoError(f"unknown MNIST split {split!r}; use train or t10k")
    split = None if split is None else SPLITS[split]
    image_path = find(directory, split, "images")
    split = split or image_path.name.split("-")[0]
    images = read_idx(image_path, 2051)
    labels = read_idx(find(directory, split, "labels"), 2049)
    return from_array(images, labels, f"mnist:{directory}", size, channels)
