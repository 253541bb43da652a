"""hercl-lines: art-school's reading of a HERCL artist's messages, hand-worked; drawings; variation; the CLI."""

from __future__ import annotations

import math
import random
from pathlib import Path

import torch

from artists.hercl import HERCLLinesGenetics
from artists.hercl.lines import cint, commands
from coevo.commands.main import main
from coevo.toolkits.hercl import parse

HEAD = "[c=1,r=4,s=16,m=0]\n"


def test_a_message_is_one_command_with_art_schools_defaults() -> None:
    sent = [[0], [1, 20], [1], [2, 45], [2], [3, 2], [3], [4, 77], [4], [5], [6]]
    assert commands(sent) == (("pen",), ("fd", 20), ("fd", 1), ("rt", 45), ("rt", 10), ("size", 2), ("size", 1),
                              ("colour", 77, 0, 0), ("colour", 0, 0, 0), ("push",), ("pop",))


def test_values_are_clamped_truncated_and_taken_mod_500_with_cs_remainder() -> None:
    assert cint(20.9) == 20 and cint(-20.9) == -20  # truncation toward zero
    assert cint(1234) == 234 and cint(-1234) == -234  # C's remainder keeps the sign
    assert cint(1e12) == 16384 % 500  # clamped from above to the pixel count, as art-school
    assert cint(-1e12) == -148 and cint(-20123.9) == -123  # not from below: (int) gives INT_MIN, % 500 is -148
    assert commands([[8, 5]]) == (("fd", 5),)  # 8 % 7 = 1: forward
    assert commands([[-1, 5]]) == (("fd", 5),)  # |-1 % 7| = 1 (C), not Python's 6
    assert commands([[6]], pushpop=False) == (("fd", 1),)  # without push/pop: |6 % 5| = 1
    assert commands([[1, 3, 99, 99, 99, 99, 99]]) == (("fd", 3),)  # at most five values are read


def test_an_empty_or_non_finite_message_ends_the_drawing_and_901_commands_at_most() -> None:
    assert commands([[1, 5], [], [1, 7]]) == (("fd", 5),)
    assert commands([[1, 5], [1, math.nan], [1, 7]]) == (("fd", 5),)
    assert commands([[1, 5], [1, math.inf]]) == (("fd", 5),)
    assert len(commands([[1, 2]] * 1000)) == 901  # art-school checks its max step (900) after a command


def test_colour_arguments_are_lightness_hue_saturation_and_missing_ones_are_kept() -> None:
    sent = [[4, 200], [4, 10, 20], [5], [4, 1, 2, 3], [6], [4, 300]]
    assert commands(sent, colour=True) == (("colour", 200, 0, 255), ("colour", 10, 20, 255), ("push",),
                                           ("colour", 1, 2, 3), ("pop",), ("colour", 300 % 256, 20, 255))


def test_a_looping_program_draws_a_line_down_from_the_centre() -> None:
    genetics = HERCLLinesGenetics()
    program = parse(HEAD + "0[1#w15#wo;]")  # send (forward, 15) and loop while the write succeeds
    assert genetics.turtle(program)[:2] == (("fd", 15), ("fd", 15))
    image = genetics.render([program], 128)[0, 0]
    assert image[64:127, 64].max() < -0.9  # dark pen from the centre to the bottom edge (y grows downward)
    assert image[:60, 64].min() > 0.99 and image[:, 10].min() > 0.99  # white elsewhere


def test_random_programs_render_and_variation_keeps_them_valid() -> None:
    random.seed(3)
    genetics = HERCLLinesGenetics(channels=3, pushpop=True)
    population = [genetics.random_genome() for _ in range(12)]
    for _ in range(3):
        population = [genetics.mutate(g) for g in population]
        population = [c for a, b in zip(population[::2], population[1::2]) for c in genetics.crossover(a, b)]
    images = genetics.render(population, 32)
    assert images.shape == (12, 3, 32, 32) and images.min() >= -1 and images.max() <= 1
    for genome in population:
        assert genetics.from_json(genetics.to_json(genome)) == genome
    assert genetics.svg(population[0], 64).startswith("<svg")


def test_hercl_lines_runs_from_the_cli(tmp_path: Path) -> None:
    out = tmp_path / "run"
    assert main(["run", "--artist", "hercl-lines", "--critic", "features", "--rounds", "2", "--pop", "4",
                 "--size", "32", "--warmup", "1", "--batch", "8", "--out", str(out)]) == 0
    assert (out / "metrics.jsonl").read_text().count("\n") == 2
    genomes = sorted((out / "genomes").iterdir())
    assert genomes and "program" in genomes[0].read_text()
    assert torch.load(out / "checkpoint.pt", weights_only=False)["round"] == 2


def test_fit_zooms_the_drawing_to_its_box() -> None:
    program = parse(HEAD + "0[1#w15#wo;]")  # a line from the centre down to the canvas's edge
    plain, fitted = HERCLLinesGenetics(), HERCLLinesGenetics(fit=True)
    assert not plain.fit and HERCLLinesGenetics(**fitted.options()).fit
    image = fitted.render([program], 128)[0, 0]
    column = torch.nonzero((image < 0).any(1)).flatten()
    assert column[-1] - column[0] >= 0.8 * 128  # the half-canvas line now spans most of the box ...
    assert image[-5:].min() > 0.9 and image[:5].min() > 0.9  # ... inside its margins
    assert plain.render([program], 128)[0, 0, 127].min() < -0.9  # Vickers' canvas: to the edge, as drawn
    assert "<line" in fitted.svg(program, 64)
