"""AntGenetics (artists/ants/genetics.py): rendering at any size, variation keeping genomes valid."""

from __future__ import annotations

import random

import numpy as np
import torch

from artists.ants import AntGenetics
from coevo.images import cells


def test_render_at_any_size_and_deterministic() -> None:
    random.seed(2)
    genetics = AntGenetics(channels=3, grid=32, steps=300)
    paintings = [genetics.random_genome() for _ in range(3)]
    big = genetics.render(paintings, 96)
    assert big.shape == (3, 3, 96, 96) and torch.equal(big, genetics.render(paintings, 96))
    assert torch.equal(big[:, :, ::3, ::3], genetics.render(paintings, 32))  # each cell a 3×3 block
    assert genetics.render(paintings, 20).shape == (3, 3, 20, 20)
    grids = np.zeros((1, 2, 2, 1), dtype=np.uint8)
    grids[0, 0, 0, 0] = 255
    assert cells(grids, 4)[0, 0].tolist() == [[1, 1, -1, -1], [1, 1, -1, -1], [-1] * 4, [-1] * 4]


def test_variation_keeps_genomes_valid_over_a_thousand_applications() -> None:
    random.seed(0)
    genetics = AntGenetics(channels=3, grid=16, steps=20)
    pool = [genetics.random_genome() for _ in range(6)]
    for i in range(1000):
        children = ([genetics.mutate(random.choice(pool), random.choice([0.5, 1.0, 4.0]))] if i % 3 else
                    list(genetics.crossover(random.choice(pool), random.choice(pool))))
        for child in children:
            assert 8 <= len(child.ants) <= 12
            assert genetics.from_json(genetics.to_json(child)) == child
        pool[random.randrange(len(pool))] = children[0]
    assert genetics.render(pool, 16).shape == (6, 3, 16, 16)
