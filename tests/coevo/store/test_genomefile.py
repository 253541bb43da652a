"""Genome files (coevo/store/genomefile.py): malformed and oversized files refused in one line."""

from __future__ import annotations

from pathlib import Path

import pytest

from coevo.commands.main import main
from coevo.errors import CoevoError
from coevo.store.genomefile import MAX_BYTES, read_genome


def test_a_genome_file_with_millions_of_nodes_is_refused_in_one_line(tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    tree = "add(x, y)"
    while len(tree) < MAX_BYTES:
        tree = f"add({tree}, {tree})"
    path = tmp_path / "huge.json"
    path.write_text('{"format": "coevo-genome", "version": 1, "artist": "gp", "options": {}, "genome": '
                    f'{{"trees": ["{tree}"]}}}}')
    assert main(["render", str(path), "--size", "8"]) == 2
    err = capsys.readouterr().err
    assert "up to 4 MiB" in err and len(err.splitlines()) == 1


@pytest.mark.parametrize(("content", "match"), [
    ("{not json", "not valid JSON"),
    ('{"format": "other"}', "not a coevo genome file"),
    ('{"format": "coevo-genome", "version": 99}', "version 99"),
    ('{"format": "coevo-genome", "version": 1, "artist": 3, "genome": {}}', "lacks a valid"),
])
def test_invalid_genome_files_are_refused_naming_the_problem(tmp_path: Path, content: str, match: str) -> None:
    (tmp_path / "g.json").write_text(content)
    with pytest.raises(CoevoError, match=match):
        read_genome(tmp_path / "g.json")
