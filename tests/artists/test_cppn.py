"""The CPPN artist: activation definitions, hand-computed renders, variation invariants, JSON round-trips."""

from __future__ import annotations

import json
import math
import random

import pytest
import torch

from artists.cppn import CPPNGenetics, reference
from artists.cppn.activations import TORCH
from artists.cppn.genome import (
    Genome,
    NodeGene,
    check,
    from_json,
    innovation,
    is_acyclic,
    stable_id,
    to_json,
)
from artists.cppn.variation import add_node, crossover
from coevo.errors import CoevoError
from coevo.evolution.ga import EvolutionaryArtist, EvolutionConfig
from coevo.protocols import Genetics
from coevo.store.genomefile import GenomeFile, write_genome
from tests.helpers import input_nodes, link
from tests.toys import BrightnessCritic

INPUT_NODES = input_nodes()


def evolved_population(genetics: CPPNGenetics, n: int = 6, steps: int = 25) -> list[Genome]:
    population = [genetics.random_genome() for _ in range(n)]
    for _ in range(steps):
        population = [genetics.mutate(g) for g in population]
    return population


def test_signed_activations_use_picbreeders_lookup_tables():
    x = torch.tensor([-0.0015, 0.0004, 0.0016, 100.0, -100.0], dtype=torch.float64)
    # (int)(x * 1000 + 0.5) truncates toward zero: -1, 0, 2 steps of 0.001; the tables end at +-7.601
    expected = [2 / (1 + math.exp(0.001)) - 1, 0.0, 2 / (1 + math.exp(-0.002)) - 1,
                2 / (1 + math.exp(-7.601)) - 1, 2 / (1 + math.exp(7.601)) - 1]
    assert TORCH["sigmoid"](x).tolist() == pytest.approx(expected, abs=1e-12)
    expected = [2 * math.exp(-0.001 ** 2) - 1, 1.0, 2 * math.exp(-0.002 ** 2) - 1, 2 * math.exp(-2.758 ** 2) - 1,
                2 * math.exp(-2.757 ** 2) - 1]
    assert TORCH["gaussian"](x).tolist() == pytest.approx(expected, abs=1e-12)
    assert TORCH["step"](torch.tensor([-1.0, 0.0, 0.5])).tolist() == [0.0, 0.0, 1.0]


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
    population = evolved_population(genetics)
    ours = genetics.render(population, 48)
    theirs = reference.render(population, 48, genetics.mode)
    assert ours.shape == (6, channels, 48, 48)
    # CPPN-X's bytes: a float32 ulp can move a node across a byte boundary, and a hue byte moves a whole degree
    levels = (ours - theirs).abs() * 127.5
    assert levels.mean() < 0.1 and (levels > 1.01).float().mean() < 1e-2


def test_render_is_resolution_independent_and_in_range():
    random.seed(2)
    genetics = CPPNGenetics()
    population = evolved_population(genetics, n=3)
    small, large = genetics.render(population, 16), genetics.render(population, 64)
    assert large.min() >= -1 and large.max() <= 1 and small.dtype == torch.float32
    # the 16-pixel grid is every 4th point of the 64-pixel grid
    assert (small - large[:, :, ::4, ::4]).abs().max() < 1e-4


def test_innovation_numbers_are_deterministic_hashes():
    assert innovation(0, 4) == 163740013038105  # the same in every process and on every machine
    assert stable_id("node", innovation(0, 4), 0) == 50760011576690
    genome = CPPNGenetics(hidden=0).random_genome()
    random.seed(3)
    first = add_node(genome, ("sin",))
    random.seed(3)
    second = add_node(genome, ("sin",))
    assert first == second  # the same split gets the same node id and innovations without shared state


def test_crossover_keeps_matching_innovations():
    random.seed(4)
    genetics = CPPNGenetics()
    ancestor = genetics.random_genome()
    a = b = ancestor
    for _ in range(15):
        a, b = genetics.mutate(a), genetics.mutate(b)
    shared = {c.innovation for c in a.connections} & {c.innovation for c in b.connections}
    assert shared  # both keep the ancestor's input -> output genes
    weights_a = {c.innovation: c.weight for c in a.connections}
    weights_b = {c.innovation: c.weight for c in b.connections}
    took_from_b = 0
    for _ in range(20):
        child, other = crossover(a, b)
        assert [c.innovation for c in child.connections] == [c.innovation for c in a.connections]
        assert [c.innovation for c in other.connections] == [c.innovation for c in b.connections]
        assert {n.id for n in child.nodes} == {n.id for n in a.nodes} and is_acyclic(child)
        for c in child.connections:
            assert c.weight in ({weights_a[c.innovation], weights_b[c.innovation]} if c.innovation in shared
                                else {weights_a[c.innovation]})
            took_from_b += c.innovation in shared and c.weight == weights_b[c.innovation] != weights_a[c.innovation]
    assert took_from_b > 0


def test_mutated_genomes_stay_acyclic_and_valid():
    random.seed(5)
    genetics = CPPNGenetics(add_node=0.5, add_connection=0.9, toggle=0.3, activation=0.3)
    population = [genetics.random_genome() for _ in range(4)]
    for _ in range(60):
        population = [genetics.mutate(g, strength=1.5) for g in population]
        population[0], population[1] = genetics.crossover(population[0], population[1])
        for genome in population:
            assert is_acyclic(genome)
            check(genome)
    assert max(len(g.hidden) for g in population) >= 10
    assert torch.isfinite(genetics.render(population, 8)).all()


def test_save_load_round_trip(tmp_path):
    from coevo.programs.genomes import load_genome

    random.seed(6)
    genetics = CPPNGenetics(channels=3, color="rgb", add_node=0.4)
    genome = evolved_population(genetics, n=1)[0]
    assert genetics.from_json(json.loads(json.dumps(genetics.to_json(genome)))) == genome
    path = write_genome(tmp_path / "g.json", GenomeFile("cppn", genetics.options(), genetics.to_json(genome)))
    artist, loaded_genetics, loaded, _ = load_genome(path)
    assert artist == "cppn" and loaded == genome and loaded_genetics.options() == genetics.options()
    assert torch.equal(loaded_genetics.render([loaded], 24), genetics.render([genome], 24))


def test_bad_genomes_are_refused_with_one_line():
    ink = NodeGene(4, "out", "sin", "ink")
    hidden = NodeGene(100, "hidden", "sin")
    cyclic = Genome((*INPUT_NODES, hidden, ink), (link(100, 4, 1.0), link(4, 100, 1.0)))
    with pytest.raises(CoevoError, match="cycle"):
        check(cyclic)
    with pytest.raises(CoevoError, match="unknown activation"):
        from_json({"nodes": [{"id": 4, "kind": "out", "act": "wobble", "label": "ink"}], "connections": []})
    with pytest.raises(CoevoError, match="malformed"):
        from_json({"nodes": "x"})
    with pytest.raises(CoevoError, match="lacks output 'hue'"):
        CPPNGenetics(channels=3).from_json(to_json(CPPNGenetics(channels=1).random_genome()))
    with pytest.raises(ValueError, match="unknown activation"):
        CPPNGenetics(activations="sin,wobble")


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
