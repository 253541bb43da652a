"""The compiled HERCL engine against the reference interpreter: identical results, bit for bit, on many random
programs (from the variation operators, and from a generator of every codon, bar end and prefix) and inputs."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest

from coevo.toolkits.hercl import parse, run
from coevo.toolkits.hercl.fast import run_batch
from coevo.toolkits.hercl.program import OPERATORS, Program
from coevo.toolkits.hercl.variation import crossover, mutate, random_program

SPECIAL = [0.0, -0.0, 1.0, -1.0, 0.5, 2.5, -2.5, 1e308, -1e308, 5e-324, math.inf, -math.inf, math.nan, math.pi]


def same(a, b) -> bool:
    """Equal results, telling -0.0 from 0.0 and NaN equal to NaN (``repr`` of every float)."""
    return repr(a) == repr(b)


def random_text(rng: random.Random) -> str:
    """A random program text over every operator, prefixes (registers, a dot, offsets, values) and bar ends."""
    cells = rng.randint(1, 4)
    head = f"[c={cells},r={rng.choice((0, 1, 3, 5))},s={rng.choice((1, 2, 3, 8, 16))},m={rng.choice((0, 1, 7))}]"
    ops = [op for op in OPERATORS if op != "|"]
    lines = [head]
    for c in range(cells):
        bars = []
        for _ in range(rng.randint(1, 4)):
            codes = []
            for _ in range(rng.randint(0, 10)):
                op = rng.choice([*ops, "#", "#", "s", "i", "w", "j"])
                prefix = ""
                if op in "<>{}^v=g" and rng.random() < 0.7:
                    prefix = rng.choice((".", str(rng.randrange(8)), f"{rng.randrange(3)}."))
                elif op in ":;j" and rng.random() < 0.6:
                    prefix = rng.choice((".", str(rng.randrange(5))))
                elif op == "#" and rng.random() < 0.9:
                    prefix = rng.choice(("0", "1", "2.5", "3.", ".25", "17", "0.001", "1000"))
                    if rng.random() < 0.3:
                        op = "#-"
                codes.append(prefix + op)
            end = rng.choice(("", "", "", ".", "3", ".5", "2.1"))
            bars.append("".join(codes) + end)
        lines.append(f"{c}[" + "|".join(bars) + "]")
    return "\n".join(lines) + "\n"


def random_inputs(rng: random.Random) -> list[list[float] | None]:
    """A few messages, now and then hercl's non-message (None)."""
    pick = lambda: rng.choice(SPECIAL) if rng.random() < 0.3 else rng.gauss(0, 3)  # noqa: E731
    return [None if rng.random() < 0.15 else [pick() for _ in range(rng.randint(0, 5))]
            for _ in range(rng.randint(0, 3))]


def variation_programs(n: int, seed: int) -> list[Program]:
    random.seed(seed)
    pool = [random_program(num_cells=random.randint(1, 3), num_reg=random.choice((0, 2, 4)),
                           stack_size=random.choice((2, 16)), mem_size=random.choice((0, 8))) for _ in range(8)]
    out = []
    for _ in range(n):
        a, b = random.sample(pool, 2)
        child = mutate(a) if random.random() < 0.5 or len(a.cells) != len(b.cells) else crossover(a, b)
        pool[random.randrange(len(pool))] = child
        out.append(child)
    return out


def test_the_engines_agree_on_random_programs_from_every_codon():
    rng = random.Random(0)
    halted = limited = 0
    for _ in range(1500):
        program = parse(random_text(rng))
        inputs = random_inputs(rng)
        kw = dict(max_steps=rng.choice((0, 1, 7, 60, 400)), max_depth=rng.choice((1, 2, 8, 64)),
                  seed=rng.randrange(5), registers=[rng.gauss(0, 2) for _ in range(rng.randrange(6))])
        ref, fast = run(program, inputs, engine="python", **kw), run(program, inputs, engine="numba", **kw)
        assert same(fast, ref), program.text()
        halted += ref.halted
        limited += not ref.halted
    assert halted > 300 and limited > 300  # both endings are exercised


def test_the_engines_agree_on_programs_from_the_variation_operators():
    rng = random.Random(1)
    for program in variation_programs(600, seed=3):
        for _ in range(3):
            inputs = random_inputs(rng)
            ref = run(program, inputs, max_steps=300, engine="python")
            assert same(run(program, inputs, max_steps=300, engine="numba"), ref), program.text()


def test_a_batch_equals_one_reference_run_per_input():
    rng = random.Random(2)
    for program in variation_programs(40, seed=4) + [parse(random_text(rng)) for _ in range(40)]:
        inputs = np.array([[rng.choice(SPECIAL) if rng.random() < 0.2 else rng.gauss(0, 1) for _ in range(4)]
                           for _ in range(12)])
        batch = run_batch(program, inputs, max_steps=200, seed=1, registers=[0.5, -2.0], width=2)
        for p, row in enumerate(inputs):
            ref = run(program, [row.tolist()], max_steps=200, seed=1, registers=[0.5, -2.0], engine="python")
            first = ref.outputs[0] if ref.outputs else None
            assert (batch.steps[p], bool(batch.halted[p])) == (ref.steps, ref.halted)
            assert same(batch.stack[p, :batch.depth[p]].tolist(), ref.stack)
            assert same(batch.registers[p].tolist(), ref.registers)
            assert batch.output_len[p] == (len(first) if first is not None else -1)
            assert same(batch.output[p, :min(2, max(0, batch.output_len[p]))].tolist(), (first or [])[:2])
            assert same(float(batch.top()[p]), ref.stack[-1] if ref.stack else math.nan)


def test_polar_is_the_square_root_of_the_sum_of_squares_on_both_engines():
    """hercl's ``p`` is sqrt(x*x + y*y) (not hypot): it overflows at 1e192, bit for bit on both engines."""
    rng = random.Random(5)
    pairs = [(rng.gauss(0, 1) * 10 ** rng.uniform(-200, 200), rng.gauss(0, 1) * 10 ** rng.uniform(-5, 5))
             for _ in range(300)] + [(a, b) for a in SPECIAL for b in SPECIAL[:6]]
    program = parse("[c=1,r=0,s=4,m=0]\n 0[issp]\n")
    for y, x in pairs:
        want = [math.atan2(y, x), math.sqrt(x * x + y * y)]
        for engine in ("python", "numba"):
            assert same(run(program, [[y, x]], engine=engine).stack, want)
    assert run(program, [[0.0, 1e192]]).stack == [0.0, math.inf]


def test_bad_limits_and_engines_are_refused():
    program = parse("[c=1,r=0,s=4,m=0]\n 0[1#]\n")
    with pytest.raises(ValueError, match="engine"):
        run(program, engine="c")
    with pytest.raises(ValueError, match="max_depth"):
        run(program, max_depth=0)


def test_a_batch_of_several_messages_per_run():
    rng = random.Random(6)
    for _ in range(60):
        program = parse(random_text(rng))
        inputs = np.array([[[rng.gauss(0, 2) for _ in range(3)] for _ in range(2)] for _ in range(5)])
        batch = run_batch(program, inputs, max_steps=150, seed=2, width=3)
        for p, messages in enumerate(inputs.tolist()):
            ref = run(program, messages, max_steps=150, seed=2, engine="python")
            assert (batch.steps[p], bool(batch.halted[p])) == (ref.steps, ref.halted)
            assert same(batch.stack[p, :batch.depth[p]].tolist(), ref.stack)
            first = ref.outputs[0][:3] if ref.outputs else []
            assert same(batch.output[p, :len(first)].tolist(), first)


def test_the_compiled_engine_allocates_nothing_in_proportion_to_the_call_stack_limit():
    """Frames grow by doubling as calls nest: a limit of 10^12 costs nothing until it is reached."""
    program = parse("[c=2,r=1,s=4,m=0]\n 0[0^0j]\n 1[0j]\n")
    huge = run(program, max_steps=5000, max_depth=10**12, engine="numba")
    assert (huge.steps, huge.halted, huge.registers) == (5000, False, [2500.0])
    limited = run(program, max_steps=5000, max_depth=100, engine="numba")
    assert limited == run(program, max_steps=5000, max_depth=100, engine="python")
    assert (limited.halted, limited.registers) == (True, [99.0])
