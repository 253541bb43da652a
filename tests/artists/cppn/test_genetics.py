"""CPPNGenetics (artists/cppn/genetics.py): genome files round trip, evolution in the evolutionary artist."""

from __future__ import annotations

import json
import random

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
