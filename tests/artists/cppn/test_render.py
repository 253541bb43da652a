"""The Torch CPPN renderer (artists/cppn/render.py): hand-computed renders, inputs, colour, any resolution."""

from __future__ import annotations

import random

import pytest
import torch

from artists.cppn import CPPNGenetics, reference
from artists.cppn.genome import Genome, NodeGene
from tests.helpers import evolved_cppns, input_nodes, link

INPUT_NODES = input_nodes()


def test_hand_built_genome_renders_hand_computed_values():
    # h = sin(x + 0.5 * bias); ink = gaussian(2 h - y); grey byte = (int)(|ink| * 255) (CPPN-X truncates), drawn
    # as byte / 127.5 - 1; a 4x4 grid has x, y in {-1, -0.5, 0, 0.5} (CPPN-X: 2 * index / size - 1). Values worked
    # out by hand with math.sin/exp.
    hidden = NodeGene(100, "hidden", "sin")
    ink = NodeGene(4, "out", "gaussian", "ink")
    genome = Genome((*INPUT_NODES, hidden, ink), (link(0, 100, 1.0), link(3, 100, 0.5), link(100, 4, 2.0),
                                                   link(1, 4, -1.0), link(2, 4, 9.0, enabled=False)))
    image = CPPNGenetics(channels=1).render([genome], 4)[0, 0]
    # row 0, col 2: x=0, y=-1: h = sin(0.5) = 0.4794255; pre = 1.9588511 -> 1959 steps; 2exp(-1.959^2)-1 = -0.956913
    assert image[0, 2].item() == pytest.approx(int(0.956913 * 255) / 127.5 - 1, abs=1e-6)
    # row 1, col 1: x=y=-0.5: h = sin(0) = 0; pre = 0.5; 2exp(-0.25)-1 = 0.557602
    assert image[1, 1].item() == pytest.approx(int(0.557602 * 255) / 127.5 - 1, abs=1e-6)
    # row 3, col 3: x=y=0.5: h = sin(1) = 0.841471; pre = 1.182942 -> 1183 steps -> -0.506554
    assert image[3, 3].item() == pytest.approx(int(0.506554 * 255) / 127.5 - 1, abs=1e-6)
    # row 2, col 0: x=-1, y=0: h = sin(-0.5); pre = -0.958851 -> -958 steps -> -0.201178
    assert image[2, 0].item() == pytest.approx(int(0.201178 * 255) / 127.5 - 1, abs=1e-6)


def test_distance_input_is_picbreeders_scaled_radius():
    genome = Genome((*INPUT_NODES, NodeGene(4, "out", "identity", "ink")), (link(2, 4, 1.0),))
    image = CPPNGenetics(channels=1).render([genome], 4)[0, 0]
    assert image[0, 0].item() == pytest.approx(1.0)  # d = 1.4 * sqrt(2) > 1: full ink
    assert image[2, 3].item() == pytest.approx(int(0.7 * 255) / 127.5 - 1, abs=1e-6)  # x = 0.5, y = 0: d = 0.7
    assert image[2, 2].item() == pytest.approx(-1.0)  # centre: d = 0


# hue byte 85 (|1/3| * 255): int(85 * 360/255 + 360) % 360 = 120 degrees clockwise, int(360 - 85 * 360/255) = 240
# counter-clockwise (the double sums round back onto whole degrees); saturation and brightness bytes 255
@pytest.mark.parametrize(("hue", "rgb"), [(1 / 3, [-1.0, 1.0, -1.0]), (-1 / 3, [-1.0, -1.0, 1.0])])
def test_colour_follows_cppnx_hsv(hue, rgb):
    outputs = (NodeGene(5, "out", "identity", "hue"), NodeGene(6, "out", "identity", "saturation"),
               NodeGene(7, "out", "identity", "brightness"))
    genome = Genome(INPUT_NODES + outputs, (link(3, 5, hue), link(3, 6, 1.0), link(3, 7, -1.0)))
    image = CPPNGenetics(channels=3).render([genome], 2)
    # |hue| = 1/3 of the circle, clockwise when positive (green) and counter-clockwise when negative (blue)
    assert image[0, :, 0, 0].tolist() == pytest.approx(rgb, abs=1e-6)


@pytest.mark.parametrize(("channels", "color"), [(1, "hsv"), (3, "hsv"), (3, "rgb")])
def test_batched_render_matches_the_numpy_forward_pass(channels, color):
    random.seed(1)
    genetics = CPPNGenetics(channels=channels, color=color)
    population = evolved_cppns(genetics)
    ours = genetics.render(population, 48)
    theirs = reference.render(population, 48, genetics.mode)
    assert ours.shape == (6, channels, 48, 48)
    # CPPN-X's bytes: a float32 ulp can move a node across a byte boundary, and a hue byte moves a whole degree
    levels = (ours - theirs).abs() * 127.5
    assert levels.mean() < 0.1 and (levels > 1.01).float().mean() < 1e-2


def test_render_is_resolution_independent_and_in_range():
    random.seed(2)
    genetics = CPPNGenetics()
    population = evolved_cppns(genetics, n=3)
    small, large = genetics.render(population, 16), genetics.render(population, 64)
    assert large.min() >= -1 and large.max() <= 1 and small.dtype == torch.float32
    # the 16-pixel grid is every 4th point of the 64-pixel grid
    assert (small - large[:, :, ::4, ::4]).abs().max() < 1e-4
