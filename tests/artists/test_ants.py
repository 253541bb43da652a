"""Greenfield-style ant paintings: known walks on tiny grids, the kernel against the plain-Python walk, variation."""

from __future__ import annotations

import random

import numpy as np
import pytest
import torch

from artists.ants import AntGenetics
from artists.ants.genome import Ant, Painting
from artists.ants.simulate import paint_python
from coevo.errors import CoevoError
from coevo.images import cells

EAST, SOUTH = 2, 4


def ant(x: float, y: float, heading: int, paint: tuple[int, ...], follow: tuple[int, ...], tolerance: int = 0,
        alpha: int = 256, turns: tuple[int, int, int] = (0, 1, 0)) -> Ant:
    return Ant(x, y, heading, turns, paint, alpha, follow, tolerance)


def test_a_straight_ant_paints_a_row_around_the_torus() -> None:
    genetics = AntGenetics(channels=1, grid=5, steps=4, ants=(1, 12))
    grid = genetics.paint([Painting((ant(0.0, 0.4, EAST, (0,), (100,)),), 1)])[0, :, :, 0]
    expected = np.full((5, 5), 255)
    expected[2, 1:5] = 0  # from (0, 2) eastwards, depositing where it arrives
    assert (grid == expected).all()
    wrapped = AntGenetics(channels=1, grid=5, steps=7, ants=(1, 12)).paint(
        [Painting((ant(0.0, 0.4, EAST, (0,), (100,), alpha=128),), 1)])[0, :, :, 0]
    assert wrapped[2].tolist() == [127, 63, 63, 127, 127]  # around the torus; half the way to black each visit
    assert (np.delete(wrapped, 2, axis=0) == 255).all()


def test_an_ant_follows_the_colour_another_ant_paints() -> None:
    black, red = (0, 0, 0), (255, 0, 0)
    leader = ant(0.0, 3 / 7, EAST, black, (1, 2, 3))  # paints row 3 black, straight on
    follower = ant(0.0, 2 / 7, EAST, red, black)  # seeks black ahead: steps down onto the trail, then along it
    genetics = AntGenetics(channels=3, grid=7, steps=4, ants=(1, 12))
    grid = genetics.paint([Painting((leader, follower), 9)])[0]
    expected = np.full((7, 7, 3), 255)
    expected[3, 1:5] = red  # the follower repaints the leader's trail red, one step behind
    assert (grid == expected).all()
    alone = genetics.paint([Painting((follower,), 9)])[0]
    assert (alone[2, 1:5] == red).all()  # with no trail to find it goes straight on


def test_the_kernel_walks_exactly_as_the_python_loop() -> None:
    random.seed(5)
    for channels in (1, 3):
        genetics = AntGenetics(channels=channels, grid=24, steps=150)
        paintings = [genetics.random_genome() for _ in range(6)]
        assert (genetics.paint(paintings) == paint_python(*genetics.pack(paintings), 150, 24, channels)).all()


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


def test_bad_genomes_are_named() -> None:
    genetics = AntGenetics(channels=1)
    good = genetics.to_json(Painting((ant(0.5, 0.5, 0, (0,), (0,)),), 3))
    assert genetics.from_json(good).ants[0].x == 0.5
    cases = [([], "JSON object"), ({**good, "seed": -1}, "seed"), ({**good, "ants": []}, "1 to"),
             ({**good, "ants": [{**good["ants"][0], "paint": [0, 0, 0]}]}, "1 channels"),
             ({**good, "ants": [{**good["ants"][0], "turns": [0, 0, 0]}]}, "not all be 0"),
             ({**good, "ants": [{**good["ants"][0], "x": 1.5}]}, r"\[0, 1\)"),
             ({**good, "ants": [{"x": 0.1}]}, "lacks")]
    for data, message in cases:
        with pytest.raises(CoevoError, match=message):
            genetics.from_json(data)
