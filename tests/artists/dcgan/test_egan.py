"""E-GAN for the gradient artists (artists/dcgan/egan.py): children by loss, the fittest by the critic kept."""

from __future__ import annotations

import copy
import math
from pathlib import Path

import pytest
import torch

from artists.dcgan import DCGANArtist, MLPGeneratorArtist, egan
from coevo import losses
from coevo.commands.main import main
from coevo.programs.run import RunProgram
from coevo.protocols import LossGradientCritic, RefereedArtist
from coevo.training.trainer import Trainer
from critics.cnn import CNNCritic
from tests.helpers import toy_config

SHAPE = (1, 16, 16)


def players(seed: int = 0, **options: object) -> tuple[MLPGeneratorArtist, CNNCritic]:
    torch.manual_seed(seed)
    artist = MLPGeneratorArtist(SHAPE, batch=8, nz=8, hidden=16, lr=1e-2, egan=True, **options)
    critic = CNNCritic(SHAPE, width=8)
    real = torch.rand(8, *SHAPE) * 2 - 1
    critic.learn(real, artist.ask().images.detach())
    return artist, critic


def real_sampler(n: int) -> torch.Tensor:
    return torch.linspace(-1, 1, n * 256).reshape(n, *SHAPE)


def child(parent: MLPGeneratorArtist, critic: CNNCritic, z: torch.Tensor, loss: str) -> MLPGeneratorArtist:
    """A copy of ``parent`` after one step with ``loss`` on the critic's scores of G(z), done by hand."""
    copied = copy.deepcopy(parent)
    copied.opt.zero_grad(set_to_none=True)
    egan.mutation_loss(loss, critic.score(copied.net(z))).backward()
    copied.opt.step()
    return copied


def same_params(a: torch.nn.Module, b: torch.nn.Module) -> bool:
    return all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters()))


@pytest.mark.parametrize("fitness", [(0.2, 0.9, 0.5), (0.9, 0.2, 0.5), (0.1, 0.2, 0.7), (0.5, 0.5, 0.1)])
def test_the_fittest_child_is_kept(fitness: tuple[float, ...], monkeypatch: pytest.MonkeyPatch) -> None:
    artist, critic = players()
    proposal = artist.ask()
    parent = copy.deepcopy(artist)
    verdicts = iter(fitness)
    monkeypatch.setattr(egan, "judge_child", lambda *args: (next(verdicts), 0.0))
    metrics = artist.tell_refereed(proposal, critic.score(proposal.images), critic, real_sampler)
    chosen = max(range(3), key=lambda i: (fitness[i], -i))  # the first on a tie
    assert metrics["egan_child"] == chosen and metrics["egan_fitness"] == fitness[chosen]
    expected = child(parent, critic, proposal.extra["z"], egan.MUTATIONS[chosen])
    assert same_params(artist.net, expected.net)
    assert not any(same_params(artist.net, child(parent, critic, proposal.extra["z"], other).net)
                   for other in egan.MUTATIONS if other != egan.MUTATIONS[chosen])
    state, want = artist.opt.state_dict()["state"], expected.opt.state_dict()["state"]
    assert all(torch.equal(state[k]["exp_avg"], want[k]["exp_avg"]) for k in want)  # the child's optimiser too
    assert artist.steps == 1


def test_fitness_is_quality_plus_gamma_diversity_on_shared_latents(monkeypatch: pytest.MonkeyPatch) -> None:
    artist, critic = players(egan_gamma=0.5)
    proposal = artist.ask()
    seen: list[tuple[torch.Tensor, torch.Tensor, float, float]] = []
    judge = egan.judge_child

    def recording(art: object, crit: object, z: torch.Tensor, real: torch.Tensor) -> tuple[float, float]:
        quality, diversity = judge(art, crit, z, real)
        seen.append((z, real, quality, diversity))
        return quality, diversity

    monkeypatch.setattr(egan, "judge_child", recording)
    before = copy.deepcopy(critic.state_dict())
    grads = [None if p.grad is None else p.grad.clone() for p in critic.net.parameters()]
    metrics = artist.tell_refereed(proposal, critic.score(proposal.images), critic, real_sampler)
    assert len(seen) == 3 and all(torch.equal(s[0], seen[0][0]) and torch.equal(s[1], seen[0][1]) for s in seen)
    fitness = [q + 0.5 * d for _, _, q, d in seen]
    chosen = int(metrics["egan_child"])
    assert chosen == max(range(3), key=lambda i: fitness[i]) and metrics["egan_fitness"] == pytest.approx(
        fitness[chosen])
    z, real = seen[0][0], seen[0][1]
    with torch.no_grad():  # the kept generator is the chosen child: its quality, recomputed
        fake = artist.net(z)
        assert metrics["egan_quality"] == pytest.approx(float(torch.sigmoid(critic.score(fake)).mean()))
    judged = copy.deepcopy(critic)  # diversity: -log of the critic's loss gradient norm, by hand
    judged.net.eval()
    logits = judged.net(torch.cat([real, fake]), sizes=(len(real), len(fake)))
    losses.critic_loss("nonsaturating", logits[:8], logits[8:]).backward()
    norm = math.sqrt(sum(float(p.grad.double().pow(2).sum()) for p in judged.net.parameters() if p.grad is not None))
    assert metrics["egan_diversity"] == pytest.approx(-math.log(norm), rel=1e-5)
    after = critic.state_dict()  # the critic judged, nothing of it moved
    assert all(torch.equal(before["net"][k], after["net"][k]) for k in before["net"])
    assert all(torch.equal(p.grad, g) for p, g in zip(critic.net.parameters(), grads))  # no .grad written


@pytest.mark.parametrize("name", egan.MUTATIONS)
def test_each_mutation_loss_has_the_papers_gradient(name: str) -> None:
    logits = torch.linspace(-3, 3, 7, dtype=torch.float64, requires_grad=True)
    egan.mutation_loss(name, logits).backward()
    d = torch.sigmoid(logits.detach())
    want = {"minimax": -0.5 * d, "nonsaturating": -0.5 * (1 - d), "lsgan": 2 * (d - 1) * d * (1 - d)}[name] / 7
    assert torch.allclose(logits.grad, want)
    assert bool((logits.grad < 0).all())  # every loss pushes the critic's verdict towards "real"


@pytest.mark.parametrize("name", egan.MUTATIONS)
def test_each_loss_reaches_every_generator_weight_and_no_critic_weight(name: str) -> None:
    artist, critic = players(egan_losses=name)
    proposal = artist.ask()
    parent = copy.deepcopy(artist.net)
    critic.opt.zero_grad(set_to_none=True)
    artist.tell_refereed(proposal, critic.score(proposal.images), critic, real_sampler)
    assert all(not torch.equal(p, q) for p, q in zip(artist.net.parameters(), parent.parameters()))
    assert all(p.grad is None for p in critic.net.parameters())


def test_options_are_parsed_and_bounded() -> None:
    assert egan.parse_losses("minimax, nonsat,least-squares") == ("minimax", "nonsaturating", "lsgan")
    assert egan.parse_losses(["lsgan"]) == ("lsgan",)
    for bad in ("", "minimax,minimax", "wgan"):
        with pytest.raises(ValueError, match="egan_losses"):
            egan.parse_losses(bad)
    for bad in (-0.1, 101, math.nan):
        with pytest.raises(ValueError, match="egan_gamma"):
            egan.check_gamma(bad)


def test_the_protocols_are_met_and_off_is_plain_tell() -> None:
    artist, critic = players()
    assert isinstance(artist, RefereedArtist) and isinstance(critic, LossGradientCritic)
    plain = DCGANArtist((1, 28, 28), batch=2, ngf=4)
    twin = copy.deepcopy(plain)
    torch.manual_seed(1)
    proposal = plain.ask()
    plain.tell_refereed(proposal, proposal.images.mean((1, 2, 3)), critic, None)  # egan off: never judged
    torch.manual_seed(1)
    proposal = twin.ask()
    twin.tell(proposal, proposal.images.mean((1, 2, 3)))
    assert same_params(plain.net, twin.net) and not same_params(plain.net, DCGANArtist((1, 28, 28), ngf=4).net)


def test_a_critic_without_gradients_is_refused_unless_gamma_is_zero() -> None:
    artist, critic = players()

    class Plain:
        def score(self, images: torch.Tensor) -> torch.Tensor:
            return critic.score(images)

    proposal = artist.ask()
    with pytest.raises(Exception, match="egan_gamma=0"):
        artist.tell_refereed(proposal, critic.score(proposal.images), Plain(), real_sampler)  # type: ignore[arg-type]
    artist.egan_gamma = 0.0
    metrics = artist.tell_refereed(proposal, critic.score(proposal.images), Plain(), None)  # type: ignore[arg-type]
    assert metrics["egan_diversity"] == 0.0


def config(**overrides: object) -> object:
    return toy_config(artist="mlpgan", critic="cnn", size=16, fakes="latest", warmup=0, pop=8,
                      artist_options={"egan": True, "nz": 8, "hidden": 16}, critic_options={"width": 8},
                      checkpoint_seconds=0.0, **overrides)


def files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.suffix in (".png", ".jsonl")}


def test_an_egan_run_is_deterministic_and_resumes_as_it_ran(tmp_path: Path) -> None:
    whole = files(Trainer(bar=False).fit(RunProgram(), config(rounds=4), tmp_path / "whole").path)
    again = files(Trainer(bar=False).fit(RunProgram(), config(rounds=4), tmp_path / "again").path)
    assert whole == again and b"egan_child" in whole["metrics.jsonl"]
    Trainer(bar=False).fit(RunProgram(), config(rounds=2), tmp_path / "cut")
    Trainer(bar=False).resume(RunProgram(), tmp_path / "cut", rounds=4)
    cut = files(tmp_path / "cut")  # (it also keeps the sheet of the round it stopped at)
    assert {name: cut.get(name) for name in whole} == whole


def test_egan_runs_from_the_command_line_and_bad_options_exit_2(tmp_path: Path) -> None:
    base = ["run", "--artist", "mlpgan", "--data", "digits:32", "--size", "16", "--batch", "8", "--rounds", "2",
            "--warmup", "0", "--device", "cpu", "--sheet-every", "0", "--fakes", "latest",
            "--artist-option", "egan=true"]
    assert main([*base, "--artist-option", "egan_losses=minimax,lsgan", "--out", str(tmp_path / "r")]) == 0
    assert (tmp_path / "r" / "metrics.jsonl").read_text().count("egan_fitness") == 2
    assert main([*base, "--artist-option", "egan_losses=wgan", "--out", str(tmp_path / "bad")]) == 2
    assert main([*base, "--artist-option", "egan_gamma=-1", "--out", str(tmp_path / "bad2")]) == 2
