"""The turtle: runs a program under Vickers, Soderlund & Blair's art-school rules and returns its strokes.

The rules, from wofnot/hercl ``src/inter/art-school.cpp`` (commands) and ``src/inter/OCVCanvas.cpp`` (canvas):
a 128×128 white canvas; the pen starts down at (64, 64), heading 0, size 3, black (grey) or HLS (0, 128, 255)
(colour); every command is one step, and art-school runs one more than its max step (901 of 900); each
argument is first taken ``% 500`` (C's remainder, the
sign kept); ``fd d`` moves (d·sin θ, d·cos θ), at most 15 px while the pen is down (pen up: unlimited), and
the pen stays on the canvas (its position clamped to [0, 127]); ``rt a`` turns by ``a % 360`` degrees;
``size s`` sets ``|s % 4|`` (0 meaning 1); ``colour l h s`` sets HLS (each ``|v % 256|``; in grey ``|l % 255|``);
``pen`` toggles the pen, drawing a dot where it comes down; ``push``/``pop`` save and restore position, heading,
colour and size on a stack of 100 (a pop moves without drawing, but with the pen down lifts and lowers it, so
a dot in the colour and size before the pop marks where it lands; a push on a full or a pop on an empty stack
does nothing). Strokes are in canvas pixels; OpenCV draws pixel ``i`` centred at ``i + 0.5``.
"""

from __future__ import annotations

import colorsys
import math
from dataclasses import dataclass
from typing import NamedTuple

from coevo.toolkits.turtle.program import Program, blocks


@dataclass(frozen=True)
class Rules:
    """Vickers' art-school settings (art-school.template: max steps 900, max movement 15, push/pop, colour)."""

    canvas: int = 128
    max_steps: int = 900
    max_move: float = 15.0  # per pen-down move; <= 0 for no limit
    pushpop: bool = True
    colour: bool = True
    stack: int = 100


class Stroke(NamedTuple):
    """One pen-down move (a dot when its ends meet): ends in canvas pixels, pen size, RGB in [0, 1]."""

    x0: float
    y0: float
    x1: float
    y1: float
    size: int
    r: float
    g: float
    b: float


def cmod(a: int, n: int) -> int:
    """C's ``a % n``: the remainder takes the sign of ``a``."""
    return -(-a % n) if a < 0 else a % n


def hls_rgb(h: int, l: int, s: int) -> tuple[float, float, float]:  # noqa: E741 (hue, lightness, saturation)
    """OpenCV's 8-bit HLS (hue in 2-degree units, wrapping; lightness and saturation 0-255) as RGB in [0, 1]."""
    return colorsys.hls_to_rgb((2 * h % 360) / 360, l / 255, s / 255)


class _Budget(Exception):
    """The step (or instruction) budget is spent: the drawing is finished."""


def run(program: Program, rules: Rules = Rules()) -> tuple[list[Stroke], int]:
    """The strokes the program draws, and the number of steps it took."""
    match = blocks(program)
    size = rules.canvas
    state = {"x": size / 2, "y": size / 2, "angle": 0.0, "down": True, "size": 3, "steps": 0, "ticks": 0,
             "hls": (0, 128, 255), "grey": 0}
    stack: list[tuple] = []
    strokes: list[Stroke] = []
    ticks_limit = 16 * max(rules.max_steps + 1, 1)  # loops of empty blocks end too

    def rgb() -> tuple[float, float, float]:
        if rules.colour:
            return hls_rgb(*state["hls"])
        v = state["grey"] / 255
        return v, v, v

    def move_to(x: float, y: float, draw: bool) -> None:
        x0, y0 = state["x"], state["y"]
        state["x"], state["y"] = min(max(x, 0.0), size - 1.0), min(max(y, 0.0), size - 1.0)
        if draw:
            strokes.append(Stroke(x0, y0, state["x"], state["y"], state["size"], *rgb()))

    def command(op: str, args: tuple[int, ...]) -> None:
        if state["steps"] > rules.max_steps:  # art-school checks its step count after the command
            raise _Budget
        state["steps"] += 1
        args = tuple(cmod(v, 500) for v in args)
        if op == "pen":
            state["down"] = not state["down"]
            if state["down"]:
                move_to(state["x"], state["y"], True)
        elif op == "fd":
            d = args[0]
            if rules.max_move > 0 and state["down"] and abs(d) > rules.max_move:
                d = math.copysign(rules.max_move, d)
            move_to(state["x"] + d * math.sin(state["angle"]), state["y"] + d * math.cos(state["angle"]),
                    state["down"])
        elif op == "rt":
            state["angle"] = math.fmod(state["angle"] + cmod(args[0], 360) * math.pi / 180 + 2 * math.pi,
                                       2 * math.pi)
        elif op == "size":
            state["size"] = abs(cmod(args[0], 4)) or 1
        elif op == "colour":
            lightness, hue, saturation = (abs(cmod(v, 256)) for v in args)
            state["hls"] = (hue, lightness, saturation)
            state["grey"] = abs(cmod(args[0], 255))
        elif op == "push":
            if len(stack) < rules.stack:
                stack.append((state["x"], state["y"], state["angle"], state["hls"], state["grey"], state["size"]))
        elif op == "pop" and stack:
            x, y, angle, hls, grey, pen = stack.pop()
            move_to(x, y, False)
            if state["down"]:  # art-school lifts the pen, moves, lowers it: a dot, before the colour returns
                move_to(state["x"], state["y"], True)
            state["angle"], state["hls"], state["grey"], state["size"] = angle, hls, grey, pen

    def block(lo: int, hi: int) -> None:
        i = lo
        while i < hi:
            state["ticks"] += 1
            if state["ticks"] > ticks_limit:
                raise _Budget
            op, *args = program[i]
            if op == "repeat":
                end = match[i]
                for _ in range(args[0]):
                    block(i + 1, end)
                i = end + 1
                continue
            if op in ("push", "pop") and not rules.pushpop:
                pass  # not a command without push/pop (Vickers' pushpop setting off)
            elif op != "end":
                command(op, tuple(args))
            i += 1

    try:
        block(0, len(program))
    except _Budget:
        pass
    return strokes, state["steps"]
