"""An ant painting's genome: 8-12 ants, each with genes for movement, deposit and the colour it follows, plus the
seed of the painting's own random draws; JSON form and validation.

Per ant: its start (``x``, ``y`` as fractions of the grid) and ``heading`` (0-7: N, NE, E, SE, S, SW, W, NW);
``turns``, the weights of turning left, going ahead or turning right when nothing ahead is its colour;
``paint``, the colour it deposits, and ``alpha``, how much (1-256, out of 256, blended into the cell);
``follow``, the colour it seeks among the three cells ahead, and ``tolerance``, how near (mean absolute
difference per channel, 0-255) a cell must be to count. Colours have one value per channel (grey or RGB).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from coevo.errors import CoevoError


@dataclass(frozen=True)
class Ant:
    x: float
    y: float
    heading: int
    turns: tuple[int, int, int]  # left, ahead, right
    paint: tuple[int, ...]
    alpha: int
    follow: tuple[int, ...]
    tolerance: int


@dataclass(frozen=True)
class Painting:
    ants: tuple[Ant, ...]
    seed: int  # the simulation's own random draws (turns) come from this, so a genome always paints the same


MAX_ANTS = 32
SEED_LIMIT = 2**31


def to_json(p: Painting) -> dict[str, Any]:
    return {"seed": p.seed, "ants": [{"x": a.x, "y": a.y, "heading": a.heading, "turns": list(a.turns),
                                      "paint": list(a.paint), "alpha": a.alpha, "follow": list(a.follow),
                                      "tolerance": a.tolerance} for a in p.ants]}


def _int(value: Any, low: int, high: int, what: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise CoevoError(f"ant painting genome: {what} must be an integer in {low}..{high}, got {value!r}")
    return value


def _ints(value: Any, n: int, low: int, high: int, what: str) -> tuple[int, ...]:
    if not isinstance(value, list) or len(value) != n:
        raise CoevoError(f"ant painting genome: {what} must be a list of {n} integers, got {value!r}")
    return tuple(_int(v, low, high, what) for v in value)


def _fraction(value: Any, what: str) -> float:
    if not isinstance(value, int | float) or isinstance(value, bool) or not 0 <= value < 1:
        raise CoevoError(f"ant painting genome: {what} must be a number in [0, 1), got {value!r}")
    return float(value)


def from_json(data: Any, channels: int) -> Painting:
    """Parse and check a genome for ``channels``-channel colours; ``CoevoError`` naming the problem."""
    if not isinstance(data, dict) or not isinstance(data.get("ants"), list):
        raise CoevoError("an ant painting genome must be a JSON object with 'seed' and an 'ants' list; "
                         "write it with coevo")
    if not 1 <= len(data["ants"]) <= MAX_ANTS:
        raise CoevoError(f"ant painting genome has {len(data['ants'])} ants; it needs 1 to {MAX_ANTS}")
    ants = []
    for i, d in enumerate(data["ants"]):
        where = f"ant {i}"
        if not isinstance(d, dict):
            raise CoevoError(f"ant painting genome: {where} must be an object")
        missing = {"x", "y", "heading", "turns", "paint", "alpha", "follow", "tolerance"} - d.keys()
        if missing:
            raise CoevoError(f"ant painting genome: {where} lacks {', '.join(sorted(missing))}")
        turns = _ints(d["turns"], 3, 0, 100, f"{where} turns")
        if not sum(turns):
            raise CoevoError(f"ant painting genome: {where} turns must not all be 0")
        ants.append(Ant(_fraction(d["x"], f"{where} x"), _fraction(d["y"], f"{where} y"),
                        _int(d["heading"], 0, 7, f"{where} heading"), turns,  # type: ignore[arg-type]
                        _ints(d["paint"], channels, 0, 255, f"{where} paint ({channels} channels)"),
                        _int(d["alpha"], 1, 256, f"{where} alpha"),
                        _ints(d["follow"], channels, 0, 255, f"{where} follow ({channels} channels)"),
                        _int(d["tolerance"], 0, 255, f"{where} tolerance")))
    return Painting(tuple(ants), _int(data.get("seed"), 0, SEED_LIMIT - 1, "seed"))
