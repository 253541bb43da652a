"""The VAE artist: shapes, the VAE loss against a hand computation, learning, AE-GAN, and ``coevo latent``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch

from artists.vae import VAEArtist
from coevo.commands.main import main
from coevo.data import load_data
from coevo.programs.latent import load_generator
from coevo.protocols import Artist, LatentGenerator


def test_the_decoder_draws_images_in_range() -> None:
    torch.manual_seed(0)
    artist = VAEArtist((1, 28, 28), batch=5, nz=4, width=8)
    proposal = artist.ask()
    assert proposal.images.shape == (5, 1, 28, 28) and not proposal.images.requires_grad
    assert proposal.images.abs().max() <= 1.0
    assert isinstance(artist, Artist) and isinstance(artist, LatentGenerator)
    z = torch.randn(3, 4)
    assert torch.equal(artist.generate(z), artist.generate(z))  # no batch statistics: deterministic
    assert VAEArtist((3, 32, 32), nz=4, width=8).sample(2).shape == (2, 3, 32, 32)
    with pytest.raises(ValueError, match="multiple of 4"):
        VAEArtist((1, 30, 30))


def test_the_loss_is_reconstruction_plus_kl() -> None:
    torch.manual_seed(0)
    artist = VAEArtist((1, 28, 28), nz=3, width=8, beta=0.5)
    real = torch.rand(4, 1, 28, 28) * 2 - 1
    torch.manual_seed(1)
    total, recon, kl = artist.vae_loss(real)
    torch.manual_seed(1)
    mu, logvar = artist.encoder(real)
    z = mu + torch.randn_like(mu) * torch.exp(logvar / 2)
    p = torch.sigmoid(artist.decoder.logits(z))
    expected_recon = -((real + 1) / 2 * p.log() + (1 - (real + 1) / 2) * (1 - p).log()).sum() / 4
    expected_kl = 0.5 * (mu ** 2 + logvar.exp() - 1 - logvar).sum() / 4  # KL(N(mu, s^2) || N(0, 1))
    assert torch.allclose(recon, expected_recon, rtol=1e-4) and torch.allclose(kl, expected_kl, rtol=1e-4)
    assert torch.allclose(total, expected_recon + 0.5 * expected_kl, rtol=1e-4)


def test_tell_learns_to_reconstruct_the_data() -> None:
    torch.manual_seed(0)
    data = load_data("digits", 28)
    artist = VAEArtist((1, 28, 28), batch=32, nz=8, width=16, real=data.sample)
    first = artist.tell(artist.ask(), torch.zeros(32))["vae_recon"]
    for _ in range(60):
        metrics = artist.tell(artist.ask(), torch.zeros(32))
    assert metrics["vae_recon"] < 0.8 * first


def test_ae_gan_trains_the_decoder_against_the_critic() -> None:
    """The critic's scores reach the decoder only with ``adversarial`` > 0."""
    torch.manual_seed(0)
    data = load_data("digits", 28)
    bright = lambda images: images.mean(dim=(1, 2, 3)) * 10  # noqa: E731  (a differentiable toy critic)
    moved = {}
    for weight in (0.0, 50.0):
        torch.manual_seed(0)
        artist = VAEArtist((1, 28, 28), batch=16, nz=4, width=8, real=data.sample, adversarial=weight)
        before = bright(artist.generate(torch.zeros(8, 4))).mean()
        for _ in range(20):
            proposal = artist.ask()
            artist.tell(proposal, bright(proposal.images))
        moved[weight] = float(bright(artist.generate(torch.zeros(8, 4))).mean() - before)
    assert moved[50.0] > moved[0.0] + 1.0


def test_without_data_it_cannot_learn() -> None:
    artist = VAEArtist((1, 28, 28), nz=4, width=8)
    with pytest.raises(RuntimeError, match="real"):
        artist.tell(artist.ask(), torch.zeros(64))


@pytest.mark.parametrize("adversarial", ["0", "0.1"])
def test_a_vae_run_feeds_coevo_latent(tmp_path: Path, adversarial: str) -> None:
    run = tmp_path / "run"
    assert main(["run", "--artist", "vae", "--critic", "cnn", "--size", "28", "--rounds", "3", "--pop", "8",
                 "--batch", "8", "--warmup", "0", "--device", "cpu", "--fakes", "latest",
                 "--artist-option", "nz=6", "--artist-option", "width=8", "--artist-option",
                 f"adversarial={adversarial}", "--critic-option", "width=8", "--out", str(run)]) == 0
    rows = [json.loads(line) for line in (run / "metrics.jsonl").read_text().splitlines()]
    assert len(rows) == 3 and all(r["vae_recon"] > 0 for r in rows)
    assert ("artist_loss" in rows[0]) == (adversarial != "0")
    assert load_generator(run).nz == 6
    for argv in (["sheet", "--count", "8"], ["interpolate", "--count", "8", "--pairs", "0,1"],
                 ["arithmetic", "1-2+3", "--count", "8"]):
        assert main(["latent", str(run), *argv, "--out", str(tmp_path / f"{argv[0]}.png")]) == 0
