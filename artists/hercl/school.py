"""``hercl-school``: Vickers' art school, ``artists`` HERCL line-drawing artists a phase, each searching on its
own until it fools the jury or runs out of evaluations (``coevo.evolution.school``; the drawings are
``hercl-lines``'); wofnot/hercl's ``settings.template``: 10 artists, ``max_eval`` 10^6."""

from __future__ import annotations

from typing import ClassVar

from artists.hercl.lines import HERCLLinesGenetics
from coevo.evolution.school import MAX_ARTISTS, ArtSchool
from coevo.training.settings import Limits


class HERCLSchool(ArtSchool):
    """An ``ArtSchool`` of ``hercl-lines`` artists (``coevo.protocols.SchoolingArtist``)."""

    # option bounds (coevo.training.settings.check_options): the line options' and the school's own
    LIMITS: ClassVar[Limits] = {**HERCLLinesGenetics.LIMITS, "artists": (1, MAX_ARTISTS),
                                "evaluations": (1, 10**9), "children": (1, 1000), "workers": (0, 64)}

    def __init__(self, channels: int = 1, size: int = 128, artists: int = 10, evaluations: int = 1_000_000,
                 children: int = 10, transgenic: float = 0.3, workers: int = 0, cells: int = 1,
                 registers: int = 4, stack: int = 16, max_steps: int = 10_000, canvas: int = 128, moves: int = 900,
                 max_move: float = 15.0, pushpop: bool = True, loops: float = 0.2) -> None:
        genetics = HERCLLinesGenetics(channels=channels, cells=cells, registers=registers, stack=stack,
                                      max_steps=max_steps, canvas=canvas, moves=moves, max_move=max_move,
                                      pushpop=pushpop, loops=loops)
        super().__init__(genetics, size, artists, evaluations, children, transgenic, workers, "hercl-lines")
