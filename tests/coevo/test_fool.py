"""``coevo fool`` end to end on a tiny budget: files, monotone confidences, loadable genomes, determinism."""

from __future__ import annotations

import json

from coevo.cli import main
from coevo.programs.build import load_genome

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

    again = tmp_path / "again"
    assert main(["fool", *TINY, "--out", str(again)]) == 0
    assert (again / "metrics.jsonl").read_text() == (out / "metrics.jsonl").read_text()
    assert len(list((tmp_path / "cache" / "classifiers").glob("*.pt"))) == 1  # trained once, then loaded
    assert main(["fool", *TINY, "--out", str(out)]) == 2  # an existing run is never overwritten


def test_fool_refuses_bad_settings(capsys):
    assert main(["fool", "--data", "digits", "--generations", "0"]) == 2
    assert "generations must be at least 1" in capsys.readouterr().err
    assert main(["fool", "--data", "nowhere", "--out", "/tmp/never-written"]) == 2
