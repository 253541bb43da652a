"""The compiled CPU renderer (Numba kernel) agrees with the Torch renderer and the plain NumPy forward pass."""

from __future__ import annotations

import hashlib
import random

import numpy as np
import pytest
import torch

from artists.cppn import CPPNGenetics, kernel, network, reference
from artists.cppn import render as torch_renderer
from artists.cppn.activations import NAMES, TORCH
from artists.cppn.genome import Genome, NodeGene
from artists.cppn.picbreeder import import_picbreeder
from artists.cppn.pixels import to_image
from tests.helpers import evolved_cppns, input_nodes, link

INPUT_NODES = input_nodes()


def assert_close(ours: torch.Tensor, theirs: torch.Tensor) -> None:
    """The same CPPN-X pixel bytes, bar pixels where a float32 ulp moves a node across a byte boundary (saturated
    nodes at 1 - ulp are common): one level for a grey or RGB byte; a hue byte moves the colour by a degree, a few
    levels, so colour images may differ more in a few pixels."""
    assert ours.shape == theirs.shape and ours.dtype == torch.float32
    levels = (ours - theirs).abs() * 127.5
    assert (levels > 1.01).float().mean() < 1e-2, (levels > 1.01).float().mean()
    if ours.shape[1] == 1:
        assert levels.max() < 1.01, levels.max()


def test_activations_match_the_torch_definitions_in_float32():
    x = np.concatenate([np.linspace(-12, 12, 48001), np.linspace(-9000, 9000, 20001),
                        [3e4, -2.5e7, np.inf, -np.inf, np.nan, 0.0, -0.0, 1e-30, 8192.5]]).astype(np.float32)
    for name in NAMES:
        row = x.copy()
        kernel._activate(kernel.CODES[name], row, len(row), len(row))  # one block: each path on its own values
        expected = TORCH[name](torch.from_numpy(x.copy())).numpy()
        if name in ("identity", "abs"):
            expected = np.clip(expected, -1e6, 1e6)  # both renderers keep identity chains finite
        np.testing.assert_allclose(row, expected, rtol=1e-6, atol=2e-7, err_msg=name)


def test_kernel_inputs_are_the_torch_renderers():
    # one genome per input: its ink node is the input itself (identity, weight 1), read out before the ink mapping
    genomes = [Genome((*INPUT_NODES, NodeGene(4, "out", "identity", "ink")), (link(i, 4, 1.0),)) for i in range(4)]
    batch = network.compile_genomes(genomes, "grey")
    for size in (1, 5, 64, 257):
        values = network.evaluate(batch, size, "raw", tile=64)[:, 0]
        grid = torch_renderer.input_grid(size, torch.device("cpu")).numpy()
        np.testing.assert_allclose(values, grid, rtol=2e-7, atol=0)  # d: torch's sqrt is not correctly rounded
        np.testing.assert_array_equal(values[[0, 1, 3]], grid[[0, 1, 3]])


@pytest.mark.parametrize(("channels", "color"), [(1, "hsv"), (3, "hsv"), (3, "rgb")])
def test_random_genomes_match_torch_and_numpy(channels, color):
    random.seed(11)
    genetics = CPPNGenetics(channels=channels, color=color, activations=",".join(NAMES), add_node=0.4,
                            activation=0.3, toggle=0.1)
    population = evolved_cppns(genetics, 8, 30, strength=1.5)
    assert max(len(g.hidden) for g in population) >= 8
    ours = network.render(population, 37, genetics.mode, tile=64)  # 37² pixels: a ragged last tile
    assert_close(ours, torch_renderer.render(population, 37, genetics.mode))
    assert_close(ours, reference.render(population, 37, genetics.mode))
    assert torch.equal(ours, genetics.render(population, 37))  # the genetics draw with the kernel on a CPU


@pytest.mark.parametrize("mode", ["grey", "hsv", "rgb"])
def test_kernel_pixel_mapping_is_pixels_to_image_exactly(mode):
    # the kernel maps node values to CPPN-X's pixels itself; the same float32 node values through pixels.to_image
    # (the Torch statement of the rules) give identical images, for evolved genomes and for hand-picked values
    random.seed(13)
    genetics = CPPNGenetics(channels=1 if mode == "grey" else 3, color="rgb" if mode == "rgb" else "hsv",
                            activations=",".join(NAMES), add_node=0.4, activation=0.3)
    population = evolved_cppns(genetics, 6, 25, strength=1.5)
    batch = network.compile_genomes(population, mode)
    raw = torch.from_numpy(network.evaluate(batch, 33, "raw", tile=64))
    assert torch.equal(network.render(population, 33, mode, tile=64), to_image(raw, mode, 33))
    special = np.array([0.0, -0.0, 1e-9, 0.3, 0.5, 0.999, 1.0, 1.5, 6.0, 7.0, -0.5, -1.0, -1.2, -6.5, 1 / 255, 0.003,
                        np.inf, -np.inf, np.nan], dtype=np.float32)
    grid = np.stack(np.meshgrid(special, special, special, indexing="ij")).reshape(1, 3, -1)
    values = np.concatenate([grid, np.random.default_rng(0).uniform(-8, 8, (1, 3, 4000)).astype(np.float32)], 2)
    out = np.empty_like(values)
    kernel.hsv_images(values, out)
    assert torch.equal(torch.from_numpy(out), to_image(torch.from_numpy(values), "hsv", 1).reshape(1, 3, -1))
    exact_values = values.astype(np.float64) * 1.0000001  # the exact renderer's float64 node values
    kernel.hsv_images(exact_values, out)
    assert torch.equal(torch.from_numpy(out), to_image(torch.from_numpy(exact_values), "hsv", 1)
                       .reshape(1, 3, -1))


def test_tile_size_does_not_change_the_image():
    random.seed(12)
    population = evolved_cppns(CPPNGenetics(), 3, 20, strength=1.5)
    images = [network.render(population, 40, "grey", tile) for tile in (64, 128, 1024)]
    assert torch.equal(images[0], images[1]) and torch.equal(images[0], images[2])


def test_node_values_are_the_bits_rendered_before_jobs_spanned_several_blocks():
    """Jobs of SPAN pixels, inputs computed once a render and sin / cos choosing their path per block give the
    bits of the kernel before (sha256 of its float32 node values and HSV colours, commit 8318b18). The sin genome
    mixes fast and libm blocks in one span: deciding per span instead changes ~200 of its pixels."""
    digest = hashlib.sha256()
    for channels, mapping in ((1, "raw"), (3, "hsv")):
        random.seed(21)
        genetics = CPPNGenetics(channels=channels)
        batch = network.compile_genomes(evolved_cppns(genetics, 6, 20, strength=1.5), genetics.mode)
        digest.update(network.evaluate(batch, 64, mapping).tobytes())
    trig = Genome((*INPUT_NODES, NodeGene(100, "hidden", "sin"), NodeGene(4, "out", "identity", "ink")),
                  (link(1, 100, 2.2e4), link(0, 100, 0.7), link(100, 4, 1.0)))
    digest.update(network.evaluate(network.compile_genomes([trig], "grey"), 256, "raw").tobytes())
    assert digest.hexdigest() == "8dd5247b7a591e0a4a53325c15e892125d39280852f58f1c8a70c1d7d5ec6d7f"


def test_hand_built_genome_and_odd_nodes_render_as_torch_does():
    # h = sin(x + 0.5 bias); ink = gaussian(2 h - y), plus an input node with its own activation (CPPN-X allows
    # it), a hidden node with no incoming link, and a disabled link
    hidden, empty = NodeGene(100, "hidden", "sin"), NodeGene(101, "hidden", "sigmoid")
    inputs = (*INPUT_NODES[:1], NodeGene(1, "in", "tanh", "y"), *INPUT_NODES[2:])
    ink = NodeGene(4, "out", "gaussian", "ink")
    genome = Genome((*inputs, hidden, empty, ink), (link(0, 100, 1.0), link(3, 100, 0.5), link(100, 4, 2.0),
                                                     link(1, 4, -1.0), link(101, 4, 0.3), link(2, 4, 9.0, False)))
    ours = network.render([genome], 4, "grey")
    assert torch.allclose(ours, torch_renderer.render([genome], 4, "grey"), atol=1e-6)
    assert torch.allclose(ours, reference.render([genome], 4, "grey"), atol=1e-6)
    # row 1, col 1: x = y = -0.5: h = 0, pre = -tanh(-0.5) + 0.3 * sigmoid(0) = 0.462117 -> 462 steps
    # CPPN-X's grey byte truncates |ink| * 255
    assert ours[0, 0, 1, 1].item() == pytest.approx(int(abs(2 * np.exp(-0.462 ** 2) - 1) * 255) / 127.5 - 1, abs=1e-6)
    assert network.render([], 8, "hsv").shape == (0, 3, 8, 8)


def test_picbreeder_examples_match_torch_and_numpy(picbreeder_xml):
    for path in picbreeder_xml:
        genetics, genome, _meta = import_picbreeder(path)
        ours = network.render([genome], 96, genetics.mode)
        assert ours.std() > 0.1, path.name
        assert_close(ours, torch_renderer.render([genome], 96, genetics.mode))
        assert_close(ours, reference.render([genome], 96, genetics.mode))


def test_outputs_feeding_outputs_unused_nodes_and_cycles():
    hue, sat, val = (NodeGene(5, "out", "sin", "hue"), NodeGene(6, "out", "tanh", "saturation"),
                     NodeGene(7, "out", "abs", "brightness"))
    unused = NodeGene(100, "hidden", "cos")
    genome = Genome((*INPUT_NODES, hue, sat, val, unused),
                    (link(0, 5, 2.0), link(5, 7, 1.5), link(1, 7, -1.0), link(2, 6, 0.7), link(7, 6, 0.4),
                     link(3, 100, 1.0)))
    codes, _links, rows = network.compile_genome(genome, "hsv")
    assert len(codes) == 3 and len(set(rows)) == 3  # the unused cos node is not computed
    assert_close(network.render([genome], 32, "hsv"), torch_renderer.render([genome], 32, "hsv"))
    cyclic = Genome(genome.nodes, (*genome.connections, link(6, 5, 1.0)))
    with pytest.raises(ValueError, match="cycle"):
        network.compile_genome(cyclic, "hsv")
