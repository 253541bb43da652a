"""Run folders (coevo/store/runfolder.py): the lock, the folder kinds, the metrics kept to a checkpoint."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from coevo.commands.main import main
from coevo.errors import CoevoError
from coevo.store.runfolder import RunFolder, check_kind, folder_kind, folder_lock
from tests.helpers import TOY


def test_a_locked_folder_is_refused_naming_the_holder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
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


def test_every_command_refuses_a_folder_of_another_kind(tmp_path: Path,
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


def test_keep_metrics_cuts_a_torn_file_back_to_the_checkpoint_round(tmp_path: Path) -> None:
    path = tmp_path / "metrics.jsonl"
    path.write_text("".join(json.dumps({"round": i}) + "\n" for i in range(4)) + '{"round": 4, "x"')
    assert RunFolder(tmp_path).keep_metrics(3) == 3
    assert path.read_text() == "".join(json.dumps({"round": i}) + "\n" for i in range(3))
