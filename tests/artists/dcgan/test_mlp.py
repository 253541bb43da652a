"""The MLP generator artist (artists/dcgan/mlp.py): Lipizzaner's MNIST generator, trained as the DCGAN is."""

from __future__ import annotations

from pathlib import Path

import torch

from artists.dcgan import MLPGeneratorArtist
from coevo.commands.main import main
from coevo.loop import Stop, coevolve
from coevo.programs.build import build
from coevo.training.config import RunConfig


def test_it_is_lipizzaners_four_layer_perceptron() -> None:
    torch.manual_seed(0)
    artist = MLPGeneratorArtist((1, 28, 28), batch=5)
    linear = [m for m in artist.net.modules() if isinstance(m, torch.nn.Linear)]
    assert [(m.in_features, m.out_features) for m in linear] == [(64, 256), (256, 256), (256, 784)]
    assert isinstance(list(artist.net.modules())[-1], torch.nn.Tanh)
    proposal = artist.ask()
    assert proposal.images.shape == (5, 1, 28, 28) and proposal.images.abs().max() <= 1
    assert proposal.extra["z"].shape == (5, 64)
    assert MLPGeneratorArtist((3, 20, 24), batch=2).ask().images.shape == (2, 3, 20, 24)  # any shape


def test_tell_takes_a_gradient_step_towards_higher_scores() -> None:
    torch.manual_seed(0)
    artist = MLPGeneratorArtist((1, 8, 8), batch=16, lr=1e-2)

    def score(images: torch.Tensor) -> torch.Tensor:
        return images.mean(dim=(1, 2, 3)) * 10  # a "critic" that likes bright images

    first = artist.ask()
    start = float(first.images.mean())
    artist.tell(first, score(first.images))
    for _ in range(20):
        proposal = artist.ask()
        artist.tell(proposal, score(proposal.images))
    assert float(artist.ask().images.mean()) > start + 0.2


def test_mlpgan_plays_a_run(tmp_path: Path) -> None:
    assert main(["run", "--artist", "mlpgan", "--data", "digits:64", "--size", "28", "--batch", "8", "--rounds",
                 "2", "--warmup", "0", "--device", "cpu", "--sheet-every", "0", "--out", str(tmp_path / "r")]) == 0
    assert (tmp_path / "r" / "metrics.jsonl").read_text().count("artist_loss") == 2


def test_norm_batch_is_pacgans_2d_generator() -> None:
    torch.manual_seed(0)
    artist = MLPGeneratorArtist((2, 1, 1), batch=100, nz=2, hidden=400, depth=4, norm="batch")
    linear = [m for m in artist.net.modules() if isinstance(m, torch.nn.Linear)]
    assert [(m.in_features, m.out_features, m.bias is not None) for m in linear] == [
        (2, 400, False), (400, 400, False), (400, 400, False), (400, 400, False), (400, 2, True)]
    norms = [m for m in artist.net.modules() if isinstance(m, torch.nn.BatchNorm1d)]
    assert len(norms) == 4 and all(m.momentum == 0.05 for m in norms)
    assert sum(isinstance(m, torch.nn.ReLU) for m in artist.net.modules()) == 4
    assert not any(isinstance(m, torch.nn.LeakyReLU) for m in artist.net.modules())
    weights = torch.cat([m.weight.flatten() for m in linear[1:]])
    assert abs(float(weights.std()) - 0.02) < 0.001 and float(linear[-1].bias.abs().max()) == 0
    points = artist.ask().images
    assert points.shape == (100, 2, 1, 1) and points.abs().max() <= 1
    plain = MLPGeneratorArtist((2, 1, 1), nz=2, depth=4)  # the default stays Lipizzaner's
    assert not any(isinstance(m, torch.nn.BatchNorm1d) for m in plain.net.modules())


def test_a_bad_norm_exits_2(tmp_path: Path) -> None:
    assert main(["run", "--artist", "mlpgan", "--data", "ring:100", "--artist-option", "norm=layer", "--rounds", "1",
                 "--out", str(tmp_path / "bad")]) == 2
    assert not (tmp_path / "bad").exists()


def ring_points(norm: str, steps: int) -> torch.Tensor:
    """2,000 points of the generator after ``steps`` GAN steps on PacGAN's ring at a high learning rate (1e-3)."""
    adam = {"lr": 1e-3, "betas": [0.8, 0.999]}
    config = RunConfig(artist="mlpgan", critic="mlp", data="ring:10000", pop=100, batch=100, warmup=0,
                       fakes="latest", seed=0, rounds=steps, device="cpu", threads=1,
                       artist_options={"nz": 2, "hidden": 400, "depth": 4, "norm": norm, **adam}, critic_options=adam)
    game = build(config)
    coevolve(game.players, game.schedule, Stop(rounds=steps), game.progress)
    return game.artist.sample(2000).reshape(-1, 2)


def test_pacgans_generator_keeps_the_ring_points_spread_where_lipizzaners_saturates() -> None:
    """Why the ring benchmark uses ``norm=batch``: the first critic pushes every point one way, and Lipizzaner's
    generator runs into tanh's corner (-1, -1), where its gradient vanishes for good (0 of 8 modes after 1,500
    steps); PacGAN's BatchNorm + ReLU generator with N(0, 0.02) weights keeps its points apart."""
    saturated = ring_points("none", 80)
    assert float((saturated.abs() > 0.999).double().mean()) > 0.99 and float(saturated.std(0).max()) < 1e-3
    spread = ring_points("batch", 80)
    assert float((spread.abs() > 0.999).double().mean()) < 0.5 and float(spread.std(0).min()) > 0.1
