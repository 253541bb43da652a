"""JSON-lines files (metrics.jsonl, evals.jsonl): one reader and one appender that survive a torn last line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from coevo.errors import CoevoError
from coevo.store.untrusted import read_bytes


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """Every row of a JSON-lines file, in order ([] when it is absent); a torn last line (a kill mid-append,
    a full disk) is skipped, a damaged line before it is one ``CoevoError`` naming the file and line."""
    path = Path(path)
    if not path.exists() and not path.is_symlink():
        return []
    text = read_bytes(path, "records file").decode("utf-8", errors="replace")  # a FIFO is refused, not waited on
    lines = text.split("\n")
    rows: list[dict[str, Any]] = []
    for number, line in enumerate(lines):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except (json.JSONDecodeError, RecursionError):
            row = None
        if not isinstance(row, dict):
            if number == len(lines) - 1:  # the unterminated tail: a torn append
                break
            raise CoevoError(f"{path} line {number + 1} is not a JSON object; fix or delete that line")
        rows.append(row)
    return rows


def append_jsonl(path: Path, row: dict[str, Any]) -> None:
    """Append one row as a line; a torn last line is cut off first (or ended, if it is whole), so the new row
    never glues onto it."""
    path = Path(path)
    with open(path, "a+b") as handle:
        end = handle.seek(0, 2)
        if end:
            handle.seek(end - 1)
            if handle.read(1) != b"\n":
                handle.seek(0)
                data = handle.read()
                start = data.rfind(b"\n") + 1
                if _is_row(data[start:]):
                    handle.write(b"\n")
                else:
                    handle.truncate(start)
        handle.write((json.dumps(row) + "\n").encode("utf-8"))


def _is_row(line: bytes) -> bool:
    try:
        return isinstance(json.loads(line), dict)
    except (ValueError, RecursionError):
        return False


def write_jsonl(rows: list[dict[str, Any]]) -> str:
    """The text of a JSON-lines file holding ``rows``."""
    return "".join(json.dumps(row) + "\n" for row in rows)
