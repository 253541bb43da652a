"""JSON lines files (coevo/store/jsonl.py): a torn last line skipped, a damaged one named."""

from __future__ import annotations

from pathlib import Path

import pytest

from coevo.errors import CoevoError
from coevo.store.jsonl import append_jsonl, read_jsonl
from coevo.store.runfolder import RunFolder
from gallery.site import read_metrics


def test_every_reader_skips_a_torn_last_line_and_the_appender_never_glues(tmp_path: Path) -> None:
    for name in ("metrics.jsonl", "evals.jsonl"):
        (tmp_path / name).write_text('{"round": 0}\n{"round": 1}\n{"round": 2, "fit')
    expected = [{"round": 0}, {"round": 1}]
    assert read_jsonl(tmp_path / "metrics.jsonl") == expected
    assert RunFolder(tmp_path).metrics() == expected and read_metrics(tmp_path) == expected
    assert read_jsonl(tmp_path / "evals.jsonl") == expected  # compare reads its evaluations the same way
    append_jsonl(tmp_path / "metrics.jsonl", {"round": 2})
    assert read_jsonl(tmp_path / "metrics.jsonl") == [*expected, {"round": 2}]
    assert read_jsonl(tmp_path / "absent.jsonl") == []


def test_a_damaged_line_before_the_end_is_one_error_naming_it(tmp_path: Path) -> None:
    (tmp_path / "m.jsonl").write_text('{"round": 0}\n{"rou\n{"round": 2}\n')
    with pytest.raises(CoevoError, match="line 2"):
        read_jsonl(tmp_path / "m.jsonl")
