"""``coevo grid``: a torus of cells played into a folder, the same bytes whatever the number of workers, resumed
byte-identical after an interruption or a kill -9, and its best mixture an ordinary run folder."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
import torch

from coevo.programs.cells import prepared
from coevo.programs.grid import GridConfig, grid_yardstick, resume, start

TINY = GridConfig(side=2, iterations=2, steps=1, batch=8, score_samples=16, size=28)


def played(folder: Path) -> dict[str, bytes]:
    """What a grid's result is: its metrics, report, sheets, mixture run, and every cell's state (the checkpoint
    less its wall-clock seconds)."""
    state = torch.load(folder / "checkpoint.pt", weights_only=True)
    buffer = io.BytesIO()
    torch.save({"grid": state["grid"], "rng": state["rng"], "round": state["round"]}, buffer)
    files = {"cells": buffer.getvalue()}
    for name in ("metrics.jsonl", "grid.json", "sheets/grid-best.png", "mixture/config.toml"):
        if (folder / name).exists():
            files[name] = (folder / name).read_bytes()
    if (folder / "mixture" / "checkpoint.pt").exists():
        mixture = torch.load(folder / "mixture" / "checkpoint.pt", weights_only=True)
        buffer = io.BytesIO()
        torch.save(mixture["artist"], buffer)
        files["mixture/artist"] = buffer.getvalue()
    return files


def test_a_grid_plays_its_cells_and_writes_its_mixture(tmp_path):
    out = start(TINY, tmp_path / "grid")
    rows = [json.loads(line) for line in (out / "metrics.jsonl").read_text().splitlines()]
    assert [row["round"] for row in rows] == [0, 1]
    assert {f"cell{i}_mixture_fid" for i in range(4)} <= set(rows[-1])
    report = json.loads((out / "grid.json").read_text())
    assert report["best_cell"] == min(range(4), key=lambda i: report["cells"][i]["mixture_fid"])
    assert len(report["weights"]) == 3 and sum(report["weights"]) == pytest.approx(1)
    state = torch.load(out / "checkpoint.pt", weights_only=True)
    assert [cell["iteration"] for cell in state["grid"]["cells"]] == [2, 2, 2, 2]
    assert state["progress"]["critic_updates"] == 4 * 2 * 1  # cells x iterations x steps

    from coevo.programs.latent import load_generator  # the mixture is a run folder the latent tools take
    from coevo.programs.mixture import MixtureArtist

    mixture = load_generator(out / "mixture")
    assert isinstance(mixture, MixtureArtist) and len(mixture.members) == 3
    assert torch.allclose(mixture.weights, torch.tensor(report["weights"], dtype=torch.float64))


def test_an_interrupted_grid_resumes_to_the_same_bytes(tmp_path):
    whole = start(TINY, tmp_path / "whole")
    first = start(GridConfig(**{**TINY.__dict__, "iterations": 1}), tmp_path / "cut")
    resumed = resume(first, iterations=2)
    assert played(resumed) == played(whole)


def test_a_one_cell_grid_is_alone_in_its_neighbourhood(tmp_path):
    out = start(GridConfig(side=1, iterations=1, steps=1, batch=8, score_samples=16, size=28), tmp_path / "one")
    report = json.loads((out / "grid.json").read_text())
    assert report["neighbours"] == [0] and report["weights"] == [1.0]


def test_an_evolutionary_grid_plays_populations_against_critics(tmp_path):
    config = GridConfig(artist="gp", side=2, iterations=2, steps=2, pop=6, batch=8, size=16)
    out = start(config, tmp_path / "gp")
    again = start(config, tmp_path / "gp-again")
    assert played(out) == played(again)
    row = json.loads((out / "metrics.jsonl").read_text().splitlines()[-1])
    assert "cell3_critic_loss" in row and "cell0_critic_lr" in row and "mixture_fid_mean" not in row
    assert not (out / "mixture").exists()  # populations have no latent space to mix


def test_no_cell_sees_the_judges_split(tmp_path):
    import numpy as np

    from coevo.programs.cells import data_of, judged

    images = np.random.default_rng(0).integers(0, 256, (300, 16, 16), dtype=np.uint8)
    images[:, 0, 0], images[:, 0, 1] = np.arange(300) % 256, np.arange(300) // 256  # every image different
    np.savez(tmp_path / "unique.npz", images=images, labels=np.arange(300) % 10)
    config = GridConfig(artist="gp", data=str(tmp_path / "unique.npz"), size=16, judge=0.25)
    train, held = data_of(config)
    split = judged(config.data, 16, None, 0.25)

    def rows(batch: torch.Tensor) -> set[bytes]:
        return {image.numpy().tobytes() for image in batch}

    assert len(split) == 75 and not rows(split.images) & (rows(train.images) | rows(held.images))
    assert len(rows(train.images) | rows(held.images) | rows(split.images)) == 300
    assert data_of(GridConfig(artist="gp", data=config.data, size=16))[0].images.shape[0] > len(train)


def test_a_judged_grid_scores_every_cells_images_each_iteration_and_resumes_to_the_same_bytes(tmp_path):
    from coevo.programs.cells import build_pair, images_of, judged
    from coevo.programs.judge import IndependentJudge
    from coevo.rng import Generators, using

    config = GridConfig(artist="gp", side=2, iterations=2, steps=1, pop=8, batch=8, size=16, judge=0.3)
    out = start(config, tmp_path / "judged")
    rows = [json.loads(line) for line in (out / "metrics.jsonl").read_text().splitlines()]
    assert all("judge_fid" in row and "judge_confident" in row for row in rows)
    report = json.loads((out / "grid.json").read_text())
    assert report["judge"]["judge_fid_last"] == rows[-1]["judge_fid"]
    assert report["judge"]["judge_fid_first"] == rows[0]["judge_fid"]

    cells = torch.load(out / "checkpoint.pt", weights_only=True)["grid"]["cells"]
    with using(Generators()):
        everyone = torch.cat([images_of(build_pair(config.cell_config(), (1, 16, 16), cell)[0]) for cell in cells])
    assert len(everyone) == 4 * 8  # all four populations, as many as a single run of pop 32
    again = IndependentJudge(judged("digits", 16, None, 0.3), phases=False).judge(everyone, torch.zeros(0))
    assert round(again["judge_fid"], 6) == rows[-1]["judge_fid"]
    assert round(again["judge_confident"], 6) == rows[-1]["judge_confident"]

    cut = start(GridConfig(**{**config.__dict__, "iterations": 1}), tmp_path / "cut")
    assert played(resume(cut, iterations=2)) == played(out)


@pytest.mark.slow
def test_the_same_bytes_with_0_1_and_2_workers(tmp_path):
    one_by_one = played(start(TINY, tmp_path / "w0"))
    assert played(start(TINY, tmp_path / "w1", workers=1)) == one_by_one
    assert played(start(TINY, tmp_path / "w2", workers=2)) == one_by_one


@pytest.mark.slow
@pytest.mark.parametrize("workers", [1, 2])
def test_a_grid_killed_and_resumed_is_byte_identical(tmp_path, workers):
    """kill -9 mid-grid (a Dask LocalCluster running its cells), then `coevo resume --workers N`."""
    import subprocess
    import sys

    from coevo.commands.main import main
    from tests.conftest import ROOT, kill_when

    args = ["--side", "2", "--iterations", "6", "--steps", "2", "--batch", "8", "--score-samples", "32",
            "--size", "28"]
    whole, killed = tmp_path / "whole", tmp_path / "killed"
    assert main(["grid", *args, "--out", str(whole)]) == 0
    victim = subprocess.Popen([sys.executable, "-m", "coevo", "grid", *args, "--workers", str(workers), "--out",
                               str(killed)], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    assert 2 <= kill_when(victim, killed / "metrics.jsonl", 2, 300) < 6, "the grid was not killed mid-way"
    assert main(["resume", str(killed), "--workers", str(workers)]) == 0
    assert played(killed) == played(whole)


def test_the_grid_yardstick_reads_real_digits_near_zero_and_is_the_same_for_every_seed(shared_data):
    """Every generator of a grid comparison is scored against one fixed reference of real t10k digits: real digits
    it does not hold score near 0, noise far off."""
    weights = shared_data / "lipizzaner" / "mnist_cnn.pkl"
    if not weights.exists():
        pytest.skip(f"no Lipizzaner yardstick weights at {weights}")
    config = GridConfig(data=f"mnist:{shared_data / 'mnist'}:t10k", size=28, yardstick=str(weights))
    stick, reference = grid_yardstick(config, (1, 28, 28))
    other, _ = grid_yardstick(GridConfig(data=config.data, size=28, yardstick=str(weights), seed=7), (1, 28, 28))
    assert reference == "train"  # t10k's 1,000 held-out digits are fewer than the reference's 2,500
    assert stick.comparable and torch.equal(stick.real_logits, other.real_logits)
    _, held = prepared(config.data, 28, None)
    real = stick.score(held.images)
    assert real["lipizzaner_fid"] < 10 and real["lipizzaner_tvd"] < 0.1
    noise = stick.score(torch.rand(1000, 1, 28, 28, generator=torch.Generator().manual_seed(0)) * 2 - 1)
    assert noise["lipizzaner_fid"] > 100


def test_a_grid_saved_before_the_opponents_setting_resumes_as_it_was_played(tmp_path):
    from coevo.programs.grid import GridProgram
    from coevo.training.config import dump_config

    path = tmp_path / "config.toml"
    path.write_text("\n".join(line for line in dump_config(TINY).splitlines() if not line.startswith("opponents")))
    assert GridProgram().read_config(path).opponents == "random"  # what every grid played before the setting
    path.write_text(dump_config(TINY))
    assert TINY.opponents == "selected" and GridProgram().read_config(path).opponents == "selected"
