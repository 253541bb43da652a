"""The one exception type the CLI turns into a single line on stderr and exit code 2."""

from __future__ import annotations


class CoevoError(Exception):
    """A user-facing problem: the message names what is wrong and how to fix it."""
