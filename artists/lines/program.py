"""The genome: a linear GP program of turtle instructions with arguments, ``repeat n ... end`` blocks for
structure; its JSON form, validation, random programs, mutation and block crossover.

A program is a tuple of instructions, each a tuple ``(op, *int args)``. Any such list is a valid program: an
``end`` without its ``repeat`` does nothing and a ``repeat`` without its ``end`` runs to the program's end, so
insertion, deletion and crossover never break one. Randomness from Python's ``random``.
"""

from __future__ import annotations

from typing import Any

from coevo.errors import CoevoError
from coevo.rng import python_rng
from coevo.toolkits.turtle.program import ARITY, COMMANDS, Instruction, Program, blocks

__all__ = ["ARITY", "COMMANDS", "Instruction", "Program", "blocks"]

WEIGHTS = {"fd": 30, "rt": 24, "pen": 6, "size": 5, "colour": 7, "push": 6, "pop": 6, "repeat": 10, "end": 6}
ARG_LIMIT = 100_000  # |argument| accepted in a genome file (the turtle folds them into its own ranges)
MAX_FILE_LENGTH = 10_000  # instructions accepted in a genome file


def random_args(op: str) -> tuple[int, ...]:
    """Fresh arguments for ``op``, drawn over (a little beyond) the ranges the turtle uses."""
    rng = python_rng()
    if op == "fd":
        return (rng.randint(-20, 20),)
    if op == "rt":
        return (rng.randint(-180, 180),)
    if op == "size":
        return (rng.randint(0, 3),)
    if op == "colour":
        return (rng.randint(0, 255), rng.randint(0, 255), rng.randint(0, 255))
    if op == "repeat":
        return (rng.randint(2, 9),)
    return ()


def random_instruction(pushpop: bool = True) -> Instruction:
    ops = [op for op in WEIGHTS if pushpop or op not in ("push", "pop")]
    op = python_rng().choices(ops, weights=[WEIGHTS[o] for o in ops])[0]
    return (op, *random_args(op))


def random_program(length: tuple[int, int] = (6, 24), pushpop: bool = True) -> Program:
    return tuple(random_instruction(pushpop) for _ in range(python_rng().randint(*length)))


def perturb(ins: Instruction, pushpop: bool = True) -> Instruction:
    """Point mutation of one argument: a small step, or (a quarter of the time) a fresh value."""
    rng = python_rng()
    op, *args = ins
    if not args:
        return random_instruction(pushpop)
    k = rng.randrange(len(args))
    fresh = random_args(op)[k]
    if rng.random() < 0.25:
        args[k] = fresh
    else:
        spread = {"fd": 4, "rt": 30, "size": 1, "colour": 32, "repeat": 1}[op]
        args[k] = max(-ARG_LIMIT, min(ARG_LIMIT, args[k] + rng.randint(-spread, spread)))
        if op == "repeat":
            args[k] = max(1, min(9, args[k]))
    return (op, *args)


def mutate(program: Program, strength: float = 1.0, max_length: int = 64, pushpop: bool = True) -> Program:
    """``strength`` mutations (stochastically rounded, at least one), each a point mutation (an argument or a
    whole instruction), an insertion (an instruction, or a ``repeat``/``end`` pair around a stretch) or a
    deletion."""
    rng = python_rng()
    count = max(1, int(strength) + (rng.random() < strength - int(strength)))
    body = list(program)
    for _ in range(count):
        kind = rng.choices(("point", "insert", "delete"), weights=(5, 3, 2))[0]
        if (kind == "delete" and len(body) <= 1) or (kind == "insert" and len(body) >= max_length):
            kind = "point"
        i = rng.randrange(len(body))
        if kind == "point":
            body[i] = perturb(body[i], pushpop) if rng.random() < 0.7 else random_instruction(pushpop)
        elif kind == "delete":
            del body[i]
        elif len(body) + 2 <= max_length and rng.random() < 0.3:  # wrap a stretch in a new block
            j = rng.randint(i, len(body))
            body[i:j] = [("repeat", *random_args("repeat")), *body[i:j], ("end",)]
        else:
            body.insert(rng.randint(0, len(body)), random_instruction(pushpop))
    return tuple(body)


def pick_block(program: Program) -> tuple[int, int]:
    """A stretch ``[i, j)`` to exchange: half the time a whole ``repeat`` block when there is one."""
    rng = python_rng()
    match = blocks(program)
    if match and rng.random() < 0.5:
        i = rng.choice(sorted(match))
        return i, min(match[i] + 1, len(program))
    i = rng.randrange(len(program))
    return i, rng.randint(i + 1, len(program))


def crossover(a: Program, b: Program, max_length: int = 64) -> tuple[Program, Program]:
    """Block crossover: a stretch (often a whole repeat block) of each parent changes places."""
    i, j = pick_block(a)
    k, m = pick_block(b)
    left = a[:i] + b[k:m] + a[j:]
    right = b[:k] + a[i:j] + b[m:]
    return left[:max_length], right[:max_length]


def to_json(program: Program) -> dict[str, Any]:
    return {"program": [list(ins) for ins in program]}


def from_json(data: Any) -> Program:
    """Parse ``{"program": [["fd", 10], ["repeat", 4], ..., ["end"]]}``; ``CoevoError`` naming the problem."""
    if not isinstance(data, dict) or not isinstance(data.get("program"), list):
        raise CoevoError("a lines genome must be a JSON object with a 'program' list of instructions "
                         "like [\"fd\", 10]; write it with coevo")
    items = data["program"]
    if not 1 <= len(items) <= MAX_FILE_LENGTH:
        raise CoevoError(f"lines program has {len(items)} instructions; it needs 1 to {MAX_FILE_LENGTH}")
    program = []
    for n, item in enumerate(items):
        where = f"lines program instruction {n}"
        if not isinstance(item, list) or not item or item[0] not in ARITY:
            raise CoevoError(f"{where} is {item!r}; it must be a list starting with one of {', '.join(ARITY)}")
        op, args = item[0], item[1:]
        if len(args) != ARITY[op]:
            raise CoevoError(f"{where}: {op!r} takes {ARITY[op]} argument(s), got {len(args)}")
        if any(not isinstance(v, int) or isinstance(v, bool) or abs(v) > ARG_LIMIT for v in args):
            raise CoevoError(f"{where}: arguments must be integers within ±{ARG_LIMIT}, got {args!r}")
        if op == "repeat" and not 1 <= args[0] <= 9:
            raise CoevoError(f"{where}: repeat counts are 1 to 9, got {args[0]}")
        program.append((op, *args))
    return tuple(program)
