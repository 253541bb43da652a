"""Picbreeder / CPPN-X XML import: every example renders, lineage ids survive, CLI render and breeding work."""

from __future__ import annotations

import random

import pytest
import torch

from artists.cppn import reference
from artists.cppn.picbreeder import import_picbreeder
from coevo.commands.main import main
from coevo.errors import CoevoError
from coevo.programs.genomes import load_genome


def test_every_example_renders_a_non_constant_image_like_the_reference(picbreeder_xml):
    for path in picbreeder_xml:
        genetics, genome, _meta = import_picbreeder(path)
        image = genetics.render([genome], 64)
        assert image.shape == (1, genetics.channels, 64, 64), path.name
        assert torch.isfinite(image).all() and image.std() > 0.1, path.name
        assert (image - reference.render([genome], 64, genetics.mode)).abs().mean() < 1e-3, path.name


def test_imports_keep_lineage_and_kind(picbreeder_xml):
    by_name = {p.stem: p for p in picbreeder_xml}
    genetics, genome, meta = import_picbreeder(by_name["745_LetterG"])
    assert meta["id"] == "745_840" and meta["parents"] == ["745_765"]
    assert genetics.channels == 1 and len(genome.hidden) == 14 and len(genome.connections) == 39
    colour, _, _ = import_picbreeder(by_name["4376_ButterflyColor"])
    assert colour.channels == 3 and colour.mode == "hsv"


def test_render_command_reads_xml(picbreeder_xml, tmp_path, capsys):
    out = tmp_path / "g.png"
    assert main(["render", str(picbreeder_xml[0]), "--size", "96", "--out", str(out)]) == 0
    from PIL import Image

    with Image.open(out) as image:
        assert image.size == (96, 96)
    assert main(["render", str(tmp_path / "missing.xml")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_imported_genomes_can_be_bred_on(picbreeder_xml):
    artist, genetics, genome, meta = load_genome(picbreeder_xml[0])
    assert artist == "cppn" and meta["parents"]
    random.seed(0)
    children = [genetics.mutate(genome) for _ in range(4)] + list(genetics.crossover(genome, genetics.mutate(genome)))
    images = genetics.render(children, 32)
    assert torch.isfinite(images).all()
    assert genetics.from_json(genetics.to_json(children[0])) == children[0]


def test_damaged_files_give_one_line_errors(tmp_path, picbreeder_xml):
    broken = tmp_path / "broken.xml"
    broken.write_text("<data><genome><nodes>", encoding="utf-8")
    with pytest.raises(CoevoError, match="not valid Picbreeder XML"):
        import_picbreeder(broken)
    strange = tmp_path / "strange.xml"
    strange.write_text(picbreeder_xml[0].read_text(encoding="utf-8").replace("sin(x)", "wobble(x)", 1)
                       .replace("gaussian(x)", "wobble(x)", 1), encoding="utf-8")
    with pytest.raises(CoevoError, match="unknown activation 'wobble"):
        import_picbreeder(strange)
    empty = tmp_path / "empty.xml"
    empty.write_text("<data/>", encoding="utf-8")
    with pytest.raises(CoevoError, match="no <genome>"):
        import_picbreeder(empty)
