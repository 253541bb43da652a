"""HERCsearch-style variation keeps programs valid over 1,000 random applications."""

import random

from coevo.hercl import parse, run
from coevo.hercl.variation import CROSSOVERS, MUTATIONS, crossover, mutate, random_program


def test_programs_stay_valid_over_1000_applications():
    random.seed(1)
    pool = [random_program() for _ in range(6)]
    for n in range(1000):
        a, b = random.sample(pool, 2)
        child = mutate(a, MUTATIONS[n % 3]) if n % 2 else crossover(a, b, CROSSOVERS[n % 3])
        assert parse(child.text()) == child          # printable and parseable again
        assert all(len(cell) >= 1 for cell in child.cells) and len(child.cells) == 2
        result = run(child, [[0.5, -0.5, 0.7, 0.1]], max_steps=200)
        assert result.steps <= 200
        pool[random.randrange(len(pool))] = child


def test_crossover_levels_splice_code_of_the_other_parent():
    random.seed(2)
    a, b = random_program(bars=(3, 3)), random_program(bars=(3, 3))
    child = crossover(a, b, "cell")
    assert any(cell in b.cells for cell in child.cells)
    bars_b = {bar for cell in b.cells for bar in cell}
    assert any(bar in bars_b for cell in crossover(a, b, "bar").cells for bar in cell)
