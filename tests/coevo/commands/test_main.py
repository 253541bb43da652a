"""The command line's entry (coevo/commands/main.py): help, list, one-line errors with exit status 2, a light start."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from coevo.commands.main import main
from tests.conftest import ROOT, patience
from tests.helpers import TOY, run_cli


def test_help_and_list_exit_cleanly_and_name_the_commands_and_data(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["--help"])
    assert stop.value.code == 0
    assert "coevo run" in capsys.readouterr().out
    code, out, _ = run_cli(["list"], capsys)
    assert code == 0 and "digits" in out and "mnist:DIR" in out


def test_no_help_page_shows_a_doubled_format_character() -> None:
    """Descriptions are printed as written (argparse formats only argument help), so "95%%" would show as such."""
    from coevo.commands.main import make_parser

    parser = make_parser()
    commands = parser._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    pages = {name: " ".join(command.format_help().split()) for name, command in commands.items()}
    assert all("%%" not in page for page in pages.values()), [n for n, p in pages.items() if "%%" in p]
    assert "95% intervals" in pages["compare"] and "95% interval over seeds" in pages["sweep"]


def make_bad_inputs(tmp: Path) -> dict[str, tuple[list[str], str]]:
    (tmp / "empty").mkdir()
    (tmp / "corrupt").mkdir()
    (tmp / "corrupt" / "x.png").write_bytes(b"\x89PNG\r\n\x1a\ngarbage")
    np.savez(tmp / "flat.npz", images=np.zeros((3, 7)))
    (tmp / "bad.toml").write_text("rounds = [\n")
    (tmp / "bad.json").write_text('{"format": "something-else"}')
    return {
        "missing path": (["run", *TOY, "--data", str(tmp / "nowhere")], "unknown data"),
        "missing mnist": (["run", *TOY, "--data", f"mnist:{tmp / 'nowhere'}"], "does not exist"),
        "corrupt image": (["run", *TOY, "--data", str(tmp / "corrupt")], "cannot read image"),
        "empty folder": (["run", *TOY, "--data", str(tmp / "empty")], "no PNG or JPEG"),
        "wrong shape": (["run", *TOY, "--data", str(tmp / "flat.npz")], "expected (N, H, W)"),
        "unknown artist": (["run", "--artist", "picasso"], "unknown artist 'picasso'"),
        "unknown critic": (["run", "--artist", "tests.toys:ToyGenetics", "--critic", "ruskin"], "unknown critic"),
        "malformed config": (["run", "--config", str(tmp / "bad.toml")], "not valid TOML"),
        "bad option": (["run", *TOY, "--artist-option", "colour=3"], "unknown option 'colour'"),
        "bad flag value": (["run", "--rounds", "many"], "invalid int value"),
        "invalid genome": (["render", str(tmp / "bad.json")], "not a coevo genome file"),
        "missing genome": (["render", str(tmp / "none.json")], "does not exist"),
        "resume nothing": (["resume", str(tmp / "empty")], "holds no run"),
    }


@pytest.mark.parametrize("case", [
    "missing path", "missing mnist", "corrupt image", "empty folder", "wrong shape", "unknown artist",
    "unknown critic", "malformed config", "bad option", "bad flag value", "invalid genome", "missing genome",
    "resume nothing"])
def test_bad_input_is_one_line_and_exit_2(case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args, match = make_bad_inputs(tmp_path)[case]
    try:
        code = main(args)
    except SystemExit as stop:  # argparse errors
        code = stop.code
    err = capsys.readouterr().err
    assert code == 2
    assert match in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_console_script_one_line_error_in_a_real_process(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "coevo", "run", "--artist", "picasso"], cwd=ROOT,
                          capture_output=True, text=True, timeout=patience(120))
    assert done.returncode == 2
    assert done.stderr.strip().startswith("coevo: error: unknown artist") and len(done.stderr.splitlines()) == 1


def make_traceback_inputs(tmp: Path) -> dict[str, tuple[list[str], str]]:
    """Inputs a new user tried that gave tracebacks (issue 18, item 9)."""
    from gallery.store import Store

    (tmp / "zero.npz").write_bytes(b"")
    (tmp / "folder").mkdir()
    deep = '{"format": "coevo-genome", "version": 1, "artist": "gp", "options": {}, "genome": {"trees": '
    (tmp / "deep.json").write_text(deep + "[" * 100000 + "]" * 100000 + "}}")
    from coevo.store.genomefile import GenomeFile, write_genome
    write_genome(tmp / "ok.json", GenomeFile("gp", {}, {"trees": ["sin(x)"]}))
    Store(tmp / "runs").close()
    (tmp / "site.html").write_text("x")
    return {
        "zero-byte npz": (["run", *TOY, "--data", str(tmp / "zero.npz")], "cannot read"),
        "size 1": (["run", *TOY, "--size", "1"], "size must lie in"),
        "size 2048": (["run", *TOY, "--size", "2048"], "size must lie in"),
        "size 100000": (["run", *TOY, "--size", "100000"], "size must lie in"),
        "tournament 0": (["run", *TOY, "--tournament", "0"], "tournament must be at least 1"),
        "huge seed": (["run", *TOY, "--seed", "99999999999999999999999"], "seed must lie in"),
        "render a folder": (["render", str(tmp / "folder")], "is not a file"),
        "render out a folder": (["render", str(tmp / "ok.json"), "--size", "16", "--out", str(tmp / "folder")],
                                "is a folder"),
        "config a folder": (["run", "--config", str(tmp / "folder")], "is a folder, not a regular file"),
        "deep genome": (["render", str(tmp / "deep.json")], "nested too deeply"),
        "site out a file": (["gallery", "build", "--root", str(tmp / "runs"), "--out", str(tmp / "site.html")],
                            "is a file"),
    }


@pytest.mark.parametrize("case", ["zero-byte npz", "size 1", "size 2048", "size 100000", "tournament 0",
                                  "huge seed", "render a folder", "render out a folder", "config a folder",
                                  "deep genome", "site out a file"])
def test_inputs_that_gave_tracebacks_are_one_line_errors(case: str, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    args, match = make_traceback_inputs(tmp_path)[case]
    capsys.readouterr()
    code = main([*args, "--out", str(tmp_path / "run")] if args[0] == "run" else args)
    err = capsys.readouterr().err
    assert code == 2, err
    assert match in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "run").exists()


def test_help_and_list_start_without_torch() -> None:
    """Start-up: parsing the command line and listing the registry import no torch (issue 17)."""
    import subprocess
    import sys

    from tests.conftest import ROOT

    probe = ("import sys, contextlib\nfrom coevo.commands.main import main\n"
             "with contextlib.suppress(SystemExit): main(['{}'])\n"
             "heavy = [m for m in sys.modules if m.split('.')[0] in ('torch', 'numba')]\n"
             "print(heavy[:3]); sys.exit(3 if heavy else 0)")
    for command in ("--help", "list"):
        result = subprocess.run([sys.executable, "-c", probe.format(command)], cwd=ROOT, capture_output=True,
                                text=True, timeout=patience(120))
        assert result.returncode == 0, (command, result.stdout[-500:], result.stderr[-2000:])
