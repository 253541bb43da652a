"""coevo: artists make images, critics judge them, one loop plays them against each other.

The names below are imported on first use, so that ``import coevo`` (and ``coevo --help``) stays light.
"""

from __future__ import annotations

import importlib
from typing import Any

from coevo.errors import CoevoError

__version__ = "0.1.0"

_PUBLIC = {  # name -> module that defines it
    "Artist": "coevo.protocols", "Critic": "coevo.protocols", "Genetics": "coevo.protocols",
    "Proposal": "coevo.protocols", "Catalog": "coevo.protocols",
    "EvolutionConfig": "coevo.evolution.ga", "EvolutionaryArtist": "coevo.evolution.ga",
    "Individual": "coevo.evolution.ga",
    "FakePool": "coevo.fakes",
    "Hook": "coevo.loop", "LoopConfig": "coevo.loop", "Players": "coevo.loop", "Progress": "coevo.loop",
    "Stop": "coevo.loop", "coevolve": "coevo.loop", "play_round": "coevo.loop", "warm_up": "coevo.loop",
    "EveryRound": "coevo.schedules", "Phases": "coevo.schedules",
}

__all__ = ["CoevoError", *_PUBLIC]


def __getattr__(name: str) -> Any:
    if name not in _PUBLIC:
        raise AttributeError(f"module 'coevo' has no attribute {name!r}")
    return getattr(importlib.import_module(_PUBLIC[name]), name)
