"""The shipped digits file (coevo/data/make_digits.py wrote coevo/data/digits.npz) holds scikit-learn's digits."""

import numpy as np
import pytest

from coevo.data.make_digits import FILE


def test_the_shipped_file_holds_scikit_learns_digits() -> None:
    datasets = pytest.importorskip("sklearn.datasets", reason="scikit-learn (the dev extra) checks the file")
    bunch = datasets.load_digits()
    with np.load(FILE, allow_pickle=False) as stored:
        assert stored["images"].dtype == np.uint8 and stored["images"].shape == (1797, 8, 8)
        assert np.array_equal(stored["images"], bunch.images) and np.array_equal(stored["labels"], bunch.target)
