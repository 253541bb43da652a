"""The pixels artist (artists/pixels/artist.py): gradient ascent, attacks via ``coevo fool``, its state, MNIST."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch

from artists.pixels import PixelArtist, total_variation
from coevo.commands.main import main
from coevo.fakes import FakePool
from coevo.loop import Players, Stop, coevolve
from coevo.schedules import EveryRound


class Softmax:
    """A fixed linear classifier over pixels (differentiable), scoring per class."""

    classes = 3

    def __init__(self) -> None:
        generator = torch.Generator().manual_seed(0)
        self.weight = torch.randn(3, 64, generator=generator)

    def confidences(self, images: torch.Tensor) -> torch.Tensor:
        return torch.softmax(images.flatten(1).double() @ self.weight.double().T, dim=1)

    def score(self, images: torch.Tensor) -> torch.Tensor:
        return self.confidences(images).max(1).values

    def learn(self, real, fake):
        return {}

    def state_dict(self):
        return {}

    def load_state_dict(self, state):
        pass


def play(artist: PixelArtist, rounds: int) -> None:
    coevolve(Players(artist, Softmax(), None, FakePool("latest")), EveryRound(), Stop(rounds=rounds))


def test_gradient_ascent_climbs_each_class_and_the_tv_prior_smooths() -> None:
    torch.manual_seed(0)
    plain, smooth = PixelArtist((1, 8, 8), classes=3), PixelArtist((1, 8, 8), classes=3, tv=5.0)
    for artist in (plain, smooth):
        play(artist, 60)
    assert plain.scores().min() > 0.9999
    assert plain.metrics()["confidence_min"] == float(plain.scores().min())
    tv = [float(total_variation(torch.stack(a.elites())).mean()) for a in (plain, smooth)]
    assert tv[1] < tv[0]
    assert all(image.abs().max() <= 1.0 for image in plain.elites())


def labelled(n: int) -> tuple[torch.Tensor, torch.Tensor]:
    images = torch.rand(n, 1, 8, 8) * 2 - 1
    return images, Softmax().confidences(images).argmax(1)  # labels as the classifier reads them


@pytest.mark.parametrize(("mode", "target"), [("fgsm", "likely"), ("fgsm", "next"), ("pgd", "likely")])
def test_attacks_stay_within_epsilon_and_flip_answers(mode: str, target: str) -> None:
    torch.manual_seed(0)
    artist = PixelArtist((1, 8, 8), classes=3, mode=mode, target=target, count=50, epsilon=0.3, step=0.1,
                         real_labelled=labelled)
    play(artist, 6)
    real, perturbed = artist.pairs()
    assert (perturbed - real).abs().max() <= 0.3 + 1e-6 and perturbed.abs().max() <= 1.0
    if mode == "fgsm":  # one step: every pixel moved by epsilon, unless clamped at the range's end
        moved = (perturbed - real).abs()
        assert (((moved - 0.3).abs() < 1e-6) | (perturbed.abs() == 1.0)).all()
    metrics = artist.metrics()
    assert metrics["flipped"] > 0.5 and 0.0 <= metrics["target_reached"] <= metrics["flipped"]
    assert not (artist.targets == artist.sources).any()


def test_a_pixel_artist_continues_from_its_state_as_if_never_stopped() -> None:
    torch.manual_seed(0)
    whole = PixelArtist((1, 8, 8), classes=3, tv=1.0)
    play(whole, 10)
    torch.manual_seed(0)
    first = PixelArtist((1, 8, 8), classes=3, tv=1.0)
    play(first, 4)
    second = PixelArtist((1, 8, 8), classes=3, tv=1.0)
    second.load_state_dict(first.state_dict())
    play(second, 6)
    assert torch.equal(second.images(), whole.images()) and torch.equal(second.scores(), whole.scores())


def test_bad_options_are_refused() -> None:
    with pytest.raises(ValueError, match="labelled data"):
        PixelArtist(mode="fgsm")
    with pytest.raises(ValueError, match="unknown mode"):
        PixelArtist(mode="deepdream")


TINY = ["--data", "digits", "--size", "16", "--steps", "60", "--device", "cpu"]


def test_coevo_fool_takes_the_pixels_artist(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("COEVO_CACHE", str(tmp_path / "cache"))
    out = tmp_path / "ascent"
    assert main(["fool", "--artist", "pixels", *TINY, "--generations", "40", "--out", str(out)]) == 0
    assert "confidence per class" in capsys.readouterr().out
    rows = [json.loads(line) for line in (out / "metrics.jsonl").read_text().splitlines()]
    assert len(rows) == 40 and rows[-1]["confidence_min"] > rows[0]["confidence_min"]
    for name in ("confidence.png", "elites.png", "elites-large.png", "images/class-9.png"):
        assert (out / name).stat().st_size > 0
    again = tmp_path / "again"
    assert main(["fool", "--artist", "pixels", *TINY, "--generations", "40", "--out", str(again)]) == 0
    assert (again / "metrics.jsonl").read_text() == (out / "metrics.jsonl").read_text()

    attack = tmp_path / "fgsm"
    assert main(["fool", "--artist", "pixels", *TINY, "--generations", "2", "--artist-option", "mode=fgsm",
                 "--artist-option", "count=50", "--out", str(attack)]) == 0
    assert "flipped" in capsys.readouterr().out and (attack / "attacks.png").stat().st_size > 0
    assert main(["resume", str(attack), "--rounds", "3"]) == 0


@pytest.mark.slow
def test_gradient_fooling_and_fgsm_on_mnist(tmp_path: Path, shared_data: Path) -> None:
    """The done-when figures on MNIST t10k with the cached LeNet (3000 steps): 100 generations of gradient ascent
    fool every digit at >= 99.99%; FGSM at epsilon 0.6 (0.3 of the pixel range) flips >= 90% of 1000 digits."""
    data = ["--data", f"mnist:{shared_data / 'mnist'}", "--device", "cpu"]
    assert main(["fool", "--artist", "pixels", *data, "--generations", "100", "--out", str(tmp_path / "a")]) == 0
    last = json.loads((tmp_path / "a" / "metrics.jsonl").read_text().splitlines()[-1])
    assert last["confidence_min"] >= 0.9999
    assert main(["fool", "--artist", "pixels", *data, "--generations", "2", "--artist-option", "mode=fgsm",
                 "--artist-option", "count=1000", "--artist-option", "epsilon=0.6", "--out", str(tmp_path / "f")]) == 0
    last = json.loads((tmp_path / "f" / "metrics.jsonl").read_text().splitlines()[-1])
    assert last["flipped"] >= 0.9
