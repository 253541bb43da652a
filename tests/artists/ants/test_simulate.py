"""Ant painting (artists/ants/simulate.py): known walks on tiny grids, the kernel against the Python walk."""

from __future__ import annotations

import random

import numpy as np

from artists.ants import AntGenetics
from artists.ants.genome import Painting
from artists.ants.simulate import paint_python
from tests.helpers import ant

EAST, SOUTH = 2, 4


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


def test_one_painting_walks_serially_as_the_kernel_and_the_python_loop() -> None:
    """``paint`` of a single painting (a bred child checked against its parent) skips the thread pool: the same
    walk, byte for byte."""
    from artists.ants.simulate import paint

    random.seed(6)
    for channels in (1, 3):
        genetics = AntGenetics(channels=channels, grid=24, steps=150)
        paintings = [genetics.random_genome() for _ in range(5)]
        batch = paint(*genetics.pack(paintings), 150, 24, channels)
        singles = np.concatenate([paint(*genetics.pack([p]), 150, 24, channels) for p in paintings])
        assert np.array_equal(batch, singles)
        assert np.array_equal(singles, paint_python(*genetics.pack(paintings), 150, 24, channels))
