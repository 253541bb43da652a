"""GP genomes (one DEAP tree per channel) and their JSON form: DEAP's textual trees, parsed without eval."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from deap import gp

from artists.gp.primitives import CONSTANT
from coevo.errors import CoevoError

MAX_NESTING = 200  # deeper text is refused rather than risking Python's recursion limit
_TOKEN = re.compile(r"\s*(?:(?P<number>[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)"
                    r"|(?P<name>[A-Za-z_]\w*)|(?P<punct>[(),]))")


@dataclass
class GPGenome:
    """One expression tree per output channel (grey: 1, colour: 3)."""

    trees: list[gp.PrimitiveTree]

    def __str__(self) -> str:
        return " | ".join(str(tree) for tree in self.trees)


def constant(pset: gp.PrimitiveSet, value: float) -> gp.Terminal:
    """An ephemeral-constant node holding ``value`` (drawing no random number), so DEAP's mutations still see it."""
    cls = pset.mapping[CONSTANT]
    node = cls.__new__(cls)
    node.value = value
    return node


class _Parser:
    """Recursive descent over DEAP's prefix text, e.g. ``add(x, sin(0.5))``."""

    def __init__(self, text: str, pset: gp.PrimitiveSet, where: str) -> None:
        self.text, self.pset, self.where, self.pos = text, pset, where, 0
        self.nodes: list[gp.Primitive | gp.Terminal] = []

    def fail(self, problem: str) -> CoevoError:
        return CoevoError(f"{self.where}: {problem} at character {self.pos} of {self.text[:60]!r}; "
                          "restore the genome file from a run folder")

    def token(self) -> tuple[str, str]:
        match = _TOKEN.match(self.text, self.pos)
        if match is None or match.end() == self.pos:
            raise self.fail("unexpected text" if self.text[self.pos:].strip() else "unexpected end")
        self.pos = match.end()
        kind = match.lastgroup or "punct"
        return kind, match.group(kind)

    def expect(self, punct: str) -> None:
        if self.token() != ("punct", punct):
            raise self.fail(f"expected {punct!r}")

    def node(self, nesting: int) -> None:
        if nesting > MAX_NESTING:
            raise self.fail(f"tree nested deeper than {MAX_NESTING}")
        kind, text = self.token()
        if kind == "number":
            value = float(text)
            if not math.isfinite(value):
                raise self.fail(f"constant {text} is not finite")
            self.nodes.append(constant(self.pset, value))
        elif kind == "name" and text in self.pset.arguments:
            self.nodes.append(self.pset.mapping[text])
        elif kind == "name" and isinstance(self.pset.mapping.get(text), gp.Primitive):
            primitive = self.pset.mapping[text]
            self.nodes.append(primitive)
            self.expect("(")
            for i in range(primitive.arity):
                if i:
                    self.expect(",")
                self.node(nesting + 1)
            self.expect(")")
        elif kind == "name":
            known = ", ".join([*self.pset.arguments, *(p.name for p in self.pset.primitives[self.pset.ret])])
            raise self.fail(f"unknown primitive {text!r} (known: {known})")
        else:
            raise self.fail(f"unexpected {text!r}")

    def parse(self) -> gp.PrimitiveTree:
        self.node(0)
        if self.text[self.pos:].strip():
            raise self.fail("trailing text after the tree")
        return gp.PrimitiveTree(self.nodes)


def parse_tree(text: str, pset: gp.PrimitiveSet, where: str = "tree") -> gp.PrimitiveTree:
    """A tree from DEAP's textual form, checked against ``pset``; bad text raises ``CoevoError``."""
    if not isinstance(text, str):
        raise CoevoError(f"{where} must be a string in DEAP's form like 'add(x, y)', got {type(text).__name__}")
    return _Parser(text, pset, where).parse()


def genome_to_json(genome: GPGenome) -> dict[str, Any]:
    """The JSON form: each channel's tree as DEAP text (constants in full precision)."""
    return {"trees": [str(tree) for tree in genome.trees]}


def genome_from_json(data: dict[str, Any], pset: gp.PrimitiveSet, channels: int) -> GPGenome:
    """Parse the JSON form, checking there is one tree per channel."""
    trees = data.get("trees") if isinstance(data, dict) else None
    if not isinstance(trees, list) or len(trees) != channels:
        count = len(trees) if isinstance(trees, list) else "no"
        raise CoevoError(f"gp genome needs 'trees': a list of {channels} tree strings (one per channel), "
                         f"found {count}; restore the genome file from a run folder")
    return GPGenome([parse_tree(text, pset, f"gp tree {i}") for i, text in enumerate(trees)])
