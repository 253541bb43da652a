"""The embedded digits (coevo/data/digits.py): the default data, in ink, counted."""

import pytest

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


def test_the_digits_load_without_scikit_learn() -> None:
    """The bundled file is read with NumPy alone: scikit-learn (0.7-1 s of imports) is no run-time dependency."""
    import subprocess
    import sys

    from tests.conftest import ROOT

    code = ("import sys; from coevo.data.digits import load; data = load(8); "
            "assert len(data) == 1797 and 'sklearn' not in sys.modules, sorted(sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
