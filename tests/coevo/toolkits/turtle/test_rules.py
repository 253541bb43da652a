"""The turtle's rules (coevo/toolkits/turtle/rules.py): exact strokes of hand-written programs, art-school's limits."""

from __future__ import annotations

import pytest

from coevo.toolkits.turtle.rules import Rules, Stroke, hls_rgb, run

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
    # pop moves back with the pen down: art-school lifts and lowers the pen there, a dot
    assert ends(run(branch, GREY)[0]) == [(64, 64, 74, 64), (64, 64, 64, 64), (64, 64, 64, 74)]
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
    assert steps == 901 and len(strokes) == 451  # 1,458 commands asked for; art-school runs max step + 1
    assert run(many, Rules(colour=False, max_steps=7))[1] == 8
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
