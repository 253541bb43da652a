"""``coevo render`` (coevo/commands/render.py): PNG, JPEG and SVG from genome files, importing only what is needed."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PIL import Image

from artists.biomorph import BiomorphGenetics
from artists.biomorph.genome import insect
from coevo.commands.main import main
from coevo.store.genomefile import GenomeFile, write_genome
from tests.conftest import ROOT, patience


def test_render_writes_jpeg_for_a_jpg_suffix(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from coevo.store.genomefile import GenomeFile, write_genome

    write_genome(tmp_path / "g.json", GenomeFile("gp", {}, {"trees": ["sin(x)"]}))
    assert main(["render", str(tmp_path / "g.json"), "--size", "24", "--out", str(tmp_path / "x.jpg")]) == 0
    assert Image.open(tmp_path / "x.jpg").format == "JPEG"


def test_render_of_a_biomorph_imports_no_torch_and_writes_the_same_pixels(tmp_path: Path) -> None:
    """Start-up: ``coevo render`` imports only what its artist needs — PIL for a biomorph (issue 17)."""
    from artists.biomorph.genetics import BiomorphGenetics
    from coevo.images import save_image
    from coevo.store.genomefile import GenomeFile, write_genome

    genetics = BiomorphGenetics(start="Insect")
    genome = genetics.mutate(genetics.random_genome())
    write_genome(tmp_path / "b.json", GenomeFile("biomorph", genetics.options(), genetics.to_json(genome), {}))
    save_image(genetics.render([genome], 96)[0], tmp_path / "torch.png")
    probe = ("import sys\nfrom coevo.commands.main import main\n"
             "code = main(['render', sys.argv[1], '--size', '96', '--out', "
             "sys.argv[2]])\nheavy = [m for m in sys.modules if m.split('.')[0] in ('torch', 'numba')]\n"
             "print(heavy[:3]); sys.exit(3 if heavy else code)")
    result = subprocess.run([sys.executable, "-c", probe, str(tmp_path / "b.json"), str(tmp_path / "pil.png")],
                            cwd=ROOT, capture_output=True, text=True, timeout=patience(120))
    assert result.returncode == 0, (result.stdout[-500:], result.stderr[-2000:])
    assert (tmp_path / "pil.png").read_bytes() == (tmp_path / "torch.png").read_bytes()


def test_render_command_writes_png_and_svg(tmp_path, capsys) -> None:
    genetics = BiomorphGenetics()
    path = write_genome(tmp_path / "insect.json",
                        GenomeFile("biomorph", genetics.options(), genetics.to_json(insect())))
    assert main(["render", str(path), "--size", "96", "--svg"]) == 0
    assert (tmp_path / "insect.png").stat().st_size > 0
    assert ET.parse(tmp_path / "insect.svg").getroot().get("width") == "96"


def test_render_svg_needs_a_line_drawing_artist(tmp_path, capsys) -> None:
    from tests.toys import ToyGenetics

    toy = ToyGenetics()
    path = write_genome(tmp_path / "toy.json",
                        GenomeFile("tests.toys:ToyGenetics", toy.options(), toy.to_json([0.1, 0.2, 0.3])))
    assert main(["render", str(path), "--svg"]) == 2
    assert "no SVG form" in capsys.readouterr().err
    assert not (tmp_path / "toy.png").exists()
