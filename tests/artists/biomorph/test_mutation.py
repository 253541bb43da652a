"""Biomorph mutation (artists/biomorph/mutation.py): Mac and PC styles, crossover, and the port's draws."""

from __future__ import annotations

import random
from dataclasses import fields, replace

from artists.biomorph.genetics import BiomorphGenetics
from artists.biomorph.genome import Biomorph, basic_tree, chess, insect
from artists.biomorph.mutation import colour_mutate, crossover, mac_mutate, mono_mutate, pc_mutate
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
            assert to_port(b) == p


def test_colour_genes_stop_at_the_palette_ends() -> None:
    random.seed(2)
    b = replace(insect(), colours=(0, 255) * 4, background=255, mutation_rate=100)
    for _ in range(50):
        child = colour_mutate(b)
        assert all(0 <= c <= 255 for c in child.colours) and 0 <= child.background <= 255
        assert 1 <= child.genes[8] <= 8


def test_mac_mutation_changes_genes_by_the_mutation_size() -> None:
    random.seed(3)
    parent = insect()
    children = [mac_mutate(parent) for _ in range(300)]
    changed = [c for c in children if c != parent]
    assert 0.5 < len(changed) / len(children) < 1.0  # 10% per gene: most children differ, not all
    for child in children:
        for old, new in zip(parent.genes[:8], child.genes[:8]):
            assert new - old in (-parent.mutation_size, 0, parent.mutation_size)
    stronger = sum(mac_mutate(parent, strength=4.0) != parent for _ in range(300))
    assert stronger > len(changed)


def test_pc_mutation_changes_one_gene_one_step() -> None:
    random.seed(4)
    parent = replace(insect(), segments=3, thickness=2, trickle=5, colours=(100,) * 8)  # no gene at a bound
    for _ in range(300):
        child = pc_mutate(parent)
        diffs = []
        for f in fields(Biomorph):
            old, new = getattr(parent, f.name), getattr(child, f.name)
            if isinstance(old, tuple):
                diffs += [(f.name, a, b) for a, b in zip(old, new) if a != b]
            elif old != new:
                diffs.append((f.name, old, new))
        assert len(diffs) == 1, diffs
        name, old, new = diffs[0]
        if name in ("segments", "segment_distance", "trickle", "thickness"):
            assert abs(new - old) == 1


def test_crossover_takes_every_gene_from_a_parent() -> None:
    random.seed(6)
    a, b = insect(), basic_tree()
    left, right = crossover(a, b)
    for i in range(8):
        assert {left.genes[i], right.genes[i]} == {a.genes[i], b.genes[i]}


def test_colour_thickness_passes_8_as_the_ports_does() -> None:
    random.seed(7)
    b = replace(insect(), thickness=8, mutation_rate=100, colours=(100,) * 8)
    seen = set()
    for _ in range(200):
        b = colour_mutate(b)
        seen.add(b.thickness)
    assert max(seen) >= 9 and max(seen) <= 100


def test_colour_mutation_keeps_no_size_limit_unless_asked() -> None:
    """The port does not lower the depth after a colour mutation; Dawkins' size worry only on request."""
    big = replace(insect(), genes=(*insect().genes[:8], 8), segments=20, mutation_rate=1)  # 20 * 256 > 4095
    random.seed(8)
    free = [colour_mutate(big) for _ in range(50)]
    random.seed(8)
    limited = [colour_mutate(big, size_limit=True) for _ in range(50)]
    assert all(c.genes[8] == 8 for c in free if c.segments == 20)
    assert all(c.segments * 2 ** c.genes[8] <= 4095 for c in limited)
    asked = BiomorphGenetics(size_limit=True)
    assert asked.options()["size_limit"] and all(asked.mutate(big).segments * 2 ** asked.mutate(big).genes[8]
                                                 <= 4095 for _ in range(20))
