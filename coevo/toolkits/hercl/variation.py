"""HERCsearch-style variation (Blair 2013-2015): point, insert and delete mutations of instructions, and
crossovers that splice in a bar, a branch (a run of consecutive bars), a whole cell or a block of cells of
another program, or of a program drawn from a library of earlier successful ones (``library_crossover``).
Every operator returns a valid program (each cell keeps at least one bar, the cell count is kept); randomness is
Python's ``random``.
"""

from __future__ import annotations

from coevo.rng import python_rng
from coevo.toolkits.hercl.library import Library
from coevo.toolkits.hercl.program import REGISTER_OPS, Bar, Instr, Program

PLAIN = [op for op in "+&a;:cv=e<g^ij{n%*-~/o!#>?rzysq}xhtw"]
MUTATIONS = ("point", "insert", "delete")
CROSSOVERS = ("bar", "branch", "cell", "block")


def random_instr(num_reg: int, num_cells: int) -> Instr:
    rng = python_rng()
    op = rng.choice(PLAIN)
    if op == "#":
        value = round(abs(rng.gauss(0.0, 2.0)), rng.choice((0, 1, 2)))
        text = f"{value:g}" if value != int(value) else str(int(value))
        return Instr("#", text, rng.random() < 0.5)
    if op in REGISTER_OPS and num_reg > 0 and rng.random() < 0.6:
        return Instr(op, str(rng.randrange(num_reg)))
    if op in ":;" and rng.random() < 0.3:
        return Instr(op, str(rng.randrange(1, 3)))
    if op == "j":
        return Instr(op, str(rng.randrange(num_cells))) if num_cells > 1 else Instr("#", "1")
    return Instr(op)


def _with_bar(program: Program, c: int, b: int, bar: Bar) -> Program:
    cells = [list(cell) for cell in program.cells]
    cells[c][b] = bar
    return Program(tuple(tuple(cell) for cell in cells), program.num_reg, program.stack_size, program.mem_size)


def _pick_bar(program: Program) -> tuple[int, int]:
    rng = python_rng()
    c = rng.randrange(len(program.cells))
    return c, rng.randrange(len(program.cells[c]))


def mutate(program: Program, kind: str | None = None, max_bar: int = 12) -> Program:
    """One point (replace an instruction), insert or delete mutation in a random bar."""
    rng = python_rng()
    kind = kind or rng.choice(MUTATIONS)
    c, b = _pick_bar(program)
    bar = program.cells[c][b]
    instrs = list(bar.instrs)
    new = lambda: random_instr(program.num_reg, len(program.cells))  # noqa: E731
    if (kind == "insert" and len(instrs) < max_bar) or not instrs:
        instrs.insert(rng.randrange(len(instrs) + 1), new())
    elif kind == "delete":
        del instrs[rng.randrange(len(instrs))]
    else:
        instrs[rng.randrange(len(instrs))] = new()
    return _with_bar(program, c, b, Bar(tuple(instrs), bar.end))


def block_sizes(a: Program, b: Program, transgenic: bool = False) -> list[int]:
    """The block sizes a block crossover may use: powers of two from 2 that fit both programs; a mate from the
    population may not replace all of ``a``'s cells (HERCsearch allows that for library mates only)."""
    sizes, size = [], 2
    while size <= min(len(a.cells), len(b.cells)):
        if transgenic or size < len(a.cells):
            sizes.append(size)
        size *= 2
    return sizes


def similar_block(block: int, blocks: int) -> int:
    """A block of the mate at a place like ``block`` (HERCsearch's ``similar_block``): the same index modulo
    2^r, for r from 0 to the largest with 2^r <= ``blocks``, r = 0 twice as likely."""
    rng = python_rng()
    r_max = 0
    while 2 ** (r_max + 1) <= blocks:
        r_max += 1
    modulus = 2 ** (rng.randrange(r_max + 2) % (r_max + 1))
    return rng.randrange(1 + (blocks - 1 - block % modulus) // modulus) * modulus + block % modulus


def _block(a: Program, b: Program, cells: list[list[Bar]], transgenic: bool, max_bars: int) -> bool:
    """Replace a block of 2^k aligned cells of ``cells`` by a block of ``b`` at a similar place (HERCsearch's
    ``block_crossover``: smaller blocks likelier, each size half as likely as the one below it); False when
    no block fits."""
    rng = python_rng()
    sizes = block_sizes(a, b, transgenic)
    if not sizes:
        return False
    size = next((s for s in sizes[:-1] if rng.random() < 0.5), sizes[-1])
    c0 = size * rng.randrange(len(cells) // size)
    c1 = size * similar_block(c0 // size, len(b.cells) // size)
    cells[c0:c0 + size] = [list(cell[:max_bars]) for cell in b.cells[c1:c1 + size]]
    return True


def crossover(a: Program, b: Program, level: str | None = None, max_bars: int = 16,
              transgenic: bool = False) -> Program:
    """``a`` with a bar, a branch (run of bars), a cell or a block of cells of ``b`` spliced in, at a random
    place; a block level that fits neither program splices a cell. ``transgenic``: ``b`` comes from a library,
    so a block may replace every cell of ``a``."""
    rng = python_rng()
    level = level or rng.choice(CROSSOVERS)
    cells = [list(cell) for cell in a.cells]
    if level == "block":
        if _block(a, b, cells, transgenic, max_bars):
            return Program(tuple(tuple(cell) for cell in cells), a.num_reg, a.stack_size, a.mem_size)
        level = "cell"
    c = rng.randrange(len(cells))
    donor = b.cells[rng.randrange(len(b.cells))]
    if level == "cell":
        cells[c] = list(donor)
    elif level == "bar":
        cells[c][rng.randrange(len(cells[c]))] = rng.choice(donor)
    else:
        i = rng.randrange(len(cells[c]))
        j = rng.randint(i + 1, len(cells[c]))
        p = rng.randrange(len(donor))
        q = rng.randint(p + 1, len(donor))
        cells[c][i:j] = donor[p:q]
    cells[c] = cells[c][:max_bars]
    return Program(tuple(tuple(cell) for cell in cells), a.num_reg, a.stack_size, a.mem_size)


def random_program(num_cells: int = 2, num_reg: int = 4, stack_size: int = 16, mem_size: int = 0,
                   bars: tuple[int, int] = (1, 3), length: tuple[int, int] = (2, 8)) -> Program:
    rng = python_rng()
    cells = []
    for _ in range(num_cells):
        cell = tuple(Bar(tuple(random_instr(num_reg, num_cells) for _ in range(rng.randint(*length))))
                     for _ in range(rng.randint(*bars)))
        cells.append(cell)
    return Program(tuple(cells), num_reg, stack_size, mem_size)


def library_crossover(a: Program, library: Library, level: str | None = None, max_bars: int = 16) -> Program:
    """``a`` crossed with a program drawn from ``library`` (HERCsearch's TRANSGENIC kinship: the mate comes
    from the library of successful code, not the population) at the bar, branch, cell or block level."""
    return crossover(a, library.mate(), level, max_bars, transgenic=True)
