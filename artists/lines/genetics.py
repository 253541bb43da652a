"""``LinesGenetics``: turtle line drawings as an evolutionary artist (see coevo.protocols.Genetics)."""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
import torch

from artists.lines import program
from artists.lines.program import Program
from coevo.errors import CoevoError
from coevo.toolkits.turtle import raster
from coevo.toolkits.turtle.fit import fit_strokes
from coevo.toolkits.turtle.rules import Rules, Stroke, run
from coevo.toolkits.turtle.svg import strokes_svg
from coevo.toolkits.turtle.trace import trace
from coevo.training.settings import Limits


def pack(drawings: list[list[Stroke]]) -> tuple[np.ndarray, np.ndarray]:
    """Every drawing's strokes in one ``(M, 8)`` array, and where each drawing's start."""
    offsets = np.zeros(len(drawings) + 1, dtype=np.int64)
    offsets[1:] = np.cumsum([len(d) for d in drawings])
    rows = [s for d in drawings for s in d]
    strokes = np.asarray(rows, dtype=np.float64).reshape(-1, raster.FIELDS)
    return strokes, offsets


def fitted(strokes: list[Stroke], canvas: int, fit: bool) -> list[Stroke]:
    """The strokes, zoomed to fill the canvas when ``fit`` (``coevo.toolkits.turtle.fit``)."""
    if not fit or not strokes:
        return strokes
    return [Stroke(*row) for row in fit_strokes(*pack([strokes]), canvas).tolist()]


class LinesGenetics:
    """Vickers' turtle drawings: 128×128 white canvas, at most 900 steps and 15 px per pen-down move, pen sizes
    from ``size % 4``, HLS colour (``channels=3``) or grey (``channels=1``), push/pop; ``fit`` zooms each drawing
    to fill its box (a display: off by default, so the critics see Vickers' canvas; breeding turns it on)."""

    # options a breeding session turns on unless named (coevo.programs.breed.configure): its boxes show drawings
    BREEDING: ClassVar[dict[str, Any]] = {"fit": True}

    # render memory a pixel holds per channel (13 measured at 4096 pixels, grey): `coevo render` bounds --size by it
    RENDER_BYTES: ClassVar[int] = 16

    # option bounds (coevo.training.settings.check_options)
    LIMITS: ClassVar[Limits] = {"canvas": (8, 4096), "max_steps": (1, 100_000), "max_length": (1, 10_000)}

    def __init__(self, channels: int = 1, canvas: int = 128, max_steps: int = 900, max_move: float = 15.0,
                 pushpop: bool = True, max_length: int = 64, min_length: int = 6, start_length: int = 24,
                 fit: bool = False) -> None:
        if channels not in (1, 3):
            raise ValueError(f"channels must be 1 (grey) or 3 (HLS colour), got {channels}")
        if canvas < 8 or max_steps < 1:
            raise ValueError("canvas must be at least 8 pixels and max_steps at least 1")
        if not 1 <= min_length <= start_length <= max_length:
            raise ValueError("lengths must satisfy 1 <= min_length <= start_length <= max_length")
        self.channels = channels
        self.rules = Rules(canvas=canvas, max_steps=max_steps, max_move=float(max_move), pushpop=bool(pushpop),
                           colour=channels == 3)
        self.max_length, self.min_length, self.start_length = max_length, min_length, start_length
        self.fit = bool(fit)

    def random_genome(self, min_strokes: int = 24, tries: int = 20) -> Program:
        """A random program, drawn again (up to ``tries`` times) while it draws fewer than ``min_strokes``."""
        for _ in range(tries):
            genome = program.random_program((self.min_length, self.start_length), self.rules.pushpop)
            if len(self.strokes(genome)) >= min_strokes:
                break
        return genome

    def mutate(self, genome: Program, strength: float = 1.0) -> Program:
        return program.mutate(genome, strength, self.max_length, self.rules.pushpop)

    def crossover(self, a: Program, b: Program) -> tuple[Program, Program]:
        return program.crossover(a, b, self.max_length)

    def strokes(self, genome: Program) -> list[Stroke]:
        return run(genome, self.rules)[0]

    def render(self, genomes: list[Program], size: int) -> torch.Tensor:
        r = self.rules
        strokes, offsets = trace(genomes, r.canvas, r.max_steps, r.max_move, r.pushpop, r.colour, r.stack)
        if self.fit:
            strokes = fit_strokes(strokes, offsets, r.canvas)
        images = raster.draw(strokes, offsets, self.rules.canvas, self.channels, size)
        return torch.from_numpy(images * 2 - 1)

    def svg(self, genome: Program, size: int) -> str:
        """The strokes as SVG lines in canvas pixels (a viewBox scales them to ``size``)."""
        return strokes_svg(fitted(self.strokes(genome), self.rules.canvas, self.fit), self.rules.canvas, size)

    def options(self) -> dict[str, Any]:
        r = self.rules
        return {"channels": self.channels, "canvas": r.canvas, "max_steps": r.max_steps, "max_move": r.max_move,
                "pushpop": r.pushpop, "max_length": self.max_length, "min_length": self.min_length,
                "start_length": self.start_length, "fit": self.fit}

    def to_json(self, genome: Program) -> dict[str, Any]:
        return program.to_json(genome)

    def from_json(self, data: dict[str, Any]) -> Program:
        if not isinstance(data, dict):
            raise CoevoError("a lines genome must be a JSON object; write it with coevo")
        return program.from_json(data)
