"""The hercl-function artist (artists/hercl/function.py): programs, rendering, JSON, runs, resume after kill -9."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from artists.hercl import HERCLFunctionGenetics
from coevo.commands.main import main
from coevo.evolution.ga import EvolutionaryArtist, EvolutionConfig
from coevo.toolkits.hercl import parse
from tests.conftest import ROOT, kill_when, patience
from tests.helpers import outputs


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


def test_the_compiled_render_equals_the_reference_pixel_loop():
    random.seed(3)
    fast, slow = HERCLFunctionGenetics(max_steps=80), HERCLFunctionGenetics(max_steps=80, engine="python")
    genomes = [fast.random_genome() for _ in range(6)]
    for _ in range(30):
        genomes.append(fast.mutate(random.choice(genomes), 2.0))
    assert torch.equal(fast.render(genomes, 8), slow.render(genomes, 8))


def test_the_library_keeps_champions_feeds_mutation_and_is_checkpointed():
    random.seed(4)
    genetics = HERCLFunctionGenetics(library=4, transgenic=1.0)
    artist = EvolutionaryArtist(genetics, EvolutionConfig(pop=6, size=4))
    for generation in range(3):
        proposal = artist.ask()
        scores = torch.arange(6, dtype=torch.float32) * (1 if generation % 2 else -1)
        champion = proposal.genomes[5 if generation % 2 else 0]
        artist.tell(proposal, scores)
        assert champion in genetics.library
    state = json.loads(json.dumps(artist.state_dict()))
    again = EvolutionaryArtist(HERCLFunctionGenetics(library=4, transgenic=1.0), EvolutionConfig(pop=6, size=4))
    again.load_state_dict(state)
    assert again.genetics.library.programs == genetics.library.programs
    marker = parse("[c=2,r=4,s=16,m=0]\n 0[123#wo]\n 1[123#wo|123#]\n")
    lone = HERCLFunctionGenetics(library=2, transgenic=1.0)
    lone.remember(marker, 1.0)
    child = lone.mutate(genetics.random_genome())
    assert any("123#" in "".join(i.text() for i in bar.instrs) for cell in child.cells for bar in cell)
    assert HERCLFunctionGenetics(library=0).memory_state() == {"library": None}


def test_run_against_the_cnn_critic_and_render(tmp_path: Path):
    out = tmp_path / "run"
    assert main(["run", "--artist", "hercl-function", "--critic", "cnn", "--rounds", "2", "--size", "16",
                 "--pop", "4", "--warmup", "1", "--seed", "1", "--out", str(out)]) == 0
    best = out / "genomes" / "best.json"
    assert json.loads(best.read_text())["artist"] == "hercl-function"
    png = tmp_path / "best.png"
    assert main(["render", str(best), "--size", "24", "--out", str(png)]) == 0
    assert Image.open(png).size == (24, 24)


def test_coevo_compare_plays_it_by_default_and_reports_it(tmp_path: Path, monkeypatch):
    from coevo.data import load_data
    from coevo.programs.comparison import default_artists

    assert "hercl-function" in default_artists()
    monkeypatch.setenv("COEVO_CACHE", str(tmp_path / "cache"))
    digits = load_data("digits", 16).images[:40, 0].numpy()
    np.savez(tmp_path / "digits.npz", images=((digits + 1) * 127.5).astype(np.uint8))
    out = tmp_path / "out"
    assert main(["compare", "--artists", "hercl-function", "--data", str(tmp_path / "digits.npz"), "--size", "16",
                 "--pop", "8", "--batch", "8", "--warmup", "1", "--images", "32", "--evals", "1", "--samples",
                 "16", "--seeds", "1", "--device", "cpu", "--out", str(out)]) == 0
    run = out / "hercl-function" / "seed-0"
    evals = [json.loads(line) for line in (run / "evals.jsonl").read_text().splitlines()]
    assert len(evals) == 1 and evals[0]["images_seen"] == 32 and 1 <= evals[0]["samples"] <= 16
    assert (run / "done.json").exists() and "| hercl-function |" in (out / "report.md").read_text()


ARGS = ["--artist", "hercl-function", "--critic", "tests.toys:TinyCritic", "--size", "8", "--pop", "12",
        "--warmup", "2", "--batch", "16", "--seed", "5", "--sheet-every", "8", "--rounds", "30",
        "--critic-option", "delay=0.03", "--artist-option", "library=6", "--artist-option", "transgenic=0.5",
        "--checkpoint-seconds", "0"]  # a checkpoint every round, as the library is read from it below


def test_kill_9_then_resume_a_hercl_function_run(tmp_path: Path) -> None:
    whole, killed = tmp_path / "whole", tmp_path / "killed"
    command = [sys.executable, "-m", "coevo", "run", *ARGS, "--out"]
    reference = subprocess.Popen([*command, str(whole)], cwd=ROOT, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.PIPE, text=True)
    victim = subprocess.Popen([*command, str(killed)], cwd=ROOT, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    assert 8 <= kill_when(victim, killed / "metrics.jsonl", 8, 240) < 30, "the run was not killed mid-way"
    library = torch.load(killed / "checkpoint.pt", weights_only=True)["artist"]["memory"]["library"]
    assert 1 <= len(library["programs"]) <= 6  # champions were kept, and checkpointed
    resumed = subprocess.run([sys.executable, "-m", "coevo", "resume", str(killed)], cwd=ROOT, timeout=patience(300),
                             capture_output=True, text=True)
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    assert reference.wait(timeout=patience(300)) == 0, reference.stderr.read()[-2000:]
    assert outputs(killed, images=False) == outputs(whole, images=False)
    assert len((whole / "metrics.jsonl").read_text().splitlines()) == 30
