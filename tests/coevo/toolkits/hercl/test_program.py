"""HERCL's text format (coevo/toolkits/hercl/program.py): hercl's own ``.hrc`` files and ones written here
in that format read and run as hercl runs them, and every program prints to text that reads back the same."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest

from coevo.errors import CoevoError
from coevo.toolkits.hercl import Bar, Instr, Program, parse, run
from coevo.toolkits.hercl.channel import format_message, read_messages
from coevo.toolkits.hercl.variation import crossover, mutate, random_program

HERE = Path(__file__).parent / "hrc"
# a checkout of wofnot/hercl (its test/ and lib/ folders), for the tests that read its own programs
HERCL_SOURCE = os.environ.get("HERCL_SOURCE", "")
needs_hercl = pytest.mark.skipif(not (HERCL_SOURCE and (Path(HERCL_SOURCE) / "test" / "sort.in").is_file()),
                                 reason="set HERCL_SOURCE to a checkout of wofnot/hercl to run its own programs")


def run_files(program: Path, *inputs: Path, seed: int = 0, max_steps: int = 10**7) -> tuple[list[str], int, bool]:
    """As ``hercl -b -d seed program inputs...``: the lines it prints, its steps, whether it halted."""
    messages = [m for path in inputs for m in read_messages(path.read_text())]
    result = run(parse(program.read_text()), messages, max_steps=max_steps, seed=seed)
    return [format_message(out) for out in result.outputs], result.steps, result.halted


# Expected: wofnot/hercl at 771e66a (gcc -O3, x86-64) in /work/hercl-oracle, `bin/hercl -b P I`, 2026-12-07.
OWN = [
    ("reverse.hrc", "words.in", ["olleh", ",3,2,1", ","], 156),
    ("reverse.hrc", "numbers.in", [",-4,2.50,1", ",10", ",0.50,0.25"], 132),
    ("sum.hrc", "words.in", ["=,532", "=,6", "=,0"], 117),
    ("sum.hrc", "numbers.in", ["=,-0.50", "=,10", "=,0.75"], 99),
]


@pytest.mark.parametrize("program,inputs,printed,steps", OWN)
@pytest.mark.parametrize("engine", ["python", "numba"])
def test_programs_in_hercls_format_run_as_hercl_runs_them(program, inputs, printed, steps, engine):
    messages = read_messages((HERE / inputs).read_text())
    result = run(parse((HERE / program).read_text()), messages, max_steps=10**5, engine=engine)
    assert [format_message(out) for out in result.outputs] == printed
    assert (result.steps, result.halted) == (steps, True)


def test_symbols_headers_and_unknown_characters_read_as_hercl_reads_them():
    program = parse((HERE / "sum.hrc").read_text())
    assert program.text() == "[c=3,r=1,s=16,m=0]\n 0[s~:1j;]\n 1[0<+0>]\n 2[i:.|#0>0j61#w0<wo1;]\n"
    assert parse("junk before ` (x) in a comment\n[c=0 r=2 s=0 m=3 b=10]\n  0 [ 1 # \n | 2 # ]") == \
        parse("[c=1,r=2,s=1,m=3]\n 0[1#|2#]\n")  # c and s at least 1; spaces, newlines and b= skipped
    # a forward reference to a cell, a character constant and a register symbol (hercl prints "A,3", 6 steps)
    program = parse("(z) 3 [c=2,r=0,s=4,m=0] 0[(b)j] (b) 1[('A)#w(z)#wo]")
    assert program.text() == "[c=2,r=0,s=4,m=0]\n 0[1j]\n 1[65#w3#wo]\n"
    assert [format_message(o) for o in run(program).outputs] == ["A,3"] and run(program).steps == 6
    with pytest.raises(CoevoError, match="undefined symbol"):  # hercl: "Undefined symbol: b", as its cell
        parse("[c=2,r=0,s=4,m=0] 0[(b)j] (b) 1[]")            # names are lost when no symbol precedes [
    with pytest.raises(CoevoError, match="duplicate"):
        parse("(a) 1 (a) 2 [c=1,r=2,s=4,m=0] 0[]")


def test_a_huge_header_is_refused_in_one_line_before_anything_is_allocated():
    for text in ("[c=1,r=9999999,s=4,m=0] 0[]", "[c=1,r=0,s=4,m=99999999999] 0[]", "[c=99999,r=0,s=4,m=0] 0[]",
                 "[c=1,r=0,s=123456789,m=0] 0[]"):
        with pytest.raises(CoevoError) as err:
            parse(text)
        assert "\n" not in str(err.value) and "HERCL" in str(err.value)
    with pytest.raises(CoevoError, match="registers"):
        Program(((Bar(()),),), num_reg=10**9)


def test_a_push_then_a_negate_is_one_negative_push_so_printing_is_lossless():
    bar = Bar((Instr("#", "2"), Instr("-"), Instr("#"), Instr("-"), Instr("#", "", True)))
    assert bar.instrs == (Instr("#", "2", True), Instr("#"), Instr("-"), Instr("#"), Instr("-"))
    program = Program(((bar,),), 0, 4, 0)
    assert program.text() == "[c=1,r=0,s=4,m=0]\n 0[2#-#-#-]\n" and parse(program.text()) == program


def test_every_generated_program_reads_back_equal_and_runs_the_same():
    random.seed(3)
    pool = [random_program(num_cells=random.randint(1, 4), num_reg=random.choice((0, 3)),
                           mem_size=random.choice((0, 8))) for _ in range(10)]
    for _ in range(400):
        a, b = random.sample(pool, 2)
        child = mutate(a) if len(a.cells) != len(b.cells) or random.random() < 0.5 else crossover(a, b)
        pool[random.randrange(len(pool))] = child
        again = parse(child.text())
        assert again == child and again.text() == child.text()
        first, second = run(child, [[1.0, 2.0]], max_steps=300), run(again, [[1.0, 2.0]], max_steps=300)
        assert (first.steps, first.outputs) == (second.steps, second.outputs)


@needs_hercl
def test_hercls_eleven_programs_parse_and_print_back():
    files = sorted(Path(HERCL_SOURCE).glob("*/hrc/*.hrc")) + sorted(Path(HERCL_SOURCE).glob("test/*.hrc"))
    assert len(files) == 11
    for path in files:
        program = parse(path.read_text())
        assert parse(program.text()) == program


# hercl's own test runs (its test/Makefile) and the step counts it prints
PUBLISHED = [
    (("quicksort.hrc", "sort.in"), 855),
    (("heapsort.hrc", "sort.in"), 1806),
    (("quicksort0.hrc", "sort.in"), 855),
    (("heapsort0.hrc", "sort.in"), 1806),
    (("sim.hrc", "quicksort0.hrc", "sort.in"), 67679),
    (("sim.hrc", "heapsort0.hrc", "sort.in"), 142318),
    pytest.param(("simbig.hrc", "sim0.hrc", "quicksort0.hrc", "sort.in"), 5954089, marks=pytest.mark.slow),
]


@needs_hercl
@pytest.mark.parametrize("files,steps", PUBLISHED)
def test_hercls_own_test_runs_take_their_published_steps(files, steps):
    paths = [Path(HERCL_SOURCE) / "test" / name for name in files]
    assert run_files(*paths) == (["abcdefghijklmn"], steps, True)


@needs_hercl
@pytest.mark.slow
def test_hercls_backprop_trains_on_xor_with_its_random_numbers_and_non_message():
    """`hercl -b -d 12345 backprop.hrc backprop.cfg ../super/data/raw/xor_.in` (its test/Makefile): ``?``
    draws glibc's ``random()``, and a ``\\`` line separates the training items from the test ones."""
    root = Path(HERCL_SOURCE)
    got = run_files(root / "test" / "backprop.hrc", root / "test" / "backprop.cfg",
                    root / "super" / "data" / "raw" / "xor_.in", seed=12345)
    assert got == ([",0.04", ",0.94", ",0.94", ",0.10"], 2457450, True)
