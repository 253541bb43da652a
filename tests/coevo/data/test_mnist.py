"""MNIST IDX files (coevo/data/mnist.py): gzipped and plain, errors named."""

import gzip
import shutil
from pathlib import Path

import pytest
import torch

from coevo.data import load_data
from coevo.errors import CoevoError
from tests.helpers import check_images


def test_mnist_gzipped_and_plain(shared_data: Path, tmp_path: Path) -> None:
    data = load_data(f"mnist:{shared_data / 'mnist'}", 28)
    assert len(data) == 10000 and data.labels.tolist()[:3] == [7, 2, 1]
    check_images(data.images, 1, 28)
    for name in ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"):
        with gzip.open(shared_data / "mnist" / f"{name}.gz") as src, open(tmp_path / name, "wb") as dst:
            shutil.copyfileobj(src, dst)
    plain = load_data(f"mnist:{tmp_path}:t10k", 28)
    assert torch.equal(plain.images, data.images)


def test_mnist_errors(tmp_path: Path) -> None:
    with pytest.raises(CoevoError, match="does not exist"):
        load_data(f"mnist:{tmp_path / 'nope'}")
    with pytest.raises(CoevoError, match="no MNIST images file"):
        load_data(f"mnist:{tmp_path}")
    (tmp_path / "t10k-images-idx3-ubyte").write_bytes(b"garbage!")
    with pytest.raises(CoevoError, match="not an IDX file"):
        load_data(f"mnist:{tmp_path}")
