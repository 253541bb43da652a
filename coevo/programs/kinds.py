"""The one table from a folder's kind (``coevo.store.runfolder.KINDS``) to the program that continues it."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

from coevo.errors import CoevoError
from coevo.protocols import Catalog
from coevo.store.runfolder import KINDS, folder_kind
from coevo.training.trainer import Program, Trainer

PROGRAMS = {"run": "coevo.programs.run:RunProgram", "fool": "coevo.programs.fool:FoolProgram",
            "ppgn": "coevo.programs.ppgn:PPGNProgram",
            "session": "coevo.programs.breed:BreedProgram",
            "grid": "coevo.programs.grid:GridProgram"}  # imported when needed: each brings its own imports
ELSEWHERE = {"compare": "continue it by running the same `coevo compare` command again"}


def program_for(kind: str, catalog: Catalog | None = None) -> Program:
    """The program that plays folders of ``kind``."""
    module, _, name = PROGRAMS[kind].partition(":")
    return getattr(importlib.import_module(module), name)(catalog)


def resume(folder: Path, rounds: int | None = None, force: bool = False,
           catalog: Catalog | None = None, workers: int = 0, scheduler: str | None = None) -> tuple[str, Any]:
    """Continue whatever ``folder`` holds from its last checkpoint; returns its kind and the program's result.
    A folder without a kind mark or files is taken for a run (whose resume names what is missing). ``workers`` and
    ``scheduler`` say where a grid's cells run (the same bytes wherever)."""
    kind = folder_kind(folder) or "run"
    if kind in ELSEWHERE:
        raise CoevoError(f"{folder} holds {KINDS[kind]}; " + ELSEWHERE[kind].format(dir=folder))
    if kind not in PROGRAMS:
        raise CoevoError(f"{folder} holds an unknown kind of folder ({kind!r}); pass a run, fooling, PPGN, grid or "
                         "breeding session folder")
    program = program_for(kind, catalog)
    if hasattr(program, "workers"):  # a grid: where its cells run
        program.workers, program.scheduler = workers, scheduler
    return kind, Trainer().resume(program, folder, rounds, force)
