"""The DCGAN artist: shapes, per-loss optimisers, and the loop equal to a hand-written GAN step."""

from __future__ import annotations

import copy
from typing import Any

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from artists.dcgan import DCGANArtist
from coevo.fakes import FakePool
from coevo.loop import LoopConfig, Players, Stop, coevolve
from coevo.losses import critic_loss
from coevo.protocols import Artist
from coevo.schedules import EveryRound


def discriminator(channels: int = 1) -> nn.Module:
    """A small DCGAN discriminator for 28-pixel images (a test fixture)."""
    return nn.Sequential(nn.Conv2d(channels, 16, 4, 2, 1), nn.LeakyReLU(0.2), nn.Conv2d(16, 32, 4, 2, 1),
                         nn.BatchNorm2d(32), nn.LeakyReLU(0.2), nn.Flatten(), nn.Linear(32 * 7 * 7, 1))


class PlainCritic:
    """A discriminator as a ``Critic``, learning with ``coevo.losses``."""

    def __init__(self, net: nn.Module, loss: str) -> None:
        self.net, self.loss = net, loss
        self.opt = torch.optim.Adam(net.parameters(), lr=2e-4, betas=(0.5, 0.999))

    def score(self, images: torch.Tensor) -> torch.Tensor:
        return self.net(images).squeeze(1)

    def learn(self, real: torch.Tensor, fake: torch.Tensor) -> dict[str, float]:
        self.opt.zero_grad(set_to_none=True)
        loss = critic_loss(self.loss, self.score(real), self.score(fake.detach()))
        loss.backward()
        self.opt.step()
        return {"critic_loss": loss.item()}

    def state_dict(self) -> dict[str, Any]:
        return {}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        pass


@pytest.mark.parametrize("size", [28, 32, 64])
def test_generator_makes_images_in_range(size: int) -> None:
    artist = DCGANArtist((3, size, size), batch=4, ngf=8)
    proposal = artist.ask()
    assert proposal.images.shape == (4, 3, size, size)
    assert proposal.images.requires_grad and proposal.extra["z"].shape == (4, 100)
    assert proposal.images.abs().max() <= 1.0
    assert isinstance(artist, Artist)


def test_unsupported_size_is_refused() -> None:
    with pytest.raises(ValueError, match="28, 32 or 64"):
        DCGANArtist((1, 48, 48))


@pytest.mark.parametrize(("loss", "kind", "lr"), [("nonsaturating", torch.optim.Adam, 2e-4),
                                                  ("wgan", torch.optim.RMSprop, 5e-5),
                                                  ("wgan-gp", torch.optim.Adam, 1e-4)])
def test_optimiser_defaults_follow_the_loss(loss: str, kind: type, lr: float) -> None:
    artist = DCGANArtist((1, 28, 28), ngf=8, loss=loss)
    assert isinstance(artist.opt, kind) and artist.opt.param_groups[0]["lr"] == lr
    if loss == "wgan-gp":
        assert artist.opt.param_groups[0]["betas"] == (0.5, 0.9)


def test_tell_moves_the_generator_towards_higher_scores() -> None:
    torch.manual_seed(0)
    artist = DCGANArtist((1, 32, 32), batch=8, ngf=8, lr=1e-2)
    bright = lambda images: images.mean(dim=(1, 2, 3)) * 10  # noqa: E731
    before = bright(artist.ask().images).mean().item()
    for _ in range(5):
        proposal = artist.ask()
        artist.tell(proposal, bright(proposal.images))
    assert bright(artist.ask().images).mean().item() > before + 1.0


def plain_gan(generator: nn.Module, disc: nn.Module, real: torch.Tensor, steps: int, k: int, batch: int,
              loss: str) -> None:
    """The textbook GAN step written out by hand (pytorch/examples' dcgan), for comparison with the loop."""
    opt_d = torch.optim.Adam(disc.parameters(), lr=2e-4, betas=(0.5, 0.999))
    opt_g = torch.optim.Adam(generator.parameters(), lr=2e-4, betas=(0.5, 0.999))
    for _ in range(steps):
        fake = generator(torch.randn(batch, 100))
        for _ in range(k):
            real_batch = real[torch.randint(len(real), (batch,))]
            fake_batch = fake.detach()[torch.randperm(batch)]  # the "latest" fake pool's draw
            opt_d.zero_grad()
            d_real, d_fake = disc(real_batch).squeeze(1), disc(fake_batch).squeeze(1)
            if loss == "hinge":
                loss_d = F.relu(1 - d_real).mean() + F.relu(1 + d_fake).mean()
            else:  # -log D(x) - log(1 - D(G(z))) on logits
                loss_d = F.softplus(-d_real).mean() + F.softplus(d_fake).mean()
            loss_d.backward()
            opt_d.step()
        opt_g.zero_grad()
        d_fake = disc(fake).squeeze(1)
        if loss == "nonsaturating":
            loss_g = F.softplus(-d_fake).mean()  # -log D(G(z))
        elif loss == "minimax":
            loss_g = -F.softplus(d_fake).mean()  # log(1 - D(G(z)))
        else:
            loss_g = -d_fake.mean()
        loss_g.backward()
        opt_g.step()


@pytest.mark.parametrize(("loss", "k"), [("nonsaturating", 1), ("minimax", 2), ("hinge", 1)])
def test_loop_rounds_equal_plain_gan_steps(loss: str, k: int) -> None:
    torch.manual_seed(0)
    real = torch.rand(40, 1, 28, 28) * 2 - 1
    artist = DCGANArtist((1, 28, 28), batch=8, ngf=8, loss=loss)
    critic = PlainCritic(discriminator(), loss)
    generator, disc = copy.deepcopy(artist.net), copy.deepcopy(critic.net)

    torch.manual_seed(1)
    coevolve(Players(artist, critic, lambda n: real[torch.randint(len(real), (n,))], FakePool("latest"),
                     LoopConfig(critic_steps=k, batch=8)), EveryRound(), Stop(rounds=4))
    torch.manual_seed(1)
    plain_gan(generator, disc, real, steps=4, k=k, batch=8, loss=loss)

    for ours, theirs in [(artist.net, generator), (critic.net, disc)]:
        for (name, a), b in zip(ours.state_dict().items(), theirs.state_dict().values()):
            assert torch.equal(a, b), name
    assert not torch.equal(artist.net.main[0].weight, DCGANArtist((1, 28, 28), ngf=8).net.main[0].weight)


def test_loop_with_the_cnn_critic_equals_the_hand_written_step() -> None:
    """The same proof against the project's CNN critic (spectral norm, one batch of real and fake, eval scoring)."""
    from critics.cnn import CNNCritic

    torch.manual_seed(0)
    real = torch.rand(40, 1, 28, 28) * 2 - 1
    artist, critic = DCGANArtist((1, 28, 28), batch=8, ngf=8), CNNCritic((1, 28, 28), width=8)
    g, d = copy.deepcopy(artist.net), copy.deepcopy(critic.net)
    opt_g = torch.optim.Adam(g.parameters(), lr=2e-4, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(d.parameters(), lr=2e-4, betas=(0.5, 0.999))
    torch.manual_seed(1)
    coevolve(Players(artist, critic, lambda n: real[torch.randint(len(real), (n,))], FakePool("latest"),
                     LoopConfig(batch=8)), EveryRound(), Stop(rounds=3))
    torch.manual_seed(1)
    for _ in range(3):
        fake = g(torch.randn(8, 100))
        d.train()
        opt_d.zero_grad()
        logits = d(torch.cat([real[torch.randint(len(real), (8,))], fake.detach()[torch.randperm(8)]]))
        (F.softplus(-logits[:8]).mean() + F.softplus(logits[8:]).mean()).backward()
        opt_d.step()
        d.eval()
        opt_g.zero_grad()
        F.softplus(-d(fake)).mean().backward()
        opt_g.step()
    for ours, theirs in [(artist.net, g), (critic.net, d)]:
        for (name, a), b in zip(ours.state_dict().items(), theirs.state_dict().values()):
            assert torch.equal(a, b), name


@pytest.mark.parametrize("loss", ["wgan", "wgan-gp"])
def test_gan_training_is_coevo_run(tmp_path, loss: str) -> None:
    """``coevo run --artist dcgan --critic cnn --fakes latest`` trains a GAN with each loss on real digits."""
    import json

    from coevo.commands.main import main

    code = main(["run", "--artist", "dcgan", "--critic", "cnn", "--fakes", "latest", "--loss", loss, "--size", "28",
                 "--rounds", "2", "--pop", "8", "--batch", "8", "--warmup", "0", "--critic-steps", "2",
                 "--device", "cpu", "--artist-option", "ngf=8", "--critic-option", "width=8",
                 "--out", str(tmp_path / "run")])
    assert code == 0
    rows = [json.loads(line) for line in (tmp_path / "run" / "metrics.jsonl").read_text().splitlines()]
    assert len(rows) == 2 and all(torch.isfinite(torch.tensor([r["artist_loss"], r["critic_loss"]])).all()
                                  for r in rows)


@pytest.mark.gpu
def test_gan_rounds_on_cuda_with_mixed_precision() -> None:
    from critics.cnn import CNNCritic

    artist = DCGANArtist((1, 28, 28), batch=16, device="cuda")
    critic = CNNCritic((1, 28, 28), device="cuda")
    real = torch.rand(64, 1, 28, 28, device="cuda") * 2 - 1
    before = artist.net.main[0].weight.detach().clone()
    coevolve(Players(artist, critic, lambda n: real[torch.randint(len(real), (n,), device="cuda")], FakePool("latest"),
                     LoopConfig(batch=16)), EveryRound(), Stop(rounds=3))
    assert artist.ask().images.dtype == torch.float32
    assert not torch.equal(before, artist.net.main[0].weight)
