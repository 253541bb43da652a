"""A ``coevo ppgn`` folder is a run folder: checkpoints, ``coevo resume`` byte-identical after an interruption or a
kill -9, a failed start leaves nothing behind, and other kinds of folder are refused (pixel-space sampling of the
digits: a real LeNet, seconds)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch

from coevo.commands.main import main
from coevo.programs import ppgn as program
from tests.conftest import patience
from tests.helpers import checkpointed_before_settings

SMALL = ["ppgn", "--data", "digits", "--size", "16", "--classes", "1", "2", "--chains", "2", "--keep-every", "2",
         "--classifier-steps", "30", "--checkpoint-every", "5", "--eps3", "0.1", "--seed", "4", "--judge-steps", "20"]
RESULTS = ("ppgn.json", "ppgn.png", "metrics.jsonl")


@pytest.fixture(scope="module")
def shared_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cache")  # the LeNet is trained once for the module


@pytest.fixture(autouse=True)
def cache(shared_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COEVO_CACHE", str(shared_cache))


def interrupt_at(monkeypatch: pytest.MonkeyPatch, step: int) -> None:
    """Raise KeyboardInterrupt once the metrics line of ``step`` is written (past the last checkpoint)."""
    record = program.StepRecorder.on_round_end

    def interrupted(self, played, progress):
        record(self, played, progress)
        if played.index == step:
            raise KeyboardInterrupt

    monkeypatch.setattr(program.StepRecorder, "on_round_end", interrupted)


def test_an_interrupted_sampling_resumes_byte_identical(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    whole, cut = tmp_path / "whole", tmp_path / "cut"
    assert main([*SMALL, "--steps", "30", "--out", str(whole)]) == 0
    with monkeypatch.context() as patch:
        interrupt_at(patch, 17)  # checkpointed after step 15; steps 16 and 17 are recorded, then lost
        assert main([*SMALL, "--steps", "30", "--out", str(cut)]) == 130  # the CLI's answer to an interrupt
    assert not (cut / "ppgn.json").exists() and len((cut / "metrics.jsonl").read_text().splitlines()) == 18
    assert main(["resume", str(cut)]) == 0
    for name in RESULTS:
        assert (cut / name).read_bytes() == (whole / name).read_bytes(), name
    summary = json.loads((whole / "ppgn.json").read_text())
    assert summary["classes"]["1"]["samples"] == 2 * 8  # two chains, kept after steps 16, 18, ..., 30
    assert summary["judge"]["images"] > 0 and 0 <= summary["judge"]["top"] <= 1  # the judge's verdict, resumed alike
    assert main(["resume", str(whole)]) == 0  # a finished sampling: its results are written again, unchanged
    assert (whole / "ppgn.json").read_bytes() == (cut / "ppgn.json").read_bytes()


def test_a_folder_from_before_the_noise_decayed_resumes_as_it_ran(tmp_path: Path, monkeypatch) -> None:
    """A config.toml without ``eps3_end`` ran with the same noise at every step (and resumes so)."""
    whole, cut = tmp_path / "whole", tmp_path / "cut"
    steady = [*SMALL, "--steps", "20", "--eps3-end", "-1"]
    assert main([*steady, "--out", str(whole)]) == 0
    with monkeypatch.context() as patch:
        interrupt_at(patch, 12)
        assert main([*steady, "--out", str(cut)]) == 130
    config = cut / "config.toml"
    config.write_text("".join(line for line in config.read_text().splitlines(True) if "eps3_end" not in line))
    checkpointed_before_settings(cut)
    assert main(["resume", str(cut)]) == 0
    for name in RESULTS:
        assert (cut / name).read_bytes() == (whole / name).read_bytes(), name


def test_a_missing_generator_run_says_where_it_was_looked_for(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["ppgn", "runs/vae", "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert f"run folder runs/vae is not there (a relative path is read from the folder coevo runs in, now " \
           f"{tmp_path})" in err and len(err.strip().splitlines()) == 1 and not (tmp_path / "out").exists()


def test_a_failed_start_leaves_nothing_and_other_kinds_are_refused(tmp_path: Path, monkeypatch, capsys) -> None:
    out = tmp_path / "ppgn"
    with monkeypatch.context() as patch:
        interrupt_at(patch, 2)  # before the first checkpoint: nothing to resume
        assert main([*SMALL, "--steps", "8", "--out", str(out)]) == 130
    assert not out.exists()
    assert main([*SMALL, "--steps", "8", "--out", str(out)]) == 0  # the rerun is not blocked
    capsys.readouterr()
    assert main([*SMALL, "--steps", "8", "--out", str(out)]) == 2
    assert "already holds a run; continue it with `coevo resume" in capsys.readouterr().err
    assert main(["resume", str(out), "--rounds", "20"]) == 2
    assert "PPGN sampling" in capsys.readouterr().err
    assert main(["run", "--rounds", "2", "--out", str(out)]) == 2
    assert "holds a PPGN sampling (`coevo ppgn`), not a run" in capsys.readouterr().err
    fooling = tmp_path / "fool"
    fooling.mkdir()
    (fooling / ".coevo-kind").write_text("fool\n")
    assert main([*SMALL, "--steps", "8", "--out", str(fooling)]) == 2
    [line] = capsys.readouterr().err.strip().splitlines()
    assert "holds a fooling run (`coevo fool`), not a PPGN sampling" in line
    assert sorted(p.name for p in fooling.iterdir()) == [".coevo-kind"]


@pytest.mark.slow
def test_a_sampling_killed_mid_way_resumes_byte_identical(tmp_path: Path) -> None:
    """kill -9 mid-run, then `coevo resume`: ppgn.json, ppgn.png and metrics equal an uninterrupted run's."""
    import subprocess
    import sys

    from tests.conftest import ROOT, kill_when

    whole, killed = tmp_path / "whole", tmp_path / "killed"
    steps = ["--steps", "300", "--checkpoint-every", "25"]
    assert main([*SMALL, *steps, "--out", str(whole)]) == 0  # the classifier is cached: the others load it
    victim = subprocess.Popen([sys.executable, "-m", "coevo", *SMALL, *steps, "--out", str(killed)], cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    assert 60 <= kill_when(victim, killed / "metrics.jsonl", 60, 120) < 300, "the run was not killed mid-way"
    resumed = subprocess.run([sys.executable, "-m", "coevo", "resume", str(killed)], cwd=ROOT, timeout=patience(300),
                             capture_output=True, text=True)
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    assert "all: confidence mean" in resumed.stdout
    for name in RESULTS:
        assert (killed / name).read_bytes() == (whole / name).read_bytes(), name


def indexed_digits(path: Path, n: int = 240) -> Path:
    """``n`` random 16x16 images, each carrying its own index in its first two pixels, labels ``index % 10``."""
    import numpy as np

    images = np.random.default_rng(0).integers(0, 256, (n, 16, 16), dtype=np.uint8)
    images[:, 0, 0], images[:, 0, 1] = np.arange(n) // 16, np.arange(n) % 16
    np.savez(path, images=images, labels=np.arange(n) % 10)
    return path


def indices(images: torch.Tensor) -> set[int]:
    """The indices the images of ``indexed_digits`` carry (loaded into [-1, 1])."""
    pixels = ((images[:, 0, 0, :2].double() + 1) * 127.5).round().long()
    return set((pixels[:, 0] * 16 + pixels[:, 1]).tolist())


def test_the_judge_never_saw_what_the_sampler_learned_from(tmp_path: Path, monkeypatch) -> None:
    """Index level: every image the generator run drew, the LeNet learned and the DAE's codes came from lies outside
    the judge's split; the judge learns and measures FID against images of that split only."""
    from coevo.data.imageset import ImageSet
    from coevo.metrics import judgenet

    data = indexed_digits(tmp_path / "indexed.npz")
    seen: dict[str, set[int]] = {"generator": set(), "lenet": set(), "dae": set(), "judge": set(), "reference": set()}
    draw = ImageSet.sample

    def drawn(self, n):
        images = draw(self, n)
        seen["generator"] |= indices(images)
        return images

    with monkeypatch.context() as patch:
        patch.setattr(ImageSet, "sample", drawn)
        assert main(["run", "--artist", "vae", "--critic", "cnn", "--data", str(data), "--size", "16", "--rounds",
                     "6", "--pop", "16", "--batch", "16", "--warmup", "0", "--critic-steps", "0", "--fakes", "latest",
                     "--artist-option", "nz=4", "--artist-option", "width=8", "--critic-option", "width=8",
                     "--judge", "0.5", "--out", str(tmp_path / "vae")]) == 0
    import critics.classifier.critic as classifier

    def recorded(name, function, position=0):
        def wrapper(*args, **kwargs):
            seen[name] |= indices(args[position].images if hasattr(args[position], "images") else args[position])
            return function(*args, **kwargs)
        return wrapper

    monkeypatch.setattr(classifier, "cached_classifier", recorded("lenet", classifier.cached_classifier))
    monkeypatch.setattr(program, "_codes", recorded("dae", program._codes, 1))
    monkeypatch.setattr(judgenet, "cached_judge", recorded("judge", judgenet.cached_judge))
    import coevo.metrics as metrics

    reference = metrics.Evaluator.__init__

    def referenced(self, *args, **kwargs):
        reference(self, *args, **kwargs)
        seen["reference"] |= indices(self.real)

    monkeypatch.setattr(metrics.Evaluator, "__init__", referenced)
    assert main(["ppgn", str(tmp_path / "vae"), "--classes", "0", "1", "--chains", "2", "--steps", "3", "--dae-steps",
                 "5", "--classifier-steps", "5", "--judge-steps", "5", "--out", str(tmp_path / "ppgn")]) == 0
    split = set(range(0, 240, 2))  # ImageSet.split(0.5): every second image
    assert seen["generator"] and seen["lenet"] == seen["dae"] == set(range(240)) - split
    assert seen["generator"] <= set(range(240)) - split
    assert seen["judge"] and seen["reference"] and seen["judge"] | seen["reference"] <= split
    assert not seen["judge"] & seen["reference"]  # FID's real references are not the judge's training images
    summary = json.loads((tmp_path / "ppgn" / "ppgn.json").read_text())
    assert summary["judge"]["images"] == 120 and summary["judge"]["trained_on"] == 60
