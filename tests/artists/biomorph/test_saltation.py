"""Hopeful monsters (artists/biomorph/saltation.py): valid, varied, and drawn as the port draws them."""

from __future__ import annotations

import random

from artists.biomorph import BiomorphGenetics
from artists.biomorph.saltation import colour_monster, hopeful_monster, mono_monster
from tests.artists.biomorph import port
from tests.artists.biomorph.port import to_port


def test_hopeful_monsters_draw_as_the_port_does() -> None:
    depths = set()
    for seed in range(300):
        random.seed(seed)
        b = mono_monster()
        random.seed(seed)
        p = port.mono_saltation()
        assert {k: v for k, v in to_port(b).items() if k in p} == p
        depths.add(b.genes[8])
        random.seed(seed)
        b = colour_monster()
        random.seed(seed)
        assert to_port(b) == port.colour_saltation()
    assert depths == {1, 2, 3, 4, 5, 6}


def test_hopeful_monsters_are_valid_and_varied() -> None:
    random.seed(5)
    genetics = BiomorphGenetics()
    monsters = [hopeful_monster() for _ in range(40)]
    for b in monsters:
        assert genetics.from_json(genetics.to_json(b)) == b  # valid: the JSON check accepts it
    assert len({b.genes for b in monsters}) > 30
    assert len({b.spokes for b in monsters}) == 3
