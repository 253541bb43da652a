"""EvoEco simulation (artists/evoeco/simulate.py): a known line, a known automaton, kernels against Python."""

from __future__ import annotations

import random

import numpy as np

from artists.evoeco import EvoEcoGenetics
from artists.evoeco.genome import Agent, Organism, rule_width
from artists.evoeco.simulate import agents_python, ca_python, ca_steps
from tests.helpers import EVOECO_PALETTE as PALETTE


def test_one_agent_with_a_constant_rule_paints_a_known_line() -> None:
    genetics = EvoEcoGenetics(channels=1, colours=3, grid=6, steps=4, agents=(1, 12))
    painter = Agent(0.0, 1 / 6, paint=(2, 2, 2), prefs=(0, 0, 0), bias=(0, 9, 0, 0), wander=0)  # paint 2, go east
    organism = Organism(PALETTE, (painter,), seed=1)
    grid = genetics.indices([organism])[0]
    expected = np.zeros((6, 6), dtype=np.int64)
    expected[1, 0:4] = 2  # it paints where it stands, then moves: (0, 1) to (3, 1)
    assert (grid == expected).all()
    image = genetics.render([organism], 6)[0, 0]
    assert image[1, :4].tolist() == [-1] * 4 and image[1, 4:].tolist() == [1, 1] and (image[0] == 1).all()
    # reading the grid: an agent drawn to black (prefs) beats its bias for east once a black cell is beside it
    follower = Agent(0.0, 0.0, paint=(1, 1, 1), prefs=(0, 0, 9), bias=(0, 5, 0, 0), wander=0)
    grid = EvoEcoGenetics(channels=1, colours=3, grid=6, steps=2, agents=(1, 12)).indices(
        [Organism(PALETTE, (painter, follower), seed=1)])[0]
    expected = np.zeros((6, 6), dtype=np.int64)
    expected[0, 0] = expected[1, 0] = 1  # south onto the painter's black (9 > east's 5), painting it grey,
    expected[1, 1] = 2  # then east after the painter (9 + 5), the painter's second cell still black
    assert (grid == expected).all()


def test_a_totalistic_automaton_steps_a_blinker() -> None:
    life = [0] * (2 * rule_width(2))
    life[3] = 1  # a dead cell with three live neighbours is born
    life[rule_width(2) + 2] = life[rule_width(2) + 3] = 1  # a live one with two or three survives
    grid = np.zeros((5, 5), dtype=np.int64)
    grid[2, 1:4] = 1
    ca_steps(np.array(life, dtype=np.int64), 2, 1, grid)
    assert grid[:, 2].tolist() == [0, 1, 1, 1, 0] and grid.sum() == 3
    ca_steps(np.array(life, dtype=np.int64), 2, 1, grid)
    assert grid[2].tolist() == [0, 1, 1, 1, 0] and grid.sum() == 3


def test_the_kernels_run_exactly_as_the_python_loops() -> None:
    random.seed(4)
    agents = EvoEcoGenetics(channels=3, grid=20, steps=120)
    organisms = [agents.random_genome() for _ in range(5)]
    assert (agents.indices(organisms) == agents_python(*agents.pack_agents(organisms), 4, 120, 20)).all()
    ca = EvoEcoGenetics(channels=3, mode="ca", grid=20, colours=3)
    automata = [ca.random_genome() for _ in range(5)]
    assert (ca.indices(automata) == ca_python(*ca.pack_automata(automata)[:1], 3, *ca.pack_automata(automata)[1:],
                                              20)).all()
