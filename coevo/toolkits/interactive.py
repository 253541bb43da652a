"""What an interactive critic (a person at a window) and the breeding program agree on: grids and requests."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from coevo.errors import CoevoError
from coevo.protocols import Critic

ACTIONS = ("undo", "redo", "save", "export", "restart", "quit", "stronger", "weaker",
           "auto", "takeover")  # auto: hand the window to the learned critic ("breed for me"); takeover: take it back


MAX_GRID = 12  # boxes per side: a person compares a few dozen at most, and each box is a full-size image in memory


def parse_grid(text: str) -> tuple[int, int]:
    """``"5x3"`` -> (5 columns, 3 rows), each 1..``MAX_GRID``."""
    cols, sep, rows = str(text).lower().partition("x")
    if not sep or not cols.isdigit() or not rows.isdigit() or int(cols) < 1 or int(rows) < 1:
        raise CoevoError(f"grid {text!r} is not COLUMNSxROWS; write e.g. --grid 5x3 (Dawkins' 15 boxes)")
    if int(cols) > MAX_GRID or int(rows) > MAX_GRID:
        raise CoevoError(f"grid {text} is too large: at most {MAX_GRID}x{MAX_GRID} boxes; write e.g. --grid 5x3")
    return int(cols), int(rows)


class SessionRequest(Exception):
    """Raised by an interactive critic's ``score`` when the person asks for a session action, not a choice."""

    def __init__(self, action: str, chosen: list[int] | None = None) -> None:
        super().__init__(action)
        self.action = action  # one of ACTIONS
        self.chosen = chosen or [0]  # indices of the chosen images (the parent, 0, when none)


@runtime_checkable
class Interactive(Critic, Protocol):
    """A critic a person drives: shows a status line and messages, raises ``SessionRequest``."""

    status: str
    session_keys: bool

    def notify(self, text: str) -> None: ...
