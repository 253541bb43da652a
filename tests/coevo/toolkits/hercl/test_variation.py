"""HERCsearch-style variation keeps programs valid over 1,000 random applications; crossover splices code of the
other parent at every level, and library (transgenic) crossover takes code from the library."""

import random

import pytest

from coevo.toolkits.hercl import parse, run
from coevo.toolkits.hercl.library import Library
from coevo.toolkits.hercl.program import Bar, Instr, Program
from coevo.toolkits.hercl.variation import (
    CROSSOVERS,
    MUTATIONS,
    block_sizes,
    crossover,
    library_crossover,
    mutate,
    random_program,
    similar_block,
)


@pytest.mark.parametrize("cells", [2, 4])
def test_programs_stay_valid_over_1000_applications(cells):
    random.seed(1)
    pool = [random_program(num_cells=cells) for _ in range(6)]
    library = Library(capacity=4)
    for n in range(1000):
        a, b = random.sample(pool, 2)
        kind = n % 3
        if kind == 0:
            child = mutate(a, MUTATIONS[n % len(MUTATIONS)])
        elif kind == 1:
            child = crossover(a, b, CROSSOVERS[n % len(CROSSOVERS)])
        else:
            child = library_crossover(a, library, CROSSOVERS[n % len(CROSSOVERS)]) if library else mutate(a)
        assert parse(child.text()) == child          # printable and parseable again
        assert all(len(cell) >= 1 for cell in child.cells) and len(child.cells) == cells
        result = run(child, [[0.5, -0.5, 0.7, 0.1]], max_steps=200)
        assert result.steps <= 200
        assert result == run(child, [[0.5, -0.5, 0.7, 0.1]], max_steps=200, engine="python")
        pool[random.randrange(len(pool))] = child
        if n % 7 == 0:
            library.add(child)


def test_crossover_levels_splice_code_of_the_other_parent():
    random.seed(2)
    a, b = random_program(bars=(3, 3)), random_program(bars=(3, 3))
    child = crossover(a, b, "cell")
    assert any(cell in b.cells for cell in child.cells)
    bars_b = {bar for cell in b.cells for bar in cell}
    assert any(bar in bars_b for cell in crossover(a, b, "bar").cells for bar in cell)


def marked(cells: int, value: str) -> Program:
    """A program whose every cell pushes ``value``: code from it is easy to recognise."""
    cell = (Bar((Instr("#", value), Instr("w"), Instr("o"))), Bar((Instr("#", value),)))
    return Program(tuple(cell for _ in range(cells)), 4, 16, 0)


def test_block_crossover_replaces_an_aligned_block_of_cells():
    random.seed(3)
    a, b = marked(8, "1"), marked(8, "2")
    sizes = set()
    for _ in range(200):
        child = crossover(a, b, "block")
        taken = [i for i, cell in enumerate(child.cells) if cell == b.cells[0]]
        size = len(taken)
        assert size in (2, 4) and taken == list(range(taken[0], taken[0] + size)) and taken[0] % size == 0
        sizes.add(size)
    assert sizes == {2, 4}                      # a population mate never replaces all 8 cells
    assert block_sizes(a, b) == [2, 4] and block_sizes(a, b, transgenic=True) == [2, 4, 8]
    assert block_sizes(marked(2, "1"), b) == []  # too few cells: a block crossover splices one cell instead
    two = crossover(marked(2, "1"), b, "block")
    assert sum(cell == b.cells[0] for cell in two.cells) == 1


def test_similar_block_keeps_the_place_modulo_a_power_of_two():
    random.seed(4)
    picks = [similar_block(3, 8) for _ in range(2000)]
    assert set(picks) == set(range(8))          # r = 0: any block
    assert picks.count(3) > 2000 / 8 * 1.5      # the same place is much likelier (r = 1, 2, 3 all keep it)
    assert all(0 <= similar_block(b, 5) < 5 for b in range(5) for _ in range(50))


@pytest.mark.parametrize("level", CROSSOVERS)
def test_library_crossover_takes_code_from_the_library(level):
    random.seed(5)
    library = Library(capacity=8)
    for value in ("7", "8", "9"):
        library.add(marked(4, value))
    a = marked(4, "1")
    library_code = {ins for p in library.programs for cell in p.cells for bar in cell for ins in bar.instrs}
    used = set()
    for _ in range(60):
        child = library_crossover(a, library, level)
        new = {ins for cell in child.cells for bar in cell for ins in bar.instrs} - set(a.cells[0][0].instrs)
        assert new and new <= library_code       # code came in, and only from the library
        used |= {ins.prefix for ins in new if ins.op == "#"}
    assert used == {"7", "8", "9"}               # every library program is drawn


def test_a_library_is_bounded_circular_and_keeps_no_duplicates():
    library = Library(capacity=3)
    programs = [marked(1, str(v)) for v in range(5)]
    assert library.add(programs[0]) and not library.add(programs[0])
    for p in programs[1:]:
        library.add(p)
    assert library.programs == [programs[3], programs[4], programs[2]]   # the oldest were replaced in turn
    again = Library.from_state(library.state_dict())
    assert again.programs == library.programs and again.index == library.index
    again.add(marked(1, "9"))
    assert again.programs == [programs[3], programs[4], marked(1, "9")]
    with pytest.raises(ValueError):
        Library(capacity=1).mate()
