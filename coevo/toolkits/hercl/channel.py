"""hercl's message lines: how its interpreter reads an input line into a message (``scan_next_input``) and
prints a message it sends (``print_message``), so runs can be fed and compared as hercl feeds and shows them.

An input line is ``\\`` (a non-message: ``i`` fails), ``,`` (an empty message), or items: ``,NUMBER`` (a C
``%lf`` number), ``,?`` (0), ``\\c`` (the character c) or any other character (its code). A printed message
shows an integer in the printable range as its character, another integer as ``,N``, any other value as
``,%1.2f``.
"""

from __future__ import annotations

import math
import re

from coevo.errors import CoevoError

MAX_LINE = 4095  # hercl reads lines with fgets into 4,096 bytes
_NUMBER = re.compile(r"[+-]?(?:inf(?:inity)?|nan(?:\([0-9A-Za-z_]*\))?|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?"
                     r"|0[xX][0-9a-fA-F]*\.?[0-9a-fA-F]*(?:[pP][+-]?\d+)?)", re.IGNORECASE)


def read_message(line: str) -> list[float] | None:
    """The message one input line holds (without its newline); None for a non-message."""
    if len(line) > MAX_LINE:
        raise CoevoError(f"HERCL input: a line of {len(line)} characters; hercl reads at most {MAX_LINE}")
    if line == "\\":
        return None
    if line == ",":
        return []
    values: list[float] = []
    j = 0
    while j < len(line):
        nxt = line[j + 1] if j + 1 < len(line) else ""
        if line[j] == "," and nxt == "?":
            values.append(0.0)
            j += 2
            if j < len(line) and line[j] == " ":
                j += 1
        elif line[j] == "," and (nxt == "-" or nxt.isdigit()):
            m = _NUMBER.match(line, j + 1)
            if m is None:  # sscanf matches nothing: hercl writes a stale value; here, refused
                raise CoevoError(f"HERCL input: no number after ',' in {line[:40]!r}")
            values.append(float(m.group(0).replace("infinity", "inf")))
            j = m.end()
            if j < len(line) and line[j] == " ":
                j += 1
        else:
            if line[j] == "\\" and nxt:
                j += 1
            values.append(float(ord(line[j])))
            j += 1
    return values


def input_lines(text: str) -> list[str]:
    """An input file's lines as hercl's interpreter takes them: ``fgets`` (4,095 characters at most), then
    the newline is dropped unless the next line is blank, which is skipped (so the line keeps its newline);
    the last line, when the file does not end in a newline, loses its last character."""
    lines: list[str] = []
    i = 0
    while i < len(text):
        end = text.find("\n", i, i + MAX_LINE)
        line = text[i:end + 1] if end >= 0 else text[i:i + MAX_LINE]
        i += len(line)
        if i < len(text) and text[i] == "\n":
            i += 1
        else:
            line = line[:-1]
        lines.append(line)
    return lines


def read_messages(text: str) -> list[list[float] | None]:
    """Every line of an input file, each a message, as hercl's interpreter reads them."""
    return [read_message(line) for line in input_lines(text)]


def format_message(values: list[float]) -> str:
    """One sent message as hercl prints it (a line without its newline)."""
    if not values:
        return ","
    out: list[str] = []
    after_char = True
    for v in values:
        ch = math.floor(0.5 + v) if math.isfinite(v) else None
        if ch is not None and -2147483648.0 <= v < 2147483648.0 and ch == v:
            if 0 < ch < 256 and 32 <= ch < 127:
                if not after_char:
                    out.append(" ")
                after_char = True
                out.append("\\," if ch == 44 else "\\\\" if ch == 92 else chr(ch))
            else:
                out.append(f",{ch}")
                after_char = False
        else:
            out.append("," + _c_fixed(v))
            after_char = False
    return "".join(out)


def _c_fixed(v: float) -> str:
    """C's ``%1.2f``."""
    if math.isnan(v):
        return "-nan" if math.copysign(1.0, v) < 0 else "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return f"{v:.2f}"
