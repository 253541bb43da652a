"""Evolutionary artists against the CNN critic through the runner: scores rise, the gallery grows, resume holds."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
from PIL import Image

from coevo.commands.main import main
from coevo.programs.run import resume, start
from coevo.training.config import RunConfig

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
    assert all(0.0 <= row["critic_accuracy"] <= 1.0 and 0.0 <= row["fooling_rate"] <= 1.0 for row in rows)
    assert all(row["diversity_pixels"] >= 0 and row["diversity_features"] >= 0 for row in rows)


def test_run_folder_has_curves_and_a_champion_per_round(tmp_path: Path) -> None:
    folder = start(small(), tmp_path / "run")
    assert Image.open(folder.path / "curves.png").size[0] > 400
    sheet = Image.open(folder.path / "sheets" / "champions.png")
    assert sheet.size == (10 * (64 + 2) + 2, 64 + 2 + 2)  # 8 champions, enlarged 4x, in one row of ten
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


def test_fitness_sharing_run(tmp_path: Path) -> None:
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
    assert "critic_accuracy" in folder.metrics()[-1]


@pytest.mark.parametrize(("flags", "message"), [
    (["--loss", "wgan-gp", "--critic-option", "norm=batch"], "without batch norm"),
    (["--critic-option", "norm=weird"], "unknown norm"),
    (["--critic", "tests.toys:TinyCritic", "--diversity", "1"], "features()"),
    (["--diversity", "-1"], "diversity must be >= 0"),
])
def test_bad_critic_settings_are_one_line_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                 flags: list[str], message: str) -> None:
    out = tmp_path / "run"
    assert main(["run", "--artist", ARTIST, *flags, "--out", str(out)]) == 2
    error = capsys.readouterr().err.strip()
    assert message in error and len(error.splitlines()) == 1
    assert not out.exists()
