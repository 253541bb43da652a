"""Turtle programs' variation (artists/lines/program.py): block crossover exchanges whole blocks."""

from __future__ import annotations

import random

from artists.lines import program as prog


def test_block_crossover_exchanges_whole_blocks() -> None:
    random.seed(1)
    a = (("fd", 1), ("repeat", 3), ("rt", 5), ("end",), ("fd", 2))
    b = (("size", 1), ("repeat", 2), ("fd", 9), ("fd", 8), ("end",))
    seen = set()
    for _ in range(50):
        left, right = prog.crossover(a, b)
        assert sorted(left + right) == sorted(a + b)  # instructions change places, none lost or made
        seen.add(left)
    assert (("fd", 1), ("repeat", 2), ("fd", 9), ("fd", 8), ("end",), ("fd", 2)) in seen
