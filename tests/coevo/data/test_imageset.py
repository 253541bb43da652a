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
