"""The class-conditional DCGAN (artists/dcgan/conditional.py): classes drawn, labels through the loop, latent sheets."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import torch

from artists.dcgan import ConditionalDCGANArtist
from coevo.commands.main import main
from coevo.data import load_data
from coevo.fakes import FakePool
from coevo.loop import LoopConfig, Players, Stop, coevolve
from coevo.protocols import ConditionalGenerator
from coevo.schedules import EveryRound
from critics.cnn import ConditionalCNNCritic


def test_the_conditional_generator_draws_the_asked_classes() -> None:
    torch.manual_seed(0)
    artist = ConditionalDCGANArtist((1, 28, 28), batch=6, ngf=8, classes=3)
    proposal = artist.ask()
    assert proposal.images.shape == (6, 1, 28, 28) and proposal.images.requires_grad
    assert proposal.labels is not None and proposal.labels.shape == (6,) and int(proposal.labels.max()) < 3
    assert isinstance(artist, ConditionalGenerator)
    z = torch.randn(2, 100)
    zero, one = (artist.generate_labelled(z, torch.full((2,), k)) for k in (0, 1))
    assert not torch.allclose(zero, one)  # the label changes the image
    assert torch.equal(artist.generate_labelled(z, torch.zeros(2, dtype=torch.long)), zero)  # deterministic
    images, labels = artist.sample_labelled(7)
    assert images.shape == (7, 1, 28, 28) and labels.tolist() == [0, 1, 2, 0, 1, 2, 0]


class Spy:
    """Wraps the conditional critic, recording the labels the loop hands it."""

    def __init__(self, critic: ConditionalCNNCritic) -> None:
        self.critic, self.fake_labels, self.scored_labels = critic, [], []

    def score(self, images: torch.Tensor) -> torch.Tensor:
        raise AssertionError("a labelled proposal must be scored with its labels")

    def learn(self, real: torch.Tensor, fake: torch.Tensor) -> dict[str, float]:
        raise AssertionError("labelled batches must reach learn_labelled")

    def score_labelled(self, images: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        self.scored_labels.append(labels.clone())
        return self.critic.score_labelled(images, labels)

    def learn_labelled(self, real, real_labels, fake, fake_labels) -> dict[str, float]:
        assert torch.equal(real_labels, torch.full((len(real),), 7)) and (real == 0.5).all()
        self.fake_labels.append(fake_labels.clone())
        return self.critic.learn_labelled(real, real_labels, fake, fake_labels)

    def state_dict(self) -> dict[str, Any]:
        return {}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        pass


def test_labels_travel_from_the_artist_to_the_critic_and_back() -> None:
    torch.manual_seed(0)
    artist = ConditionalDCGANArtist((1, 28, 28), batch=8, ngf=8)
    spy = Spy(ConditionalCNNCritic((1, 28, 28), width=8))
    asked: list[torch.Tensor] = []
    original = artist.ask

    def ask():
        proposal = original()
        asked.append(proposal.labels.clone())
        return proposal

    artist.ask = ask  # type: ignore[method-assign]
    players = Players(artist, spy, lambda n: torch.full((n, 1, 28, 28), 0.5), FakePool("latest"),
                      LoopConfig(batch=8, critic_steps=2),
                      real_labelled=lambda n: (torch.full((n, 1, 28, 28), 0.5), torch.full((n,), 7)))
    coevolve(players, EveryRound(), Stop(rounds=2))
    assert len(spy.fake_labels) == 4 and len(spy.scored_labels) == 2
    for round_index in range(2):
        assert torch.equal(spy.scored_labels[round_index], asked[round_index])
        for fake in spy.fake_labels[2 * round_index: 2 * round_index + 2]:
            assert sorted(fake.tolist()) == sorted(asked[round_index].tolist())  # the same fakes, shuffled


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("cdcgan")
    code = main(["run", "--artist", "cdcgan", "--critic", "ccnn", "--data", "digits", "--size", "28",
                 "--fakes", "latest", "--rounds", "2", "--pop", "8", "--batch", "8", "--warmup", "0",
                 "--device", "cpu", "--loss", "hinge", "--artist-option", "ngf=8", "--critic-option", "width=8",
                 "--out", str(root / "run")])
    assert code == 0
    return root / "run"


def test_coevo_latent_draws_one_row_per_class(run: Path, tmp_path: Path) -> None:
    from PIL import Image

    assert main(["latent", str(run), "classes", "--columns", "4", "--out", str(tmp_path / "classes.png")]) == 0
    sheet = Image.open(tmp_path / "classes.png")
    assert sheet.size == (2 + 4 * 30, 2 + 10 * 30)  # 10 rows of 4 images, 28 px and a 2 px border
    assert main(["latent", str(run), "interpolate", "--label", "3", "--count", "4", "--pairs", "0,1",
                 "--out", str(tmp_path / "strip.png")]) == 0


def test_classes_need_a_conditional_generator(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "--artist", "dcgan", "--critic", "cnn", "--size", "28", "--fakes", "latest", "--rounds", "1",
                 "--pop", "4", "--batch", "4", "--warmup", "0", "--device", "cpu", "--artist-option", "ngf=8",
                 "--critic-option", "width=8", "--out", str(tmp_path / "plain")]) == 0
    assert main(["latent", str(tmp_path / "plain"), "classes"]) == 2
    assert "conditional" in capsys.readouterr().err


def test_a_conditional_run_without_labels_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import numpy as np

    np.savez(tmp_path / "x.npz", images=np.zeros((30, 28, 28), np.uint8))
    assert main(["run", "--artist", "cdcgan", "--critic", "ccnn", "--data", str(tmp_path / "x.npz"), "--size", "28",
                 "--fakes", "latest", "--rounds", "1", "--warmup", "0", "--out", str(tmp_path / "run")]) == 2
    assert "labelled data" in capsys.readouterr().err


@pytest.mark.parametrize("loss", ["minimax", "nonsaturating", "wgan", "wgan-gp", "hinge"])
def test_every_loss_plays_conditional_rounds(loss: str) -> None:
    torch.manual_seed(0)
    data = load_data("digits", 28)
    artist = ConditionalDCGANArtist((1, 28, 28), batch=8, ngf=8, loss=loss)
    critic = ConditionalCNNCritic((1, 28, 28), width=8, loss=loss)
    embedding = artist.net.labels.weight.detach().clone()
    coevolve(Players(artist, critic, data.sample, FakePool("latest"), LoopConfig(batch=8, critic_steps=2),
                     real_labelled=data.sample_labelled), EveryRound(), Stop(rounds=2))
    assert not torch.equal(embedding, artist.net.labels.weight)  # the label embedding learns
    assert torch.isfinite(critic.net.embed.weight).all() and torch.isfinite(artist.ask().images).all()


def test_conditioning_augmentation_samples_the_condition_and_adds_its_kl() -> None:
    torch.manual_seed(0)
    artist = ConditionalDCGANArtist((1, 28, 28), batch=6, ngf=8, classes=3, augment=True, kl=2.0)
    net = artist.net
    labels = torch.tensor([0, 1, 2, 0, 1, 2])
    mu, logvar = net.moments(labels)
    assert mu.shape == logvar.shape == (6, 10)
    assert torch.allclose(mu, net.labels(labels)) and torch.equal(logvar, torch.zeros(6, 10))  # starts as the plain
    expected = 0.5 * (mu.pow(2) + logvar.exp() - 1 - logvar).sum(1).mean()
    assert torch.allclose(net.kl(labels), expected)
    z = torch.randn(2, 100)
    first, second = artist.generate_labelled(z, torch.zeros(2)), artist.generate_labelled(z, torch.zeros(2))
    assert not torch.allclose(first, second)  # the same z and class: another sampled condition
    proposal = artist.ask()
    before = float(net.kl(proposal.labels).detach())
    metrics = artist.tell(proposal, proposal.images.mean(dim=(1, 2, 3)))
    assert metrics["artist_regulariser"] == pytest.approx(2.0 * before, rel=1e-5)  # kl × KL, before the step
    assert net.gaussian.weight.grad is not None and net.gaussian.weight.grad.abs().sum() > 0  # the KL's gradient
    plain = ConditionalDCGANArtist((1, 28, 28), batch=6, ngf=8, classes=3)
    assert not hasattr(plain.net, "gaussian") and "artist_regulariser" not in plain.tell(
        plain.ask(), torch.zeros(6, requires_grad=True) + 0)


def _digest(net: torch.nn.Module) -> str:
    import hashlib

    digest = hashlib.sha256()
    for key, value in net.state_dict().items():
        digest.update(key.encode())
        digest.update(value.detach().contiguous().numpy().tobytes())
    return digest.hexdigest()[:16]


def test_generators_without_cbn_are_built_as_before() -> None:
    # digests of the initial state of main's generators before the cbn option existed (names and values): a plain
    # or augmented run folder made then builds, loads and plays the same network now
    for augment, expected in ((False, "04ea047232411159"), (True, "999b037d17913ef5")):
        torch.manual_seed(0)
        artist = ConditionalDCGANArtist((1, 28, 28), batch=6, ngf=8, classes=3, augment=augment)
        assert _digest(artist.net) == expected


def test_conditional_batch_norm_carries_the_condition_to_every_layer() -> None:
    from artists.dcgan.networks import ConditionalBatchNorm2d

    torch.manual_seed(0)
    artist = ConditionalDCGANArtist((1, 28, 28), batch=6, ngf=8, classes=3, augment=True, kl=0.5, cbn=True)
    layers = [m for m in artist.net.main if isinstance(m, ConditionalBatchNorm2d)]
    assert len(layers) == 2 and not any(isinstance(m, torch.nn.BatchNorm2d) and m.affine for m in artist.net.modules())
    proposal = artist.ask()
    assert proposal.images.shape == (6, 1, 28, 28) and torch.isfinite(proposal.images).all()
    # one layer by hand: BatchNorm without affine, then gain 1 + W_γ·c and bias W_β·c per image
    layer, x, c = layers[0], torch.randn(4, layers[0].norm.num_features, 7, 7), torch.randn(4, 10)
    layer.train()
    mean, var = x.mean(dim=(0, 2, 3), keepdim=True), x.var(dim=(0, 2, 3), unbiased=False, keepdim=True)
    gain, bias = (1 + layer.gain(c))[:, :, None, None], layer.bias(c)[:, :, None, None]
    expected = (x - mean) / (var + 1e-5).sqrt() * gain + bias
    assert torch.allclose(layer(x, c), expected, atol=1e-5)
    # the class changes every layer's gains: the same z and condition noise, another class, another image
    z = torch.randn(3, 100)
    with torch.random.fork_rng(devices=[]):
        zero = artist.generate_labelled(z, torch.zeros(3))
    one = artist.generate_labelled(z, torch.ones(3))
    assert not torch.allclose(zero, one)
    # gradient path: the generator's loss reaches every conditional gain and bias, the label embedding and the
    # conditioning augmentation's layer; the KL term joins it
    metrics = artist.tell(proposal, proposal.images.mean(dim=(1, 2, 3)))
    assert metrics["artist_regulariser"] > 0
    for module in (*layers, artist.net.labels, artist.net.gaussian):
        for parameter in module.parameters():
            assert parameter.grad is not None and parameter.grad.abs().sum() > 0


def test_cbn_is_deterministic_and_its_run_resumes_byte_identical(tmp_path: Path) -> None:
    torch.manual_seed(3)
    first = ConditionalDCGANArtist((1, 28, 28), batch=4, ngf=8, augment=True, cbn=True).ask().images
    torch.manual_seed(3)
    assert torch.equal(ConditionalDCGANArtist((1, 28, 28), batch=4, ngf=8, augment=True, cbn=True).ask().images,
                       first)
    args = ["run", "--artist", "cdcgan", "--critic", "ccnn", "--data", "digits:64", "--size", "28", "--batch", "8",
            "--pop", "8", "--fakes", "latest", "--warmup", "0", "--device", "cpu", "--loss", "hinge",
            "--sheet-every", "0", "--artist-option", "ngf=8", "--artist-option", "augment=true",
            "--artist-option", "cbn=true", "--artist-option", "kl=0.1", "--critic-option", "width=8"]
    assert main([*args, "--rounds", "4", "--out", str(tmp_path / "whole")]) == 0
    assert main([*args, "--rounds", "2", "--out", str(tmp_path / "half")]) == 0
    assert main(["resume", str(tmp_path / "half"), "--rounds", "4"]) == 0
    whole = (tmp_path / "whole" / "metrics.jsonl").read_text()
    assert whole.count("artist_regulariser") == 4 and (tmp_path / "half" / "metrics.jsonl").read_text() == whole
    assert main(["latent", str(tmp_path / "half"), "classes", "--columns", "2", "--out",
                 str(tmp_path / "classes.png")]) == 0  # the latent tools rebuild the cbn generator


def test_a_bad_embedding_size_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "--artist", "cdcgan", "--critic", "ccnn", "--data", "digits", "--size", "28", "--fakes",
                 "latest", "--rounds", "1", "--warmup", "0", "--artist-option", "embed=5000",
                 "--out", str(tmp_path / "run")]) == 2
    assert "embed" in capsys.readouterr().err and not (tmp_path / "run").exists()


def _steps(ema: float, steps: int) -> ConditionalDCGANArtist:
    torch.manual_seed(5)
    artist = ConditionalDCGANArtist((1, 28, 28), batch=6, ngf=8, classes=3, augment=True, kl=0.1, cbn=True, ema=ema)
    for _ in range(steps):
        proposal = artist.ask()
        artist.tell(proposal, proposal.images.mean(dim=(1, 2, 3)))
    return artist


def test_the_moving_average_follows_the_weights_and_leaves_training_unchanged() -> None:
    plain, averaged = _steps(0.0, 3), _steps(0.9, 3)
    assert plain.average is None and "average" not in plain.state_dict()  # off: the checkpoint as before
    live = averaged.net.state_dict()
    assert all(torch.equal(value, live[key]) for key, value in plain.net.state_dict().items())  # same training
    # one step by hand: every floating entry (weights and BatchNorm statistics) moves by 1 - d towards the live one,
    # d = min(ema, (1 + t) / (10 + t)) after t steps; integer buffers are copied
    before = {key: value.clone() for key, value in averaged.average.state_dict().items()}
    proposal = averaged.ask()
    averaged.tell(proposal, proposal.images.mean(dim=(1, 2, 3)))
    decay, live = min(0.9, 5 / 14), averaged.net.state_dict()
    moved = 0
    for key, value in averaged.average.state_dict().items():
        if value.is_floating_point():
            assert torch.allclose(value, decay * before[key] + (1 - decay) * live[key], atol=1e-6), key
            moved += not torch.equal(value, live[key])
        else:
            assert torch.equal(value, live[key]), key
    assert moved > 0 and not any(p.requires_grad for p in averaged.average.parameters())
    assert any("running_mean" in key for key in before)  # BatchNorm statistics are averaged too
    # drawing: the average shows every image (samples, sheets, latent tools), live=True the trained generator
    z, labels = torch.randn(4, 100), torch.tensor([0, 1, 2, 0])
    with torch.random.fork_rng(devices=[]):
        shown = averaged.generate_labelled(z, labels)
    assert shown.shape == (4, 1, 28, 28) and torch.isfinite(shown).all() and shown.abs().max() <= 1
    with torch.random.fork_rng(devices=[]):
        averaged.average.eval()
        assert torch.equal(shown, averaged.average(z, labels).detach())
    with torch.random.fork_rng(devices=[]):
        trained = averaged.generate_labelled(z, labels, live=True)
    assert not torch.allclose(shown, trained)
    with torch.random.fork_rng(devices=[]):
        averaged.net.eval()
        assert torch.equal(trained, averaged.net(z, labels).detach())
    # the gradient samplers (PPGN) reach z through the average
    latent = torch.randn(3, 100, requires_grad=True)
    averaged.decode(latent).sum().backward()
    assert latent.grad is not None and latent.grad.abs().sum() > 0


def test_the_moving_average_is_checkpointed_and_its_run_resumes_byte_identical(tmp_path: Path) -> None:
    args = ["run", "--artist", "cdcgan", "--critic", "ccnn", "--data", "digits:64", "--size", "28", "--batch", "8",
            "--pop", "8", "--fakes", "latest", "--warmup", "0", "--device", "cpu", "--loss", "hinge",
            "--sheet-every", "0", "--artist-option", "ngf=8", "--artist-option", "augment=true",
            "--artist-option", "cbn=true", "--artist-option", "kl=0.1", "--artist-option", "ema=0.99",
            "--critic-option", "width=8"]
    assert main([*args, "--rounds", "4", "--out", str(tmp_path / "whole")]) == 0
    assert main([*args, "--rounds", "2", "--out", str(tmp_path / "half")]) == 0
    assert main(["resume", str(tmp_path / "half"), "--rounds", "4"]) == 0
    assert (tmp_path / "half" / "metrics.jsonl").read_text() == (tmp_path / "whole" / "metrics.jsonl").read_text()
    whole, half = (torch.load(tmp_path / name / "checkpoint.pt", weights_only=True)["artist"]["average"]
                   for name in ("whole", "half"))
    assert whole.keys() == half.keys() and all(torch.equal(whole[key], half[key]) for key in whole)
    assert main(["latent", str(tmp_path / "half"), "classes", "--columns", "2", "--out",
                 str(tmp_path / "classes.png")]) == 0  # the latent tools rebuild it and draw from the average
    from coevo.errors import CoevoError

    artist = ConditionalDCGANArtist((1, 28, 28), batch=4, ngf=8, ema=0.5)
    with pytest.raises(CoevoError, match="moving average"):  # a checkpoint saved without it: one clear line
        artist.load_state_dict(ConditionalDCGANArtist((1, 28, 28), batch=4, ngf=8).state_dict())


@pytest.mark.parametrize("ema", ["1", "-0.1"])
def test_a_bad_moving_average_decay_is_refused(ema: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "--artist", "cdcgan", "--critic", "ccnn", "--data", "digits", "--size", "28", "--fakes",
                 "latest", "--rounds", "1", "--warmup", "0", "--artist-option", f"ema={ema}",
                 "--out", str(tmp_path / "run")]) == 2
    assert "ema" in capsys.readouterr().err and not (tmp_path / "run").exists()
