"""The CNN critic (critics/cnn/critic.py): sizes, losses, learning, checkpoints; runs against it resume exactly."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from PIL import Image

from coevo.commands.main import main
from coevo.data import load_data
from coevo.programs.build import build_critic
from coevo.programs.run import resume, start
from coevo.training.config import RunConfig
from critics.cnn import CNNCritic
from critics.cnn.network import stage_count
from tests.conftest import ROOT, kill_when, patience
from tests.helpers import outputs


def noise(n: int, shape: tuple[int, int, int]) -> torch.Tensor:
    return torch.rand(n, *shape) * 2 - 1


@pytest.mark.parametrize(("shape", "stages"), [((1, 28, 28), 3), ((1, 32, 32), 3), ((3, 64, 64), 4),
                                               ((3, 8, 8), 1)])
def test_sized_from_the_image_shape(shape: tuple[int, int, int], stages: int) -> None:
    torch.manual_seed(0)
    critic = CNNCritic(shape)
    convs = [m for m in critic.net.modules() if isinstance(m, torch.nn.Conv2d)]
    assert stage_count(shape[1]) == stages == len(convs)
    assert all(c.stride == (2, 2) for c in convs)
    assert not any(isinstance(m, (torch.nn.MaxPool2d, torch.nn.AvgPool2d)) for m in critic.net.modules())
    images = noise(5, shape)
    assert critic.score(images).shape == (5,)
    assert critic.features(images).shape == (5, critic.feature_size)


def test_scores_are_differentiable_and_batch_independent() -> None:
    torch.manual_seed(0)
    critic = CNNCritic((1, 32, 32), chunk=7)
    images = noise(20, (1, 32, 32)).requires_grad_(True)
    scores = critic.score(images)
    scores.sum().backward()
    assert images.grad is not None and images.grad.abs().sum() > 0
    plain = critic.score(images.detach())  # no grad: scored in chunks of 7
    assert torch.allclose(plain, scores.detach(), atol=1e-5)
    assert torch.allclose(critic.score(images.detach()[:3]), plain[:3], atol=1e-5)


def test_separates_real_digits_from_noise_on_held_out_images() -> None:
    torch.manual_seed(0)
    train, held_out = load_data("digits", 32).split(0.2)
    critic = CNNCritic(train.shape)
    for _ in range(60):
        critic.learn(train.sample(16), noise(16, train.shape))
    right_real = (critic.score(held_out.images) > 0).float().mean()
    right_fake = (critic.score(noise(len(held_out), train.shape)) < 0).float().mean()
    assert (right_real + right_fake) / 2 > 0.95


@pytest.mark.parametrize(("loss", "norm", "optimiser"), [("wgan", None, torch.optim.RMSprop),
                                                         ("wgan-gp", None, torch.optim.Adam),
                                                         ("hinge", None, torch.optim.Adam),
                                                         ("minimax", "none", torch.optim.Adam)])
def test_each_loss_learns_with_its_defaults(loss: str, norm: str | None, optimiser: type) -> None:
    torch.manual_seed(0)
    critic = CNNCritic((1, 16, 16), loss=loss, norm=norm, width=8)
    assert isinstance(critic.opt, optimiser)
    assert not any(isinstance(m, torch.nn.BatchNorm2d) for m in critic.net.modules())
    real = torch.ones(8, 1, 16, 16) * 0.5
    before = critic.score(real).mean() - critic.score(-real).mean()
    for _ in range(15):
        metrics = critic.learn(real, -real)
    assert torch.isfinite(torch.tensor(list(metrics.values()))).all()
    assert critic.score(real).mean() - critic.score(-real).mean() > before
    if loss == "wgan":
        assert max(p.abs().max() for p in critic.net.parameters()) <= critic.clip + 1e-7
    if loss == "wgan-gp":
        assert "critic_penalty" in metrics


def test_batch_norm_on_request_but_refused_for_wasserstein_losses() -> None:
    critic = CNNCritic((1, 32, 32), norm="batch")
    assert any(isinstance(m, torch.nn.BatchNorm2d) for m in critic.net.modules())
    critic.learn(noise(4, (1, 32, 32)), noise(4, (1, 32, 32)))
    with pytest.raises(ValueError, match="batch norm"):
        CNNCritic((1, 32, 32), loss="wgan-gp", norm="batch")


def test_checkpoint_reloads_to_identical_scores() -> None:
    torch.manual_seed(0)
    shape = (1, 28, 28)
    critic = CNNCritic(shape)
    real, fake = noise(16, shape).abs(), noise(16, shape)
    for _ in range(3):
        critic.learn(real, fake)
    buffer = io.BytesIO()
    torch.save(critic.state_dict(), buffer)
    buffer.seek(0)
    copy = CNNCritic(shape)
    copy.load_state_dict(torch.load(buffer, weights_only=True))
    probe = noise(10, shape)
    assert torch.equal(copy.score(probe), critic.score(probe))
    critic.learn(real, fake)  # the optimiser state came along too: the next step matches
    copy.learn(real, fake)
    assert torch.equal(copy.score(probe), critic.score(probe))


def test_built_by_the_runner_from_the_registry() -> None:
    critic = build_critic(RunConfig(critic="cnn", loss="hinge"), (3, 32, 32), torch.device("cpu"))
    assert isinstance(critic, CNNCritic) and critic.loss == "hinge" and critic.shape == (3, 32, 32)


@pytest.mark.gpu
def test_cuda_mixed_precision_learns_and_reloads() -> None:
    if not torch.cuda.is_available():
        pytest.skip("no CUDA GPU")
    torch.manual_seed(0)
    critic = CNNCritic((3, 64, 64), device="auto")
    assert critic.device.type == "cuda" and critic.amp_dtype in (torch.bfloat16, torch.float16)
    real, fake = torch.rand(32, 3, 64, 64), -torch.rand(32, 3, 64, 64)
    for _ in range(30):
        critic.learn(real, fake)
    scores = critic.score(torch.cat([real, fake]))
    assert scores.dtype == torch.float32 and scores.device.type == "cpu"
    assert (scores[:32] > 0).all() and (scores[32:] < 0).all()
    copy = CNNCritic((3, 64, 64), device="cuda")
    copy.load_state_dict(critic.state_dict())
    assert torch.equal(copy.score(real), critic.score(real))


def test_wgan_gp_learns_from_a_fake_batch_smaller_than_the_real_batch() -> None:
    """The gradient penalty pairs real and fake images when the fake pool holds fewer than a batch (README)."""
    critic = CNNCritic((1, 32, 32), loss="wgan-gp")
    metrics = critic.learn(noise(64, (1, 32, 32)), noise(32, (1, 32, 32)))
    assert metrics["critic_penalty"] >= 0.0


class TwoPasses:
    """The same CNN critic seen without ``FeatureScores``: the scoreboard then runs features and scores apart."""

    def __init__(self, critic: CNNCritic) -> None:
        self.critic = critic

    def score(self, images: torch.Tensor) -> torch.Tensor:
        return self.critic.score(images)

    def features(self, images: torch.Tensor) -> torch.Tensor:
        return self.critic.features(images)

    def learn(self, real: torch.Tensor, fake: torch.Tensor) -> dict[str, float]:
        return self.critic.learn(real, fake)

    def state_dict(self) -> dict:
        return self.critic.state_dict()

    def load_state_dict(self, state: dict) -> None:
        self.critic.load_state_dict(state)


@pytest.mark.parametrize(("norm", "chunk"), [("spectral", 512), ("batch", 512), ("layer", 40)])
def test_one_pass_before_learning_gives_the_two_pass_measures(norm: str, chunk: int) -> None:
    from coevo.data.imageset import ImageSet
    from coevo.metrics.scoreboard import Scoreboard
    from coevo.protocols import FeatureScores, Proposal

    torch.manual_seed(0)
    critic = CNNCritic((1, 16, 16), norm=norm, width=8, chunk=chunk)
    data = load_data("digits", 16)
    critic.learn(data.images[:32], torch.rand(32, 1, 16, 16) * 2 - 1)  # trained a step: batch-norm statistics move
    assert isinstance(critic, FeatureScores) and not isinstance(TwoPasses(critic), FeatureScores)
    held_out = ImageSet(data.images[:100], None, "held")
    proposal = Proposal(torch.rand(70, 1, 16, 16) * 2 - 1)
    passes = []
    hook = critic.net.body.register_forward_hook(lambda module, inputs, output: passes.append(len(inputs[0])))
    one = Scoreboard(critic, held_out).before_learning(proposal)
    assert sum(passes) == 100 + 70, passes  # the body saw each image once
    passes.clear()
    two = Scoreboard(TwoPasses(critic), held_out).before_learning(proposal)
    hook.remove()
    assert sum(passes) == 100 + 70 + 70  # features, then held-out and population scores
    assert one == two and list(one) == list(two)  # the same measures, bit for bit, in the same order
    features, scores = critic.features_and_scores(proposal.images)
    assert torch.equal(features, critic.features(proposal.images))
    assert torch.equal(scores, critic.score(proposal.images))


ARTIST = "tests.toys:ToyGenetics"


def small(**changes) -> RunConfig:
    settings = dict(artist=ARTIST, critic="cnn", data="digits", rounds=8, pop=16, size=16, warmup=10, batch=16,
                    seed=3, sheet_every=4, critic_options={"width": 8})
    return RunConfig(**(settings | changes))


def test_champions_climb_the_critic_and_the_gallery_grows(tmp_path: Path) -> None:
    """GP against a CNN that retrains every round, slowly enough (lr 2e-5) that the artist can outpace it."""
    config = small(artist="gp", rounds=10, warmup=20, seed=0, sheet_every=100,
                   critic_options={"width": 8, "lr": 2e-5})
    rows = start(config, tmp_path / "run").metrics()
    best, mean = [row["fitness_best"] for row in rows], [row["fitness_mean"] for row in rows]
    assert min(best[-3:]) > best[0] + 0.1, f"the champions' scores did not rise: {best}"
    assert min(mean[-3:]) > mean[0], f"the population's scores did not rise: {mean}"
    assert [row["fakes"] for row in rows] == list(range(1, 11))  # one champion joins the gallery each round
    assert all(0.0 <= row["fooling_rate"] <= 1.0 and row["diversity_pixels"] >= 0 for row in rows)
    measured = [row for row in rows if "critic_accuracy" in row]  # the held-out pass: every --measure-every rounds
    assert [row["round"] for row in measured] == [0]  # of rounds 0-9
    assert all(0.0 <= row["critic_accuracy"] <= 1.0 and row["diversity_features"] >= 0 for row in measured)


def test_run_folder_has_curves_and_a_champion_per_round(tmp_path: Path) -> None:
    folder = start(small(), tmp_path / "run")
    assert Image.open(folder.path / "curves.png").size[0] > 400
    sheet = Image.open(folder.path / "sheets" / "champions.png")
    # 8 champions, enlarged 6x to 96 px, in one row under a title, each captioned (coevo.store.imagefiles)
    assert sheet.size == (8 * (96 + 4) + 4, (16 + 4) + (96 + 16 + 4) + 4)
    assert len(list((folder.path / "genomes").glob("champion-*.json"))) == 8


def test_resumed_cnn_run_equals_an_uninterrupted_one(tmp_path: Path) -> None:
    whole = start(small(), tmp_path / "whole")
    start(small(rounds=5), tmp_path / "part")
    (tmp_path / "part" / "sheets" / "champions.png").unlink()  # rebuilt from the genome files
    resumed = resume(tmp_path / "part", rounds=8)
    for name in ("metrics.jsonl", "curves.png", "sheets/champions.png", "genomes/best.json"):
        assert (resumed.path / name).read_bytes() == (whole.path / name).read_bytes(), name
    assert torch.equal(torch.load(resumed.path / "checkpoint.pt")["critic"]["net"]["head.bias"],
                       torch.load(whole.path / "checkpoint.pt")["critic"]["net"]["head.bias"])


def test_a_fitness_sharing_run_records_every_round(tmp_path: Path) -> None:
    rows = start(small(diversity=2.0, rounds=4), tmp_path / "run").metrics()
    assert len(rows) == 4 and all("fooling_rate" in row for row in rows)


def test_mnist_and_an_image_folder_play_the_same_game(tmp_path: Path, shared_data: Path) -> None:
    mnist = start(small(data=f"mnist:{shared_data / 'mnist'}", size=28, rounds=2, warmup=2), tmp_path / "mnist")
    assert [row["round"] for row in mnist.metrics()] == [0, 1] and "critic_accuracy" in mnist.metrics()[0]
    pictures = tmp_path / "pictures"
    pictures.mkdir()
    for index in range(24):
        colour = (10 * index, 255 - 10 * index, 128)
        Image.new("RGB", (20, 20), colour).save(pictures / f"{index:02d}.png")
    folder = start(small(data=str(pictures), rounds=2, warmup=2), tmp_path / "folder")
    assert Image.open(folder.path / "sheets" / "champions.png").mode == "RGB"
    assert "critic_accuracy" in folder.metrics()[0]


@pytest.mark.parametrize(("flags", "message"), [
    (["--loss", "wgan-gp", "--critic-option", "norm=batch"], "without batch norm"),
    (["--critic-option", "norm=weird"], "unknown norm"),
    (["--critic", "tests.toys:TinyCritic", "--diversity", "1"], "features()"),
    (["--diversity", "-1"], "diversity must be at least 0.0 (got -1.0)"),
    (["--critic-option", "mbstd=4", "--critic-option", "mbstd_at=bogus"], "mbstd_at must be head"),
    (["--critic-option", "mbstd_at=body"], "give its group too, e.g. mbstd=4"),
])
def test_bad_critic_settings_are_one_line_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                 flags: list[str], message: str) -> None:
    out = tmp_path / "run"
    assert main(["run", "--artist", ARTIST, *flags, "--out", str(out)]) == 2
    error = capsys.readouterr().err.strip()
    assert message in error and len(error.splitlines()) == 1
    assert not out.exists()


ARGS = ["--artist", "gp", "--critic", "cnn", "--size", "16", "--pop", "16", "--warmup", "5", "--batch", "16",
        "--seed", "11", "--sheet-every", "4", "--rounds", "14", "--critic-option", "width=8"]


@pytest.mark.slow
def test_kill_9_then_resume_a_cnn_run(tmp_path: Path) -> None:
    whole, killed = tmp_path / "whole", tmp_path / "killed"
    command = [sys.executable, "-m", "coevo", "run", *ARGS, "--out"]
    assert subprocess.run([*command, str(whole)], cwd=ROOT, capture_output=True, timeout=patience(600)).returncode == 0
    victim = subprocess.Popen([*command, str(killed)], cwd=ROOT, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    assert 6 <= kill_when(victim, killed / "metrics.jsonl", 6) < 14, "the run was not killed mid-way"
    assert subprocess.run([sys.executable, "-m", "coevo", "resume", str(killed)], cwd=ROOT, timeout=patience(600),
                          capture_output=True).returncode == 0
    assert outputs(killed) == outputs(whole)


def test_packing_judges_m_images_at_once_and_each_gets_its_packs_score() -> None:
    torch.manual_seed(0)
    critic = CNNCritic((1, 16, 16), "cpu", width=8, pack=3)
    assert critic.net.body[0].in_channels == 3  # PacGAN: the m images stacked on the channels
    images = (torch.rand(7, 1, 16, 16) * 2 - 1).requires_grad_(True)
    scores = critic.score(images)
    assert scores.shape == (7,) and torch.equal(scores[0], scores[2]) and torch.equal(scores[3], scores[5])
    with torch.no_grad():
        packed = critic.net(torch.cat([images[:7], images[:2]]).reshape(3, 3, 16, 16))  # the last pack refilled
    assert torch.allclose(scores, packed.repeat_interleave(3)[:7])
    scores[0].backward()
    assert images.grad[:3].abs().sum(dim=(1, 2, 3)).min() > 0 and images.grad[3:].abs().sum() == 0
    assert torch.equal(critic.score(images.detach()), scores.detach())  # in chunks, without a graph: the same
    metrics = critic.learn(torch.rand(8, 1, 16, 16) * 2 - 1, torch.rand(5, 1, 16, 16) * 2 - 1)
    assert set(metrics) >= {"critic_loss", "critic_real", "critic_fake"}
    features, both = critic.features_and_scores(images.detach())
    assert features.shape == (7, critic.feature_size) and both.shape == (7,)


@pytest.mark.parametrize("options", [{"minibatch": 100, "dims": 5}, {"mbstd": 4}])
def test_minibatch_options_reach_the_head_and_learn(options: dict) -> None:
    torch.manual_seed(0)
    critic = CNNCritic((1, 16, 16), "cpu", width=8, **options)
    assert critic.net.head.in_features == critic.feature_size + (100 if "minibatch" in options else 1)
    images = (torch.rand(6, 1, 16, 16) * 2 - 1).requires_grad_(True)
    critic.score(images)[0].backward()
    assert images.grad[1:].abs().sum() > 0  # one image's score depends on the rest of its batch
    before = critic.score(torch.zeros(4, 1, 16, 16))
    critic.learn(torch.rand(8, 1, 16, 16) * 2 - 1, torch.zeros(8, 1, 16, 16))
    assert not torch.equal(before, critic.score(torch.zeros(4, 1, 16, 16)))


def test_remedy_options_play_from_the_command_line(tmp_path: Path) -> None:
    base = ["run", "--artist", "dcgan", "--data", "digits:64", "--size", "28", "--batch", "8", "--rounds", "2",
            "--warmup", "0", "--device", "cpu", "--sheet-every", "0", "--artist-option", "ngf=8",
            "--critic-option", "width=8"]
    for i, option in enumerate(["pack=2", "minibatch=100", "mbstd=4"]):
        assert main([*base, "--critic-option", option, "--out", str(tmp_path / str(i))]) == 0
        assert (tmp_path / str(i) / "metrics.jsonl").read_text().count("critic_loss") == 2
    assert main([*base, "--critic-option", "pack=40", "--out", str(tmp_path / "bad")]) == 2


def test_mbstd_at_body_is_a_std_map_before_a_last_3x3_convolution_and_the_halves_are_measured_apart() -> None:
    """Karras et al.'s placement: the last stage's (C, 4, 4) map gets the group's std as channel C + 1, a 3×3
    convolution back to C channels mixes it non-linearly, then the head; the default (head) is unchanged."""
    torch.manual_seed(0)
    shape = (1, 32, 32)
    critic = CNNCritic(shape, width=8, mbstd=4, mbstd_at="body")
    conv = critic.net.mix.layer[0]
    assert (conv.in_channels, conv.out_channels, conv.kernel_size, conv.padding) == (33, 32, (3, 3), (1, 1))
    assert critic.net.head.in_features == critic.feature_size == 32 * 4 * 4
    assert CNNCritic(shape, width=8, mbstd=4).net.head.in_features == critic.feature_size + 1  # the default: head
    images = noise(8, shape)
    collapsed = images[:1].expand(8, *shape)
    assert not torch.allclose(critic.score(collapsed)[0], critic.score(images)[0])  # the same image, another spread
    fakes = images.clone().requires_grad_(True)
    critic.score(fakes)[0].backward()
    assert fakes.grad[1:4].abs().sum() > 0 and fakes.grad[4:].abs().sum() == 0  # through its group's std only
    real, other = noise(2, shape), noise(6, shape)  # halves across the groups of 4 of the whole batch
    with torch.no_grad():
        critic.net.eval()
        halves = critic.net(torch.cat([real, images[:6]]), sizes=(2, 6))
        assert torch.equal(halves[:2], critic.net(torch.cat([real, other]), sizes=(2, 6))[:2])
        assert torch.allclose(halves[2:], critic.net(images[:6]), atol=1e-6)
    features, scores = critic.features_and_scores(images)
    assert features.shape == (8, critic.feature_size) and torch.allclose(scores, critic.score(images))
    before = critic.score(images).detach()
    critic.learn(noise(8, shape).abs(), images)
    assert not torch.equal(before, critic.score(images))


def test_a_run_with_the_std_map_resumes_to_the_uninterrupted_run(tmp_path: Path) -> None:
    options = {"width": 8, "mbstd": 4, "mbstd_at": "body"}
    whole = start(small(rounds=6, critic_options=options), tmp_path / "whole")
    start(small(rounds=3, critic_options=options), tmp_path / "part")
    resumed = resume(tmp_path / "part", rounds=6)
    assert (resumed.path / "metrics.jsonl").read_bytes() == (whole.path / "metrics.jsonl").read_bytes()
    nets = [torch.load(run.path / "checkpoint.pt")["critic"]["net"] for run in (resumed, whole)]
    assert "mix.layer.0.parametrizations.weight.original" in nets[0]
    assert all(torch.equal(nets[0][name], nets[1][name]) for name in nets[1])


def test_a_channels_last_critic_scores_and_learns_as_the_plain_one_to_rounding() -> None:
    """``channels_last`` changes the memory layout only: the same initial weights, scores and features to float
    rounding, and after a learning step (plain and WGAN-GP) weights that still agree to rounding."""
    g = torch.Generator().manual_seed(1)
    real, fake = torch.rand(16, 1, 32, 32, generator=g) * 2 - 1, torch.rand(16, 1, 32, 32, generator=g) * 2 - 1
    for loss in ("nonsaturating", "wgan-gp"):
        critics = []
        for layout in (False, True):
            torch.manual_seed(0)
            critics.append(CNNCritic((1, 32, 32), loss=loss, channels_last=layout))
        plain, nhwc = critics
        kernels = [p for p in nhwc.net.parameters() if p.ndim == 4]
        assert kernels and all(p.is_contiguous(memory_format=torch.channels_last) for p in kernels)
        assert torch.allclose(plain.score(fake), nhwc.score(fake), atol=1e-5)
        features, scores = nhwc.features_and_scores(fake)
        assert torch.allclose(features, plain.features(fake), atol=1e-5) and torch.allclose(scores, plain.score(fake),
                                                                                            atol=1e-5)
        torch.manual_seed(5)  # the gradient penalty's interpolation draws
        a = plain.learn(real, fake)
        torch.manual_seed(5)
        b = nhwc.learn(real, fake)
        assert abs(a["critic_loss"] - b["critic_loss"]) < 1e-4
        for p, q in zip(plain.net.parameters(), nhwc.net.parameters()):
            assert torch.allclose(p, q, atol=1e-5)


def test_above_64_px_the_first_stage_narrows_so_the_larger_critic_is_the_64_px_one_with_a_stage_in_front() -> None:
    """Up to 64 px the stages have width, 2x, 4x ... channels as before; at 128 px the first stage has half the width
    (ProGAN's rule: a map's channels follow its resolution), so the 128-px critic's stages after the first have the
    64-px critic's very shapes, and its convolutions cost ~1.35x (not ~4.7x) the 64-px ones. ``full_width=0`` keeps
    the full width at every side (runs made before the rule)."""
    def shapes(side: int, **options: int) -> list[tuple[int, ...]]:
        critic = CNNCritic((1, side, side), **options)
        return [tuple(m.weight.shape) for m in critic.net.modules() if isinstance(m, torch.nn.Conv2d)]

    def macs(side: int, **options: int) -> int:
        out, total = side, 0
        for cout, cin, k, _ in shapes(side, **options):
            out = (out + 2 - k) // 2 + 1
            total += out * out * cout * cin * k * k
        return total

    assert [s[0] for s in shapes(32)] == [32, 64, 128] and [s[0] for s in shapes(64)] == [32, 64, 128, 256]
    assert [s[0] for s in shapes(128)] == [16, 32, 64, 128, 256] and shapes(128)[2:] == shapes(64)[1:]
    assert [s[0] for s in shapes(256)] == [8, 16, 32, 64, 128, 256]
    assert [s[0] for s in shapes(128, full_width=0)] == [32, 64, 128, 256, 256]
    assert [s[0] for s in shapes(128, width=8)] == [4, 8, 16, 32, 64] and [s[0] for s in shapes(512, width=2)][0] == 1
    assert macs(128) < 1.4 * macs(64) and macs(128, full_width=0) > 4.5 * macs(64)
    critic = CNNCritic((1, 128, 128))
    assert critic.score(noise(3, (1, 128, 128))).shape == (3,)


def test_a_run_folder_from_before_the_narrow_first_stage_resumes_with_its_full_width_critic(tmp_path: Path) -> None:
    """A config.toml without ``critic_full_width`` reads as 0: a 72-px run made before the rule resumes with the
    critic it checkpointed (full width), and plays on as an uninterrupted run with that setting."""
    from coevo.programs.run import RunProgram

    settings = dict(artist="gp", critic="cnn", data="digits", size=72, pop=6, warmup=1, batch=8, seed=2,
                    device="cpu", tensorboard=False)
    old = start(RunConfig(**settings, rounds=2, critic_full_width=0), tmp_path / "old")
    assert CNNCritic((1, 72, 72)).net.state_dict()["body.0.bias"].shape[0] == 16  # the new rule narrows 72 px
    config = old.path / "config.toml"
    config.write_text("".join(line for line in config.read_text().splitlines(keepends=True)
                              if not line.startswith("critic_full_width")))
    assert RunProgram().read_config(config).critic_full_width == 0
    state = torch.load(old.path / "checkpoint.pt", weights_only=True)
    assert state["critic"]["net"]["body.0.bias"].shape[0] == 32
    state["config"] = config.read_text()
    torch.save(state, old.path / "checkpoint.pt")
    resumed = resume(old.path, rounds=4)
    whole = start(RunConfig(**settings, rounds=4, critic_full_width=0), tmp_path / "whole")
    assert (resumed.path / "metrics.jsonl").read_bytes() == (whole.path / "metrics.jsonl").read_bytes()
