"""Compiling DEAP trees into the kernel's opcode programs (once per tree; no per-tree JIT)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from deap import gp

from artists.gp.kernel import CONST, FIRST_TERNARY, FIRST_UNARY, OPCODES


@dataclass
class ProgramBatch:
    """Many programs packed end to end, the form both evaluators (Numba, torch) run."""

    codes: np.ndarray  # int32 (nodes,): each program's opcodes, its tree's nodes in reverse prefix order
    values: np.ndarray  # float32 (nodes,): the constant of each CONST node, 0 elsewhere
    starts: np.ndarray  # int64 (programs + 1,): program p is codes[starts[p]:starts[p + 1]]
    depth: int  # the deepest stack any program needs

    def __len__(self) -> int:
        return len(self.starts) - 1


def arity(op: int) -> int:
    """How many stack rows an opcode pops."""
    if op <= CONST:
        return 0
    return 2 if op < FIRST_UNARY else 1 if op < FIRST_TERNARY else 3


_ARITY = tuple(arity(op) for op in range(max(OPCODES.values()) + 1))


def node_opcode(node: gp.Primitive | gp.Terminal) -> tuple[int, float]:
    """A tree node as (opcode, constant value)."""
    if isinstance(node, gp.Primitive):
        if node.name not in OPCODES or _ARITY[OPCODES[node.name]] != node.arity:
            raise ValueError(f"primitive {node.name!r}/{node.arity} has no opcode")
        return OPCODES[node.name], 0.0
    if isinstance(node.value, str):  # an argument: x, y, r, theta
        if OPCODES.get(node.value, CONST) >= CONST:
            raise ValueError(f"unknown input {node.value!r}")
        return OPCODES[node.value], 0.0
    return CONST, float(node.value)


def compile_tree(tree: Sequence[gp.Primitive | gp.Terminal]) -> tuple[np.ndarray, np.ndarray, int]:
    """One tree as (codes, values, stack depth)."""
    codes, values = [], []
    for node in reversed(tree):
        op, value = node_opcode(node)
        codes.append(op)
        values.append(value)
    sp = depth = 0
    for op in codes:
        pops = _ARITY[op]
        if pops > sp:
            raise ValueError("malformed tree: an operator lacks arguments")
        sp += 1 - pops
        depth = max(depth, sp)
    if sp != 1:
        raise ValueError("malformed tree: it does not reduce to one value")
    return np.array(codes, dtype=np.int32), np.array(values, dtype=np.float32), depth


def compile_trees(trees: Sequence[Sequence[gp.Primitive | gp.Terminal]]) -> ProgramBatch:
    """Pack many trees into one batch, in order."""
    return pack([compile_tree(tree) for tree in trees])


def pack(compiled: Sequence[tuple[np.ndarray, np.ndarray, int]]) -> ProgramBatch:
    """Compiled trees (``compile_tree``'s triples) end to end as one batch, in order."""
    lengths = [len(codes) for codes, _, _ in compiled]
    starts = np.zeros(len(compiled) + 1, dtype=np.int64)
    starts[1:] = np.cumsum(lengths)
    empty_i, empty_f = np.zeros(0, np.int32), np.zeros(0, np.float32)
    return ProgramBatch(
        codes=np.concatenate([c for c, _, _ in compiled]) if compiled else empty_i,
        values=np.concatenate([v for _, v, _ in compiled]) if compiled else empty_f,
        starts=starts,
        depth=max([d for _, _, d in compiled], default=1),
    )
