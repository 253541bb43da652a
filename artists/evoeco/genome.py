"""EvoEco genomes and their JSON form.

An ``Organism`` (mode ``agents``) is a palette of K colours, a seed and its agents. Each agent reads its
neighbourhood on the grid of palette indices: the colour under it chooses the colour it paints there
(``paint[under]``), and the colours of its four neighbours choose its move, to the neighbour scoring highest
by ``prefs[colour] + bias[direction]`` (directions N, E, S, W) plus up to ±``wander`` of noise from the
organism's seed. An ``Automaton`` (mode ``ca``) is a palette, an outer-totalistic rule (the next colour of a
cell from its own colour and the sum of its eight neighbours' indices), the density of its random start in
the middle of the grid (from its seed) and the number of generations.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from coevo.errors import CoevoError

MAX_AGENTS = 32
SEED_LIMIT = 2**31
MAX_GENERATIONS = 200


@dataclass(frozen=True)
class Agent:
    x: float
    y: float
    paint: tuple[int, ...]  # K palette indices: the colour painted over each colour
    prefs: tuple[int, ...]  # K scores, -9..9: how much a neighbour of each colour draws the agent
    bias: tuple[int, int, int, int]  # N, E, S, W scores, -9..9
    wander: int  # 0..9: noise added to each direction's score


@dataclass(frozen=True)
class Organism:
    palette: tuple[tuple[int, ...], ...]
    agents: tuple[Agent, ...]
    seed: int


@dataclass(frozen=True)
class Automaton:
    palette: tuple[tuple[int, ...], ...]
    rule: tuple[int, ...]  # K × (8(K - 1) + 1) palette indices, rule[state * width + neighbour sum]
    density: int  # percent of cells given a random non-background colour at the start
    generations: int
    seed: int


def rule_width(k: int) -> int:
    return 8 * (k - 1) + 1


def to_json(g: Organism | Automaton) -> dict[str, Any]:
    palette = [list(c) for c in g.palette]
    if isinstance(g, Automaton):
        return {"mode": "ca", "palette": palette, "rule": list(g.rule), "density": g.density,
                "generations": g.generations, "seed": g.seed}
    return {"mode": "agents", "palette": palette, "seed": g.seed,
            "agents": [{"x": a.x, "y": a.y, "paint": list(a.paint), "prefs": list(a.prefs), "bias": list(a.bias),
                        "wander": a.wander} for a in g.agents]}


def _int(value: Any, low: int, high: int, what: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise CoevoError(f"evoeco genome: {what} must be an integer in {low}..{high}, got {value!r}")
    return value


def _ints(value: Any, n: int, low: int, high: int, what: str) -> tuple[int, ...]:
    if not isinstance(value, list) or len(value) != n:
        raise CoevoError(f"evoeco genome: {what} must be a list of {n} integers, got {value!r}")
    return tuple(_int(v, low, high, what) for v in value)


def _fraction(value: Any, what: str) -> float:
    if not isinstance(value, int | float) or isinstance(value, bool) or not 0 <= value < 1:
        raise CoevoError(f"evoeco genome: {what} must be a number in [0, 1), got {value!r}")
    return float(value)


def from_json(data: Any, mode: str, k: int, channels: int) -> Organism | Automaton:
    """Parse a genome of ``mode`` with a ``k``-colour palette of ``channels`` channels; ``CoevoError`` if bad."""
    if not isinstance(data, dict):
        raise CoevoError("an evoeco genome must be a JSON object; write it with coevo")
    if data.get("mode") != mode:
        raise CoevoError(f"evoeco genome is in mode {data.get('mode')!r} but the artist is in mode {mode!r}; "
                         f"pass --artist-option mode={data.get('mode')}")
    palette = data.get("palette")
    if not isinstance(palette, list) or len(palette) != k:
        raise CoevoError(f"evoeco genome: palette must be a list of {k} colours (option colours={k})")
    colours = tuple(_ints(c, channels, 0, 255, f"palette colour ({channels} channels)") for c in palette)
    seed = _int(data.get("seed"), 0, SEED_LIMIT - 1, "seed")
    if mode == "ca":
        return Automaton(colours, _ints(data.get("rule"), k * rule_width(k), 0, k - 1, "rule"),
                         _int(data.get("density"), 0, 100, "density"),
                         _int(data.get("generations"), 1, MAX_GENERATIONS, "generations"), seed)
    agents = data.get("agents")
    if not isinstance(agents, list) or not 1 <= len(agents) <= MAX_AGENTS:
        raise CoevoError(f"evoeco genome: agents must be a list of 1 to {MAX_AGENTS} agents")
    parsed = []
    for i, d in enumerate(agents):
        if not isinstance(d, dict) or {"x", "y", "paint", "prefs", "bias", "wander"} - d.keys():
            raise CoevoError(f"evoeco genome: agent {i} must be an object with x, y, paint, prefs, bias, wander")
        parsed.append(Agent(_fraction(d["x"], f"agent {i} x"), _fraction(d["y"], f"agent {i} y"),
                            _ints(d["paint"], k, 0, k - 1, f"agent {i} paint"),
                            _ints(d["prefs"], k, -9, 9, f"agent {i} prefs"),
                            _ints(d["bias"], 4, -9, 9, f"agent {i} bias"),  # type: ignore[arg-type]
                            _int(d["wander"], 0, 9, f"agent {i} wander")))
    return Organism(colours, tuple(parsed), seed)
