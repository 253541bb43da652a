"""The HERCL interpreter (coevo/toolkits/hercl/machine.py): hand-worked programs on both engines, text, limits."""

import functools
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

from coevo.errors import CoevoError
from coevo.toolkits.hercl import parse, run
from coevo.toolkits.hercl.channel import format_message, read_message


@pytest.fixture(autouse=True, params=["python", "numba"])
def engine(request, monkeypatch):
    """Every hand-worked case runs on both engines: the reference interpreter and the compiled one."""
    monkeypatch.setattr(sys.modules[__name__], "run", functools.partial(run, engine=request.param))
    return request.param


def prog(body: str, r: int = 4, s: int = 16, m: int = 0, cells: tuple[str, ...] = ()) -> str:
    lines = [f"[c={len(cells) + 1},r={r},s={s},m={m}]"] + [f"{c:2d}[{b}]" for c, b in enumerate(cells)]
    return "\n".join([*lines, f"{len(cells):2d}[{body}]"]) + "\n"


def stack_of(body: str, inputs=None, **kw) -> list[float]:
    return run(parse(prog(body, **kw)), inputs).stack


def out_of(body: str, inputs=None, **kw) -> list[list[float]]:
    return run(parse(prog(body, **kw)), inputs).outputs


CASES = [  # (body, inputs, expected stack, bottom to top)
    ("2#3#+", None, [5.0]),             # + add
    ("2#3#*", None, [6.0]),             # * multiply
    ("2#-", None, [-2.0]),              # - negate
    ("2#-3#*", None, [-6.0]),
    ("1.5#-", None, [-1.5]),            # #- negative push
    ("7#3#%", None, [2.0, 1.0]),        # % quotient and remainder
    ("7#-3#%", None, [-3.0, 2.0]),      # floored
    ("4#r", None, [0.25]),              # r reciprocal
    ("9#q", None, [3.0]),               # q square root
    ("9#-q", None, [0.0]),              # of a negative: 0
    ("0#e", None, [1.0]),               # e exp
    ("1#n", None, [0.0]),               # n log
    ("0#n", None, [-math.inf]),
    ("1#a", None, [math.pi / 2]),       # a asin
    ("2#a", None, [math.pi / 2]),       # clamped to [-1, 1]
    ("0#h", None, [0.0]),               # h tanh
    ("2.5#z", None, [3.0]),             # z round half up
    ("1#0#p", None, [math.pi / 2, 1.0]),  # p (y)(x) -> (theta)(r)
    ("0#2#t", None, [0.0, 2.0]),        # t (theta)(r) -> (y)(x)
    ("1#2#!", None, [1.0]),             # ! pop
    ("3#c", None, [3.0, 3.0]),          # c copy
    ("1#2#x", None, [2.0, 1.0]),        # x swap
    ("1#2#3#y", None, [3.0, 1.0, 2.0]),  # y rotate
    ("#", None, [0.0]),                 # bare push: 0
    ("5#1>1<1<+", None, [10.0]),        # > put, < get (global register 1)
    ("5#.>.<", None, [5.0]),            # local register
    ("1^<<", None, [1.0, 1.0]),         # ^ inc; a bare < reuses the last register named
    ("1v1<", None, [-1.0]),             # v dec
    ("is", [[4, 5]], [4.0]),            # i input a message, s scan a value
    ("iss", [[4, 5]], [4.0, 5.0]),
    ("s", [[4, 5]], []),                # scan before input fails
    ("2#", None, [2.0]),
]


@pytest.mark.parametrize("body,inputs,expected", CASES)
def test_each_instruction_leaves_the_hand_worked_stack(body, inputs, expected):
    assert stack_of(body, inputs) == pytest.approx(expected)


def test_memory_stores_and_loads_with_wrapping_addresses():
    # 7 stored at address 3 (register 0 holds 3), then loaded back
    assert stack_of("3#0>7#0}0{", m=8) == [7.0]
    assert stack_of("11#0>7#0}3#0>0{", m=8) == [7.0]  # addresses wrap modulo m
    assert stack_of("3#0>7#0}0{") == [0.0]  # no memory: the store pops, the load gives 0


def test_write_and_output_build_messages_and_input_scans_them():
    assert out_of("1#2#wwo3#wo") == [[2.0, 1.0], [3.0]]          # w write, o output
    # scan until the message is used up: "1:" leaves the cell when s fails, "1;" loops back a bar
    assert out_of("i|s~1:|wo1;", [[1, 2, 3]]) == [[1.0], [2.0], [3.0]]
    assert out_of("i:9#wo|i:8#wo", [[1]]) == [[8.0]]   # i true skips 9#wo; the second i finds none


def test_booleans_and_branches():
    # g: register > top of stack; ':' when true skips the rest of its bar
    assert stack_of("5#3#0>g:9#|7#") == [5.0, 9.0, 7.0]        # 3 > 5 false: no branch
    assert stack_of("1#3#0>g:9#|7#") == [1.0, 7.0]             # 3 > 1 true: 9# skipped
    assert stack_of("g:9#|7#") == [9.0, 7.0]                   # empty stack: register > 0
    assert stack_of("5#0>5#=:9#|7#") == [5.0, 7.0]             # = equal: true
    assert stack_of("5#0>6#=:9#|7#") == [6.0, 9.0, 7.0]        # false: falls through
    assert stack_of("5#0>6#=~:9#|7#") == [6.0, 7.0]            # ~ not
    assert stack_of("5#0>6#=5#=&:9#|7#") == [6.0, 5.0, 9.0, 7.0]  # & and: false & true
    assert stack_of("5#0>6#=5#=/:9#|7#") == [6.0, 5.0, 7.0]    # / or
    assert stack_of("1#1:8#|9#|7#") == [1.0, 7.0]              # N: skips N more bars


def test_a_loop_counts_to_three_and_halts():
    # bar 1 increments r0, pushes 3, compares, pops, and branches back (;) while r0 != 3
    res = run(parse(prog("|0^3#0=~!;|0<")))
    assert res.halted and res.stack == [3.0]


def test_bar_ends_return_and_halt():
    assert stack_of("1#.|2#") == [1.0]                      # .| returns from the last cell: done
    assert stack_of("1#j2#", cells=("5#.|6#",)) == [1.0, 5.0, 2.0]   # j calls cell 0, .| returns
    assert stack_of("0j2#", cells=("5#1|6#",)) == [5.0]     # N| halts everything
    assert stack_of("9j2#", cells=("5#",)) == [2.0]         # a cell that does not exist: no-op


def test_random_is_deterministic():
    a = run(parse(prog("???")), seed=3).stack
    assert a == run(parse(prog("???")), seed=3).stack and all(0 <= v < 1 for v in a)
    assert run(parse(prog("?")), seed=4).stack != a[:1]


def test_circular_stack_overwrites_oldest():
    assert stack_of("1#2#3#4#", s=3) == [2.0, 3.0, 4.0]


def test_limits_stop_runaway_programs():
    loop = run(parse(prog("1#;")), max_steps=500)              # an endless loop, pushing forever
    assert not loop.halted and loop.steps == 500 and len(loop.stack) == 16
    recursion = run(parse(prog("0j", cells=("0j",))), max_depth=32, max_steps=10_000)
    assert recursion.halted and recursion.steps < 100
    deep = run(parse(prog("0j", cells=("0j",))), max_steps=10**6)  # hercl's limit: 65,536 frames
    assert deep.halted and deep.steps == 65536


def test_text_round_trips_and_comments_are_dropped():
    text = "[c=2,r=10,s=64,m=64]\n 0[]\n 1[iss1.2#s|>g~<:r+s;{|h+zwo]\n"
    assert parse(text).text() == text
    p = parse("[c=1,r=2,s=8,m=0]\n 0[1.5#-2>3.|is  wo]  ` a comment\n")
    assert parse(p.text()) == p and p.text() == "[c=1,r=2,s=8,m=0]\n 0[1.5#-2>3.|iswo]\n"


@pytest.mark.parametrize("bad", ["", "[c=1]\n0[]", "[c=2,r=0,s=1,m=0]\n0[]", "[c=1,r=0,s=1,m=0]\n0[3+]",
                                 "[c=1,r=0,s=1,m=0]\n0[(x)j]", "[c=1,r=0,s=1,m=0]\n0[1#"])
def test_bad_text_is_refused(bad):
    """What hercl refuses (a missing cell or ']', a prefix on an operator that takes none, an undefined
    symbol)."""
    with pytest.raises(CoevoError):
        parse(bad)


# Each case as wofnot/hercl's own interpreter runs it: (program, input lines, the lines it prints, its steps).
# Expected values are literals from the oracle: wofnot/hercl at 771e66a built with its Makefile (gcc -O3,
# x86-64) in /work/hercl-oracle, run as `bin/hercl -b p.hrc in.in` on 2026-12-07.
HERCL_RUNS = [
    # D1: & and / combine two booleans pushed in the current frame only
    ("[c=1,r=0,s=4,m=0] 0[~#=&1:|1#wo.|2#wo]", [], [",2"], 9),
    ("[c=1,r=0,s=4,m=0] 0[1#=/1:|1#wo.|2#wo]", [], [",1"], 9),
    # D2: a return pushes the callee's last boolean
    ("[c=2,r=0,s=4,m=0] 0[#] 1[1#=0j&1:|1#wo.|2#wo]", [], [",1"], 12),
    # D3: literals are whole + num/denom in doubles: 4.69 is 4.6899999999999995
    ("[c=1,r=0,s=4,m=0] 0[4.69#4#-+10000000000000000#*wo]", [], [",6899999999999995.00"], 8),
    # D4: floor keeps the sign of a -0.0 quotient, so its reciprocal is -inf
    ("[c=1,r=0,s=4,m=0] 0[#1#-%!rwo]", [], [",-inf"], 8),
    # D8: a bar end .5| returns (a dot first), it does not halt
    ("[c=2,r=0,s=4,m=0] 0[1#w.5|2#w] 1[0j3#wo]", [], [",1,3"], 8),
    # D7: a memory index beyond 2^31 is INT_MIN (x86), so 3e9 and 2^31 name the same slot
    ("[c=1,r=1,s=4,m=7] 0[3000000000#0>5#0}2147483648#0>0{wo1#-0>0{wo]", [], [",5", ",0"], 15),
    # D11: the call stack holds 65,536 frames; the next call halts everything
    ("[c=2,r=1,s=4,m=0] 0[0^0j] 1[0j0<wo]", [], [], 131071),
    # D9: a non-message (a line '\') fails 'i'; the next message follows
    ("[c=1,r=0,s=4,m=0] 0[i:7#wo.|s:8#wo.|9#wo]", ["\\"], [",7"], 6),
    ("[c=1,r=0,s=4,m=0] 0[i~:9#wo.|i:s:w|o]", ["\\", ",5"], [","], 7),
    # a push then a negate is one negative push; a bare push then a negate is two steps (-0.0)
    ("[c=1,r=0,s=4,m=0] 0[2#-3#*wo]", [], [",-6"], 6),
    ("[c=1,r=0,s=4,m=0] 0[#-wo]", [], [",0"], 5),
    # hercl keeps a frame's boolean base in 16 bits: past 65,535 booleans, returns and branches wrap to it
    ("[c=2,r=0,s=2,m=8] 0[?sy|&%a0.2#-|g&^%] 1[}0j%/:~g|qe+1j!|+o2.94#-;>gz]", [], [], 1507313),
    # unknown characters are skipped; a second dot ends a literal, and its '-' is then ignored
    ("[c=1,r=0,s=1,m=0] 0[Q]", [], [], 1),
    ("[c=1,r=0,s=4,m=0] 0[1..2#wo]", [], [",1"], 4),
    ("[c=1,r=0,s=4,m=0] 0[1.2.3#-wo]", [], [",1.20"], 4),
]


@pytest.mark.parametrize("text,lines,printed,steps", HERCL_RUNS)
def test_runs_equal_hercls_own_interpreter(text, lines, printed, steps):
    result = run(parse(text), [read_message(line) for line in lines], max_steps=2 * 10**6)
    assert [format_message(out) for out in result.outputs] == printed
    assert (result.steps, result.halted) == (steps, True)


def test_exact_values_behind_the_printed_ones():
    assert out_of("4.69#") == [] and stack_of("4.69#") == [4.6899999999999995]
    assert repr(stack_of("#1#-%!r")[0]) == "-inf"
    assert repr(stack_of("#-")[0]) == "-0.0"


def test_a_cheaper_call_stack_limit_is_an_option():
    text = "[c=2,r=1,s=4,m=0] 0[0^0j] 1[0j0<wo]"
    short = run(parse(text), max_depth=64, max_steps=10**6)
    assert (short.steps, short.halted, short.registers) == (127, True, [63.0])


def test_random_draws_glibcs_random_as_hercl_does():
    """`hercl -b -d 7` on this program prints ",867977412,486904139" (the oracle run named above)."""
    text = "[c=1,r=0,s=8,m=0] 0[?1000000000#*z?1000000000#*zwwo]"
    assert [format_message(o) for o in run(parse(text), seed=7).outputs] == [",867977412,486904139"]


@pytest.mark.slow
@pytest.mark.skipif(not os.environ.get("HERCL_BIN"), reason="set HERCL_BIN to hercl's binary (wofnot/hercl)")
def test_random_programs_agree_with_hercls_binary(engine):
    """bench/hercl_differential.py on 150 programs of each kind: every one agrees."""
    if engine == "numba":
        pytest.skip("the bench runs the default engine once")
    bench = Path(__file__).parents[4] / "bench" / "hercl_differential.py"
    done = subprocess.run([sys.executable, str(bench), "--programs", "150", "--timeout", "0.3", "--seed", "1"],
                          capture_output=True, text=True, check=True, env={**os.environ, "PYTHONPATH": "."},
                          cwd=bench.parents[1])
    lines = [line for line in done.stdout.splitlines() if " agree " in line]
    assert len(lines) == 2 and all("(100.00%)" in line for line in lines), done.stdout
