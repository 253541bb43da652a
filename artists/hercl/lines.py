"""``hercl-lines``: a HERCL program's output messages drive Vickers' turtle (Vickers, Soderlund & Blair 2017).

The program runs once, reading no input; every message it sends is one turtle command, read by the rules of
wofnot/hercl ``src/inter/art-school.cpp`` (``env_continue``): at most five values are read, each clamped from
above to 128·128 (not from below, as there), truncated to an integer (INT_MIN past it, as x86 converts) and
taken ``% 500`` (C's remainder);
the first picks the command ``|v % 7|`` (``|v % 5|`` without push/pop): pen, forward, turn, size, colour, push,
pop; the next ones are its arguments, a missing one taking art-school's default (forward 1, turn 10 degrees,
size 1, grey 0); in colour the arguments are lightness, hue, saturation, and those not given keep their values
(art-school.h; the code indexes them off by one). An empty or non-finite message ends the drawing (art-school
ends it with a penalty cost), so does the HERCL step limit ``max_steps`` (art-school gives 10,000 steps a
move and rejects an artist that overruns) or the 901st command (art-school runs one past its max step).
The commands then run on the core turtle
(``coevo.toolkits.turtle``, the ``lines`` artist's canvas: 128×128, 15 px per pen-down move, pen sizes, HLS).
Variation is HERCsearch-style (``coevo.toolkits.hercl.variation``), plus a loop mutation (``loops``, a fifth of the
mutations: a branch back appended to or dropped from a bar's end), as this population search is far shorter
than Vickers' hercsearch runs (up to 10⁶ evaluations an artist).
"""

from __future__ import annotations

import math
from typing import Any, ClassVar

import numpy as np
import torch

from coevo.errors import CoevoError
from coevo.rng import python_rng
from coevo.toolkits.hercl import Program, parse, run
from coevo.toolkits.hercl.program import Bar, Instr
from coevo.toolkits.hercl.variation import crossover, mutate, random_program
from coevo.toolkits.turtle import raster
from coevo.toolkits.turtle.fit import fit_strokes
from coevo.toolkits.turtle.program import COMMANDS
from coevo.toolkits.turtle.program import Program as Turtle
from coevo.toolkits.turtle.rules import Rules, Stroke
from coevo.toolkits.turtle.rules import run as run_turtle
from coevo.toolkits.turtle.svg import strokes_svg
from coevo.toolkits.turtle.trace import trace
from coevo.training.settings import Limits

DEFAULTS = {"fd": 1, "rt": 10, "size": 1}  # art-school's value of a missing argument
STACK = 100  # art-school's turtle stack (STACK_SIZE)


def crem(a: int, n: int) -> int:
    """C's ``a % n``: the remainder takes the sign of ``a``."""
    return -((-a) % n) if a < 0 else a % n


def cint(v: float) -> int:
    """Art-school's ``((int) v) % 500``, for a finite ``v`` clamped from above to 128·128 first."""
    t = math.trunc(min(128 * 128, v))  # C's cast truncates toward zero; x86 gives INT_MIN past the int range
    return crem(t if t >= -2**31 else -2**31, 500)


def commands(messages: list[list[float]], pushpop: bool = True, colour: bool = False,
             limit: int = 900) -> Turtle:
    """The turtle program that art-school reads from a HERCL artist's output messages."""
    out: list[tuple] = []
    hls = [128, 0, 255]  # lightness, hue, saturation (the canvas's starting pen)
    saved: list[list[int]] = []
    for message in messages[:limit + 1]:
        values = message[:5]
        if not values or not all(math.isfinite(v) for v in values):
            break
        msg = [cint(v) for v in values]
        op = COMMANDS[abs(crem(msg[0], 7 if pushpop else 5))]
        args = msg[1:]
        if op == "colour":
            if colour:
                for k, v in enumerate(args[:3]):
                    hls[k] = abs(v) % 256  # |v % 256| with C's remainder
                out.append(("colour", *hls))
            else:
                out.append(("colour", args[0] if args else 0, 0, 0))
        elif op in DEFAULTS:
            out.append((op, args[0] if args else DEFAULTS[op]))
        else:
            out.append((op,))
        if op == "push" and len(saved) < STACK:
            saved.append(list(hls))
        elif op == "pop" and saved:
            hls = saved.pop()
    return tuple(out)


def toggle_loop(genome: Program) -> Program:
    """A random bar of ``genome`` with a branch back (``;``) added at its end, or dropped when it ends in one."""
    rng = python_rng()
    c = rng.randrange(len(genome.cells))
    b = rng.randrange(len(genome.cells[c]))
    bar = genome.cells[c][b]
    ends = bool(bar.instrs) and bar.instrs[-1] == Instr(";")
    instrs = bar.instrs[:-1] if ends else (*bar.instrs, Instr(";"))
    cell = (*genome.cells[c][:b], Bar(instrs, bar.end), *genome.cells[c][b + 1:])
    return Program((*genome.cells[:c], cell, *genome.cells[c + 1:]), genome.num_reg, genome.stack_size,
                   genome.mem_size)


class HERCLLinesGenetics:
    """HERCL programs whose messages are turtle commands; HERCsearch variation; the core turtle draws them;
    ``fit`` zooms each drawing to fill its box (a display: off by default; breeding turns it on)."""

    # options a breeding session turns on unless named (coevo.programs.breed.configure): its boxes show drawings
    BREEDING: ClassVar[dict[str, Any]] = {"fit": True}

    # render memory a pixel holds per channel (the lines artist's turtle): `coevo render` bounds --size by it
    RENDER_BYTES: ClassVar[int] = 16

    # option bounds (coevo.training.settings.check_options): art-school gives a drawing 10,000 steps; 1,000,000 is
    # 100 times that (a random number is drawn per step ahead of the run)
    LIMITS: ClassVar[Limits] = {"cells": (1, 64), "registers": (0, 256), "stack": (1, 4096),
                                "max_steps": (1, 1_000_000), "canvas": (8, 4096), "moves": (1, 100_000)}

    def __init__(self, channels: int = 1, cells: int = 1, registers: int = 4, stack: int = 16,
                 max_steps: int = 10_000, canvas: int = 128, moves: int = 900, max_move: float = 15.0,
                 pushpop: bool = True, loops: float = 0.2, fit: bool = False) -> None:
        if channels not in (1, 3):
            raise ValueError(f"channels must be 1 (grey) or 3 (HLS colour), got {channels}")
        if not 0.0 <= loops <= 1.0:
            raise ValueError(f"loops is a probability in [0, 1], got {loops}")
        self.loops, self.fit = loops, bool(fit)
        if cells < 1 or registers < 0 or stack < 1 or max_steps < 1 or moves < 1 or canvas < 8:
            raise ValueError("need cells, stack, max_steps, moves >= 1, registers >= 0 and canvas >= 8")
        self.channels, self.cells, self.registers, self.stack, self.max_steps = (channels, cells, registers,
                                                                                  stack, max_steps)
        self.rules = Rules(canvas=canvas, max_steps=moves, max_move=float(max_move), pushpop=bool(pushpop),
                           colour=channels == 3)

    def options(self) -> dict[str, Any]:
        r = self.rules
        return {"channels": self.channels, "cells": self.cells, "registers": self.registers, "stack": self.stack,
                "max_steps": self.max_steps, "canvas": r.canvas, "moves": r.max_steps, "max_move": r.max_move,
                "pushpop": r.pushpop, "loops": self.loops, "fit": self.fit}

    def random_genome(self) -> Program:
        """A random program whose main cell ends by sending what it made (``w o``), so it draws something."""
        p = random_program(self.cells, self.registers, self.stack)
        main = p.cells[-1]
        last = Bar((*main[-1].instrs, Instr("w"), Instr("o")), main[-1].end)
        return Program((*p.cells[:-1], (*main[:-1], last)), p.num_reg, p.stack_size, p.mem_size)

    def mutate(self, genome: Program, strength: float = 1.0) -> Program:
        """``strength`` HERCsearch mutations (stochastically rounded, at least one); a fifth of the time instead a
        branch back (``;``) appears at or leaves a bar's end, so a drawing loop comes or goes in one step."""
        rng = python_rng()
        if rng.random() < self.loops:
            return toggle_loop(genome)
        n = max(1, int(strength) + (rng.random() < strength - int(strength)))
        for _ in range(n):
            genome = mutate(genome)
        return genome

    def crossover(self, a: Program, b: Program) -> tuple[Program, Program]:
        return crossover(a, b), crossover(b, a)

    def turtle(self, genome: Program) -> Turtle:
        """The turtle commands the program's messages make."""
        r = self.rules
        sent = run(genome, None, max_steps=self.max_steps).outputs  # messages past the 900th are not read
        return commands(sent, r.pushpop, r.colour, r.max_steps)

    def strokes(self, genome: Program) -> list[Stroke]:
        return run_turtle(self.turtle(genome), self.rules)[0]

    def render(self, genomes: list[Program], size: int) -> torch.Tensor:
        r = self.rules
        programs = [self.turtle(g) for g in genomes]
        strokes, offsets = trace(programs, r.canvas, r.max_steps, r.max_move, r.pushpop, r.colour, r.stack)
        if self.fit:
            strokes = fit_strokes(strokes, offsets, r.canvas)
        return torch.from_numpy(raster.draw(strokes, offsets, r.canvas, self.channels, size) * 2 - 1)

    def svg(self, genome: Program, size: int) -> str:
        strokes = self.strokes(genome)
        if self.fit and strokes:
            offsets = np.array([0, len(strokes)])
            strokes = [Stroke(*row) for row in fit_strokes(np.asarray(strokes, dtype=np.float64), offsets,
                                                            self.rules.canvas).tolist()]
        return strokes_svg(strokes, self.rules.canvas, size)

    def to_json(self, genome: Program) -> dict[str, Any]:
        return {"program": genome.text()}

    def from_json(self, data: dict[str, Any]) -> Program:
        if not isinstance(data, dict) or not isinstance(data.get("program"), str):
            raise CoevoError("a hercl-lines genome must be a JSON object with a 'program' text; write it with coevo")
        return parse(data["program"])
