"""NumPy .npz data (coevo/data/npz.py): every layout, bad arrays and unknown specs named."""

from pathlib import Path

import numpy as np
import pytest

from coevo.data import load_data
from coevo.errors import CoevoError


@pytest.mark.parametrize("layout", ["nhw", "nhwc", "nchw"])
def test_npz_layouts(tmp_path: Path, layout: str) -> None:
    base = np.zeros((5, 3, 10, 10), dtype=np.uint8)
    base[:, :, :5] = 255
    array = {"nhw": base[:, 0], "nhwc": base.transpose(0, 2, 3, 1), "nchw": base}[layout]
    np.savez(tmp_path / "d.npz", images=array, labels=np.arange(5))
    data = load_data(str(tmp_path / "d.npz"), 10)
    assert data.images.shape == (5, 1 if layout == "nhw" else 3, 10, 10)
    assert data.labels.tolist() == [0, 1, 2, 3, 4]
    assert data.images[0, 0, 0, 0] == 1.0 and data.images[0, 0, 9, 0] == -1.0


def test_npz_errors(tmp_path: Path) -> None:
    np.savez(tmp_path / "wrong.npz", images=np.zeros((4, 5), dtype=np.uint8))
    with pytest.raises(CoevoError, match="expected"):
        load_data(str(tmp_path / "wrong.npz"))
    np.savez(tmp_path / "none.npz", pixels=np.zeros((4, 5, 5)))
    with pytest.raises(CoevoError, match="no 'images' array"):
        load_data(str(tmp_path / "none.npz"))
    (tmp_path / "bad.npz").write_bytes(b"nope")
    with pytest.raises(CoevoError, match="cannot read"):
        load_data(str(tmp_path / "bad.npz"))
    with pytest.raises(CoevoError, match="unknown data"):
        load_data("imagenet")
