"""The agreement report: the person model's held-out pairwise agreement written into the session folder from the CLI
(`coevo breed --agreement SESSION`), on a scripted test session (a person who always picks the brightest image)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from PIL import Image

from coevo.commands.main import main
from coevo.programs.breed import BreedingSession
from tests.helpers import TOY_GENETICS, scripted_session
from tests.toys import ToyGenetics


def test_the_command_writes_the_report_into_the_session_folder(tmp_path: Path, capsys) -> None:
    folder = scripted_session(tmp_path / "person")
    assert main(["breed", "--agreement", str(folder)]) == 0
    out = capsys.readouterr().out
    report = json.loads((folder / "agreement.json").read_text())
    assert report["agreement"] > 0.9 and report["chance"] == 0.5, report["agreement"]
    assert f"held-out agreement {report['agreement']:.2f}" in out
    assert report["generations_test"] == len(report["held_out"]) == 7  # 35 judged (5 restarts), every 5th held out
    assert sum(h["pairs"] for h in report["held_out"]) == report["pairs_test"] == 7 * 14
    assert report["sessions"] == [str(folder)]
    picture = np.asarray(Image.open(folder / "agreement.png").convert("RGB")).astype(int)
    reddish = (picture[:, :, 0] > 150) & (picture[:, :, 1] < 120) & (picture[:, :, 2] < 120)
    red = reddish.sum(axis=1)  # per row: the dashed chance line is red (tab:red, anti-aliased)
    row = int(red.argmax())
    assert red.max() > 100 and 0.3 < row / picture.shape[0] < 0.7  # a long red line about half way up


def test_other_sessions_join_and_bad_ones_are_named(tmp_path: Path, capsys) -> None:
    first, second = scripted_session(tmp_path / "a", 8), scripted_session(tmp_path / "b", 8, seed=1)
    assert main(["breed", "--agreement", str(first), "--sessions", str(second)]) == 0
    report = json.loads((first / "agreement.json").read_text())
    assert report["sessions"] == [str(first), str(second)] and not (second / "agreement.json").exists()
    assert main(["breed", "--agreement", str(tmp_path / "nowhere")]) == 2
    assert "no breeding session" in capsys.readouterr().err
    empty = BreedingSession.start(TOY_GENETICS, ToyGenetics(), [0.0, 0.0, 0.0], 15, 16, tmp_path / "empty")
    empty.save()
    assert main(["breed", "--agreement", str(tmp_path / "empty")]) == 2
    assert "breed a few generations by hand first" in capsys.readouterr().err
    assert not (tmp_path / "empty" / "agreement.json").exists()
