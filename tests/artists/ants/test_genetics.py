"""AntGenetics (artists/ants/genetics.py): rendering at any size, variation keeping genomes valid."""

from __future__ import annotations

import random

import numpy as np
import torch

from artists.ants import AntGenetics
from coevo.images import cells
from coevo.rng import seed_everything


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


def test_distinct_children_never_paint_as_their_parent() -> None:
    """A tenth or so of plain children change a gene the painting does not express and paint their parent's very
    picture (a box a person cannot tell from the centre one); ``distinct`` (on when breeding) mutates them again."""
    copies = {}
    for distinct in (False, True):
        seed_everything(11)
        genetics = AntGenetics(channels=3, distinct=distinct)
        copies[distinct] = 0
        for _ in range(6):
            parent = genetics.random_genome()
            children = [genetics.mutate(parent) for _ in range(14)]
            pictures = genetics.paint([parent, *children])
            copies[distinct] += sum(np.array_equal(p, pictures[0]) for p in pictures[1:])
    assert copies[False] >= 3 and copies[True] == 0
    assert AntGenetics(**AntGenetics(distinct=True).options()).distinct


def test_breeding_children_visibly_change_their_parents_colour_mix() -> None:
    """A plain mutation moves a painting's colour mix little (children look alike: median colour distance ~0.07,
    against ~0.57 between unrelated paintings); the breeding options (more changes, ``differ`` 0.2) move every
    child at least 0.2 from its parent, still nearer to it than an unrelated painting (bench/ant_children.py)."""
    from artists.ants.genetics import colour_distance
    from coevo.programs.breed import configure

    session = configure({"artist": "ants"}).artist_options  # what a new breeding session draws with
    assert {key: session[key] for key in AntGenetics.BREEDING} == AntGenetics.BREEDING
    found = {}
    for name, options in (("plain", {}), ("breeding", AntGenetics.BREEDING)):
        seed_everything(11)
        genetics = AntGenetics(channels=3, **options)
        found[name] = []
        for _ in range(3):
            parent = genetics.random_genome()
            pictures = genetics.paint([parent, *(genetics.mutate(parent) for _ in range(10))])
            found[name] += [colour_distance(pictures[0], p) for p in pictures[1:]]
    assert np.median(found["plain"]) < 0.12
    assert min(found["breeding"]) >= 0.2 and np.median(found["breeding"]) < 0.45
    assert colour_distance(pictures[0], pictures[0]) == 0.0
    assert AntGenetics(**AntGenetics(**AntGenetics.BREEDING).options()).options()["differ"] == 0.2
    assert "changes" not in AntGenetics().options()  # genome files of runs stay as they were


def test_remembered_pictures_are_the_paintings_and_stay_within_their_budget() -> None:
    """``Pictures``: a painting painted lately comes back as painted afresh; the least recently used go first once
    the budget is full; a copy of the genetics starts with none (a lock cannot be copied)."""
    import copy

    from artists.ants.genetics import Pictures

    seed_everything(8)
    genetics = AntGenetics(channels=3, grid=32, steps=200)
    paintings = [genetics.random_genome() for _ in range(6)]
    first = genetics.paint(paintings[:4])
    assert np.array_equal(genetics.paint(paintings), AntGenetics(channels=3, grid=32, steps=200).paint(paintings))
    assert np.array_equal(genetics.paint(paintings[:4]), first)
    small = Pictures(budget=2 * first[0].nbytes)
    for painting, picture in zip(paintings, genetics.paint(paintings)):
        small.put(painting, picture)
    assert list(small.pictures) == paintings[-2:] and small.used == 2 * first[0].nbytes
    assert small.get(paintings[0]) is None and np.array_equal(small.get(paintings[-1]), genetics.paint(paintings)[-1])
    assert copy.deepcopy(genetics)._pictures.pictures == {}
