"""HERCL programs (Blair 2013-2015): their structure, and the text format of wofnot/hercl.

A program is a header ``[c=CELLS,r=REGISTERS,s=STACK,m=MEMORY]`` then its cells, ``N[bar|bar|...]``.
A cell is a list of bars; a bar is a list of instructions, each an optional prefix of digits and dots
(a register, cell, branch offset or push value) and one operator character, and ends in ``|`` (the next bar),
``.|`` or ``.N|`` (return from the cell) or ``N|`` (halt); the last bar of a cell ends at ``]``.
Execution starts in the last cell. The text is read as hercl's ``scan_code`` reads it (``parse``): a backquote
starts a comment to the end of its line, ``(name) digits`` before the header names a register or constant,
``(name)`` before a cell names that cell, ``(name)`` or ``('c)`` in code stands for its digits, only the first
four numbers of the header count (hercl's ``b=`` base field is skipped), cells may run over several lines, and
any other character that is not a codon is skipped. A push followed by a negate is one instruction, a negative
push (``2#-``), as in hercl, so ``text`` and ``parse`` round-trip every program.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from coevo.errors import CoevoError

# every operator of the instruction set (step.h), '|' being the bar's end
OPERATORS = "+&a|;:cv=e<g^ij{n%*-~/o$p!#>?rzysq}xhtw"
PREFIXED = set("<>{}^v=g;:j#")  # operators that read a digit prefix (register, offset, cell, value)
REGISTER_OPS = set("<>{}^v=g")
MAX_CALL_STACK = 65536  # hercl's call-stack limit (step.h), the interpreters' default ``max_depth``
INDEX_MODULUS = 1 << 16  # hercl keeps register, cell and offset numbers in 16 bits (its ``Index``)
# bounds on a header, so that a huge one is refused rather than allocated
MAX_CELLS, MAX_REGISTERS, MAX_STACK, MAX_MEMORY = 4096, 4096, 1 << 16, 1 << 20


def _digit(ch: str) -> int:
    return ord(ch) - 48 if ch <= "9" else ord(ch) - 55  # hercl's digit_from_codon: 0-9, then A-Z


def _is_digit(ch: str) -> bool:
    return "0" <= ch <= "9" or "A" <= ch <= "Z"


@lru_cache(maxsize=4096)
def prefix_value(prefix: str, neg: bool) -> float:
    """A push prefix's value as hercl's ``scan_fraction`` computes it: ``whole + num/denom`` in doubles (so
    ``4.69`` is 4.6899999999999995), negated for ``#-``; digits after a second dot are ignored."""
    whole, num, denom, i = 0, 0, 1, 0
    while i < len(prefix) and _is_digit(prefix[i]):
        whole = whole * 10 + _digit(prefix[i])
        i += 1
    if i < len(prefix) and prefix[i] == ".":
        i += 1
        while i < len(prefix) and _is_digit(prefix[i]):
            num, denom, i = num * 10 + _digit(prefix[i]), denom * 10, i + 1
    # hercl negates only when the '-' follows the first number directly (not after a second dot's digits)
    if i < len(prefix):
        neg = False
    value = float(whole) + num / float(denom)
    return -value if neg else value


@dataclass(frozen=True)
class Instr:
    """One instruction: ``prefix`` digits (and dots) then ``op``; ``neg`` marks a negative push ``1.5#-``."""

    op: str
    prefix: str = ""
    neg: bool = False

    def text(self) -> str:
        return f"{self.prefix}{self.op}{'-' if self.neg else ''}"

    def value(self) -> float:
        """The push value (``#``) of the prefix: 0 when there is none."""
        return prefix_value(self.prefix, self.neg)

    def index(self) -> int | None:
        """The integer a prefix names (register, cell, offset), as hercl reads it (its leading digits, kept
        in 16 bits); None without a prefix, 0 for a prefix that starts with a dot."""
        return _prefix_index(self.prefix) if self.prefix else None


@lru_cache(maxsize=4096)
def _prefix_index(prefix: str) -> int:
    value = 0
    for ch in prefix:
        if not _is_digit(ch):
            break
        value = value * 10 + _digit(ch)
    return value % INDEX_MODULUS


def _canonical(instrs: tuple[Instr, ...]) -> tuple[Instr, ...]:
    """The instructions as hercl's codon string runs them: a push with a prefix followed by a negate is one
    negative push, and a negative push without a prefix is a push of 0 then a negate."""
    out: list[Instr] = []
    for ins in instrs:
        if ins.op == "#" and ins.neg and not ins.prefix:
            out += [Instr("#"), Instr("-")]
        elif ins.op == "-" and not ins.prefix and out and out[-1].op == "#" and out[-1].prefix \
                and not out[-1].neg:
            out[-1] = Instr("#", out[-1].prefix, True)
        else:
            out.append(ins)
    return tuple(out)


@dataclass(frozen=True)
class Bar:
    """A bar's instructions (kept in hercl's canonical form, see ``_canonical``) and how it ends."""

    instrs: tuple[Instr, ...]
    end: str = ""  # "" next bar; a prefix starting with a dot returns; any other prefix halts

    def __post_init__(self) -> None:
        canonical = _canonical(tuple(self.instrs))
        if canonical != self.instrs:
            object.__setattr__(self, "instrs", canonical)


@dataclass(frozen=True)
class Program:
    cells: tuple[tuple[Bar, ...], ...]
    num_reg: int = 4
    stack_size: int = 16
    mem_size: int = 0

    def __post_init__(self) -> None:
        check_header(len(self.cells), self.num_reg, self.stack_size, self.mem_size)

    def text(self) -> str:
        """hercl's ``print_code`` form, which ``parse`` reads back to an equal program."""
        lines = [f"[c={len(self.cells)},r={self.num_reg},s={self.stack_size},m={self.mem_size}]"]
        for c, cell in enumerate(self.cells):
            bars = ["".join(i.text() for i in bar.instrs) + bar.end for bar in cell]
            lines.append(f"{c:2d}[" + "|".join(bars) + "]")
        return "\n".join(lines) + "\n"

    def __str__(self) -> str:
        return self.text()

    def size(self) -> int:
        return sum(len(bar.instrs) + 1 for cell in self.cells for bar in cell)


def check_header(cells: int, registers: int, stack: int, memory: int) -> None:
    """Refuse, in one line, a header beyond this package's bounds (before anything is allocated)."""
    for name, value, low, high in (("cells", cells, 1, MAX_CELLS), ("registers", registers, 0, MAX_REGISTERS),
                                   ("stack", stack, 1, MAX_STACK), ("memory", memory, 0, MAX_MEMORY)):
        if not low <= value <= high:
            raise CoevoError(f"HERCL: a program's {name} must be {low}..{high}, not {value}; "
                             f"give a smaller header")


_EOF = ""
_CODONS = set(OPERATORS) | set("0123456789.")
_TAKES_SYMBOL = set("<>{}^v=gj#.")  # what may follow a symbol: an operator that reads digits, or a dot
_TAKES_PREFIX = PREFIXED | {"|", "]"}


class _Scanner:
    """hercl's ``scan_code`` over a string: ``getc`` and ``mygetc`` (which skips comments and fails at the
    end of the text), read in the same order, so odd text is read as hercl reads it."""

    def __init__(self, text: str) -> None:
        self.text, self.pos = text, 0

    def getc(self) -> str:
        if self.pos >= len(self.text):
            return _EOF
        self.pos += 1
        return self.text[self.pos - 1]

    def mygetc(self) -> str:
        ch = self.getc()
        if ch == "`":
            while ch not in ("\n", _EOF):
                ch = self.getc()
        if ch == _EOF:
            raise CoevoError("HERCL: the program text ended unexpectedly (a missing cell or ']')")
        return ch

    def symbol(self) -> str:
        name = []
        while (ch := self.getc()) != ")":
            if ch == _EOF or len(name) >= 255:
                raise CoevoError(f"HERCL: a symbol '({''.join(name)[:20]}' is not closed by ')'")
            name.append(ch)
        return "".join(name)

    def integer(self) -> int:
        ch = self.mygetc()
        while not "0" <= ch <= "9":
            ch = self.mygetc()
        digits = ch
        while self.pos < len(self.text) and "0" <= self.text[self.pos] <= "9":
            digits += self.text[self.pos]
            self.pos += 1
            if len(digits) > 12:
                raise CoevoError(f"HERCL: a header number {digits}... is too large")
        return int(digits)


def _find(name: str, table: dict[str, str]) -> str:
    """A symbol's digits: a character's code for ``'c``, else the table's entry ('' when unknown)."""
    if len(name) > 1 and name[0] == "'" and name[1].isprintable() and ord(name[1]) < 128:
        return str(ord(name[1]))
    return table.get(name, "")


def _scan_cell(sc: _Scanner, c: int, table: dict[str, str]) -> list[str | tuple[str]]:
    """One cell's codons (hercl's ``scan_cell``); a forward reference stays as a 1-tuple, its name."""
    ch = " "
    while ch not in "[(":
        ch = sc.mygetc()
    if table:
        local = table
    else:  # hercl inserts into a table that its caller does not see when no symbol came before the header
        local = {}
    if ch == "(":
        name = sc.symbol()
        if name in local:
            raise CoevoError(f"HERCL: duplicate symbol ({name})")
        local[name] = str(c)
        while ch != "[":
            ch = sc.mygetc()
    codons: list[str | tuple[str]] = []
    while ch != "]":
        while ch != "(" and ch != "]" and ch not in _CODONS:
            ch = sc.mygetc()
        if ch == "(":
            name = sc.symbol()
            ch = ")"
            digits = _find(name, local)
            if not digits:
                codons.append((name,))
            else:
                while ch not in _CODONS:
                    ch = sc.mygetc()
                codons.extend(digits)
                if ch not in _TAKES_SYMBOL:
                    raise CoevoError(f"HERCL: symbol ({name}) in cell {c} is not followed by an operator "
                                     f"that reads digits")
        elif ch in _CODONS:
            codons.append(ch)
            ch = sc.mygetc()
    codons.append("]")
    return codons


def _bars(codons: list[str | tuple[str]], c: int, table: dict[str, str]) -> tuple[Bar, ...]:
    """A cell's bars from its codons (hercl's ``second_pass``): forward references resolved, each
    instruction its prefix of digits and dots then its operator, ``#-`` after a prefix one negative push."""
    bars: list[Bar] = []
    instrs: list[Instr] = []
    k = 0
    while k < len(codons):
        prefix = ""
        item = codons[k]
        if isinstance(item, tuple):
            prefix = _find(item[0], table)
            if not prefix:
                raise CoevoError(f"HERCL: undefined symbol ({item[0]}) in cell {c}")
            k += 1
            if k >= len(codons) or codons[k] not in _TAKES_SYMBOL:
                raise CoevoError(f"HERCL: symbol ({item[0]}) in cell {c} is not followed by an operator "
                                 f"that reads digits")
        while k < len(codons) and isinstance(codons[k], str) and (codons[k] == "." or _is_digit(codons[k])):
            prefix += codons[k]
            k += 1
        op = codons[k]
        k += 1
        if not isinstance(op, str):
            raise CoevoError(f"HERCL: missing operator before symbol ({op[0]}) in cell {c}")
        if prefix and op not in _TAKES_PREFIX:
            raise CoevoError(f"HERCL: missing operator: {op!r} takes no prefix ({prefix}) in cell {c}")
        if op in "|]":
            bars.append(Bar(tuple(instrs), prefix))
            instrs = []
            continue
        neg = False
        if op == "#" and prefix and k < len(codons) and codons[k] == "-":
            neg, k = True, k + 1
        instrs.append(Instr(op, prefix, neg))
    return tuple(bars)


def parse(text: str) -> Program:
    """A program from its text, read as hercl reads a ``.hrc`` file; ``CoevoError`` naming the problem when
    hercl would refuse it (or its header is beyond this package's bounds)."""
    sc = _Scanner(text)
    ch = " "
    while ch not in "[(" and ch != _EOF:
        ch = sc.getc()
        if ch == "`":
            while ch not in ("\n", _EOF):
                ch = sc.getc()
    if ch == _EOF:
        raise CoevoError("HERCL: no program in the text (expected a header [c=..,r=..,s=..,m=..])")
    table: dict[str, str] = {}
    while ch != "[":
        while ch not in "([":
            ch = sc.mygetc()
        if ch == "(":
            name = sc.symbol()
            ch = sc.getc()
            while ch.isspace() and ch != _EOF:
                ch = sc.getc()
            digits = ""
            while ch != _EOF and (ch == "." or _is_digit(ch)) and len(digits) < 255:
                digits += ch
                ch = sc.getc()
            if name in table:
                raise CoevoError(f"HERCL: duplicate symbol ({name})")
            table[name] = digits
            if ch == _EOF:
                raise CoevoError("HERCL: the program text ended before its header")
    num_cells, num_reg, stack_size, mem_size = (sc.integer() for _ in range(4))
    num_cells, stack_size = max(1, num_cells), max(1, stack_size)
    check_header(num_cells, num_reg, stack_size, mem_size)
    raw = [_scan_cell(sc, c, table) for c in range(num_cells)]
    return Program(tuple(_bars(codons, c, table) for c, codons in enumerate(raw)), num_reg, stack_size, mem_size)
