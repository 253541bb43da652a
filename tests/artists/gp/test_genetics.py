"""GPGenetics: random genomes, variation under the height limit, strength, determinism, options, HSV."""

from __future__ import annotations

import random

import numpy as np
import pytest
import torch
from deap import gp

from artists.gp import GPGenetics
from artists.gp.genetics import hsv_to_rgb
from coevo.errors import CoevoError
from coevo.evolution.ga import EvolutionaryArtist, EvolutionConfig
from coevo.rng import seed_everything
from coevo.training.registry import artist_entry, construct, load


def test_genetics_follows_the_protocol_and_renders_in_range() -> None:
    from coevo.protocols import Genetics

    genetics = GPGenetics(channels=3)
    assert isinstance(genetics, Genetics)
    seed_everything(0)
    images = genetics.render([genetics.random_genome() for _ in range(5)], 20)
    assert images.shape == (5, 3, 20, 20) and images.dtype == torch.float32
    assert torch.isfinite(images).all() and images.abs().max() <= 1
    assert genetics.render([], 8).shape == (0, 3, 8, 8)


def test_random_genomes_are_ramped_half_and_half_within_depths() -> None:
    seed_everything(1)
    genetics = GPGenetics(min_depth=2, max_depth=5)
    heights = [genetics.random_genome().trees[0].height for _ in range(200)]
    assert min(heights) >= 2 and max(heights) == 5 and len(set(heights)) >= 3


def test_variation_respects_the_static_height_limit() -> None:
    seed_everything(2)
    genetics = GPGenetics(channels=3, max_depth=6, max_height=8, p_insert=5.0)
    population = [genetics.random_genome() for _ in range(10)]
    for _ in range(30):
        a, b = random.sample(population, 2)
        child, _ = genetics.crossover(a, b)
        population[random.randrange(10)] = genetics.mutate(child, 3.0)
    assert max(tree.height for genome in population for tree in genome.trees) <= 8


def test_mutation_and_crossover_do_not_touch_the_parents() -> None:
    seed_everything(3)
    genetics = GPGenetics(channels=3)
    a, b = genetics.random_genome(), genetics.random_genome()
    before = (str(a), str(b))
    for _ in range(20):
        genetics.mutate(a, 2.0)
        genetics.crossover(a, b)
    assert (str(a), str(b)) == before


def test_strength_scales_how_much_changes() -> None:
    """Strength is the number of mutations (each insert adds nodes) and the size of constant drift."""
    seed_everything(4)
    inserts = GPGenetics(p_subtree=0, p_node=0, p_perturb=0, p_ephemeral=0, p_insert=1, p_shrink=0, max_height=40)
    parent = inserts.random_genome()
    growth = {s: np.mean([len(inserts.mutate(parent, s).trees[0]) - len(parent.trees[0]) for _ in range(200)])
              for s in (1.0, 3.0)}
    assert growth[3.0] > 2 * growth[1.0] > 0

    drift = GPGenetics(p_subtree=0, p_node=0, p_perturb=1, p_ephemeral=0, p_insert=0, p_shrink=0)
    parent = drift.from_json({"trees": ["add(x, 0.5)"]})
    moved = {s: np.mean([abs(drift.mutate(parent, s).trees[0][2].value - 0.5) for _ in range(300)])
             for s in (0.5, 1.0)}
    assert moved[1.0] > 1.5 * moved[0.5]


def test_mutation_kinds_are_deap_operators_and_keep_constants_mutable() -> None:
    """Parsed constants are DEAP ephemerals, so mutEphemeral redraws them."""
    seed_everything(5)
    genetics = GPGenetics(p_subtree=0, p_node=0, p_perturb=0, p_ephemeral=1, p_insert=0, p_shrink=0)
    parent = genetics.from_json({"trees": ["mul(x, 0.123)"]})
    child = genetics.mutate(parent)
    assert isinstance(type(child.trees[0][2]), gp.MetaEphemeral) and child.trees[0][2].value != 0.123


def test_same_seed_same_population_and_evolution() -> None:
    def run() -> list[str]:
        seed_everything(7)
        artist = EvolutionaryArtist(GPGenetics(channels=3, color="hsv"), EvolutionConfig(pop=8, size=8))
        for _ in range(3):
            proposal = artist.ask()
            artist.tell(proposal, proposal.images.mean(dim=(1, 2, 3)))
        return [str(ind.genome) for ind in artist.population]

    first, second = run(), run()
    assert first == second and len(set(first)) > 1


def test_options_rebuild_equal_genetics_and_bad_options_are_named() -> None:
    genetics = GPGenetics(channels=3, color="hsv", max_depth=4, p_node=0.5, sigma=0.1)
    assert GPGenetics(**genetics.options()).options() == genetics.options()
    cls = load(artist_entry("gp"))
    assert cls is GPGenetics
    with pytest.raises(CoevoError, match="channels"):
        construct(cls, "artist 'gp'", {}, {"channels": 2})
    with pytest.raises(CoevoError, match="max_depth"):
        construct(cls, "artist 'gp'", {}, {"max_depth": 20})
    with pytest.raises(CoevoError, match="color"):
        construct(cls, "artist 'gp'", {}, {"color": "cmyk"})


def test_hsv_maps_primaries() -> None:
    hsv = torch.tensor([[-1.0, 1.0, 1.0], [-1 / 3, 1.0, 1.0], [1 / 3, 1.0, 1.0], [0.0, -1.0, 0.0]]).view(4, 3, 1, 1)
    rgb = hsv_to_rgb(hsv).view(4, 3)
    expected = torch.tensor([[1.0, -1, -1], [-1, 1, -1], [-1, -1, 1], [0, 0, 0]])
    torch.testing.assert_close(rgb, expected, atol=1e-5, rtol=0)


def test_torch_backend_renders_like_the_kernel() -> None:
    seed_everything(8)
    kernel, torch_backend = GPGenetics(channels=3), GPGenetics(channels=3, backend="torch")
    genomes = [kernel.random_genome() for _ in range(6)]
    a, b = kernel.render(genomes, 12), torch_backend.render(genomes, 12)
    assert ((a - b).abs() > 1e-4).float().mean() <= 0.01


@pytest.mark.parametrize("options", [{}, {"channels": 3}, {"channels": 3, "color": "hsv"}])
def test_pixels_without_torch_are_the_bytes_of_the_rendered_images(options: dict) -> None:
    """``render_pixels`` (``coevo render``'s torch-free path) against ``render`` rounded as PNG files are."""
    from coevo.images import to_uint8
    from coevo.protocols import PixelArrays

    random.seed(5)
    genetics = GPGenetics(**options)
    genomes = [genetics.random_genome() for _ in range(24)]
    assert isinstance(genetics, PixelArrays)
    expected = to_uint8(genetics.render(genomes, 40)).transpose(0, 3, 1, 2)
    assert np.array_equal(genetics.render_pixels(genomes, 40), expected)


def test_coevo_render_of_a_gp_genome_imports_no_torch(tmp_path) -> None:
    import subprocess
    import sys

    from coevo.store.genomefile import GenomeFile, write_genome
    from tests.conftest import ROOT

    random.seed(2)
    genetics = GPGenetics()
    write_genome(tmp_path / "g.json", GenomeFile("gp", genetics.options(), genetics.to_json(genetics.random_genome())))
    code = ("import sys; from coevo.commands.main import main; "
            f"assert main(['render', {str(tmp_path / 'g.json')!r}, '--size', '48']) == 0; "
            "assert 'torch' not in sys.modules, 'torch imported'")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    from PIL import Image

    with Image.open(tmp_path / "g.png") as picture:
        assert picture.size == (48, 48)
