"""Vickers' turtle artist: exact strokes of hand-written programs, art-school's limits, rendering, variation."""

from __future__ import annotations

import math
import random
import xml.etree.ElementTree as ET

import numpy as np
import pytest
import torch

from artists.lines import LinesGenetics
from artists.lines import program as prog
from artists.lines.genetics import pack
from coevo.errors import CoevoError
from coevo.protocols import Genetics, VectorDrawing
from coevo.toolkits.turtle.raster import draw, draw_python
from coevo.toolkits.turtle.rules import Rules, Stroke, hls_rgb, run
from coevo.toolkits.turtle.trace import trace

GREY = Rules(colour=False)


def ends(strokes: list[Stroke]) -> list[tuple[float, ...]]:
    return [tuple(round(v, 9) for v in s[:4]) for s in strokes]


def test_a_hand_written_program_draws_the_expected_segments() -> None:
    program = (("fd", 10), ("rt", 90), ("fd", 10), ("pen",), ("fd", 30), ("pen",), ("fd", 5), ("rt", -90),
               ("size", 6), ("fd", -4))
    strokes, steps = run(program, GREY)
    assert steps == 10
    # from the centre (64, 64), heading 0 moves (d sin a, d cos a): down the image first, then to the right
    assert ends(strokes) == [(64, 64, 64, 74), (64, 74, 74, 74), (104, 74, 104, 74), (104, 74, 109, 74),
                             (109, 74, 109, 70)]
    assert [s.size for s in strokes] == [3, 3, 3, 3, 2]  # pen size 3 to start; 6 % 4 = 2
    assert all((s.r, s.g, s.b) == (0, 0, 0) for s in strokes)  # black on white


def test_repeat_blocks_push_and_pop() -> None:
    square = (("repeat", 4), ("fd", 10), ("rt", 90), ("end",))
    assert ends(run(square, GREY)[0]) == [(64, 64, 64, 74), (64, 74, 74, 74), (74, 74, 74, 64), (74, 64, 64, 64)]
    branch = (("push",), ("rt", 90), ("fd", 10), ("pop",), ("fd", 10), ("end",), ("end",))  # stray ends: no-ops
    assert ends(run(branch, GREY)[0]) == [(64, 64, 74, 64), (64, 64, 64, 74)]  # pop moves back, draws nothing
    unclosed = (("repeat", 3), ("fd", 5))  # runs to the program's end
    assert len(run(unclosed, GREY)[0]) == 3
    no_stack = Rules(colour=False, pushpop=False)
    assert ends(run(branch, no_stack)[0]) == [(64, 64, 74, 64), (74, 64, 84, 64)]
    assert run((("pop",), ("pop",)), GREY) == ([], 2)  # popping an empty stack is a step that does nothing


def test_move_and_step_limits_are_enforced() -> None:
    strokes, _ = run((("fd", 40), ("fd", -40)), GREY)
    assert ends(strokes) == [(64, 64, 64, 79), (64, 79, 64, 64)]  # at most 15 px per pen-down move
    strokes, _ = run((("pen",), ("fd", 40), ("pen",), ("fd", 0)), GREY)
    assert ends(strokes) == [(64, 104, 64, 104), (64, 104, 64, 104)]  # pen up: unlimited
    strokes, _ = run((("pen",), ("fd", 1234), ("pen",)), GREY)
    assert ends(strokes) == [(64, 127, 64, 127)]  # 1234 % 500 = 234, then the pen stays on the canvas
    strokes, _ = run((("pen",), ("fd", -1234), ("pen",)), GREY)
    assert ends(strokes) == [(64, 0, 64, 0)]  # C's remainder keeps the sign: -234
    many = (("repeat", 9), ("repeat", 9), ("repeat", 9), ("fd", 1), ("rt", 1), ("end",), ("end",), ("end",))
    strokes, steps = run(many, GREY)
    assert steps == 900 and len(strokes) == 450  # 1,458 commands asked for, 900 steps run
    assert run(many, Rules(colour=False, max_steps=7))[1] == 7
    empty = (("repeat", 9),) * 12  # nested blocks with nothing in them end too
    assert run(empty, GREY) == ([], 0)


def test_colour_and_size_rules() -> None:
    strokes, _ = run((("colour", 128, 0, 255), ("fd", 1), ("colour", 128, 60, 255), ("fd", 1),
                      ("colour", -300, 7, 9), ("size", -5), ("fd", 1), ("size", 4), ("fd", 1)), Rules())
    red, green = strokes[0][5:], strokes[1][5:]
    assert red == pytest.approx(hls_rgb(0, 128, 255)) and red[0] > 0.99 and max(red[1:]) < 0.01
    assert green[1] > 0.99 and max(green[0], green[2]) < 0.01  # hue 60 = 120 degrees in OpenCV's 8-bit HLS
    assert strokes[2][5:] == pytest.approx(hls_rgb(7, 44, 9))  # |-300 % 256| = 44 (C remainder)
    assert [s.size for s in strokes] == [3, 3, 1, 1]  # |-5 % 4| = 1; 4 % 4 = 0 means 1
    assert run((("fd", 1),), Rules())[0][0][5:] == pytest.approx(hls_rgb(0, 128, 255))  # art-school's red pen
    grey = run((("colour", 300, 1, 1), ("fd", 1)), GREY)[0][0]
    assert grey[5:] == pytest.approx((45 / 255,) * 3)  # grey: |300 % 255|


def test_rendering_at_any_size_is_antialiased_and_matches_the_python_loop() -> None:
    genetics = LinesGenetics(channels=1)
    line = (("fd", 10),)  # (64, 64) to (64, 74), 3 px wide
    small, big = genetics.render([line], 128)[0, 0], genetics.render([line], 512)[0, 0]
    assert small[64:75, 64].max() == -1 and small[69, 60].item() == 1 and small[40, 40].item() == 1
    assert small[69, 62].item() == 1 and small[69, 63].item() == -1  # 1.5 px either side of the centre line
    slanted = genetics.render([(("rt", 45), ("fd", 10))], 128)[0, 0]
    assert ((slanted > -1) & (slanted < 1)).sum() > 10  # edges are ramps
    assert big[4 * 69 + 2, 4 * 64 + 2].item() == -1 and big.shape == (512, 512)
    assert genetics.render([line], 37).shape == (1, 1, 37, 37)
    random.seed(3)
    colour = LinesGenetics(channels=3)
    genomes = [colour.random_genome() for _ in range(3)]
    strokes, offsets = pack([colour.strokes(g) for g in genomes])
    assert np.allclose(draw(strokes, offsets, 128, 3, 40), draw_python(strokes, offsets, 128, 3, 40), atol=1e-5)


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


def test_variation_keeps_programs_valid_over_a_thousand_applications() -> None:
    random.seed(0)
    genetics = LinesGenetics(channels=3, max_length=40, pushpop=False)
    pool = [genetics.random_genome() for _ in range(8)]
    for i in range(1000):
        if i % 3:
            child = genetics.mutate(random.choice(pool), strength=random.choice([0.5, 1.0, 3.0]))
            children = [child]
        else:
            children = list(genetics.crossover(random.choice(pool), random.choice(pool)))
        for child in children:
            assert 1 <= len(child) <= 40
            assert genetics.from_json(genetics.to_json(child)) == child
            assert not any(op in ("push", "pop") for op, *_ in child) or any(
                op in ("push", "pop") for g in pool for op, *_ in g)
        pool[random.randrange(len(pool))] = children[0]
    images = genetics.render(pool, 32)
    assert images.shape == (8, 3, 32, 32) and images.min() >= -1 and images.max() <= 1


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


def test_genome_json_and_svg() -> None:
    genetics = LinesGenetics(channels=3)
    assert isinstance(genetics, Genetics) and isinstance(genetics, VectorDrawing)
    program = (("fd", 10), ("rt", 90), ("colour", 128, 60, 255), ("fd", 10))
    data = genetics.to_json(program)
    assert data == {"program": [["fd", 10], ["rt", 90], ["colour", 128, 60, 255], ["fd", 10]]}
    assert genetics.from_json(data) == program
    svg = ET.fromstring(genetics.svg(program, 512))
    lines = [e for e in svg.iter() if e.tag.endswith("line")]
    assert [(float(e.get("x1")), float(e.get("y1")), float(e.get("x2")), float(e.get("y2"))) for e in lines] == [
        (64.5, 64.5, 64.5, 74.5), (64.5, 74.5, 74.5, 74.5)]
    assert lines[1].get("stroke") == "#01ff01" and svg.get("width") == "512"
    for bad, message in [([], "JSON object"), ({"program": [["jump", 3]]}, "one of pen"),
                         ({"program": [["fd"]]}, "takes 1 argument"), ({"program": [["fd", 1.5]]}, "integers"),
                         ({"program": [["repeat", 99]]}, "repeat counts"), ({"program": []}, "1 to")]:
        with pytest.raises(CoevoError, match=message):
            genetics.from_json(bad)


def test_deterministic_for_a_seed() -> None:
    genetics = LinesGenetics(channels=3)
    runs = []
    for _ in range(2):
        random.seed(7)
        genomes = [genetics.random_genome() for _ in range(4)]
        runs.append((genomes, genetics.render(genomes, 64)))
    assert runs[0][0] == runs[1][0] and torch.equal(runs[0][1], runs[1][1])
    assert math.isclose(float(runs[0][1].min()), float(runs[1][1].min()))
