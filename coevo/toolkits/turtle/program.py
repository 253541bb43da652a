"""Turtle programs: tuples of instructions ``(op, *int args)``, ``repeat n ... end`` blocks for structure."""

from __future__ import annotations

Instruction = tuple  # (op, *args)
Program = tuple  # tuple[Instruction, ...]

# op -> number of integer arguments (Vickers' seven commands, plus the block structure)
ARITY = {"pen": 0, "fd": 1, "rt": 1, "size": 1, "colour": 3, "push": 0, "pop": 0, "repeat": 1, "end": 0}
COMMANDS = ("pen", "fd", "rt", "size", "colour", "push", "pop")  # each one is one turtle step, in art-school's order


def blocks(program: Program) -> dict[int, int]:
    """Each ``repeat``'s index -> the index of its matching ``end`` (``len(program)`` when it has none)."""
    match, open_ = {}, []
    for i, (op, *_) in enumerate(program):
        if op == "repeat":
            open_.append(i)
        elif op == "end" and open_:
            match[open_.pop()] = i
    for i in open_:
        match[i] = len(program)
    return match
