from __future__ import annotations

import os
from pathlib import Path

import pytest

from coevo.commands.main import main
from coevo.errors import CoevoError
from coevo.store.runfolder import check_kind, folder_kind, folder_lock
from tests.helpers import TOY


def test_item3_a_locked_folder_is_refused_naming_the_holder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "run"
    assert main(["run", *TOY, "--rounds", "2", "--out", str(out)]) == 0
    capsys.readouterr()
    with folder_lock(out):
        assert main(["resume", str(out), "--rounds", "3"]) == 2
        err = capsys.readouterr().err
        assert f"in use by coevo process {os.getpid()}" in err and len(err.splitlines()) == 1
        with pytest.raises(CoevoError, match="in use"):
            with folder_lock(out):
                pass
    assert "rounds = 2" in (out / "config.toml").read_text()
    assert main(["resume", str(out), "--rounds", "3"]) == 0


def test_item5_every_command_refuses_a_folder_of_another_kind(tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    run, session = tmp_path / "run", tmp_path / "breed-gp-seed0"
    assert main(["run", *TOY, "--rounds", "2", "--out", str(run)]) == 0
    assert folder_kind(run) == "run"
    session.mkdir()
    (session / "session.json").write_text("{}")
    assert folder_kind(session) == "session"
    capsys.readouterr()
    cases = [(["run", *TOY, "--rounds", "2", "--out", str(session)], "holds a breeding session"),
             (["resume", str(session)], "holds"),
             (["breed", "--artist", "gp", "--out", str(run)], "holds a run"),
             (["breed", "--resume", str(run)], "holds a run"),
             (["compare", "--artists", "gp", "--out", str(run)], "holds a run")]
    for args, message in cases:
        assert main(args) == 2, args
        err = capsys.readouterr().err
        assert message in err and len(err.splitlines()) == 1, (args, err)
    assert not (session / "config.toml").exists() and not (run / "session.json").exists()
    with pytest.raises(CoevoError, match="holds a run"):
        check_kind(run, "compare")


def test_item11_a_run_that_fails_at_start_leaves_nothing_behind(tmp_path: Path, monkeypatch) -> None:
    import coevo.programs.run as program

    def crash(*_: object) -> None:
        raise RuntimeError("boom")

    out, kept = tmp_path / "new", tmp_path / "existing"
    kept.mkdir()
    (kept / "notes.txt").write_text("mine")
    monkeypatch.setattr(program, "warm_up", crash)
    for folder in (out, kept):
        with pytest.raises(RuntimeError):
            main(["run", *TOY, "--rounds", "2", "--out", str(folder)])
    assert not out.exists() and [p.name for p in kept.iterdir()] == ["notes.txt"]
    monkeypatch.undo()
    assert main(["run", *TOY, "--rounds", "2", "--out", str(out)]) == 0
