"""``coevo sweep``: a run config over seeds and settings, one by one or on Dask, with the same bytes."""

from __future__ import annotations

from pathlib import Path

import pytest

from coevo.commands.main import main

TOY = ["--artist", "tests.toys:ToyGenetics", "--critic", "tests.toys:TinyCritic", "--size", "8", "--pop", "6",
       "--rounds", "3", "--warmup", "1", "--batch", "8", "--seeds", "2", "--set", "pop=4,6"]
RUNS = [f"pop={p},seed={s}" for p in (4, 6) for s in (0, 1)]


@pytest.mark.slow
def test_every_combination_plays_every_seed_and_dask_gives_the_same_bytes(tmp_path: Path, capsys) -> None:
    assert main(["sweep", *TOY, "--out", str(tmp_path / "one")]) == 0
    assert sorted(p.name for p in (tmp_path / "one").iterdir() if p.is_dir()) == RUNS
    summary = (tmp_path / "one" / "sweep.md").read_text()
    assert "| pop=4 |" in summary and "| pop=6 |" in summary and " ± " in summary
    assert main(["sweep", *TOY, "--out", str(tmp_path / "dask"), "--workers", "2"]) == 0
    assert "coevo: Dask dashboard: http://" in capsys.readouterr().err  # bokeh is installed: the link works
    for name in RUNS:
        ours, theirs = tmp_path / "dask" / name / "metrics.jsonl", tmp_path / "one" / name / "metrics.jsonl"
        assert ours.read_bytes() == theirs.read_bytes(), name


def test_a_killed_sweep_continues_and_bad_settings_are_refused(tmp_path: Path, capsys) -> None:
    out = tmp_path / "sweep"
    assert main(["sweep", *TOY, "--out", str(out)]) == 0
    whole = (out / "pop=6,seed=1" / "metrics.jsonl").read_bytes()
    assert main(["resume", str(out / "pop=6,seed=1"), "--rounds", "2", "--force"]) == 0  # as if killed at round 2
    assert main(["sweep", *TOY, "--out", str(out)]) == 0
    assert (out / "pop=6,seed=1" / "metrics.jsonl").read_bytes() == whole
    capsys.readouterr()
    assert main(["sweep", *TOY[:-1], "pop=4,0", "--out", str(tmp_path / "bad")]) == 2
    assert "pop must lie in [1, 65536] (got 0)" in capsys.readouterr().err
    assert main(["sweep", "--set", "colour=1,2", "--out", str(tmp_path / "bad")]) == 2


def test_the_default_folder_is_numbered_and_the_same_sweep_continues_in_its_own(tmp_path: Path, monkeypatch,
                                                                               capsys) -> None:
    monkeypatch.chdir(tmp_path)
    one = [*TOY[:-4], "--seeds", "1", "--set", "pop=4"]
    assert main(["sweep", *one[:-1], "pop=4,0"]) == 2  # refused: creates nothing
    assert not (tmp_path / "runs").exists()
    (tmp_path / "runs" / "sweep").mkdir(parents=True)
    (tmp_path / "runs" / "sweep" / "notes.txt").write_text("someone else's")
    assert main(["sweep", *one]) == 0
    assert (tmp_path / "runs" / "sweep-2" / "pop=4,seed=0" / "metrics.jsonl").is_file()
    assert main(["sweep", *one]) == 0  # the same sweep again: continued (already finished) where it is
    assert main(["sweep", *one[:-1], "pop=6"]) == 0  # another sweep: the next number
    assert sorted(p.name for p in (tmp_path / "runs").iterdir()) == ["sweep", "sweep-2", "sweep-3"]
    assert (tmp_path / "runs" / "sweep" / "notes.txt").read_text() == "someone else's"
