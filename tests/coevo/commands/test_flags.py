"""The flags of every settings class (coevo/commands/flags.py): help shows each default, a bad value is one line and
exit 2, and flags, TOML and the saved config.toml give equal settings."""

from __future__ import annotations

import argparse
import re
from dataclasses import fields
from pathlib import Path

import pytest

from coevo.commands.flags import add_flags, given, overlay
from coevo.commands.main import main
from coevo.commands.run import resolve
from coevo.training.config import FoolConfig, PPGNConfig, RunConfig, dump_config, load_config
from coevo.training.settings import default_of


def help_text(command: str, capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit):
        main([command, "--help"])
    return re.sub(r"\s+", " ", capsys.readouterr().out)


@pytest.mark.parametrize(("command", "cls"), [("run", RunConfig), ("sweep", RunConfig), ("fool", FoolConfig),
                                              ("ppgn", PPGNConfig)])
def test_help_shows_every_settings_help_and_default(command: str, cls: type, capsys) -> None:
    shown = help_text(command, capsys)
    for declared in fields(cls):
        text = declared.metadata["help"]
        if isinstance(default_of(declared), dict):
            assert f"{text} (repeatable)" in shown, declared.name
        elif declared.name != "run":  # ppgn's positional RUN
            value = default_of(declared)
            value = '""' if value == "" else "none" if value == [] else value
            assert f"{text} (default: {value})" in shown, declared.name


@pytest.mark.parametrize(("args", "message"), [
    (["run", "--diversity", "nan"], "diversity must be a finite number (got nan); pass e.g. --diversity 0.0"),
    (["run", "--seconds", "inf"], "seconds must be a finite number (got inf)"),
    (["run", "--pop", "0"], "pop must lie in [1, 65536] (got 0)"),
    (["run", "--fakes", "all"], "fakes must be latest, champions, replay, archive or negatives (got 'all')"),
    (["ppgn", "--eps2", "nan"], "eps2 must be a finite number (got nan); pass e.g. --eps2 1.0"),
    (["ppgn", "--prior", "gan"], "prior must be dae or encoder (got 'gan')"),
    (["ppgn", "--chains", "0"], "chains must be at least 1 (got 0)"),
    (["fool", "--cxpb", "nan"], "cxpb must be a finite number (got nan)"),
    (["compare", "--warmup", "-1"], "warmup must be at least 0 (got -1)"),
    (["sweep", "--threads", "0"], "threads must be at least 1 (got 0)"),
])
def test_a_bad_value_is_one_line_and_exit_2(args: list[str], message: str, tmp_path: Path, capsys) -> None:
    capsys.readouterr()
    assert main([*args, "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()


def parse(cls: type, argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    if cls is RunConfig:
        parser.add_argument("--config", type=Path)
    add_flags(parser, cls)
    return parser.parse_args(argv)


RUN = ["--artist", "cppn", "--rounds", "0", "--seconds", "2.5", "--pop", "12", "--warmup", "0", "--cxpb", "0.25",
       "--schedule", "phases", "--phase-accuracy", "0.8", "--from", "genome.json", "--artist-option", "channels=3",
       "--critic-option", "lr=0.001", "--critic-option", "name=a b"]


def test_run_flags_toml_and_the_saved_config_give_equal_settings(tmp_path: Path) -> None:
    from_flags = resolve(parse(RunConfig, RUN))
    assert (from_flags.pop, from_flags.start_from, from_flags.critic_options) == (
        12, "genome.json", {"lr": 0.001, "name": "a b"})
    saved = tmp_path / "config.toml"
    saved.write_text(dump_config(from_flags))
    assert load_config(saved) == from_flags
    assert resolve(parse(RunConfig, ["--config", str(saved)])) == from_flags
    overridden = resolve(parse(RunConfig, ["--config", str(saved), "--pop", "8", "--artist-option", "scale=2"]))
    assert (overridden.pop, overridden.artist_options) == (8, {"channels": 3, "scale": 2})


@pytest.mark.parametrize(("cls", "argv"), [
    (FoolConfig, ["--artist", "pixels", "--rates", "artist", "--strength", "0.5", "--artist-option", "eps=0.1"]),
    (PPGNConfig, ["--classes", "1", "3", "--normalise", "--eps3-end", "-1", "--prior", "encoder", "--evaluate"]),
])
def test_program_flags_and_their_saved_config_give_equal_settings(cls: type, argv: list[str], tmp_path: Path) -> None:
    from_flags = overlay(cls(), given(parse(cls, argv), cls)).validate()
    assert from_flags != cls()
    saved = tmp_path / "config.toml"
    saved.write_text(dump_config(from_flags))
    assert load_config(saved, cls) == from_flags
