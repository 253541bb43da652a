"""The MLP generator artist (artists/dcgan/mlp.py): Lipizzaner's MNIST generator, trained as the DCGAN is."""

from __future__ import annotations

from pathlib import Path

import torch

from artists.dcgan import MLPGeneratorArtist
from coevo.commands.main import main


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
