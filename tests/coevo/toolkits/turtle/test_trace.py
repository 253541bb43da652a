"""The compiled turtle (coevo/toolkits/turtle/trace.py) draws exactly what the reference rules draw."""

from __future__ import annotations

import random

import numpy as np
import pytest

from artists.lines import program as prog
from coevo.toolkits.turtle.rules import Rules, run
from coevo.toolkits.turtle.trace import trace


@pytest.mark.parametrize("rules", [Rules(), Rules(colour=False, pushpop=False, max_steps=50), Rules(max_move=-1)])
def test_the_compiled_turtle_draws_exactly_what_the_reference_draws(rules: Rules) -> None:
    random.seed(11)
    programs = [prog.random_program((1, 60)) for _ in range(60)]
    programs += [(("repeat", 9),) * 12, (("repeat", 9), ("repeat", 9), ("repeat", 9), ("fd", 1), ("end",)),
                 (("push",),) * 120 + (("fd", 3), ("pop",)) * 110]
    strokes, offsets = trace(programs, rules.canvas, rules.max_steps, rules.max_move, rules.pushpop, rules.colour)
    for n, p in enumerate(programs):
        expected = np.array(run(p, rules)[0], dtype=np.float64).reshape(-1, 8)
        assert np.allclose(strokes[offsets[n]:offsets[n + 1]], expected, rtol=0, atol=1e-9), p
