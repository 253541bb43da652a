"""The drawing artists (lines, ants, evoeco, hercl-lines) through the product: bred in the headless window, run
against the cnn critic from the command line, their champions rendered from the genome files."""

from __future__ import annotations

import json
from pathlib import Path

import pygame
import pytest
import torch
from PIL import Image

from coevo.commands.main import main
from coevo.programs.breed import BreedingSession
from coevo.programs.genomes import build_genetics, load_genome
from coevo.rng import seed_everything
from critics.human import HumanCritic
from gallery.catalog import GalleryCatalog
from tests.helpers import click, press

ARTISTS = ["lines", "ants", "evoeco", "hercl-lines"]
SIZE = 48


@pytest.mark.parametrize("name", ARTISTS)
def test_breeds_in_the_window(name: str, window: HumanCritic, tmp_path: Path) -> None:
    seed_everything(4)
    _, genetics = build_genetics(name, {}, 3)
    session = BreedingSession.start(name, genetics, genetics.random_genome(), 15, SIZE, tmp_path / "runs" / name,
                                    catalog=GalleryCatalog())
    before = session.artist.population
    chosen = genetics.to_json(before[6].genome)
    shown = session.artist.ask().images[6]
    click(window.box_centre(6))
    press(pygame.K_RETURN)
    assert session.step(window)
    after = session.artist.population
    assert genetics.to_json(after[0].genome) == chosen
    assert torch.equal(session.artist.ask().images[0], shown)  # the chosen one, unchanged, now in the centre
    assert all(ind.parents == (before[6].id,) for ind in after[1:])
    assert sum(genetics.to_json(ind.genome) != chosen for ind in after[1:]) >= 7  # children differ
    click(window.box_centre(2))
    click(window.box_centre(9), shift=True)
    press(pygame.K_SPACE, " ")
    session.step(window)  # two choices mate
    assert all(len(ind.parents) == 2 for ind in session.artist.population[1:])
    press(pygame.K_u, "u")
    session.step(window)
    assert session.artist.generation == 1


@pytest.mark.parametrize("name", ARTISTS)
def test_run_against_the_cnn_critic_and_render(name: str, tmp_path: Path) -> None:
    out = tmp_path / "run"
    assert main(["run", "--artist", name, "--critic", "cnn", "--rounds", "2", "--pop", "8", "--size", "32",
                 "--warmup", "2", "--seed", "3", "--out", str(out)]) == 0
    metrics = [json.loads(line) for line in (out / "metrics.jsonl").read_text().splitlines()]
    assert len(metrics) == 2
    best = out / "genomes" / "best.json"
    assert json.loads(best.read_text())["artist"] == name
    png = tmp_path / "best.png"
    assert main(["render", str(best), "--size", "100", "--out", str(png)]) == 0
    assert Image.open(png).size == (100, 100)
    _, genetics, genome, _ = load_genome(best)
    assert torch.equal(genetics.render([genome], 100), genetics.render([genome], 100))
