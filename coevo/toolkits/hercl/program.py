"""HERCL programs (Blair 2013-2015): their structure, and the text format of wofnot/hercl.

A program is a header ``[c=CELLS,r=REGISTERS,s=STACK,m=MEMORY]`` then one line per cell, ``N[bar|bar|...]``.
A cell is a list of bars; a bar is a list of instructions, each an optional prefix of digits and a dot
(a register, cell, branch offset or push value) and one operator character, and ends in ``|`` (the next bar),
``.|`` (return from the cell) or ``N|`` (halt); the last bar of a cell ends at ``]``.
Execution starts in the last cell. A backquote starts a comment to the end of its line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from coevo.errors import CoevoError

# every operator of the instruction set (step.h), '|' being the bar's end
OPERATORS = "+&a|;:cv=e<g^ij{n%*-~/o$p!#>?rzysq}xhtw"
PREFIXED = set("<>{}^v=g;:j#")  # operators that read a digit prefix (register, offset, cell, value)
REGISTER_OPS = set("<>{}^v=g")


@dataclass(frozen=True)
class Instr:
    """One instruction: ``prefix`` digits (and a dot) then ``op``; ``neg`` marks a negative push ``1.5#-``."""

    op: str
    prefix: str = ""
    neg: bool = False

    def text(self) -> str:
        return f"{self.prefix}{self.op}{'-' if self.neg else ''}"

    def value(self) -> float:
        """The push value (``#``) of the prefix: 0 when there is none."""
        if not self.prefix or self.prefix == ".":
            return -0.0 if self.neg else 0.0
        v = float(self.prefix if not self.prefix.endswith(".") else self.prefix + "0")
        return -v if self.neg else v

    def index(self) -> int | None:
        """The integer a prefix names (register, cell, offset); None without one, or for a bare dot."""
        digits = self.prefix.split(".")[0]
        return int(digits) if digits else None


@dataclass(frozen=True)
class Bar:
    instrs: tuple[Instr, ...]
    end: str = ""  # "" next bar, "." return, digits halt


@dataclass(frozen=True)
class Program:
    cells: tuple[tuple[Bar, ...], ...]
    num_reg: int = 4
    stack_size: int = 16
    mem_size: int = 0

    def text(self) -> str:
        lines = [f"[c={len(self.cells)},r={self.num_reg},s={self.stack_size},m={self.mem_size}]"]
        for c, cell in enumerate(self.cells):
            bars = ["".join(i.text() for i in bar.instrs) + bar.end for bar in cell]
            lines.append(f"{c:2d}[" + "|".join(bars) + "]")
        return "\n".join(lines) + "\n"

    def __str__(self) -> str:
        return self.text()

    def size(self) -> int:
        return sum(len(bar.instrs) + 1 for cell in self.cells for bar in cell)


def parse_cell(body: str) -> tuple[Bar, ...]:
    """The bars of one cell's text (between ``[`` and ``]``)."""
    bars: list[Bar] = []
    instrs: list[Instr] = []
    prefix = ""
    i = 0
    while i < len(body):
        ch = body[i]
        i += 1
        if ch.isspace():
            continue
        if ch.isdigit() or ch == ".":
            if ch == "." and "." in prefix:
                raise CoevoError(f"HERCL: two dots in one prefix in {body!r}")
            prefix += ch
            continue
        if ch not in OPERATORS:
            raise CoevoError(f"HERCL: unknown codon {ch!r} in {body!r}; codons are digits, '.' and {OPERATORS}")
        if ch == "|":
            bars.append(Bar(tuple(instrs), prefix))
            instrs, prefix = [], ""
            continue
        if prefix and ch not in PREFIXED:
            raise CoevoError(f"HERCL: operator {ch!r} takes no prefix ({prefix!r}) in {body!r}")
        neg = False
        if ch == "#" and prefix and i < len(body) and body[i] == "-":
            neg, i = True, i + 1
        instrs.append(Instr(ch, prefix, neg))
        prefix = ""
    bars.append(Bar(tuple(instrs), prefix))
    return tuple(bars)


HEADER = re.compile(r"\[\s*c\s*=\s*(\d+)\s*,\s*r\s*=\s*(\d+)\s*,\s*s\s*=\s*(\d+)\s*,\s*m\s*=\s*(\d+)\s*\]")
CELL = re.compile(r"^\s*(\d+)?\s*\[(.*)\]\s*$")


def parse(text: str) -> Program:
    """A program from its text; ``CoevoError`` naming the problem when it is malformed."""
    lines = [line.split("`")[0] for line in text.splitlines()]
    lines = [line for line in lines if line.strip()]
    if not lines:
        raise CoevoError("HERCL: empty program text")
    head = HEADER.fullmatch(lines[0].strip())
    if head is None:
        raise CoevoError(f"HERCL: expected a header [c=..,r=..,s=..,m=..], not {lines[0]!r}")
    num_cells, num_reg, stack_size, mem_size = (int(g) for g in head.groups())
    cells = []
    for line in lines[1:]:
        m = CELL.match(line)
        if m is None:
            raise CoevoError(f"HERCL: expected a cell N[...], not {line!r}")
        cells.append(parse_cell(m.group(2)))
    if len(cells) != max(1, num_cells):
        raise CoevoError(f"HERCL: header says {num_cells} cells, text has {len(cells)}")
    return Program(tuple(cells), num_reg, max(1, stack_size), mem_size)
