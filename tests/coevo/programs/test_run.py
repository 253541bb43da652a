"""The runner (coevo/programs/run.py): checkpoint cadence, files written before checkpoints, failed starts undone."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from coevo.commands.main import main
from coevo.loop import Hook, Progress, Round, Stop
from coevo.programs.run import RunProgram, resume, start
from coevo.protocols import Proposal
from coevo.store.runfolder import RunFolder
from coevo.training import trainer
from coevo.training.trainer import Checkpointer
from tests.helpers import TOY, start_killed, toy_config


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class Game:
    """What the checkpointer asks of a game: its stop, cadence and state."""

    stop = Stop(rounds=12)
    checkpoint_every, checkpoint_seconds = 2, 5.0

    def state_dict(self) -> dict:
        return {"round": 0}


class Flushes(Hook):
    def __init__(self, progress: Progress) -> None:
        self.progress, self.flushed = progress, []

    def on_checkpoint(self) -> None:
        self.flushed.append(self.progress.rounds)


def test_checkpoints_at_most_every_n_seconds_every_k_rounds_and_at_the_end(tmp_path: Path, monkeypatch) -> None:
    clock = Clock()
    monkeypatch.setattr(trainer.time, "monotonic", clock)
    folder = RunFolder(tmp_path / "run")
    folder.create("")
    progress = Progress()
    recorder = Flushes(progress)
    checkpointer = Checkpointer(folder, Game(), [recorder])
    played = Round(0, Proposal(torch.zeros(1, 1, 2, 2)), torch.zeros(1), {})
    for _ in range(12):
        progress.rounds += 1
        clock.now += 2.0  # a round takes 2 s: 5 s have passed after 3 rounds, and a checkpoint needs an even round
        checkpointer.on_round_end(played, progress)
    assert recorder.flushed == [4, 8, 12]  # 8 s after the start, then 8 s later, then the last round
    assert (tmp_path / "run" / "checkpoint.pt").exists()


def test_files_wait_for_the_checkpoint_and_end_identical(tmp_path: Path) -> None:
    whole = start(toy_config(rounds=9, sheet_every=2, checkpoint_seconds=0.0), tmp_path / "whole")
    timed = start(toy_config(rounds=9, sheet_every=2, checkpoint_every=4, checkpoint_seconds=0.0), tmp_path / "k")
    names = sorted(str(p.relative_to(whole.path)) for p in whole.path.rglob("*.*") if p.suffix in (".png", ".json",
                                                                                                    ".jsonl"))
    assert "images/champion-0008.png" in names and "sheets/champions.png" in names and "genomes/best.json" in names
    for name in names:
        assert (whole.path / name).read_bytes() == (timed.path / name).read_bytes(), name


GRADIENT = {"artist": "dcgan", "critic": "cnn", "size": 28, "pop": 8, "batch": 8, "warmup": 0, "fakes": "latest",
            "artist_options": {"ngf": 8}, "critic_options": {"width": 8}}


@pytest.mark.parametrize("game", [{}, GRADIENT], ids=["evolutionary", "dcgan"])
def test_a_resume_replays_the_rounds_after_the_last_checkpoint(tmp_path: Path, game: dict) -> None:
    """Rounds 8 and 9 of a run checkpointed every 4 rounds are lost with the process; the resume plays them
    again from the checkpoint at round 8 and ends as the uninterrupted run (a DCGAN too: its generator,
    optimisers and random generators come back from the checkpoint, its earlier champions from their images)."""
    whole = start(toy_config(rounds=10, sheet_every=3, checkpoint_seconds=0.0, **game), tmp_path / "whole")

    config = toy_config(rounds=12, sheet_every=3, checkpoint_every=4, checkpoint_seconds=0.0, **game)
    folder = tmp_path / "killed"
    start_killed(config, folder)
    assert torch.load(folder / "checkpoint.pt", weights_only=True)["round"] == 8
    assert not (folder / "sheets" / "round-0009.png").exists()  # written with the next checkpoint, never
    resume(folder, rounds=10)
    compared = [p for p in sorted(whole.path.rglob("*.*")) if p.suffix in (".png", ".json", ".jsonl")]
    assert len(compared) >= (6 if game else 20)
    for path in compared:
        assert (folder / path.relative_to(whole.path)).read_bytes() == path.read_bytes(), path.name


def test_a_run_that_fails_at_start_leaves_nothing_behind(tmp_path: Path, monkeypatch) -> None:
    import coevo.programs.run as program

    def crash(*_: object) -> None:
        raise RuntimeError("boom")

    out, kept = tmp_path / "new", tmp_path / "existing"
    kept.mkdir()
    (kept / "notes.txt").write_text("mine")
    monkeypatch.setattr(program, "warm_up", crash)
    for folder in (out, kept):
        with pytest.raises(RuntimeError):
            main(["run", *TOY, "--rounds", "2", "--out", str(folder)])
    assert not out.exists() and [p.name for p in kept.iterdir()] == ["notes.txt"]
    monkeypatch.undo()
    assert main(["run", *TOY, "--rounds", "2", "--out", str(out)]) == 0


def test_sheets_show_every_image_at_least_96_px_with_captions(tmp_path: Path) -> None:
    """8-px toy images: the population sheet (3 columns of 8) and the champion sheet (a column per round)."""
    from PIL import Image

    folder = start(toy_config(rounds=3, pop=8, sheet_every=2), tmp_path / "r")
    with Image.open(folder.path / "sheets" / "round-0002.png") as sheet:
        assert sheet.size[0] >= 3 * 96 and sheet.size[1] >= 3 * 96
    with Image.open(folder.path / "sheets" / "champions.png") as sheet:
        assert sheet.size[0] >= 3 * 96 and sheet.size[1] >= 96 + 16  # the captions' strip under the images


def test_a_folder_from_before_measure_every_resumes_measuring_every_round(tmp_path: Path) -> None:
    """A config.toml without ``measure_every`` (nor ``channels_last``) ran with the held-out measures every round
    (and a plain-layout critic), and resumes so; a new
    run takes them every ``measure_every`` rounds (a pure function of the round: the same after a resume)."""
    old = start(toy_config(rounds=2, measure_every=1), tmp_path / "old")
    config, checkpoint = old.path / "config.toml", old.path / "checkpoint.pt"
    config.write_text("".join(line for line in config.read_text().splitlines(keepends=True)
                              if not line.startswith(("measure_every", "channels_last"))))
    read = RunProgram().read_config(config)
    assert (read.measure_every, read.channels_last) == (1, False)  # as such folders ran
    state = torch.load(checkpoint, weights_only=True)
    state["config"] = config.read_text()  # the settings as that checkpoint played them
    torch.save(state, checkpoint)
    rows = resume(old.path, rounds=4).metrics()
    assert all("critic_accuracy" in row for row in rows) and len(rows) == 4
    rows = start(toy_config(rounds=5, measure_every=2), tmp_path / "new").metrics()
    assert [row["round"] for row in rows if "critic_accuracy" in row] == [0, 2, 4]


def test_sheets_are_written_at_the_run_s_png_level_and_a_folder_from_before_it_keeps_pillow_s_default(
        tmp_path: Path) -> None:
    """New runs write their contact sheets at ``sheet_compression`` (1: fast); a config.toml without the setting
    wrote them at Pillow's default (6), and its resumed rounds' sheets are written so: the same bytes as an
    uninterrupted run of the older code. The pixels are the same at every level."""
    import io

    from PIL import Image

    def sheets(folder: Path) -> dict[str, bytes]:
        return {path.name: path.read_bytes() for path in sorted((folder / "sheets").glob("*.png"))}

    settings = dict(rounds=4, pop=8, sheet_every=2)
    fast = start(toy_config(**settings), tmp_path / "fast").path
    old = start(toy_config(**settings, sheet_compression=6), tmp_path / "old").path
    assert sheets(fast).keys() == sheets(old).keys() == {"champions.png", "round-0000.png", "round-0002.png",
                                                         "round-0003.png"}
    for name, data in sheets(old).items():
        with Image.open(io.BytesIO(data)) as six, Image.open(fast / "sheets" / name) as one:
            assert six.tobytes() == one.tobytes() and len(data) <= len(sheets(fast)[name])
            buffer = io.BytesIO()
            six.save(buffer, format="PNG")
            assert buffer.getvalue() == data  # Pillow's default level
    config = tmp_path / "old" / "config.toml"
    config.write_text("".join(line for line in config.read_text().splitlines(keepends=True)
                              if not line.startswith("sheet_compression")))
    assert RunProgram().read_config(config).sheet_compression == 6  # as such folders ran
    state = torch.load(tmp_path / "old" / "checkpoint.pt", weights_only=True)
    state["config"] = config.read_text()  # the settings as that checkpoint played them
    torch.save(state, tmp_path / "old" / "checkpoint.pt")
    before = sheets(old)
    resume(old, rounds=6)
    longer = start(toy_config(**(settings | {"rounds": 6}), sheet_compression=6), tmp_path / "longer").path
    resumed, whole = sheets(old), sheets(longer)  # the old run keeps its first end's sheet (round 3) besides
    assert {name: resumed[name] for name in whole} == whole and resumed["round-0002.png"] == before["round-0002.png"]


def test_a_killed_run_with_a_growing_margin_and_wider_search_resumes_byte_identical(tmp_path: Path) -> None:
    """The process dies at round 10 after a checkpoint at round 8, flushing nothing; the artist's widened
    population and the phase's bar come back from the checkpoint."""
    settings = dict(schedule="phases", phase_generations=4, phase_critic_steps=5, phase_margin=0.5, phase_widen=3,
                    phase_threshold=0.5, ciao_keep=0, sheet_every=3, checkpoint_every=4, checkpoint_seconds=0.0)
    whole = start(toy_config(rounds=16, **settings), tmp_path / "whole")

    folder = tmp_path / "killed"
    start_killed(toy_config(rounds=16, **settings), folder)
    resume(folder)
    rows = whole.metrics()
    assert any(row.get("phase_widen", 1) > 1 for row in rows) and {row["phase_bar"] for row in rows} != {0.5}
    for name in ("metrics.jsonl", "curves.png"):
        assert (folder / name).read_bytes() == (whole.path / name).read_bytes(), name


def test_a_killed_run_with_a_relaxing_bar_set_by_the_data_resumes_byte_identical(tmp_path: Path) -> None:
    """Killed mid-phase (round 10, checkpoint at 8), the run resumes with the phase's measured bar, relaxing."""
    settings = dict(schedule="phases", phase_generations=4, phase_critic_steps=5, phase_real_bar=0.5,
                    phase_relax=True, phase_threshold=-50.0, ciao_keep=0, sheet_every=3, checkpoint_every=4,
                    checkpoint_seconds=0.0)
    whole = start(toy_config(rounds=16, **settings), tmp_path / "whole")
    folder = tmp_path / "killed"
    start_killed(toy_config(rounds=16, **settings), folder)
    resume(folder)
    rows = whole.metrics()
    assert len({row["phase_bar"] for row in rows if row["phase_generation"] < 4}) > 1  # measured, then relaxing
    assert any(row["phase_bar"] > -50.0 for row in rows)
    for name in ("metrics.jsonl", "curves.png"):
        assert (folder / name).read_bytes() == (whole.path / name).read_bytes(), name


def test_a_killed_run_whose_phases_restart_with_a_critic_floor_resumes_byte_identical(tmp_path: Path) -> None:
    """Each phase begins from a fresh population and the critic learns at least 3 updates; killed at round 10."""
    settings = dict(schedule="phases", phase_generations=4, phase_critic_steps=5, phase_critic_min=3,
                    phase_restart=True, ciao_keep=0, sheet_every=3, checkpoint_every=4, checkpoint_seconds=0.0)
    whole = start(toy_config(rounds=16, **settings), tmp_path / "whole")
    folder = tmp_path / "killed"
    start_killed(toy_config(rounds=16, **settings), folder)
    resume(folder)
    ends = [row for row in whole.metrics() if "generations_to_fool" in row]
    assert len(ends) > 2 and all(row["phase_critic_updates"] >= 3 for row in ends)
    for name in ("metrics.jsonl", "curves.png"):
        assert (folder / name).read_bytes() == (whole.path / name).read_bytes(), name
