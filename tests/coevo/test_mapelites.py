"""The MAP-Elites archive: one elite per cell, never worse from one generation to the next."""

from __future__ import annotations

import itertools
import random

import torch

from coevo.mapelites import MapElites
from tests.toys import ToyGenetics


def test_archive_fills_and_only_improves():
    random.seed(0)
    torch.manual_seed(0)
    archive = MapElites(ToyGenetics(), cells=2, batch=16, size=8)

    def scorer(images: torch.Tensor) -> torch.Tensor:  # cell 0 prefers bright images, cell 1 dark ones
        mean = images.mean(dim=(1, 2, 3))
        return torch.stack([mean, -mean], dim=1)

    history = [archive.step(scorer) for _ in range(12)]
    for before, after in itertools.pairwise(history):
        assert (after >= before).all()
    elites = archive.elites()
    assert all(e is not None for e in elites)
    assert history[-1][0] > history[0][0] and history[-1][0] > 0.5 and history[-1][1] > 0.5
    assert elites[0].genome != elites[1].genome and elites[0].id != elites[1].id
