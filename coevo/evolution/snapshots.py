"""A critic's state as far as scoring goes: kept by the master tournament and by a jury of past critics, where a
whole state (with Adam's moments, about two thirds of a network's bytes) would swell every checkpoint."""

from __future__ import annotations

import copy
from typing import Any


def is_optimiser_state(value: Any) -> bool:
    """Whether a state entry is a torch optimiser's state (it plays no part in scoring)."""
    return isinstance(value, dict) and "param_groups" in value and "state" in value


def scoring_state(state: Any) -> Any:
    """A deep copy of a critic's state without its optimisers' states."""
    if isinstance(state, dict):
        return {key: scoring_state(value) for key, value in state.items() if not is_optimiser_state(value)}
    return copy.deepcopy(state)


def completed(kept: Any, template: Any) -> Any:
    """``kept`` (a ``scoring_state``) with the entries it dropped taken from ``template``, a whole state of the
    same critic, so that ``load_state_dict`` takes it."""
    if isinstance(kept, dict) and isinstance(template, dict):
        return {key: completed(kept[key], value) if key in kept else value for key, value in template.items()}
    return kept
