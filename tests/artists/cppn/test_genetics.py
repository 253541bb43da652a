"""CPPNGenetics (artists/cppn/genetics.py): genome files round trip, evolution in the evolutionary artist."""

from __future__ import annotations

import json
import random

import numpy as np
import pytest
import torch

from artists.cppn import CPPNGenetics
from coevo.evolution.ga import EvolutionaryArtist, EvolutionConfig
from coevo.protocols import Genetics
from coevo.store.genomefile import GenomeFile, write_genome
from tests.helpers import evolved_cppns
from tests.toys import BrightnessCritic


def test_save_load_round_trip(tmp_path):
    from coevo.programs.genomes import load_genome

    random.seed(6)
    genetics = CPPNGenetics(channels=3, color="rgb", add_node=0.4)
    genome = evolved_cppns(genetics, n=1)[0]
    assert genetics.from_json(json.loads(json.dumps(genetics.to_json(genome)))) == genome
    path = write_genome(tmp_path / "g.json", GenomeFile("cppn", genetics.options(), genetics.to_json(genome)))
    artist, loaded_genetics, loaded, _ = load_genome(path)
    assert artist == "cppn" and loaded == genome and loaded_genetics.options() == genetics.options()
    assert torch.equal(loaded_genetics.render([loaded], 24), genetics.render([genome], 24))


def test_cppn_evolves_in_the_evolutionary_artist():
    random.seed(7)
    torch.manual_seed(7)
    genetics = CPPNGenetics()
    assert isinstance(genetics, Genetics)
    artist = EvolutionaryArtist(genetics, EvolutionConfig(pop=12, size=16))
    critic = BrightnessCritic()
    best = []
    for _ in range(8):
        proposal = artist.ask()
        best.append(artist.tell(proposal, critic.score(proposal.images))["fitness_best"])
    assert best == sorted(best) and best[-1] > best[0]  # elitism keeps the best; selection improves it
    state = artist.state_dict()
    json.dumps(state)  # genomes in the checkpoint are plain JSON
    clone = EvolutionaryArtist(genetics)
    clone.load_state_dict(state)
    assert [i.genome for i in clone.population] == [i.genome for i in artist.population]


def _png(image) -> bytes:
    import io

    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.mark.parametrize("options", [{}, {"channels": 3, "color": "rgb"}, {"channels": 3},
                                     {"exact": True}, {"channels": 3, "exact": True},
                                     {"channels": 3, "color": "rgb", "exact": True}])
def test_pixels_without_torch_are_the_png_bytes_of_the_rendered_images(options: dict) -> None:
    """``render_pixels`` (``coevo render``'s torch-free path) against ``render`` written as PNG, genome by genome."""
    from coevo.images import to_pil, to_uint8
    from coevo.protocols import PixelArrays
    from coevo.store.imagefiles import picture

    random.seed(11)
    genetics = CPPNGenetics(**options)
    genomes = evolved_cppns(genetics, n=8, steps=30)
    assert isinstance(genetics, PixelArrays)
    rendered, pixels = genetics.render(genomes, 40), genetics.render_pixels(genomes, 40)
    assert np.array_equal(pixels, to_uint8(rendered).transpose(0, 3, 1, 2))
    assert len({p.tobytes() for p in pixels}) > 1, "the genomes should draw different images"
    for image, array in zip(rendered, pixels):
        assert _png(picture(array)) == _png(to_pil(image))


def test_picbreeder_genomes_draw_the_same_png_bytes_without_torch(picbreeder_xml) -> None:
    """Imported Picbreeder genomes (exact renderer) and the same genomes on the float32 kernel: same PNG bytes."""
    from coevo.images import to_pil
    from coevo.programs.genomes import load_genome
    from coevo.store.imagefiles import picture

    for path in picbreeder_xml:
        _, genetics, genome, _ = load_genome(path)
        assert genetics.exact
        kernel = CPPNGenetics(**{**genetics.options(), "exact": False})
        for drawer in (genetics, kernel):
            assert _png(picture(drawer.render_pixels([genome], 72)[0])) == _png(to_pil(drawer.render([genome], 72)[0]))


def test_coevo_render_of_cppn_genomes_imports_no_torch(tmp_path, picbreeder_xml) -> None:
    """``coevo render`` of a CPPN genome file and of a Picbreeder XML, in a fresh process: torch never imported."""
    import subprocess
    import sys

    from PIL import Image

    from tests.conftest import ROOT

    random.seed(3)
    genetics = CPPNGenetics(channels=3)
    genome = evolved_cppns(genetics, n=1)[0]
    write_genome(tmp_path / "g.json", GenomeFile("cppn", genetics.options(), genetics.to_json(genome)))
    specs = ((tmp_path / "g.json", "g.png"), (picbreeder_xml[0], "pb.png"))
    renders = "; ".join(f"assert main(['render', {str(spec)!r}, '--size', '48', '--out', "
                        f"{str(tmp_path / name)!r}]) == 0" for spec, name in specs)
    code = f"import sys; from coevo.commands.main import main; {renders}; assert 'torch' not in sys.modules, 'torch'"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    for name in ("g.png", "pb.png"):
        with Image.open(tmp_path / name) as picture:
            assert picture.size == (48, 48)
