"""HERCsearch's library of earlier successful programs, which crossover draws code from ("transgenic" variation).

As in wofnot/hercl (``src/base/eval.c``, read as a specification): HERCsearch climbs a *ladder* (champion, pop,
top: each rung a mutant of the one below); code that falls off the ladder goes to a per-level *codebank*, and
a *library* holds successful code (given with ``-l``/``-L`` or shared between processes). A child is one
``cross_mutate`` of the top with a mate; at the bar level and above the mate may come from the library
(kinship TRANSGENIC, ``mate_from_lib``: uniform over the library). Here the library holds each generation's
champion (a program the critic scored best), bounded: a new program takes the next slot in circular order, as
``add_to_library`` does, and a program already held is not added twice (as ``log_library`` checks). The
population stands in for the ladder and codebank: its members are the non-library mates.
"""

from __future__ import annotations

from coevo.rng import python_rng
from coevo.toolkits.hercl.program import Program, parse


class Library:
    """A bounded store of programs; ``mate`` draws one uniformly (Python's ``random``, so runs replay)."""

    def __init__(self, capacity: int = 32) -> None:
        if capacity < 1:
            raise ValueError("a library needs capacity >= 1")
        self.capacity = capacity
        self.programs: list[Program] = []
        self.index = -1  # the slot most recently written

    def __len__(self) -> int:
        return len(self.programs)

    def __contains__(self, program: Program) -> bool:
        return program in self.programs

    def add(self, program: Program) -> bool:
        """Keep ``program`` in the next slot (replacing the oldest once full); False when already held."""
        if program in self.programs:
            return False
        self.index = (self.index + 1) % self.capacity
        if self.index < len(self.programs):
            self.programs[self.index] = program
        else:
            self.programs.append(program)
        return True

    def mate(self) -> Program:
        if not self.programs:
            raise ValueError("the library is empty")
        return python_rng().choice(self.programs)

    def state_dict(self) -> dict:
        """Plain data (program texts), for checkpoints."""
        return {"capacity": self.capacity, "index": self.index, "programs": [p.text() for p in self.programs]}

    @classmethod
    def from_state(cls, state: dict) -> Library:
        library = cls(int(state["capacity"]))
        library.programs = [parse(text) for text in state["programs"]]
        library.index = int(state["index"])
        return library
