"""``hercl-function``: a HERCL program per image maps each pixel's input message (x, y, r, θ) to a grey value.

x and y are in [-1, 1] (y up), r the distance from the centre, θ the angle. The pixel's value is the first
value of the program's first output message, else the top of its stack, else 0; NaN becomes 0 and the rest is
clamped to [-1, 1]. Execution is bounded by ``max_steps`` per pixel. A population renders on the compiled engine
(``coevo.toolkits.hercl.fast.run_batch``: one program over all its pixels; ``engine="python"`` for the reference).
Variation is HERCsearch-style (``coevo.toolkits.hercl.variation``): point/insert/delete mutations, bar, branch, cell or
block crossover, and, as HERCsearch's transgenic level, a mutation may instead be a crossover with a program of
the library (``coevo.toolkits.hercl.library``) that holds the champions of earlier generations.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Any, ClassVar

import numpy as np
import torch

from coevo.errors import CoevoError
from coevo.rng import python_rng
from coevo.toolkits.hercl import Program, parse, run
from coevo.toolkits.hercl.fast import run_batch
from coevo.toolkits.hercl.library import Library
from coevo.toolkits.hercl.program import Bar, Instr
from coevo.toolkits.hercl.variation import crossover, library_crossover, mutate, random_program
from coevo.training.settings import Limits

ENGINES = ("numba", "python")


def pixel_value(program: Program, message: list[float], max_steps: int, engine: str = "python") -> float:
    """One pixel's grey value, run on one engine."""
    result = run(program, [message], max_steps=max_steps, engine=engine)
    if result.outputs and result.outputs[0]:
        v = result.outputs[0][0]
    elif result.stack:
        v = result.stack[-1]
    else:
        v = 0.0
    return 0.0 if math.isnan(v) else max(-1.0, min(1.0, v))


@lru_cache(maxsize=8)
def pixel_inputs(size: int) -> np.ndarray:
    """Each pixel's message (x, y, r, θ), row by row, ``(size * size, 4)``; r and θ by Python's ``math`` (as the
    reference interpreter's pixels get them)."""
    coords = (np.arange(size) + 0.5) / size * 2 - 1
    rows = [[float(x), float(-y), math.hypot(x, -y), math.atan2(-y, x)] for y in coords for x in coords]
    out = np.array(rows, np.float64).reshape(size * size, 4)
    out.flags.writeable = False
    return out


class HERCLFunctionGenetics:
    """Random HERCL programs (reading their pixel first), HERCsearch variation, per-pixel rendering."""

    # render memory a pixel holds per channel (235 measured at 2048 pixels): `coevo render` bounds --size by it
    RENDER_BYTES: ClassVar[int] = 256

    # option bounds (coevo.training.settings.check_options): steps are per pixel, so 10,000 of them already cost
    # 10^10 steps for a 1024-pixel image
    LIMITS: ClassVar[Limits] = {"cells": (1, 64), "registers": (0, 256), "stack": (1, 4096), "max_steps": (1, 10_000),
                                "library": (0, 10_000)}

    channels = 1

    def __init__(self, cells: int = 2, registers: int = 4, stack: int = 16, max_steps: int = 60,
                 library: int = 32, transgenic: float = 0.25, engine: str = "numba") -> None:
        if cells < 1 or registers < 0 or stack < 1 or max_steps < 1 or library < 0:
            raise ValueError("need cells >= 1, registers >= 0, stack >= 1, max_steps >= 1, library >= 0")
        if not 0.0 <= transgenic <= 1.0 or engine not in ENGINES:
            raise ValueError(f"need 0 <= transgenic <= 1 and engine one of {', '.join(ENGINES)}")
        self.cells, self.registers, self.stack, self.max_steps = cells, registers, stack, max_steps
        self.transgenic, self.engine = transgenic, engine
        self.library = Library(library) if library else None

    def options(self) -> dict[str, Any]:
        return {"cells": self.cells, "registers": self.registers, "stack": self.stack,
                "max_steps": self.max_steps, "library": self.library.capacity if self.library else 0,
                "transgenic": self.transgenic, "engine": self.engine}

    def random_genome(self) -> Program:
        p = random_program(self.cells, self.registers, self.stack)
        main = p.cells[-1]
        # the pixel's four inputs first: i s s s s
        head = Bar((Instr("i"), *(Instr("s") for _ in range(4)), *main[0].instrs), main[0].end)
        return Program((*p.cells[:-1], (head, *main[1:])), p.num_reg, p.stack_size, p.mem_size)

    def mutate(self, genome: Program, strength: float = 1.0) -> Program:
        rng = python_rng()
        n = max(1, int(strength) + (rng.random() < strength - int(strength)))
        for _ in range(n):
            if self.library and rng.random() < self.transgenic:
                genome = library_crossover(genome, self.library)
            else:
                genome = mutate(genome)
        return genome

    def crossover(self, a: Program, b: Program) -> tuple[Program, Program]:
        return crossover(a, b), crossover(b, a)

    # the library: each judged generation's champion (coevo.protocols.RememberingGenetics)

    def remember(self, genome: Program, fitness: float) -> None:
        if self.library is not None:
            self.library.add(genome)

    def memory_state(self) -> dict[str, Any]:
        return {"library": self.library.state_dict() if self.library else None}

    def load_memory_state(self, state: dict[str, Any]) -> None:
        if state.get("library") is not None:
            self.library = Library.from_state(state["library"])

    def render(self, genomes: list[Program], size: int) -> torch.Tensor:
        inputs = pixel_inputs(size)
        out = np.zeros((len(genomes), 1, size, size), dtype=np.float32)
        for n, g in enumerate(genomes):
            if self.engine == "python":
                values = np.array([pixel_value(g, msg, self.max_steps) for msg in inputs.tolist()])
            else:
                batch = run_batch(g, inputs, max_steps=self.max_steps)
                v = np.where(batch.output_len > 0, batch.output[:, 0], batch.top())
                values = np.where(np.isnan(v), 0.0, np.clip(v, -1.0, 1.0))
            out[n, 0] = values.reshape(size, size)
        return torch.from_numpy(out)

    def to_json(self, genome: Program) -> dict[str, Any]:
        return {"program": genome.text()}

    def from_json(self, data: dict[str, Any]) -> Program:
        if not isinstance(data, dict) or not isinstance(data.get("program"), str):
            raise CoevoError("a hercl-function genome must be a JSON object with a 'program' text; "
                             "write it with coevo")
        return parse(data["program"])
