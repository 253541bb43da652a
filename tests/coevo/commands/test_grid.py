"""``coevo grid`` on the command line: a tiny grid, its resume, and bad input refused in one line."""

from __future__ import annotations

import json

import pytest

from coevo.commands.main import main

TINY = ["--side", "1", "--iterations", "1", "--steps", "1", "--batch", "8", "--score-samples", "16", "--size", "28"]


def test_a_grid_runs_and_resumes_longer_from_the_command_line(tmp_path, capsys):
    out = tmp_path / "grid"
    assert main(["grid", *TINY, "--out", str(out)]) == 0
    assert "grid finished" in capsys.readouterr().out
    assert main(["grid", *TINY, "--out", str(out)]) == 2  # never overwritten
    assert "already holds" in capsys.readouterr().err
    assert main(["resume", str(out), "--rounds", "2"]) == 0
    assert "grid finished" in capsys.readouterr().out
    assert [json.loads(line)["round"] for line in (out / "metrics.jsonl").read_text().splitlines()] == [0, 1]
    assert (out / "mixture" / "config.toml").exists()


@pytest.mark.parametrize(("args", "says"), [
    (["--side", "9"], "side must lie in [1, 8] (got 9)"),
    (["--side", "0"], "side must lie in [1, 8] (got 0)"),
    (["--workers", "100000"], "--workers must lie in"),
    (["--artist", "nobody"], "unknown artist 'nobody'"),
    (["--yardstick", "/nowhere/mnist_cnn.pkl"], "no yardstick weights"),
    (["--lr-mutation", "2"], "lr_mutation must lie in [0.0, 1.0]"),
    (["--opponents", "bogus"], "opponents must be selected or random"),
    (["--scheduler", "tcp://127.0.0.1:1"], "no Dask scheduler answers"),
])
def test_bad_grid_settings_are_refused_in_one_line_before_anything_is_written(tmp_path, capsys, args, says):
    out = tmp_path / "grid"
    assert main(["grid", *TINY, *args, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert says in err and len(err.strip().splitlines()) == 1, err
    assert not out.exists()
