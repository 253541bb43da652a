"""The hercl-function artist: pixel programs, rendering, JSON, and a run against the cnn critic."""

from __future__ import annotations

import json
import random
from pathlib import Path

import torch
from PIL import Image

from artists.hercl import HERCLFunctionGenetics
from coevo.cli import main
from coevo.hercl import parse


def test_a_hand_written_program_draws_its_x_coordinate():
    g = HERCLFunctionGenetics()
    prog = parse("[c=1,r=0,s=8,m=0]\n 0[iss!wo]\n")  # push x, y; drop y; write x
    img = g.render([prog], 4)
    assert img.shape == (1, 1, 4, 4) and img.dtype == torch.float32
    assert torch.allclose(img[0, 0, 0], torch.tensor([-0.75, -0.25, 0.25, 0.75]))


def test_random_genomes_render_in_range_and_round_trip():
    random.seed(0)
    g = HERCLFunctionGenetics()
    genomes = [g.random_genome() for _ in range(4)]
    genomes += [g.mutate(genomes[0], 2.0), *g.crossover(genomes[1], genomes[2])]
    img = g.render(genomes, 8)
    assert img.shape == (7, 1, 8, 8) and img.min() >= -1 and img.max() <= 1
    for genome in genomes:
        assert g.from_json(json.loads(json.dumps(g.to_json(genome)))) == genome


def test_run_against_the_cnn_critic_and_render(tmp_path: Path):
    out = tmp_path / "run"
    assert main(["run", "--artist", "hercl-function", "--critic", "cnn", "--rounds", "2", "--size", "16",
                 "--pop", "4", "--warmup", "1", "--seed", "1", "--out", str(out)]) == 0
    best = out / "genomes" / "best.json"
    assert json.loads(best.read_text())["artist"] == "hercl-function"
    png = tmp_path / "best.png"
    assert main(["render", str(best), "--size", "24", "--out", str(png)]) == 0
    assert Image.open(png).size == (24, 24)
