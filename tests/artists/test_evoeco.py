"""EvoEco: a one-agent organism paints a known line, a known automaton, kernels against the Python loops, variation."""

from __future__ import annotations

import random

import numpy as np
import pytest

from artists.evoeco import EvoEcoGenetics
from artists.evoeco.genome import Agent, Automaton, Organism, rule_width
from artists.evoeco.simulate import agents_python, ca_python, ca_steps
from coevo.errors import CoevoError

PALETTE = ((255,), (128,), (0,))  # colour 0 (the grid's start) white, 1 grey, 2 black


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


def test_bad_genomes_are_named() -> None:
    genetics = EvoEcoGenetics(channels=1, colours=3)
    good = genetics.to_json(Organism(PALETTE, (Agent(0.5, 0.5, (0, 1, 2), (0, 0, 0), (1, 2, 3, 4), 0),), 0))
    assert genetics.from_json(good).agents[0].bias == (1, 2, 3, 4)
    cases = [(None, "JSON object"), ({**good, "mode": "ca"}, "mode=ca"), ({**good, "palette": [[0]]}, "3 colours"),
             ({**good, "agents": [{**good["agents"][0], "paint": [0, 1, 5]}]}, "paint"),
             ({**good, "agents": [{"x": 0}]}, "must be an object with")]
    for data, message in cases:
        with pytest.raises(CoevoError, match=message):
            genetics.from_json(data)
    ca = EvoEcoGenetics(channels=1, colours=3, mode="ca")
    rule = ca.to_json(ca.random_genome())
    with pytest.raises(CoevoError, match="rule"):
        ca.from_json({**rule, "rule": rule["rule"][:-1]})
    with pytest.raises(CoevoError, match="generations"):
        ca.from_json({**rule, "generations": 0})
