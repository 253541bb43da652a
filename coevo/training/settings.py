"""One declaration per setting: a dataclass field whose metadata carries its help text and its checks, so that flags,
TOML, ``--help`` and validation all read the same place. Torch-free: ``coevo --help`` builds every flag from here."""

from __future__ import annotations

import inspect
import math
import numbers
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import MISSING, Field, field, fields
from typing import Any, TypeVar

from coevo.errors import CoevoError

Choices = Sequence[str] | Callable[[], Sequence[str]]  # names, or where to find them once needed (no torch at start)
Settings = TypeVar("Settings")  # a settings dataclass: RunConfig, FoolConfig, PPGNConfig, LoopConfig, ...
Bound = float | Callable[[], float] | None  # a number, or how to find it when checked (the machine's cores)
Limits = dict[str, tuple[float, float]]  # a component's option bounds: name -> (low, high), checked by check_options
MEMORY_BUDGET = 2 * 1024**3  # bytes one command may grow to: sizes and counts are bounded to fit it (issue 29)
BASELINE = 512 * 1024**2  # what a command holds before its work (Python, torch, Numba): ~400 MB measured
DEFAULT_BYTES_PER_PIXEL = 256  # an artist's render memory per pixel where it declares none (HERCL's measured 235)
MAX_INT = 2**63 - 1  # TOML's (and SQLite's) largest integer: a settings file must be able to hold every value
MAX_NESTING = 32  # tables and arrays inside one TOML value or file; deeper is refused, not recursed into


def setting(default: Any, help: str, *, low: Bound = None, high: Bound = None,
            above: float | None = None, choices: Choices | None = None, aliases: Sequence[str] = (),
            factory: Callable[[], Any] | None = None) -> Any:
    """A dataclass field with its help text and checks: ``low`` <= value (or ``above`` < value) <= ``high``, one of
    ``choices``; a number must be real and finite. ``aliases`` are extra flag spellings; ``factory`` makes a
    mutable default."""
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


def _problem(value: Any, meta: Mapping[str, Any]) -> str | None:
    """What is wrong with ``value`` under ``meta``'s checks, as the end of a sentence; None when nothing is."""
    if meta.get("choices") is not None:
        names = list(meta["choices"]() if callable(meta["choices"]) else meta["choices"])
        if value not in names:
            return f"must be {', '.join(names[:-1])} or {names[-1]} (got {value!r})" if len(names) > 1 else \
                f"must be {names[0]} (got {value!r})"
    if isinstance(value, Mapping):  # a component's options: checked against the component (check_options)
        return None
    problem = number_problem(value)
    whole = isinstance(value, int) and not isinstance(value, bool)
    if problem and not whole:  # NaN, infinity, complex, too deep: no range to compare with
        return problem
    low, high, above = (_resolve(meta.get(key)) for key in ("low", "high", "above"))
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if (low is not None and value < low) or (above is not None and value <= above) or (
            high is not None and value > high):
        left = f"({above}" if above is not None else f"[{low}"
        if high is not None:
            return f"must lie in {left}, {high}] (got {value})"
        return f"must be at least {low} (got {value})" if above is None else f"must be above {above} (got {value})"
    return problem  # an integer beyond 64 bits where the declared range does not already say so


def value_problem(value: Any, low: Bound = None, high: Bound = None) -> str | None:
    """``_problem`` for a number that is no declared setting (an ad-hoc flag): real, finite, 64-bit, in range."""
    return _problem(value, {"low": low, "high": high})


def _resolve(bound: Bound) -> float | None:
    return bound() if callable(bound) else bound


def number_problem(value: Any, depth: int = 0) -> str | None:
    """What makes ``value`` no usable number, as the end of a sentence: NaN, an infinity, a complex value, an integer
    beyond 64 bits, here or inside a list or table (nested at most ``MAX_NESTING`` deep); None for a usable number or
    a non-number."""
    if depth > MAX_NESTING:
        return f"nests more than {MAX_NESTING} lists or tables deep"
    if isinstance(value, numbers.Complex) and not isinstance(value, numbers.Real):
        return f"must be a real number (got {value})"
    if isinstance(value, numbers.Real) and not isinstance(value, (bool, numbers.Integral)) and \
            not math.isfinite(float(value)):
        return f"must be a finite number (got {value})"
    if isinstance(value, numbers.Integral) and not isinstance(value, bool) and not -MAX_INT - 1 <= value <= MAX_INT:
        return f"must lie within 64-bit integers, at most {MAX_INT} (got {value})"
    if isinstance(value, Mapping):
        value = list(value.values())
    if isinstance(value, (list, tuple)):
        for item in value:
            problem = number_problem(item, depth + 1)
            if problem:
                return problem
    return None


NUMBER_KINDS = {int: int, float: float, "int": int, "float": float, "int | None": int, "float | None": float,
                "None | int": int, "None | float": float}  # a parameter annotation that asks for a plain number


def check_options(cls: Any, what: str, options: Mapping[str, Any], spelling: str) -> None:
    """The one check of a component's options (``--artist-option``, ``--critic-option``, a config's tables): each
    a real finite number where its constructor's annotation asks for a number (an integer where ``int``), and
    within the bounds the class declares in ``LIMITS`` (``{"nz": (1, 1024)}``); one ``CoevoError`` line naming
    the option, the value and a valid example, before anything is built."""
    try:
        params = inspect.signature(cls).parameters
    except (TypeError, ValueError):  # pragma: no cover - a builtin or C class: nothing to read
        params = {}
    limits = getattr(cls, "LIMITS", {})
    for key, value in options.items():
        param = params.get(key)
        default = None if param is None or param.default is inspect.Parameter.empty else param.default
        problem = number_problem(value)
        kind = NUMBER_KINDS.get(param.annotation) if param is not None and not isinstance(
            param.annotation, type(None)) and _hashable(param.annotation) else None
        if problem is None and kind is not None and value is not None:
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                problem = f"must be {'an integer' if kind is int else 'a number'} (got {value!r})"
            elif kind is int and isinstance(value, float) and not value.is_integer():
                problem = f"must be an integer (got {value!r})"
        if problem is None and key in limits:
            low, high = limits[key]
            problem = _problem(value, {"low": low, "high": high})
            if problem and default is None:
                default = _resolve(low)
        if problem:
            example = f"; pass e.g. {spelling} {key}={default}" if isinstance(default, (int, float, str)) else ""
            raise CoevoError(f"{what}: option {key} {problem}{example}")


def _hashable(value: Any) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


def check_memory(what: str, nbytes: float, fix: str) -> None:
    """Refuse work whose memory estimate ``nbytes`` would take the command past ``MEMORY_BUDGET``, in one line
    naming the estimate, the bound and ``fix``, before anything is allocated or written."""
    if nbytes > MEMORY_BUDGET - BASELINE:
        raise CoevoError(f"{what} would need about {nbytes / 1e9:.1f} GB of memory, over the "
                         f"{MEMORY_BUDGET // 1024**3} GB bound; {fix}")


def largest_side(bytes_per_pixel: float) -> int:
    """The largest square image side whose ``bytes_per_pixel`` working memory fits ``check_memory``'s bound."""
    return math.isqrt(int((MEMORY_BUDGET - BASELINE) / bytes_per_pixel))


def subset(cls: type[Settings], source: Any, prefix: str = "") -> Settings:
    """``cls`` built from the fields of ``source`` named ``prefix + name`` for each of its own (``phase_accuracy``
    -> ``PhaseRules.accuracy``); the rest keep their defaults."""
    return cls(**{f.name: getattr(source, prefix + f.name) for f in fields(cls) if hasattr(source, prefix + f.name)})


def parse_option(text: str) -> tuple[str, Any]:
    """``KEY=VALUE`` (an ``--artist-option``) with VALUE read as a TOML value (bare words are strings)."""
    key, sep, raw = text.partition("=")
    if not sep or not key:
        raise CoevoError(f"option {text!r} is not KEY=VALUE; write e.g. --artist-option channels=3")
    if raw.count("[") + raw.count("{") > MAX_NESTING:  # tomllib recurses per level: refuse before it overflows
        raise CoevoError(f"option {key.strip()} nests more than {MAX_NESTING} lists or tables; pass a flat value")
    try:
        return key.strip(), tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        return key.strip(), raw
