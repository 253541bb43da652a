"""``coevo serve`` (coevo/commands/serve.py): its flags checked before anything starts, genomes imported for
visitors to branch, latent runs refused unless they are run folders. (The browser test serves and breeds.)"""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from coevo.commands.main import main
from gallery.store import Store
from gallery.web.serve import prepare


@pytest.mark.parametrize(("flags", "text"), [
    (["--port", "70000"], "--port must be between 0 and 65535"),
    (["--size", "4096"], "--size must be between 32 and 512"),
    (["--workers", "0"], "--workers must be between 1 and"),
    (["--host", "example.org"], "is not an IP address"),
    (["--latent", "nowhere"], "is not a run folder"),
])
def test_bad_flags_are_one_line_and_exit_2(flags: list[str], text: str, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--root", str(tmp_path / "runs"), *flags]) == 2
    error = capsys.readouterr().err
    assert text in error and error.count("\n") == 1


def test_a_port_in_use_is_refused_with_the_fix(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["serve", "--root", str(tmp_path / "runs"), "--port", str(port)]) == 2
    assert "pick another --port" in capsys.readouterr().err


def test_imported_picbreeder_genomes_are_stored_once_for_visitors_to_branch(picbreeder_xml: list[Path],
                                                                            tmp_path: Path) -> None:
    root = tmp_path / "runs"
    prepare(root, [str(picbreeder_xml[0])], [], size=32)
    prepare(root, [str(picbreeder_xml[0])], [], size=32)  # a second start imports nothing new
    with Store(root) as store:
        rows = store.individuals()
    assert len(rows) == 1 and rows[0].artist == "cppn" and rows[0].image is not None and rows[0].image.is_file()
