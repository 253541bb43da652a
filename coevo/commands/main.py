"""The ``coevo`` command: one sub-command per module in ``coevo.commands``."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from coevo.errors import CoevoError

COMMANDS = ("run", "resume", "breed", "list", "render", "gallery", "fool", "compare", "sweep",
            "latent", "ppgn", "serve", "album", "grid")  # modules in coevo.commands, in --help order

DESCRIPTION = """\
coevo: evolutionary art by artist-critic co-evolution.

Artists make images, critics judge them, and one loop plays them against each other:
evolution against a CNN, breeding against a person, and GAN training are all the same loop.

Start with:  coevo run                      (GP artist vs CNN critic on the bundled digits)
             coevo list                     (what artists, critics and data sets there are)
             coevo COMMAND --help           (each command's options)
"""


class Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line and exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        sys.stderr.write(f"{self.prog}: error: {message} (see {self.prog} --help)\n")
        sys.exit(2)


def make_parser() -> Parser:
    parser = Parser(prog="coevo", description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    for name in COMMANDS:
        importlib.import_module(f"coevo.commands.{name}").add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = make_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    try:
        return int(args.handler(args) or 0)
    except CoevoError as exc:
        sys.stderr.write(f"coevo: error: {exc}\n")
        return 2
    except KeyboardInterrupt:
        sys.stderr.write("coevo: interrupted; resume a run with `coevo resume DIR`\n")
        return 130


if __name__ == "__main__":
    sys.exit(main())
