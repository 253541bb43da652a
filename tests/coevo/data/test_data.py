import gzip
import shutil
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from coevo.data import load_data
from coevo.errors import CoevoError
from tests.helpers import check_images


def test_digits_is_the_embedded_default() -> None:
    data = load_data("digits", 16)
    assert len(data) == 1797 and data.labels is not None and set(data.labels.tolist()) == set(range(10))
    check_images(data.images, 1, 16)


def test_digits_in_ink_and_counted() -> None:
    plain, ink = load_data("digits:40", 16), load_data("digits:ink:40", 16)
    assert len(plain) == len(ink) == 40 and plain.labels.tolist() == load_data("digits", 16).labels[:40].tolist()
    assert set(ink.images.unique().tolist()) == {-1.0, 1.0}  # black ink or white paper
    same = ((ink.images < 0) == (plain.images > 0)).float().mean()  # ink where the scan is lighter than mid-grey
    assert same > 0.99  # (but pixels at mid-grey itself, where the two resamplings round apart)
    for bad in ("digits:0", "digits:invert", "digits:3:4"):
        with pytest.raises(CoevoError, match="digits:ink:N"):
            load_data(bad, 16)


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


def test_image_folder_recursive_grey_and_rgb(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    Image.new("RGB", (40, 30), (255, 0, 0)).save(tmp_path / "a.png")
    Image.new("L", (20, 20), 0).save(tmp_path / "sub" / "b.jpg")
    (tmp_path / "notes.txt").write_text("not an image")
    rgb = load_data(str(tmp_path), 12)
    assert rgb.images.shape == (2, 3, 12, 12) and rgb.labels is None
    assert rgb.images[0, 0].mean() > 0.9 and rgb.images[0, 1].mean() < -0.9
    grey = load_data(f"folder:{tmp_path}", 12, channels=1)
    assert grey.images.shape == (2, 1, 12, 12)


def test_image_folder_errors(tmp_path: Path) -> None:
    with pytest.raises(CoevoError, match="no PNG or JPEG"):
        load_data(str(tmp_path))
    (tmp_path / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\nnot really")
    with pytest.raises(CoevoError, match=r"cannot read image .*broken\.png"):
        load_data(str(tmp_path))


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


def test_split_is_fixed_and_disjoint() -> None:
    data = load_data("digits", 8)
    train, held = data.split(0.1)
    assert len(train) + len(held) == len(data) and 170 <= len(held) <= 190
    assert torch.equal(held.images, data.split(0.1)[1].images)


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -float("inf")])
def test_item8_data_with_nan_or_inf_is_refused_at_load(tmp_path: Path, bad: float) -> None:
    images = np.random.default_rng(0).random((5, 8, 8)).astype("float32")
    images[2, 3, 3] = bad
    np.savez(tmp_path / "bad.npz", images=images)
    with pytest.raises(CoevoError, match=r"bad\.npz: 1 images hold NaN or Inf"):
        load_data(str(tmp_path / "bad.npz"), 8)
