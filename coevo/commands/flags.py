"""The one bridge from settings dataclasses to argparse: a flag per declared setting (``coevo.training.settings``),
its type from the annotation, its help and default from the declaration; and back, the settings a command line
named."""

from __future__ import annotations

import argparse
from collections.abc import Collection, Mapping
from dataclasses import fields, replace
from typing import Any, get_args, get_origin, get_type_hints

from coevo.training.settings import Settings, default_of, flag, parse_option


def add_flags(parser: argparse.ArgumentParser | argparse._ArgumentGroup, cls: type, *,
              only: Collection[str] = (), skip: Collection[str] = (), shown: Mapping[str, Any] | None = None) -> None:
    """A flag per setting of ``cls`` (or of those in ``only``, less ``skip``): ``--name-with-dashes`` and its
    aliases; a ``dict`` setting is a repeatable ``--name-option KEY=VALUE``. A flag not given is absent from the
    parsed namespace, so a config file's value stands; ``--help`` shows the default (or ``shown``'s, where a
    command's differs)."""
    hints = get_type_hints(cls)
    for declared in fields(cls):
        if (only and declared.name not in only) or declared.name in skip:
            continue
        kind, meta = hints[declared.name], declared.metadata
        default = (shown or {}).get(declared.name, default_of(declared))
        text = _escape(meta["help"])
        if get_origin(kind) is dict:
            parser.add_argument(flag(declared.name.removesuffix("s")), dest=declared.name, action="append",
                                metavar="KEY=VALUE", default=argparse.SUPPRESS, help=f"{text} (repeatable)")
            continue
        text += f" (default: {_escape(_show(default))})"
        names = [*meta["aliases"], flag(declared.name)]
        if kind is bool and default is True:  # on by default: --name and --no-name
            parser.add_argument(*names, dest=declared.name, action=argparse.BooleanOptionalAction,
                                default=argparse.SUPPRESS, help=text)
        elif kind is bool:
            parser.add_argument(*names, dest=declared.name, action="store_true", default=argparse.SUPPRESS, help=text)
        elif get_origin(kind) is list:
            parser.add_argument(*names, dest=declared.name, type=get_args(kind)[0], nargs="+",
                                default=argparse.SUPPRESS, help=text)
        else:
            parser.add_argument(*names, dest=declared.name, type=kind, default=argparse.SUPPRESS, help=text)


def help_of(cls: type, name: str) -> str:
    """The declared help text of one setting, for an argument ``add_flags`` does not make (a positional)."""
    [declared] = [f for f in fields(cls) if f.name == name]
    return _escape(declared.metadata["help"])


def given(args: argparse.Namespace, cls: type, only: Collection[str] = ()) -> dict[str, Any]:
    """The settings of ``cls`` (or of those in ``only``) the command line named, ``KEY=VALUE`` options read into
    tables."""
    values = {f.name: getattr(args, f.name) for f in fields(cls)
              if (not only or f.name in only) and getattr(args, f.name, None) is not None}
    hints = get_type_hints(cls)
    return {name: dict(parse_option(t) for t in value) if get_origin(hints[name]) is dict else value
            for name, value in values.items()}


def overlay(settings: Settings, values: Mapping[str, Any]) -> Settings:
    """``settings`` with ``values`` over it; a table (``artist_options``) is extended, key by key."""
    merged = {name: {**getattr(settings, name), **value} if isinstance(value, dict) else value
              for name, value in values.items()}
    return replace(settings, **merged)


def _show(default: Any) -> str:
    if default == "":
        return '""'
    if isinstance(default, list) and not default:
        return "none"
    return str(default)


def _escape(text: str) -> str:
    return text.replace("%", "%%")
