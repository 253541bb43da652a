"""EvoEcoGenetics (artists/evoeco/genetics.py): variation keeping genomes valid, crossover dealing agents."""

from __future__ import annotations

import random

import pytest

from artists.evoeco import EvoEcoGenetics
from artists.evoeco.genome import Automaton


@pytest.mark.parametrize("mode", ["agents", "ca"])
def test_variation_keeps_genomes_valid_over_a_thousand_applications(mode: str) -> None:
    random.seed(1)
    genetics = EvoEcoGenetics(channels=3, mode=mode, grid=12, steps=10)
    pool = [genetics.random_genome() for _ in range(6)]
    for i in range(1000):
        children = ([genetics.mutate(random.choice(pool), random.choice([0.5, 1.0, 4.0]))] if i % 3 else
                    list(genetics.crossover(random.choice(pool), random.choice(pool))))
        for child in children:
            assert genetics.from_json(genetics.to_json(child)) == child
            assert isinstance(child, Automaton) or 4 <= len(child.agents) <= 12
        pool[random.randrange(len(pool))] = children[0]
    images = genetics.render(pool, 24)
    assert images.shape == (6, 3, 24, 24) and images.min() >= -1 and images.max() <= 1


def test_crossover_deals_agents_from_both_organisms() -> None:
    random.seed(2)
    genetics = EvoEcoGenetics(channels=1, colours=3)
    a, b = genetics.random_genome(), genetics.random_genome()
    left, right = genetics.crossover(a, b)
    assert sorted(map(repr, left.agents + right.agents)) == sorted(map(repr, a.agents + b.agents)) or \
        len(left.agents + right.agents) > len(a.agents + b.agents)
    assert left.palette == a.palette and right.palette == b.palette
