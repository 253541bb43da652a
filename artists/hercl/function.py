"""``hercl-function``: a HERCL program per image maps each pixel's input message (x, y, r, θ) to a grey value.

x and y are in [-1, 1] (y up), r the distance from the centre, θ the angle. The pixel's value is the first
value of the program's first output message, else the top of its stack, else 0; NaN becomes 0 and the rest is
clamped to [-1, 1]. Execution is bounded by ``max_steps`` per pixel. Variation is HERCsearch-style
(``coevo.hercl.variation``): point/insert/delete mutations, and bar, branch or cell crossover.
"""

from __future__ import annotations

import math
import random
from typing import Any

import numpy as np
import torch

from coevo.errors import CoevoError
from coevo.hercl import Program, parse, run
from coevo.hercl.program import Bar, Instr
from coevo.hercl.variation import crossover, mutate, random_program


def pixel_value(program: Program, message: list[float], max_steps: int) -> float:
    result = run(program, [message], max_steps=max_steps)
    if result.outputs and result.outputs[0]:
        v = result.outputs[0][0]
    elif result.stack:
        v = result.stack[-1]
    else:
        v = 0.0
    return 0.0 if math.isnan(v) else max(-1.0, min(1.0, v))


class HERCLFunctionGenetics:
    """Random HERCL programs (reading their pixel first), HERCsearch variation, per-pixel rendering."""

    channels = 1

    def __init__(self, cells: int = 2, registers: int = 4, stack: int = 16, max_steps: int = 60) -> None:
        if cells < 1 or registers < 0 or stack < 1 or max_steps < 1:
            raise ValueError("need cells >= 1, registers >= 0, stack >= 1, max_steps >= 1")
        self.cells, self.registers, self.stack, self.max_steps = cells, registers, stack, max_steps

    def options(self) -> dict[str, Any]:
        return {"cells": self.cells, "registers": self.registers, "stack": self.stack,
                "max_steps": self.max_steps}

    def random_genome(self) -> Program:
        p = random_program(self.cells, self.registers, self.stack)
        main = p.cells[-1]
        # the pixel's four inputs first: i s s s s
        head = Bar((Instr("i"), *(Instr("s") for _ in range(4)), *main[0].instrs), main[0].end)
        return Program((*p.cells[:-1], (head, *main[1:])), p.num_reg, p.stack_size, p.mem_size)

    def mutate(self, genome: Program, strength: float = 1.0) -> Program:
        n = max(1, int(strength) + (random.random() < strength - int(strength)))
        for _ in range(n):
            genome = mutate(genome)
        return genome

    def crossover(self, a: Program, b: Program) -> tuple[Program, Program]:
        return crossover(a, b), crossover(b, a)

    def render(self, genomes: list[Program], size: int) -> torch.Tensor:
        coords = (np.arange(size) + 0.5) / size * 2 - 1
        out = np.zeros((len(genomes), 1, size, size), dtype=np.float32)
        for n, g in enumerate(genomes):
            for row in range(size):
                y = -coords[row]
                for col in range(size):
                    x = coords[col]
                    msg = [x, y, math.hypot(x, y), math.atan2(y, x)]
                    out[n, 0, row, col] = pixel_value(g, msg, self.max_steps)
        return torch.from_numpy(out)

    def to_json(self, genome: Program) -> dict[str, Any]:
        return {"program": genome.text()}

    def from_json(self, data: dict[str, Any]) -> Program:
        if not isinstance(data, dict) or not isinstance(data.get("program"), str):
            raise CoevoError("a hercl-function genome must be a JSON object with a 'program' text; "
                             "write it with coevo")
        return parse(data["program"])
