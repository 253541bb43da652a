"""Breeding a generator's latent space by hand: a DCGAN (and a cDCGAN) run bred in the headless window."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pygame
import pytest
import torch

from coevo.commands.main import main
from coevo.errors import CoevoError
from coevo.programs.breed import configure, resume
from coevo.programs.genomes import build_genetics, load_genome
from coevo.rng import seed_everything
from critics.human import HumanCritic
from gallery.catalog import GalleryCatalog
from tests.helpers import choose, click, keys, plays, press, session_of

SIZE = 48


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("latent-breed")
    made = {}
    for artist, critic in (("dcgan", "cnn"), ("cdcgan", "ccnn")):
        made[artist] = root / artist
        assert main(["run", "--artist", artist, "--critic", critic, "--size", "28", "--fakes", "latest",
                     "--rounds", "1", "--pop", "4", "--batch", "4", "--warmup", "0", "--device", "cpu",
                     "--artist-option", "ngf=8", "--critic-option", "width=8", "--out", str(made[artist])]) == 0
    return made


def test_children_are_gaussian_steps_and_crossover_mixes_latents(runs: dict[str, Path]) -> None:
    seed_everything(0)
    _, genetics = build_genetics("latent", {"run": str(runs["dcgan"]), "sigma": 0.3})
    parent = genetics.random_genome()
    steps = np.stack([np.asarray(genetics.mutate(parent)["z"]) - parent["z"] for _ in range(400)])
    assert abs(steps.std() - 0.3) < 0.02 and abs(steps.mean()) < 0.02
    other = genetics.random_genome()
    one, _ = genetics.crossover(parent, other)
    a, b, c = (np.asarray(g["z"]) for g in (parent, other, one))
    assert abs(np.linalg.norm(c) - np.linalg.norm(a)) < 0.5 * abs(np.linalg.norm(a) - np.linalg.norm(b)) + 1.0
    assert not np.allclose(c, a) and not np.allclose(c, b)
    _, uniform = build_genetics("latent", {"run": str(runs["dcgan"]), "crossover": "uniform"})
    mixed, _ = uniform.crossover(parent, other)
    assert all(m in (x, y) for m, x, y in zip(mixed["z"], parent["z"], other["z"]))
    assert genetics.render([parent, other], 40).shape == (2, 1, 40, 40)
    assert genetics.options()["checkpoint"].endswith("checkpoint.pt")


def test_a_dcgan_latent_space_breeds_in_the_window(runs: dict[str, Path], window: HumanCritic,
                                                   tmp_path: Path) -> None:
    config = configure({"size": SIZE, "export_size": 64, "seed": 1, "artist": "dcgan", "origin": str(runs["dcgan"])})
    session = session_of(config, tmp_path / "runs" / "breed", window)
    assert session.artist_name == "latent" and session.origin["meta"] == {"run": str(runs["dcgan"].resolve())}
    chosen = session.artist.population[13].genome
    choose(session, window, 13)
    assert session.artist.population[0].genome == chosen and session.artist.generation == 1
    children = [np.asarray(ind.genome["z"]) for ind in session.artist.population[1:]]
    assert all(0 < np.linalg.norm(z - chosen["z"]) for z in children)
    shown = session.artist.ask().images[4].clone()
    click(window.box_centre(4))
    press(pygame.K_s, "s")
    session.step(window)
    saved = list((session.folder / "genomes").glob("*.json"))
    assert len(saved) == 1
    name, genetics, genome, _ = load_genome(saved[0])
    assert name == "latent" and len(genome["z"]) == 100
    assert torch.allclose(genetics.render([genome], SIZE)[0], shown, atol=1e-5)
    press(pygame.K_u, "u")
    session.step(window)
    assert session.artist.generation == 0
    session.save()
    plays(window, *keys(pygame.K_ESCAPE))
    path = resume(session.folder, {}, GalleryCatalog(), window)
    assert json.loads(path.read_text())["state"] == session.artist.state_dict()


def test_a_conditional_latent_keeps_its_class(runs: dict[str, Path]) -> None:
    seed_everything(0)
    _, genetics = build_genetics("latent", {"run": str(runs["cdcgan"]), "relabel": 0.0})
    parent = genetics.random_genome()
    assert 0 <= parent["label"] < 10 and genetics.mutate(parent)["label"] == parent["label"]
    with pytest.raises(Exception, match="label"):
        genetics.from_json({"z": parent["z"], "label": 12})


def test_a_run_without_a_generator_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "--rounds", "1", "--pop", "4", "--warmup", "0", "--size", "16", "--out",
                 str(tmp_path / "gp")]) == 0
    assert main(["breed", "--from", str(tmp_path / "gp")]) == 2
    assert "latent space" in capsys.readouterr().err


def test_the_principal_directions_change_the_images_more_than_random_ones(runs: dict[str, Path]) -> None:
    _, genetics = build_genetics("latent", {"run": str(runs["dcgan"])})
    directions = genetics.directions(3)
    assert directions.shape == (3, genetics.nz) and torch.allclose(directions.norm(dim=1), torch.ones(3))
    assert torch.equal(genetics.directions(3), directions)  # fixed for the generator
    seed_everything(1)
    starts = [genetics.random_genome() for _ in range(8)]
    randoms = torch.randn(16, genetics.nz)
    randoms /= randoms.norm(dim=1, keepdim=True)

    def change(direction: torch.Tensor) -> float:
        moved = [dict(g, z=list(np.asarray(g["z"]) + 2.0 * direction.double().numpy())) for g in starts]
        return float((genetics.render(moved, 28) - genetics.render(starts, 28)).abs().mean())

    assert change(directions[0]) > max(change(r) for r in randoms)
    moved = genetics.moved(starts[0], [2.0, 0.0, -1.0])
    expected = np.asarray(starts[0]["z"]) + (2.0 * directions[0] - directions[2]).double().numpy()
    assert np.allclose(moved["z"], expected, atol=1e-5)


def test_an_interpolation_runs_from_one_genome_to_the_other_and_a_class_can_be_set(runs: dict[str, Path]) -> None:
    _, genetics = build_genetics("latent", {"run": str(runs["cdcgan"])})
    seed_everything(2)
    a, b = genetics.random_genome(), genetics.random_genome()
    b["label"] = (a["label"] + 1) % genetics.classes
    frames = genetics.interpolate(a, b, 5)
    assert np.allclose(frames[0]["z"], a["z"]) and np.allclose(frames[-1]["z"], b["z"])
    assert [f["label"] for f in frames] == [a["label"]] * 3 + [b["label"]] * 2  # the middle frame is half way
    assert genetics.moved(a, [0.0], label=b["label"])["label"] == b["label"]
    with pytest.raises(CoevoError, match="is not one of this generator's"):
        genetics.moved(a, [0.0], label=genetics.classes)
