"""Games that stop when whoever asked for them has let them go (a Dask task whose client stopped or died).

A task running on a worker cannot be interrupted from outside; so the code that runs it says, for its context,
how to tell that it was let go (``abandoned_when``), and every game the trainer plays there checks between
rounds and ends with ``Abandoned``: no orphan keeps writing a run folder that a later command plays again. The
folder keeps its last checkpoint, so the run resumes as after a kill.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from coevo.loop import Hook, Progress

_CHECK: ContextVar[Callable[[], bool] | None] = ContextVar("coevo_abandoned", default=None)


class Abandoned(Exception):
    """Raised between rounds in a game whose caller has gone."""


@contextmanager
def abandoned_when(check: Callable[[], bool]) -> Iterator[None]:
    """Games played in this context end (``Abandoned``) at the first round start where ``check()`` is true."""
    token = _CHECK.set(check)
    try:
        yield
    finally:
        _CHECK.reset(token)


class Watch(Hook):
    """Raises ``Abandoned`` at a round's start once the context's check says the game was let go."""

    def __init__(self, check: Callable[[], bool]) -> None:
        self.check = check

    def on_round_start(self, progress: Progress) -> None:
        if self.check():
            raise Abandoned(f"the game was let go by its caller at round {progress.rounds}")


def watches() -> list[Hook]:
    """The hook that ends this context's games when they are let go (none outside ``abandoned_when``)."""
    check = _CHECK.get()
    return [] if check is None else [Watch(check)]
