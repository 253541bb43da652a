"""Genome JSON: DEAP's text, parsed against the primitive set (never eval); round trips; bad files named."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch
from deap import gp

from artists.gp import GPGenetics
from artists.gp.genome import parse_tree
from artists.gp.primitives import build_pset
from coevo.commands.main import main
from coevo.errors import CoevoError
from coevo.rng import seed_everything
from coevo.store.genomefile import GenomeFile, write_genome


def test_round_trip_through_json_is_exact() -> None:
    seed_everything(11)
    genetics = GPGenetics(channels=3, color="hsv")
    genomes = [genetics.mutate(genetics.random_genome(), 2.0) for _ in range(20)]
    again = [genetics.from_json(json.loads(json.dumps(genetics.to_json(g)))) for g in genomes]
    assert [str(g) for g in again] == [str(g) for g in genomes]
    assert torch.equal(genetics.render(again, 16), genetics.render(genomes, 16))


def test_parser_agrees_with_deap_on_its_own_text() -> None:
    seed_everything(12)
    pset = build_pset()
    for _ in range(50):
        tree = gp.PrimitiveTree(gp.genHalfAndHalf(pset, 1, 6))
        parsed = parse_tree(str(tree), pset)
        assert str(parsed) == str(tree) and [n.name for n in parsed] == [n.name for n in tree]


@pytest.mark.parametrize(("text", "problem"), [
    ("foo(x)", "unknown primitive 'foo'"),
    ("__import__('os')", "unknown primitive '__import__'"),
    ("add(x", "unexpected end"),
    ("add(x, y", "unexpected end"),
    ("sin(x, y)", "expected ')'"),
    ("add(x)", "expected ','"),
    ("add(x, y) z", "trailing text"),
    ("x y", "trailing text"),
    ("", "unexpected end"),
    ("nan", "unknown primitive 'nan'"),
    ("1e999", "not finite"),
    ("const", "unknown primitive 'const'"),
    ("add(x, ;)", "unexpected text"),
    ("sin(" * 300 + "x" + ")" * 300, "nested deeper"),
])
def test_malformed_trees_raise_one_clear_error(text: str, problem: str) -> None:
    with pytest.raises(CoevoError, match=problem.replace("(", r"\(").replace(")", r"\)")):
        GPGenetics().from_json({"trees": [text]})


@pytest.mark.parametrize("data", [{}, {"trees": "x"}, {"trees": ["x", "y"]}, {"trees": [3]}])
def test_wrong_shapes_raise_one_clear_error(data: dict) -> None:
    with pytest.raises(CoevoError, match="gp"):
        GPGenetics().from_json(data)


def write(path: Path, genetics: GPGenetics, trees: list[str]) -> Path:
    return write_genome(path, GenomeFile("gp", genetics.options(), {"trees": trees}))


def test_render_command_draws_the_genome(tmp_path: Path, capsys) -> None:
    from PIL import Image

    from coevo.images import to_uint8

    genetics = GPGenetics(channels=3)
    trees = ["sin(mul(x, 9.0))", "noise(mul(x, 2.0), y)", "ifgt(sub(r, 0.5), 1.0, theta)"]
    path = write(tmp_path / "g.json", genetics, trees)
    assert main(["render", str(path), "--size", "96", "--out", str(tmp_path / "g.png")]) == 0
    assert "96x96" in capsys.readouterr().out
    image = Image.open(tmp_path / "g.png")
    assert image.size == (96, 96) and image.mode == "RGB"
    expected = to_uint8(genetics.render([genetics.from_json({"trees": trees})], 96))[0]
    assert (torch.from_numpy(expected).numpy() == __import__("numpy").asarray(image)).all()


def test_render_command_names_a_bad_tree_and_writes_nothing(tmp_path: Path, capsys) -> None:
    path = write(tmp_path / "bad.json", GPGenetics(), ["add(x, blur(y))"])
    assert main(["render", str(path), "--size", "16"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("coevo: error:") and "unknown primitive 'blur'" in err and "\n" not in err
    assert not (tmp_path / "bad.png").exists()
