"""Writes ``digits.npz`` beside this file from scikit-learn's copy of the UCI handwritten digits, once, so that
loading the default data needs no scikit-learn at run time (run again only to check or regenerate it):

    python -m coevo.data.make_digits   # needs scikit-learn (pip install scikit-learn)
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np

FILE = Path(__file__).with_name("digits.npz")


def digits_bytes() -> bytes:
    """The npz file's bytes: ``images`` (1797, 8, 8) uint8 in 0..16 and ``labels`` (1797,) uint8, compressed."""
    from sklearn.datasets import load_digits  # the one use of scikit-learn: making the file

    bunch = load_digits()
    buffer = io.BytesIO()
    np.savez_compressed(buffer, images=bunch.images.astype(np.uint8), labels=bunch.target.astype(np.uint8))
    return buffer.getvalue()


if __name__ == "__main__":
    FILE.write_bytes(digits_bytes())
    print(f"wrote {FILE} ({FILE.stat().st_size} bytes)")
