from __future__ import annotations

from pathlib import Path

import pytest

from coevo.commands.main import main
from coevo.store.genomefile import MAX_BYTES


def test_item10_a_genome_file_with_millions_of_nodes_is_refused(tmp_path: Path,
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
