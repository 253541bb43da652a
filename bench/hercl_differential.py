"""coevo's HERCL against wofnot/hercl's own interpreter, on random programs: the share that agree.

The oracle is hercl's stock ``hercl`` binary (build it yourself from wofnot/hercl's public source; it is not
part of coevo), run as ``hercl -b prog.hrc input.in``: it prints each message sent and the total steps. A
program agrees when both halt with the same steps and the same printed messages, or when neither halts (hercl
still running after ``--timeout`` seconds, coevo past ``--max-steps``). Two kinds of programs: ``coevo``, made
by coevo's variation operators (random programs, mutated and crossed), and ``codons``, drawn over every
operator, prefix, bar end and header size. Programs whose run is undefined in hercl's C are left out and
counted: a back branch past the program's first bar (hercl reads outside its bar table) and a register number
at or past the register count (it writes outside its register array). ``?`` is in: both draw glibc's
``random()`` seeded with 0.

    PYTHONPATH=. python bench/hercl_differential.py --oracle /path/to/hercl/bin/hercl [--programs 2000]
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from coevo.toolkits.hercl import Program, parse, run
from coevo.toolkits.hercl.channel import format_message, read_messages
from coevo.toolkits.hercl.program import OPERATORS, REGISTER_OPS
from coevo.toolkits.hercl.variation import crossover, mutate, random_program

VALUES = [0.0, -0.0, 1.0, -1.0, 0.5, 2.5, -2.5, 3.0, 1e300, -1e300, 5e-324, 3e9, 65.0, 104.0]


def coevo_programs(n: int, rng: random.Random) -> list[Program]:
    random.seed(rng.randrange(2**32))
    pool = [random_program(num_cells=random.randint(1, 4), num_reg=random.choice((0, 2, 4)),
                           stack_size=random.choice((2, 16)), mem_size=random.choice((0, 8)))
            for _ in range(12)]
    out = []
    while len(out) < n:
        a, b = random.sample(pool, 2)
        child = mutate(a) if random.random() < 0.5 or len(a.cells) != len(b.cells) else crossover(a, b)
        pool[random.randrange(len(pool))] = child
        out.append(child)
    return out


def codon_text(rng: random.Random) -> str:
    """A program over every operator, with prefixes (registers, dots, offsets, values) and bar ends."""
    cells, nreg = rng.randint(1, 4), rng.choice((0, 1, 3, 5))
    head = f"[c={cells},r={nreg},s={rng.choice((1, 2, 3, 8, 16))},m={rng.choice((0, 1, 7))}]"
    ops = [op for op in OPERATORS if op != "|"]
    lines = [head]
    for c in range(cells):
        bars = []
        for _ in range(rng.randint(1, 4)):
            codes = []
            for _ in range(rng.randint(0, 10)):
                op = rng.choice([*ops, "#", "#", "s", "i", "w", "j", "o"])
                prefix = ""
                if op in "<>{}^v=g" and rng.random() < 0.7:
                    prefix = rng.choice((".", str(rng.randrange(max(nreg, 1))), f"{rng.randrange(max(nreg, 1))}."))
                elif op in ":;j" and rng.random() < 0.6:
                    prefix = rng.choice((".", str(rng.randrange(5))))
                elif op == "#" and rng.random() < 0.9:
                    prefix = rng.choice(("0", "1", "2.5", "3.", ".25", "17", "0.001", "1000", "4.69", "1e", ""))
                    prefix = prefix.rstrip("e")
                    if prefix and rng.random() < 0.3:
                        op = "#-"
                codes.append(prefix + op)
            bars.append("".join(codes) + rng.choice(("", "", "", ".", "3", ".5")))
        lines.append(f"{c}[" + "|".join(bars) + "]")
    return "\n".join(lines) + "\n"


def undefined_in_hercl(program: Program) -> str:
    """Why hercl's C run of ``program`` is undefined ('' when it is not)."""
    first = 0
    for cell in program.cells:
        for b, bar in enumerate(cell):
            for ins in bar.instrs:
                if ins.op == ";" and (ins.index() or 0) > first + b:
                    return "back branch"
                if ins.op in REGISTER_OPS and program.num_reg and ins.prefix[:1].isdigit() \
                        and (ins.index() or 0) >= program.num_reg:
                    return "register"
        first += len(cell)
    return ""


def input_text(rng: random.Random) -> str:
    lines = []
    for _ in range(rng.randint(0, 3)):
        if rng.random() < 0.15:
            lines.append("\\")
        else:
            items = [rng.choice(VALUES) if rng.random() < 0.4 else round(rng.gauss(0, 3), rng.choice((0, 3, 17)))
                     for _ in range(rng.randint(0, 4))]
            lines.append("".join(f",{v!r}" for v in items) or ",")
    return "".join(line + "\n" for line in lines)


def oracle(binary: str, text: str, inputs: str, timeout: float, folder: Path, k: int) -> tuple | None:
    """hercl's printed messages and steps; None when it is still running after ``timeout`` seconds."""
    prog, data = folder / f"p{k}.hrc", folder / f"i{k}.in"
    prog.write_text(text)
    data.write_text(inputs)
    try:
        done = subprocess.run([binary, "-b", str(prog), str(data)], capture_output=True, text=True,
                              timeout=timeout)
    except subprocess.TimeoutExpired:
        return None
    if done.returncode != 0:
        return ("crashed", done.returncode)
    lines = done.stdout.splitlines()
    return tuple(lines[:-1]), int(lines[-1].rsplit("=", 1)[1])


def coevo(program: Program, inputs: str, max_steps: int) -> tuple | None:
    result = run(program, read_messages(inputs), max_steps=max_steps)
    if not result.halted:
        return None
    return tuple(format_message(out) for out in result.outputs), result.steps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--oracle", default=os.environ.get("HERCL_BIN", ""), help="hercl's binary (or $HERCL_BIN)")
    parser.add_argument("--programs", type=int, default=1000, help="programs of each kind (at most 100,000)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--timeout", type=float, default=1.0, help="seconds before hercl counts as not halting")
    parser.add_argument("--max-steps", type=int, default=2_000_000, help="steps before coevo counts the same")
    parser.add_argument("--workers", type=int, default=2, help="hercl processes at once (1..16)")
    parser.add_argument("--show", type=int, default=3, help="disagreements to print")
    args = parser.parse_args()
    if not args.oracle or not Path(args.oracle).is_file():
        parser.error("give --oracle, the path of hercl's binary built from wofnot/hercl")
    if not 1 <= args.programs <= 100_000 or not 1 <= args.workers <= 16:
        parser.error("need 1 <= --programs <= 100000 and 1 <= --workers <= 16")
    rng = random.Random(args.seed)
    kinds = {"coevo": coevo_programs(args.programs, rng),
             "codons": [parse(codon_text(rng)) for _ in range(args.programs)]}
    with tempfile.TemporaryDirectory() as tmp, ThreadPoolExecutor(args.workers) as pool:
        for kind, programs in kinds.items():
            cases = [(p, input_text(rng)) for p in programs]
            kept = [(k, p, i) for k, (p, i) in enumerate(cases) if not undefined_in_hercl(p)]
            answers = list(pool.map(lambda c: oracle(args.oracle, c[1].text(), c[2], args.timeout, Path(tmp), c[0]),
                                    kept))
            agree, shown, crashed = 0, 0, 0
            for (_k, p, i), want in zip(kept, answers, strict=True):
                steps = args.max_steps if want is None or want[0] == "crashed" else max(args.max_steps, want[1] + 1)
                got = coevo(p, i, steps)
                crashed += want is not None and want[0] == "crashed"
                if got == want:
                    agree += 1
                elif shown < args.show:
                    shown += 1
                    print(f"differs: {p.text()!r} input {i!r}: hercl {want}, coevo {got}")
            print(f"{kind}: {agree}/{len(kept)} agree ({100 * agree / max(len(kept), 1):.2f}%); "
                  f"{len(programs) - len(kept)} left out as undefined in hercl's C; {crashed} crashed hercl")


if __name__ == "__main__":
    main()
