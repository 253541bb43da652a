"""``coevo fool`` end to end on a tiny budget: files, monotone confidences, loadable genomes, determinism."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from coevo.commands.main import main
from coevo.programs.genomes import load_genome
from tests.conftest import patience
from tests.helpers import checkpointed_before_settings

TINY = ["--data", "digits", "--generations", "3", "--batch", "12", "--size", "16", "--steps", "60",
        "--device", "cpu"]


def test_fool_writes_curves_elites_and_genomes(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("COEVO_CACHE", str(tmp_path / "cache"))
    out = tmp_path / "run"
    assert main(["fool", *TINY, "--out", str(out)]) == 0
    assert "confidence per class" in capsys.readouterr().out
    rows = [json.loads(line) for line in (out / "metrics.jsonl").read_text().splitlines()]
    assert [r["generation"] for r in rows] == [0, 1, 2]
    for c in range(10):
        curve = [r[f"confidence_{c}"] for r in rows]
        assert curve == sorted(curve) and 0.0 < curve[0] <= 1.0
    for name in ("confidence.png", "elites.png", "elites-large.png", "config.toml"):
        assert (out / name).stat().st_size > 0
    artist, genetics, genome, meta = load_genome(out / "genomes" / "class-3.json")
    assert artist == "cppn" and meta["class"] == 3
    assert meta["confidence"] == rows[-1]["confidence_3"] or abs(meta["confidence"] - rows[-1]["confidence_3"]) < 1e-6
    assert genetics.render([genome], 16).shape == (1, 1, 16, 16)
    assert {k: genetics.options()[k] for k in ("add_node", "per_weight", "limit")} == \
        {"add_node": 0.5, "per_weight": 0.1, "limit": 10.0}  # the default rates are Nguyen et al.'s

    again = tmp_path / "again"
    assert main(["fool", *TINY, "--out", str(again)]) == 0
    assert (again / "metrics.jsonl").read_text() == (out / "metrics.jsonl").read_text()
    assert len(list((tmp_path / "cache" / "classifiers").glob("*.pt"))) == 1  # trained once, then loaded
    assert main(["fool", *TINY, "--out", str(out)]) == 2  # an existing run is never overwritten

    given = tmp_path / "given"  # an option given overrides the paper's rate, the others stay
    assert main(["fool", *TINY[:3], "1", *TINY[4:], "--artist-option", "add_node=0.2", "--out", str(given)]) == 0
    _, genetics, _, _ = load_genome(given / "genomes" / "class-0.json")
    assert genetics.options()["add_node"] == 0.2 and genetics.options()["limit"] == 10.0


def test_fool_refuses_bad_settings(capsys):
    assert main(["fool", "--data", "digits", "--generations", "0"]) == 2
    assert "generations must be at least 1" in capsys.readouterr().err
    assert main(["fool", "--data", "digits", "--elites", "0"]) == 2
    assert "elites must be at least 1" in capsys.readouterr().err
    assert main(["fool", "--data", "digits", "--rates", "paper"]) == 2
    assert "rates must be nguyen or artist (got 'paper')" in capsys.readouterr().err
    assert main(["fool", "--data", "digits", "--artist", "gp", "--rates", "nguyen"]) == 2  # cppn's rates only
    assert "--rates nguyen holds Nguyen et al.'s rates for cppn only, not 'gp'" in capsys.readouterr().err
    assert main(["fool", "--data", "nowhere", "--out", "/tmp/never-written"]) == 2


FAST = ["--artist", "tests.toys:ToyGenetics", "--critic", "tests.toys:ToyClassifier", "--data", "digits",
        "--size", "16", "--batch", "8", "--seed", "3"]


def test_fool_is_a_run_killed_and_resumed_byte_identical(tmp_path):
    """kill -9 mid-run, then `coevo resume`: metrics, genomes and pictures equal an uninterrupted run's."""
    import subprocess
    import sys

    from tests.conftest import ROOT, kill_when

    def start(out, delay):
        return subprocess.Popen([sys.executable, "-m", "coevo", "fool", *FAST, "--generations", "60",
                                 "--critic-option", f"delay={delay}", "--out", str(out)], cwd=ROOT,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    whole, killed = tmp_path / "runs" / "whole", tmp_path / "runs" / "killed"
    reference, victim = start(whole, 0.0), start(killed, 0.05)
    assert 10 <= kill_when(victim, killed / "metrics.jsonl", 10, 120) < 60, "the run was not killed mid-way"
    resumed = subprocess.run([sys.executable, "-m", "coevo", "resume", str(killed)], cwd=ROOT, timeout=patience(300),
                             capture_output=True, text=True)
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    assert "confidence per class" in resumed.stdout
    assert reference.wait(timeout=patience(300)) == 0
    for name in ("metrics.jsonl", "elites.png", "genomes/class-0.json", "genomes/class-2.json"):
        assert (killed / name).read_bytes() == (whole / name).read_bytes(), name


def test_fool_indexes_its_elites_in_the_gallery(tmp_path):
    from gallery.store import Store

    out = tmp_path / "runs" / "fool"
    assert main(["fool", *FAST, "--generations", "4", "--out", str(out)]) == 0
    with Store(tmp_path / "runs") as store:
        [run] = store.runs()
        elites = store.individuals(run.id)
    assert run.kind == "fool" and len(elites) == 3
    assert all(row.image is not None and row.image.is_file() for row in elites)
    assert main(["resume", str(out), "--rounds", "6"]) == 0  # extended like any run
    assert len((out / "metrics.jsonl").read_text().splitlines()) == 6


def test_gallery_index_takes_a_fooling_run(tmp_path):
    """The recovery for a lost gallery.db re-indexes fooling runs beside ordinary ones (issue 18, item 6)."""
    out = tmp_path / "runs" / "fool"
    assert main(["fool", *FAST, "--generations", "2", "--out", str(out)]) == 0
    (tmp_path / "runs" / "gallery.db").unlink()
    assert main(["gallery", "index", "--root", str(tmp_path / "runs")]) == 0
    from gallery.store import Store

    with Store(tmp_path / "runs") as store:
        [run] = store.runs()
        assert run.kind == "fool" and len(store.individuals(run.id)) == 3


def test_runners_up_survive_a_resume(tmp_path):
    """--elites 3: three generations then a resume to six equals six straight (the runners-up are checkpointed)."""
    whole, parted = tmp_path / "runs" / "whole", tmp_path / "runs" / "parted"
    assert main(["fool", *FAST, "--elites", "3", "--generations", "6", "--out", str(whole)]) == 0
    assert main(["fool", *FAST, "--elites", "3", "--generations", "3", "--out", str(parted)]) == 0
    assert main(["resume", str(parted), "--rounds", "6"]) == 0
    for name in ("metrics.jsonl", "genomes/class-0.json", "genomes/class-1.json", "genomes/class-2.json"):
        assert (parted / name).read_bytes() == (whole / name).read_bytes(), name


def test_a_folder_from_before_rates_resumes_with_the_artists_own(tmp_path, monkeypatch):
    """A config.toml without the `rates` key (written before it existed) resumes as it ran: the cppn's own rates."""
    from coevo.programs.fool import read_config

    monkeypatch.setenv("COEVO_CACHE", str(tmp_path / "cache"))
    whole, old = tmp_path / "runs" / "whole", tmp_path / "runs" / "old"
    tiny = [*TINY[:3], "5", *TINY[4:], "--rates", "artist"]
    assert main(["fool", *tiny, "--out", str(whole)]) == 0
    assert main(["fool", *tiny[:3], "3", *tiny[4:], "--out", str(old)]) == 0
    config = old / "config.toml"
    config.write_text("".join(line for line in config.read_text().splitlines(keepends=True)
                              if not line.startswith("rates")))
    checkpointed_before_settings(old)
    assert read_config(config).rates == "artist"
    assert main(["resume", str(old), "--rounds", "5"]) == 0
    for name in ("metrics.jsonl", "genomes/class-0.json", "genomes/class-7.json"):
        assert (old / name).read_bytes() == (whole / name).read_bytes(), name


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(10))
def test_all_ten_digits_fooled_within_50_generations_on_mnist(seed: int, tmp_path: Path, shared_data: Path):
    """The done-when figure (issue 17): the defaults (Nguyen et al.'s 200 children and mutation rates) put every
    MNIST digit at >= 99.99% on the cached 3000-step LeNet within 50 generations, on each of seeds 0-9."""
    out = tmp_path / "run"
    assert main(["fool", "--data", f"mnist:{shared_data / 'mnist'}", "--seed", str(seed), "--device", "cpu",
                 "--out", str(out)]) == 0
    last = json.loads((out / "metrics.jsonl").read_text().splitlines()[-1])
    assert last["generation"] == 49 and last["confidence_min"] >= 0.9999
