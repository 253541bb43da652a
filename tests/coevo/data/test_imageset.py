"""Image sets (coevo/data/imageset.py): the fixed held-out split, non-finite data refused at load."""

from pathlib import Path

import numpy as np
import pytest
import torch

from coevo.data import load_data
from coevo.errors import CoevoError


def test_split_is_fixed_and_disjoint() -> None:
    data = load_data("digits", 8)
    train, held = data.split(0.1)
    assert len(train) + len(held) == len(data) and 170 <= len(held) <= 190
    assert torch.equal(held.images, data.split(0.1)[1].images)


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -float("inf")])
def test_data_with_nan_or_inf_is_refused_at_load(tmp_path: Path, bad: float) -> None:
    images = np.random.default_rng(0).random((5, 8, 8)).astype("float32")
    images[2, 3, 3] = bad
    np.savez(tmp_path / "bad.npz", images=images)
    with pytest.raises(CoevoError, match=r"bad\.npz: 1 images hold NaN or Inf"):
        load_data(str(tmp_path / "bad.npz"), 8)


@pytest.mark.parametrize(("labels", "message"), [
    (np.arange(6) + 0.5, "labels hold fractions, NaN or Inf"),
    (np.full(6, np.nan), "labels hold fractions, NaN or Inf"),
    (np.array(["a", "b", "c", "d", "e", "f"]), "array 'labels' holds <U1 values"),  # refused from the file's header
    (np.arange(6) + 1j, "array 'labels' holds complex128 values"),
    (np.arange(6) > 2, "labels are bool, not integers"),
    (np.arange(6) - 3, "labels range over -3..2, outside 0..999"),
    (np.arange(6) * 10**9, "labels range over 0..5000000000, outside 0..999"),
    (np.arange(6).reshape(2, 3), "labels have shape (2, 3) for 6 images"),
    (np.arange(3), "labels have shape (3,) for 6 images"),
])
def test_bad_labels_are_refused_at_load_naming_the_fix(tmp_path: Path, labels: np.ndarray, message: str) -> None:
    """A negative label crashed the classifier's loss, a huge one sized its output layer at terabytes, strings and
    NaN failed inside torch (issue 29): each is one line naming how to save labels."""
    np.savez(tmp_path / "bad.npz", images=np.zeros((6, 8, 8), np.float32), labels=labels)
    with pytest.raises(CoevoError) as caught:
        load_data(str(tmp_path / "bad.npz"), 8)
    fix = ".astype" if "array 'labels'" in message else "labels=y.astype(np.int64)"
    assert message in str(caught.value) and fix in str(caught.value) and "\n" not in str(caught.value)


def test_whole_float_labels_are_read_as_classes(tmp_path: Path) -> None:
    np.savez(tmp_path / "ok.npz", images=np.zeros((4, 8, 8), np.float32), labels=np.array([0.0, 1.0, 2.0, 9.0]))
    assert load_data(str(tmp_path / "ok.npz"), 8).labels.tolist() == [0, 1, 2, 9]
