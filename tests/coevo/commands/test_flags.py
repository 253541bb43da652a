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
    (["ppgn", "--chains", "0"], "chains must lie in [1, 10000] (got 0)"),
    (["fool", "--cxpb", "nan"], "cxpb must be a finite number (got nan)"),
    (["compare", "--warmup", "-1"], "warmup must be at least 0 (got -1)"),
    (["sweep", "--threads", "0"], "threads must lie in [1, "),
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


# Hostile numbers (issue 29): each refused in one line naming the problem and the fix, exit 2, before anything is
# allocated or written. The id names the behaviour; every case runs from an empty folder that must stay empty.
HOSTILE = {
    "threads_above_the_machines_cores": (["run", "--threads", "100000"], "threads must lie in [1, "),
    "sweep_workers_above_the_cores": (["sweep", "--workers", "100000", "--rounds", "1"], "--workers must lie in [0, "),
    "compare_workers_above_the_cores": (["compare", "--workers", "100000", "--rounds", "1"],
                                        "--workers must lie in [0, "),
    "diversity_nan": (["run", "--diversity", "nan"], "diversity must be a finite number (got nan)"),
    "vickers_tolerance_nan": (["run", "--config", "vickers2017-small", "--critic-option", "tolerance=nan"],
                              "critic 'jury': option tolerance must be a finite number (got nan); pass e.g. "
                              "--critic-option tolerance=10.0"),
    "pixels_epsilon_nan": (["fool", "--artist", "pixels", "--artist-option", "mode=fgsm", "--artist-option",
                            "epsilon=nan"], "option epsilon must be a finite number (got nan)"),
    "dcgan_betas_infinite_in_a_list": (["run", "--artist", "dcgan", "--artist-option", "betas=[0.5, inf]"],
                                       "option betas must be a finite number (got inf)"),
    "pixels_count_above_its_bound": (["fool", "--artist", "pixels", "--artist-option", "count=100000000"],
                                     "artist 'pixels': option count must lie in [1, 100000] (got 100000000)"),
    "pixels_count_over_the_memory_bound": (["fool", "--artist", "pixels", "--artist-option", "count=1000"],
                                           "10000 images of 1x28x28 (count 1000) would need about 2.0 GB of "
                                           "memory, over the 2 GB bound; lower --artist-option count or --size"),
    "ppgn_chains_above_the_bound": (["ppgn", "--chains", "100000000"], "chains must lie in [1, 10000]"),
    "ppgn_chains_over_the_memory_bound": (["ppgn", "--chains", "5000"], "over the 2 GB bound; lower --chains"),
    "ppgn_steps_keeping_too_many_samples": (["ppgn", "--steps", "1000000", "--keep-every", "1"],
                                            "over the 2 GB bound"),
    "vickers_max_steps_10_to_the_15": (["run", "--config", "vickers2017-small", "--artist-option",
                                        "max_steps=1000000000000000"],
                                       "artist 'hercl-lines': option max_steps must lie in [1, 1000000]"),
    "jury_member_max_steps_10_to_the_15": (["run", "--config", "vickers2017-small", "--critic-option",
                                            "member_options={max_steps=1000000000000000}"],
                                           "critic 'hercl': option max_steps must lie in [1, 1000000]"),
    "dcgan_nz_above_its_bound": (["run", "--artist", "dcgan", "--artist-option", "nz=100000000"],
                                 "option nz must lie in [1, 1024]"),
    "dcgan_ngf_not_a_number": (["run", "--artist", "dcgan", "--artist-option", "ngf=abc"],
                               "option ngf must be an integer (got 'abc'); pass e.g. --artist-option ngf=64"),
    "dcgan_ngf_a_fraction": (["run", "--artist", "dcgan", "--artist-option", "ngf=2.5"], "must be an integer"),
    "ants_grid_above_its_bound": (["run", "--artist", "ants", "--artist-option", "grid=1000000000"],
                                  "option grid must lie in [4, 1024]"),
    "evoeco_grid_above_its_bound": (["run", "--artist", "evoeco", "--artist-option", "grid=100000"],
                                    "option grid must lie in [4, 1024]"),
    "pop_times_size_over_the_memory_bound": (["run", "--pop", "64", "--size", "512"],
                                             "over the 2 GB bound; lower --pop, --batch or --size"),
    "replay_buffer_over_the_memory_bound": (["run", "--fakes", "replay", "--replay", "100000000"],
                                            "lower --replay or --size"),
    "fool_size_above_the_bound": (["fool", "--size", "100000"], "size must lie in [16, 1024]"),
    "fool_batch_over_the_memory_bound": (["fool", "--batch", "65536", "--size", "1024"], "lower --batch or --size"),
    "fool_elites_over_the_memory_bound": (["fool", "--elites", "100000000"], "lower --elites or --size"),
    "latent_seed_beyond_64_bits": (["latent", "nowhere", "sheet", "--seed", "1" + "0" * 23],
                                   "argument --seed: must lie within 64-bit integers"),
    "resume_rounds_beyond_64_bits": (["resume", "nowhere", "--rounds", "1" + "0" * 26],
                                     "argument --rounds: must lie within 64-bit integers"),
    "cppn_hidden_nodes_above_the_bound": (["run", "--artist", "cppn", "--artist-option", "hidden=1000000000"],
                                          "option hidden must lie in [0, 1000]"),
    "breed_export_size_over_the_artists_memory_bound": (["breed", "--export-size", "16384"],
                                                        "--export-size 16384 is over the largest image artist "
                                                        "'biomorph' draws within 2 GB of memory (8757 pixels"),
    "breed_boxes_over_the_memory_bound": (["breed", "--artist", "gp", "--size", "4096", "--grid", "12x12"],
                                          "144 boxes of 4096x4096 would need about"),
    "sweep_set_a_word_for_a_number": (["sweep", "--set", "pop=abc"],
                                      "--set pop: pop must be an integer, got 'abc'; write e.g. pop = 32"),
    "sweep_planning_too_many_runs": (["sweep", "--seeds", "1000000000"], "more than 10000; lower --seeds"),
    "sweep_scheduler_closed_port": (["sweep", "--rounds", "1", "--scheduler", "tcp://127.0.0.1:1"],
                                    "no Dask scheduler answers at tcp://127.0.0.1:1"),
    "sweep_scheduler_not_an_address": (["sweep", "--rounds", "1", "--scheduler", "nonsense"],
                                       "is not a Dask address SCHEME://HOST:PORT"),
    "compare_scheduler_closed_port": (["compare", "--rounds", "1", "--scheduler", "tcp://127.0.0.1:1"],
                                      "no Dask scheduler answers"),
    "compare_scheduler_bad_port": (["compare", "--rounds", "1", "--scheduler", "tcp://127.0.0.1:99999"],
                                   "is not a Dask address"),
    "compare_budget_of_infinite_seconds": (["compare", "--seconds", "inf"],
                                           "argument --seconds: must be a finite number (got inf)"),
    "compare_samples_above_the_bound": (["compare", "--rounds", "1", "--samples", "100000000"],
                                        "--samples in [8, 100000]"),
    "option_nested_too_deep": (["run", "--artist-option", "x=" + "[" * 5000 + "]" * 5000],
                               "option x nests more than 32 lists or tables"),
}


@pytest.mark.parametrize("case", list(HOSTILE), ids=list(HOSTILE))
def test_a_hostile_number_is_refused_in_one_line_before_anything_is_written(
        case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    args, message = HOSTILE[case]
    monkeypatch.chdir(tmp_path)
    capsys.readouterr()
    try:
        code = main([*args, "--out", str(tmp_path / "out")])
    except SystemExit as exit_info:  # refused by argparse itself (a flag's type)
        code = exit_info.code
    assert code == 2
    err = capsys.readouterr().err
    assert message in err, err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []  # no output folder, no runs/, no gallery


def test_a_config_file_with_a_huge_step_limit_or_deep_nesting_is_refused(tmp_path: Path, capsys) -> None:
    vickers = tmp_path / "vickers.toml"
    vickers.write_text('artist = "hercl-lines"\n[artist_options]\nmax_steps = 1000000000000000\n', encoding="utf-8")
    deep = tmp_path / "deep.toml"
    deep.write_text("a = " + "[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8")
    nested = tmp_path / "nested.toml"
    nested.write_text("[artist_options]\nx = " + "[" * 40 + "]" * 40 + "\n", encoding="utf-8")
    for path, message in [(vickers, "option max_steps must lie in [1, 1000000]"),
                          (deep, "nests arrays or tables too deep to read; flatten it"),
                          (nested, "nests more than 32 lists or tables deep")]:
        capsys.readouterr()
        assert main(["run", "--config", str(path), "--out", str(tmp_path / "out")]) == 2
        err = capsys.readouterr().err
        assert message in err and len(err.strip().splitlines()) == 1
        assert not (tmp_path / "out").exists()
