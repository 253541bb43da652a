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
            "session": "coevo.programs.breed:BreedProgram"}  # imported when needed: each brings its own imports
ELSEWHERE = {"compare": "continue it by running the same `coevo compare` command again"}


def program_for(kind: str, catalog: Catalog | None = None) -> Program:
    """The program that plays folders of ``kind``."""
    module, _, name = PROGRAMS[kind].partition(":")
    return getattr(importlib.import_module(module), name)(catalog)


def resume(folder: Path, rounds: int | None = None, force: bool = False,
           catalog: Catalog | None = None) -> tuple[str, Any]:
    """Continue whatever ``folder`` holds from its last checkpoint; returns its kind and the program's result.
    A folder without a kind mark or files is taken for a run (whose resume names what is missing)."""
    kind = folder_kind(folder) or "run"
    if kind in ELSEWHERE:
        raise CoevoError(f"{folder} holds {KINDS[kind]}; " + ELSEWHERE[kind].format(dir=folder))
    if kind not in PROGRAMS:
        raise CoevoError(f"{folder} holds an unknown kind of folder ({kind!r}); pass a run, fooling, PPGN or "
                         "breeding session folder")
    return kind, Trainer().resume(program_for(kind, catalog), folder, rounds, force)
