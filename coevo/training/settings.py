"""One declaration per setting: a dataclass field whose metadata carries its help text and its checks, so that flags,
TOML, ``--help`` and validation all read the same place. Torch-free: ``coevo --help`` builds every flag from here."""

from __future__ import annotations

import math
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import MISSING, Field, field, fields
from typing import Any, TypeVar

from coevo.errors import CoevoError

Choices = Sequence[str] | Callable[[], Sequence[str]]  # names, or where to find them once needed (no torch at start)
Settings = TypeVar("Settings")  # a settings dataclass: RunConfig, FoolConfig, PPGNConfig, LoopConfig, ...


def setting(default: Any, help: str, *, low: float | None = None, high: float | None = None,
            above: float | None = None, choices: Choices | None = None, aliases: Sequence[str] = (),
            factory: Callable[[], Any] | None = None) -> Any:
    """A dataclass field with its help text and checks: ``low`` <= value (or ``above`` < value) <= ``high``, one of
    ``choices``; a float must be finite. ``aliases`` are extra flag spellings; ``factory`` makes a mutable default."""
    metadata = {"help": help, "low": low, "high": high, "above": above, "choices": choices, "aliases": tuple(aliases)}
    if factory is not None:
        return field(default_factory=factory, metadata=metadata)
    return field(default=default, metadata=metadata)


def borrow(cls: type, name: str) -> Any:
    """A copy of ``cls``'s declaration of ``name`` (default, help and checks), for a class that shares the setting."""
    [declared] = [f for f in fields(cls) if f.name == name]
    if declared.default_factory is not MISSING:
        return field(default_factory=declared.default_factory, metadata=declared.metadata)
    return field(default=declared.default, metadata=declared.metadata)


def default_of(declared: Field) -> Any:
    return declared.default_factory() if declared.default_factory is not MISSING else declared.default


def flag(name: str) -> str:
    """A setting's command-line spelling: ``critic_steps`` -> ``--critic-steps``."""
    return "--" + name.replace("_", "-")


def check(settings: Any) -> Any:
    """Check every declared field of a settings dataclass against its metadata; one ``CoevoError`` line naming the
    setting, the value and a valid example (its default) for the first that fails."""
    for declared in fields(settings):
        if "help" in declared.metadata:
            problem = _problem(getattr(settings, declared.name), declared.metadata)
            if problem:
                raise CoevoError(f"{declared.name} {problem}; pass e.g. {flag(declared.name)} "
                                 f"{default_of(declared)}")
    return settings


def _problem(value: Any, meta: dict[str, Any]) -> str | None:
    """What is wrong with ``value`` under ``meta``'s checks, as the end of a sentence; None when nothing is."""
    if meta["choices"] is not None:
        names = list(meta["choices"]() if callable(meta["choices"]) else meta["choices"])
        if value not in names:
            return f"must be {', '.join(names[:-1])} or {names[-1]} (got {value!r})" if len(names) > 1 else \
                f"must be {names[0]} (got {value!r})"
    if isinstance(value, float) and not math.isfinite(value):
        return f"must be a finite number (got {value})"
    low, high, above = meta["low"], meta["high"], meta["above"]
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if (low is not None and value < low) or (above is not None and value <= above) or (
            high is not None and value > high):
        left = f"({above}" if above is not None else f"[{low}"
        if high is not None:
            return f"must lie in {left}, {high}] (got {value})"
        return f"must be at least {low} (got {value})" if above is None else f"must be above {above} (got {value})"
    return None


def subset(cls: type[Settings], source: Any, prefix: str = "") -> Settings:
    """``cls`` built from the fields of ``source`` named ``prefix + name`` for each of its own (``phase_accuracy``
    -> ``PhaseRules.accuracy``); the rest keep their defaults."""
    return cls(**{f.name: getattr(source, prefix + f.name) for f in fields(cls) if hasattr(source, prefix + f.name)})


def parse_option(text: str) -> tuple[str, Any]:
    """``KEY=VALUE`` (an ``--artist-option``) with VALUE read as a TOML value (bare words are strings)."""
    key, sep, raw = text.partition("=")
    if not sep or not key:
        raise CoevoError(f"option {text!r} is not KEY=VALUE; write e.g. --artist-option channels=3")
    try:
        return key.strip(), tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        return key.strip(), raw
