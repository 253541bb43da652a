"""The PPGN update rule on a toy differentiable model, its ablations, the code DAE, the sampler as an artist on
``coevolve``, and ``coevo ppgn`` end to end."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch

from coevo.commands.main import main
from coevo.data import load_data
from coevo.fakes import FakePool
from coevo.loop import Players, Stop, coevolve
from coevo.metrics import Evaluator
from coevo.metrics.features import classifier_features
from coevo.programs import ppgn as program
from coevo.protocols import Artist, GradientFooler
from coevo.schedules import EveryRound
from coevo.toolkits import ppgn
from coevo.toolkits.classifier import LeNet
from coevo.training import trainer

MU = torch.tensor([[2.0, -1.0, 0.5]])  # the toy class's mean


def toy_log_prob(h: torch.Tensor) -> torch.Tensor:
    """log p(y | G(h)) for G = identity and a Gaussian class around MU: the gradient is MU - h."""
    return -0.5 * (h - MU).pow(2).sum(1)


def shrink(h: torch.Tensor) -> torch.Tensor:
    """R(h) = 0.5 h: the ideal denoiser of a zero-mean Gaussian prior, so R(h) - h = -0.5 h."""
    return 0.5 * h


def test_one_step_is_the_papers_update() -> None:
    h = torch.tensor([[0.3, 0.4, -0.2], [1.0, 0.0, 2.0]])
    rule = ppgn.Rule(eps1=0.1, eps2=0.2, eps3=0.05)
    noise = 0.05 * torch.randn(h.shape, generator=torch.Generator().manual_seed(3))
    got = ppgn.step(h, shrink, toy_log_prob, rule, generator=torch.Generator().manual_seed(3))
    expected = h + 0.1 * (shrink(h) - h) + 0.2 * (MU - h) + noise
    assert torch.allclose(got, expected, atol=1e-6)


def test_without_noise_the_chain_settles_where_prior_and_class_balance() -> None:
    """Fixed point of h + e1 (0.5 h - h) + e2 (MU - h): h* = e2 MU / (e2 + 0.5 e1)."""
    rule = ppgn.Rule(eps1=0.2, eps2=0.1, eps3=0.0)
    h = torch.zeros(4, 3)
    for _ in range(500):
        h = ppgn.step(h, shrink, toy_log_prob, rule)
    assert torch.allclose(h, (0.1 * MU / (0.1 + 0.1)).expand(4, 3), atol=1e-5)
    dgn_am = ppgn.Rule(eps1=0.0, eps2=0.1, eps3=0.0)  # no prior: straight to the class's mode
    h = torch.zeros(4, 3)
    for _ in range(500):
        h = ppgn.step(h, shrink, toy_log_prob, dgn_am)
    assert torch.allclose(h, MU.expand(4, 3), atol=1e-5)
    large = ppgn.Rule(eps1=1.9, eps2=0.001, eps3=0.0)  # a large prior weight: the class is all but ignored
    h = torch.ones(4, 3)
    for _ in range(500):
        h = ppgn.step(h, shrink, toy_log_prob, large)
    assert h.abs().max() < 0.01


def test_noise_keeps_the_chain_moving_and_normalise_fixes_the_step() -> None:
    rule = ppgn.Rule(eps1=0.2, eps2=0.1, eps3=0.1)
    h, path = torch.zeros(1, 3), []
    generator = torch.Generator().manual_seed(0)
    for _ in range(300):
        h = ppgn.step(h, shrink, toy_log_prob, rule, generator=generator)
        path.append(h)
    assert torch.cat(path[100:]).std(0).min() > 0.05  # it mixes around the fixed point instead of stopping
    h = torch.tensor([[0.0, 0.0, 0.0]])
    normalised = ppgn.Rule(eps1=0.0, eps2=1.0, eps3=0.0, normalise=True, lr=0.3, lr_end=0.1)
    moved = ppgn.step(h, None, toy_log_prob, normalised) - h
    assert torch.allclose(moved.abs().mean(), torch.tensor(0.3))  # sampler.py: lr / mean|d_h| * d_h
    moved = ppgn.step(h, None, toy_log_prob, normalised, progress=1.0) - h
    assert torch.allclose(moved.abs().mean(), torch.tensor(0.1))
    clipped = ppgn.step(torch.full((1, 3), 29.9), None, lambda t: t.sum(1), ppgn.Rule(eps1=0, eps3=0, clip=(0, 30)))
    assert clipped.max() == 30


def test_noise_decays_linearly_to_eps3_end() -> None:
    rule = ppgn.Rule(eps1=0.0, eps2=0.0, eps3=0.4, eps3_end=0.0)
    assert rule.noise(0.0) == 0.4 and rule.noise(0.5) == pytest.approx(0.2) and rule.noise(1.0) == 0.0
    h = torch.zeros(20000, 1)
    generator = torch.Generator().manual_seed(0)
    for progress, sd in ((0.0, 0.4), (0.75, 0.1)):
        moved = ppgn.update(h, None, torch.zeros_like(h), rule, progress, generator)
        assert float(moved.std()) == pytest.approx(sd, rel=0.03)
    assert torch.equal(ppgn.update(h, None, torch.zeros_like(h), rule, 1.0, generator), h)  # the last step: none
    assert ppgn.Rule(eps3=0.3, eps3_end=None).noise(1.0) == 0.3  # no eps3_end: the same noise throughout


def test_the_code_dae_points_towards_the_data() -> None:
    codes = torch.randn(2000, 2) * 0.1 + torch.tensor([3.0, -2.0])
    dae = ppgn.train_dae(codes, sigma=0.5, steps=600)
    far = torch.tensor([[4.0, -1.0]])
    with torch.no_grad():
        direction = dae(far) - far
    assert float((direction * (torch.tensor([[3.0, -2.0]]) - far)).sum()) > 0  # R(h) - h points to the codes
    assert torch.equal(ppgn.train_dae(codes[:200], steps=5).net[0].weight, ppgn.train_dae(codes[:200], steps=5)
                       .net[0].weight)


def test_the_code_dae_points_towards_a_curved_manifold() -> None:
    """Codes on a circle of radius 2: from points inside and outside it, at every angle, R(h) - h points along the
    radius towards the circle (the score of the blurred density, Alain & Bengio 2014), not merely to the mean."""
    angle = torch.rand(4000, generator=torch.Generator().manual_seed(3)) * 2 * torch.pi
    codes = 2.0 * torch.stack([angle.cos(), angle.sin()], 1)
    dae = ppgn.train_dae(codes, sigma=0.3, steps=1500, seed=1)
    probe = torch.linspace(0, 2 * torch.pi, 13)[:-1]
    unit = torch.stack([probe.cos(), probe.sin()], 1)
    for radius, inward in ((3.0, -1.0), (1.2, 1.0)):
        h = radius * unit
        with torch.no_grad():
            direction = dae(h) - h
        cosine = torch.nn.functional.cosine_similarity(direction, inward * unit, dim=1)
        assert float(cosine.min()) > 0.8, (radius, cosine)


CENTRES = torch.tensor([[2.0, -1.0, 0.5], [-1.0, 1.0, 0.0], [0.0, 0.0, -2.0]])  # three toy classes


class GaussianClassifier:
    """A fixed, differentiable classifier of (N, 1, 1, 3) images: softmax of -|x - centre_k|^2 / 2."""

    classes = 3

    def confidences(self, images: torch.Tensor) -> torch.Tensor:
        return torch.softmax(-0.5 * (images.flatten(1)[:, None] - CENTRES).pow(2).sum(2).double(), dim=1)

    def score(self, images: torch.Tensor) -> torch.Tensor:
        return self.confidences(images).max(1).values

    def learn(self, real: torch.Tensor, fake: torch.Tensor) -> dict[str, float]:
        return {}

    def state_dict(self) -> dict:
        return {}

    def load_state_dict(self, state: dict) -> None:
        pass


def image(h: torch.Tensor) -> torch.Tensor:
    return h.view(-1, 1, 1, 3) * 1.0


def toy_sampler(seed: int = 5) -> ppgn.PPGNSampler:
    start = torch.tensor([[0.3, 0.4, -0.2], [1.0, 0.0, 2.0], [0.0, -1.0, 1.0], [0.5, 0.5, 0.5]])
    rule = ppgn.Rule(eps1=0.1, eps2=0.2, eps3=0.05)
    return ppgn.PPGNSampler(image, start, torch.tensor([0, 1, 2, 0]), 3, rule, shrink, steps=10, seed=seed)


def test_the_sampler_artist_steps_by_the_rule_through_coevolve() -> None:
    """A round on the one loop (ask, per-class scores with their graph, tell) is exactly ``ppgn.step``."""
    sampler = toy_sampler()
    assert isinstance(sampler, Artist) and isinstance(sampler, GradientFooler)
    h, targets = sampler.h.clone(), sampler.targets
    noise = torch.Generator().manual_seed(5)
    for taken in range(3):  # the noise decays over the sampler's 10 steps
        h = ppgn.step(h, shrink, lambda c: GaussianClassifier().confidences(image(c)).gather(
            1, targets[:, None]).squeeze(1).log(), sampler.rule, taken / 9, generator=noise)
    progress = coevolve(Players(sampler, GaussianClassifier(), None, FakePool("latest")), EveryRound(),
                        Stop(rounds=3))
    assert progress.rounds == 3 and sampler.taken == 3
    assert torch.allclose(sampler.h, h, atol=1e-6)
    assert sampler.metrics()["confidence_min"] > 0 and sampler.elites()[2].shape == (1, 1, 3)


def test_the_sampler_resumes_from_its_state() -> None:
    players = lambda s: Players(s, GaussianClassifier(), None, FakePool("latest"))  # noqa: E731
    straight = toy_sampler()
    coevolve(players(straight), EveryRound(), Stop(rounds=6))
    first = toy_sampler()
    coevolve(players(first), EveryRound(), Stop(rounds=3))
    resumed = toy_sampler(seed=99)  # another noise seed: the state must bring the first one's back
    resumed.load_state_dict(first.state_dict())
    coevolve(players(resumed), EveryRound(), Stop(rounds=3))
    assert torch.equal(resumed.h, straight.h) and resumed.scores().tolist() == straight.scores().tolist()


def test_the_sampler_wants_per_class_scores_with_their_graph() -> None:
    sampler = toy_sampler()
    proposal = sampler.ask()
    with pytest.raises(ValueError, match="per-class scores"):
        sampler.tell(proposal, GaussianClassifier().confidences(proposal.images).detach())


def test_sample_diversity_counts_only_confident_samples() -> None:
    """Two chains of one class, kept samples along them: a sample the classifier doubts is left out."""
    kept = [torch.full((2, 1, 2, 2), v) for v in (0.0, 0.5)]
    kept[1][1] = 0.9  # chain 1's second sample: it alone is judged unsure

    def confidences(images: torch.Tensor) -> torch.Tensor:
        sure = (images.flatten(1)[:, 0] < 0.8).double()
        return torch.stack([0.5 + 0.499999 * sure, 0.5 - 0.499999 * sure], 1)

    summary = program.summarise(torch.tensor([0, 0]), kept[1], kept, confidences)
    row = summary["classes"]["0"]
    assert row["samples"] == 4 and row["samples_99"] == 3 and summary["samples_share_99"] == 0.75
    assert row["diversity_samples"] == pytest.approx((0.0 + 0.5 + 0.5) / 3)  # pairs of {0, 0, 0.5}
    assert row["diversity_chain"] == pytest.approx((0.5 + 0.9) / 2) and row["diversity_final"] == pytest.approx(0.4)
    none = program.summarise(torch.tensor([0, 0]), kept[1], [], confidences)
    assert none["classes"]["0"]["samples"] == 0 and none["samples_share_99"] == 0 and none["diversity_samples"] == 0


def test_evaluated_samples_get_feature_diversity_and_precision() -> None:
    """With an evaluator (here over an untrained LeNet's features, to stay fast) the confident kept samples are
    also measured in its features and against its real reference images."""
    data = load_data("digits", 16)
    evaluator = Evaluator(data, reference=100, net=classifier_features(data, LeNet((1, 16, 16))))
    kept = [data.images[i: i + 20] for i in range(0, 60, 20)]  # 20 chains, three real digits each
    summary = program.summarise(torch.zeros(20, dtype=torch.long), kept[-1], kept,
                                lambda images: torch.tensor([[1.0, 0.0]]).repeat(len(images), 1), evaluator)
    assert summary["feature_diversity_samples"] > 0 and summary["feature_diversity_final"] > 0
    assert 0 < summary["samples_precision"] <= 1 and summary["samples_fid"] >= 0


@pytest.fixture(scope="module")
def vae_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    run = tmp_path_factory.mktemp("ppgn") / "vae"
    assert main(["run", "--artist", "vae", "--critic", "cnn", "--size", "16", "--rounds", "3", "--pop", "16",
                 "--batch", "16", "--warmup", "0", "--critic-steps", "0", "--device", "cpu", "--fakes", "latest",
                 "--artist-option", "nz=4", "--artist-option", "width=8", "--critic-option", "width=8",
                 "--judge", "0.5", "--out", str(run)]) == 0  # a split its generator never sees, for the judge
    return run


@pytest.mark.parametrize("extra", [[], ["--eps1", "0"], ["--prior", "encoder", "--normalise", "--lr", "0.05"]])
def test_coevo_ppgn_writes_a_sheet_and_the_figures(vae_run: Path, tmp_path: Path, monkeypatch,
                                                   extra: list[str]) -> None:
    monkeypatch.setenv("COEVO_CACHE", str(tmp_path / "cache"))
    played = []

    def counted(*args, **kwargs):
        played.append(args[2])
        return coevolve(*args, **kwargs)

    monkeypatch.setattr(trainer, "coevolve", counted)  # the chains play their steps through the one loop
    out = tmp_path / "ppgn"
    assert main(["ppgn", str(vae_run), "--classes", "0", "3", "--chains", "2", "--steps", "6", "--keep-every", "1",
                 "--dae-steps", "20", "--classifier-steps", "30", "--judge-steps", "20", *extra,
                 "--out", str(out)]) == 0
    summary = json.loads((out / "ppgn.json").read_text())
    assert played == [Stop(rounds=6)]
    assert set(summary["classes"]) == {"0", "3"} and 0 <= summary["confidence_mean"] <= 1
    assert summary["classes"]["3"]["samples"] == 2 * 3  # two chains, kept after steps 4, 5, 6
    assert summary["diversity_chain"] >= 0 and (out / "ppgn.png").stat().st_size > 0
    judged = summary["judge"]  # the independent judge's verdict, beside the generator's own samples
    assert 0 <= judged["top"] <= 1 and 0 <= judged["share_99"] <= 1 and set(judged["classes"]) == {"0", "3"}
    assert judged["fid"] >= 0 and judged["generator_fid"] >= 0 and judged["real_fid"] >= 0


def test_coevo_ppgn_samples_pixels_without_a_generator(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("COEVO_CACHE", str(tmp_path / "cache"))
    assert main(["ppgn", "--data", "digits", "--size", "16", "--classes", "1", "--chains", "2", "--steps", "5",
                 "--keep-every", "1", "--classifier-steps", "30", "--judge-steps", "20",
                 "--out", str(tmp_path / "pixels")]) == 0
    assert json.loads((tmp_path / "pixels" / "ppgn.json").read_text())["classes"]["1"]["samples"] == 2 * 3
    assert main(["ppgn", "--data", "digits", "--size", "16", "--steps", "5", "--burn-in", "5"]) == 2
    assert main(["ppgn", "--classes", "1", "--out", str(tmp_path / "none")]) == 2  # no run and no data


def test_coevo_ppgn_samples_through_a_dcgan(tmp_path: Path, monkeypatch) -> None:
    """A generator without an encoder: the DAE learns its N(0, I) latents."""
    monkeypatch.setenv("COEVO_CACHE", str(tmp_path / "cache"))
    run28 = tmp_path / "dcgan28"
    assert main(["run", "--artist", "dcgan", "--critic", "cnn", "--size", "28", "--fakes", "latest", "--rounds", "1",
                 "--pop", "4", "--batch", "4", "--warmup", "0", "--device", "cpu", "--artist-option", "ngf=8",
                 "--critic-option", "width=8", "--out", str(run28)]) == 0
    assert main(["ppgn", str(run28), "--classes", "2", "--chains", "2", "--steps", "4", "--keep-every", "1",
                 "--dae-steps", "10", "--classifier-steps", "30", "--out", str(tmp_path / "out")]) == 2
    assert main(["ppgn", str(run28), "--classes", "2", "--chains", "2", "--steps", "4", "--keep-every", "1",
                 "--dae-steps", "10", "--classifier-steps", "30", "--judge", "0", "--out", str(tmp_path / "out")]) == 0
    summary = json.loads((tmp_path / "out" / "ppgn.json").read_text())  # trained on all its images: no judge
    assert summary["settings"]["run"] == str(run28) and "judge" not in summary


def ppgn_figures_hold(ppgn: dict, dgn_am: dict) -> None:
    """The README's PPGN table: with the defaults (noise 0.35 decaying to 0) every class's final samples are >= 99%
    confident, PPGN moves along its chains and stays on the digits, and its confident kept samples spread wider
    than DGN-AM's, in pixels and in the metrics LeNet's features."""
    assert ppgn["share_99"] >= 0.99 and ppgn["class_confidence_min"] >= 0.99
    assert ppgn["diversity_chain"] > 10 * dgn_am["diversity_chain"]
    assert ppgn["samples_precision"] > dgn_am["samples_precision"] and ppgn["samples_fid"] < dgn_am["samples_fid"]
    assert ppgn["diversity_samples"] > dgn_am["diversity_samples"]
    assert ppgn["feature_diversity_samples"] > dgn_am["feature_diversity_samples"]
    assert min(row["samples_99"] / row["samples"] for row in ppgn["classes"].values()) >= 0.85


@pytest.mark.slow
def test_ppgn_against_dgn_am_on_mnist(tmp_path: Path, shared_data: Path) -> None:
    """The README's figures: the 2000-step VAE on MNIST t10k, 10 chains a class, 400 steps (minutes)."""
    vae = tmp_path / "vae"
    assert main(["run", "--artist", "vae", "--critic", "cnn", "--fakes", "latest", "--warmup", "0", "--critic-steps",
                 "0", "--data", f"mnist:{shared_data / 'mnist'}", "--size", "28", "--pop", "64", "--rounds", "2000",
                 "--device", "cpu", "--out", str(vae)]) == 0
    summaries = []
    for name, extra in (("ppgn", []), ("dgn", ["--eps1", "0", "--eps3", "0"])):  # (the table's eps1 0.01)
        assert main(["ppgn", str(vae), "--chains", "10", "--burn-in", "200", "--keep-every", "10", "--evaluate",
                     "--judge", "0", "--eps1", "0.01", *extra, "--out", str(tmp_path / name)]) == 0
        summaries.append(json.loads((tmp_path / name / "ppgn.json").read_text()))
    ppgn_figures_hold(*summaries)
