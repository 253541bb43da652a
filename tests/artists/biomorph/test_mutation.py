"""Mac-style mutation and the hopeful monster against the port's JavaScript (tests/artists/biomorph/port.py),
on the same seeded random numbers."""

from __future__ import annotations

import random
from dataclasses import replace

from artists.biomorph.genome import basic_tree, chess, insect
from artists.biomorph.mutation import colour_mutate, mono_mutate
from artists.biomorph.saltation import colour_monster, mono_monster
from tests.artists.biomorph import port
from tests.artists.biomorph.port import to_port


def test_monochrome_mutation_draws_as_the_port_does() -> None:
    parents = [insect(), chess(), basic_tree(), replace(insect(), mutation_rate=37, segments=3),
               replace(chess(), mutation_rate=100, genes=(*chess().genes[:8], 1))]
    agree = 0
    for seed in range(200):
        b = parents[seed % len(parents)]
        ours, theirs = random.Random(seed), random.Random(seed)
        p = to_port(b)
        for _ in range(30):  # a lineage of 30 generations, both drawing from the same numbers
            random.setstate(ours.getstate())
            b = mono_mutate(b)
            ours.setstate(random.getstate())
            random.setstate(theirs.getstate())
            p = port.mono_mutate(p)
            theirs.setstate(random.getstate())
            assert to_port(b) == p
            agree += 1
    assert agree == 6000


def test_monochrome_depth_may_reach_zero_and_half_rate_truncates() -> None:
    random.seed(1)
    b = replace(insect(), genes=(*insect().genes[:8], 1), mutation_rate=100)
    depths = {mono_mutate(b).genes[8] for _ in range(200)}
    assert 0 in depths and depths <= {0, 1, 2}  # RandInt(100) < 100 fails once in a hundred
    # rate 3: half of it truncates to 1, and RandInt(100) < 1 never holds: symmetry never changes
    b = replace(insect(), mutation_rate=3, segments=2)
    children = [mono_mutate(b) for _ in range(2000)]
    assert all(c.completeness == b.completeness and c.spokes == b.spokes for c in children)
    assert all(c.gradients[j] == "same" for c in children for j in (*range(8), 9))


def test_colour_mutation_draws_as_the_port_does() -> None:
    parents = [replace(insect(), colours=(128,) * 8, background=85), replace(basic_tree(), colours=(0, 255) * 4),
               replace(chess(), mutation_rate=99, background=255, thickness=3, limb_shape="oval")]
    for seed in range(200):
        b = parents[seed % len(parents)]
        ours, theirs = random.Random(seed), random.Random(seed)
        p = to_port(b)
        for _ in range(30):
            random.setstate(ours.getstate())
            b = colour_mutate(b)
            ours.setstate(random.getstate())
            random.setstate(theirs.getstate())
            p = port.colour_mutate(p)
            theirs.setstate(random.getstate())
            p["thicknessGene"] = min(8, p["thicknessGene"])  # our one bound the port lacks
            assert to_port(b) == p


def test_colour_genes_stop_at_the_palette_ends() -> None:
    random.seed(2)
    b = replace(insect(), colours=(0, 255) * 4, background=255, mutation_rate=100)
    for _ in range(50):
        child = colour_mutate(b)
        assert all(0 <= c <= 255 for c in child.colours) and 0 <= child.background <= 255
        assert 1 <= child.genes[8] <= 8


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
