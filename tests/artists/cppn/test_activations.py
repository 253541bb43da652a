"""CPPN activations (artists/cppn/activations.py): the signed ones use Picbreeder's lookup tables."""

from __future__ import annotations

import math

import pytest
import torch

from artists.cppn.activations import TORCH


def test_signed_activations_use_picbreeders_lookup_tables():
    x = torch.tensor([-0.0015, 0.0004, 0.0016, 100.0, -100.0], dtype=torch.float64)
    # (int)(x * 1000 + 0.5) truncates toward zero: -1, 0, 2 steps of 0.001; the tables end at +-7.601
    expected = [2 / (1 + math.exp(0.001)) - 1, 0.0, 2 / (1 + math.exp(-0.002)) - 1,
                2 / (1 + math.exp(-7.601)) - 1, 2 / (1 + math.exp(7.601)) - 1]
    assert TORCH["sigmoid"](x).tolist() == pytest.approx(expected, abs=1e-12)
    expected = [2 * math.exp(-0.001 ** 2) - 1, 1.0, 2 * math.exp(-0.002 ** 2) - 1, 2 * math.exp(-2.758 ** 2) - 1,
                2 * math.exp(-2.757 ** 2) - 1]
    assert TORCH["gaussian"](x).tolist() == pytest.approx(expected, abs=1e-12)
    assert TORCH["step"](torch.tensor([-1.0, 0.0, 0.5])).tolist() == [0.0, 0.0, 1.0]
