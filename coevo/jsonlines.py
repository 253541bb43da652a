"""JSON-lines files (metrics, evaluations): one JSON object a line, appended; a torn last line is skipped."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def read_lines(path: Path) -> list[dict[str, Any]]:
    """Every complete line's object, in order; a last line cut short by a kill or a full disk is left out."""
    if not Path(path).exists():
        return []
    rows = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.strip():
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError:
                break  # a torn line: nothing after it was committed
    return rows


def append_line(path: Path, row: dict[str, Any]) -> None:
    """Append one object as a line (floats rounded to 6 decimals, so files are stable and readable)."""
    text = json.dumps({k: round(v, 6) if isinstance(v, float) else v for k, v in row.items()})
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(text + "\n")
