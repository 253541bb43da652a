"""The trainer: every program starts, checkpoints and resumes through it; hooks hear the game's life and keep
their state across a kill."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
import torch

from coevo.errors import CoevoError
from coevo.loop import Hook, Progress, Round, StopGame
from coevo.programs.kinds import PROGRAMS, resume
from coevo.programs.run import RunProgram
from coevo.store.runfolder import KINDS
from coevo.training import trainer
from coevo.training.config import RunConfig
from coevo.training.trainer import Game, Trainer
from tests.conftest import patience
from tests.helpers import toy_config


class Diary(Hook):
    """Notes every callback, and counts the rounds it has seen as its checkpointed state."""

    def __init__(self) -> None:
        self.heard: list[str] = []
        self.seen = 0

    def on_start(self, progress: Progress) -> None:
        self.heard.append(f"start {progress.rounds}")

    def on_round_end(self, played: Round, progress: Progress) -> None:
        self.seen += 1

    def on_checkpoint(self) -> None:
        self.heard.append(f"checkpoint {self.seen}")

    def on_end(self, progress: Progress) -> None:
        self.heard.append(f"end {progress.rounds}")

    def on_exception(self, error: BaseException) -> None:
        self.heard.append(f"exception {type(error).__name__}")

    def state_dict(self) -> dict[str, int]:
        return {"seen": self.seen}

    def load_state_dict(self, state: dict[str, int]) -> None:
        self.seen = state["seen"]


class Noted(RunProgram):
    """A run with a diary among its hooks and its checkpointed parts."""

    def __init__(self) -> None:
        super().__init__()
        self.diary = Diary()

    def build(self, config: RunConfig) -> Game:
        game = super().build(config)
        game.hooks.append(self.diary)
        game.parts["diary"] = self.diary
        return game


class Stopped(Exception):
    pass


def stop_at(rounds: int, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Progress]:
    """Make the trainer's games raise ``Stopped`` before round ``rounds``; returns the real ``coevolve``."""
    original = trainer.coevolve

    class StopHere(Hook):
        def on_round_start(self, progress: Progress) -> None:
            if progress.rounds == rounds:
                raise Stopped

    monkeypatch.setattr(trainer, "coevolve", lambda *a: original(*a[:4], [*a[4], StopHere()]))
    return original


def test_hooks_hear_start_checkpoints_and_end_in_order(tmp_path: Path) -> None:
    program = Noted()
    Trainer(bar=False).fit(program, toy_config(rounds=4, checkpoint_every=2, checkpoint_seconds=0.0), tmp_path / "r")
    assert program.diary.heard == ["start 0", "checkpoint 2", "checkpoint 4", "end 4"]


def test_a_hooks_state_is_checkpointed_and_restored_on_resume(tmp_path: Path, monkeypatch) -> None:
    """A run stopped by an error after round 3 (checkpointed at 2) resumes with the diary's count as it was
    at the checkpoint, and hears the exception, not an end."""
    program = Noted()
    original = stop_at(3, monkeypatch)
    with pytest.raises(Stopped):
        Trainer(bar=False).fit(program, toy_config(rounds=6, checkpoint_every=2, checkpoint_seconds=0.0),
                               tmp_path / "r")
    assert program.diary.heard[-1] == "exception Stopped" and program.diary.seen == 3
    assert torch.load(tmp_path / "r" / "checkpoint.pt", weights_only=True)["diary"] == {"seen": 2}
    monkeypatch.setattr(trainer, "coevolve", original)
    again = Noted()
    Trainer(bar=False).resume(again, tmp_path / "r")
    assert again.diary.heard == ["start 2", "checkpoint 4", "checkpoint 6", "end 6"] and again.diary.seen == 6


def test_a_resume_continues_to_the_same_files_as_an_uninterrupted_run(tmp_path: Path, monkeypatch) -> None:
    whole = Trainer(bar=False).fit(RunProgram(), toy_config(rounds=6, checkpoint_seconds=0.0), tmp_path / "whole")
    original = stop_at(4, monkeypatch)
    with pytest.raises(Stopped):
        Trainer(bar=False).fit(RunProgram(), toy_config(rounds=6, checkpoint_seconds=0.0), tmp_path / "cut")
    monkeypatch.setattr(trainer, "coevolve", original)
    Trainer(bar=False).resume(RunProgram(), tmp_path / "cut")
    for path in sorted(whole.path.rglob("*")):
        if path.suffix in (".png", ".json", ".jsonl"):
            assert (tmp_path / "cut" / path.relative_to(whole.path)).read_bytes() == path.read_bytes(), path.name


def test_a_start_that_fails_before_its_first_checkpoint_leaves_nothing(tmp_path: Path, monkeypatch) -> None:
    def fails(*args: object) -> None:
        raise Stopped

    monkeypatch.setattr(trainer, "coevolve", fails)
    with pytest.raises(Stopped):
        Trainer(bar=False).fit(RunProgram(), toy_config(rounds=3), tmp_path / "r")
    assert not (tmp_path / "r").exists()


def test_a_game_ended_on_request_is_checkpointed_ends_and_resumes(tmp_path: Path, monkeypatch) -> None:
    """A hook raising ``StopGame`` after round 3 of 6 (checkpointed every 2): the trainer writes a last checkpoint,
    the hooks hear the end, not an exception; a resume plays the rest."""
    original = trainer.coevolve

    class Quit(Hook):
        def on_round_start(self, progress: Progress) -> None:
            if progress.rounds == 3:
                raise StopGame

    monkeypatch.setattr(trainer, "coevolve", lambda *a: original(*a[:4], [*a[4], Quit()]))
    program = Noted()
    config = toy_config(rounds=6, checkpoint_every=2, checkpoint_seconds=0.0)
    assert Trainer(bar=False).fit(program, config, tmp_path / "r").path == tmp_path / "r"
    assert program.diary.heard == ["start 0", "checkpoint 2", "checkpoint 3", "end 3"]
    assert torch.load(tmp_path / "r" / "checkpoint.pt", weights_only=True)["round"] == 3
    monkeypatch.setattr(trainer, "coevolve", original)
    again = Noted()
    Trainer(bar=False).resume(again, tmp_path / "r")
    assert again.diary.heard == ["start 3", "checkpoint 4", "checkpoint 6", "end 6"]


def test_every_resumable_kind_has_a_program_and_other_kinds_say_where_they_continue(tmp_path: Path) -> None:
    assert set(PROGRAMS) <= set(KINDS) and "session" in PROGRAMS
    comparison = tmp_path / "comparison"
    comparison.mkdir()
    (comparison / ".coevo-kind").write_text("compare\n")
    with pytest.raises(CoevoError, match="running the same `coevo compare`"):
        resume(comparison)
    with pytest.raises(CoevoError, match="holds no run"):
        resume(tmp_path / "empty")


def test_shortening_needs_force_and_a_fixed_length_refuses_rounds(tmp_path: Path) -> None:
    Trainer(bar=False).fit(RunProgram(), toy_config(rounds=4), tmp_path / "r")
    with pytest.raises(CoevoError, match="would shorten it"):
        Trainer(bar=False).resume(RunProgram(), tmp_path / "r", rounds=2)
    ppgn = tmp_path / "p"
    ppgn.mkdir()
    (ppgn / ".coevo-kind").write_text("ppgn\n")
    (ppgn / "config.toml").write_text("steps = 5\n")
    with pytest.raises(CoevoError, match="fixed length"):
        resume(ppgn, rounds=9)


def test_a_run_ends_at_its_first_limit_reached(tmp_path: Path) -> None:
    """Budgets other than rounds (a comparison's) are a run's own settings: 40 images at 12 a round is 4 rounds."""
    folder = Trainer(bar=False).fit(RunProgram(), toy_config(rounds=0, images=40, pop=12), tmp_path / "r")
    assert [row["round"] for row in folder.metrics()] == [0, 1, 2, 3]
    with pytest.raises(CoevoError, match="no end"):
        toy_config(rounds=0).validate()


TOYS = ["--artist", "tests.toys:ToyGenetics", "--critic", "tests.toys:TinyCritic", "--size", "8", "--warmup", "3",
        "--batch", "16", "--seed", "7"]
KILLED = {  # program: (its command, given --out DIR; the metrics file to watch; rows before the kill; its end)
    "run-phases": (["run", *TOYS, "--pop", "12", "--rounds", "40", "--schedule", "phases", "--phase-generations",
                    "5", "--critic-option", "delay=0.02", "--checkpoint-seconds", "0.1"], "metrics.jsonl", 12, 40),
    "fool-cppn": (["fool", "--artist", "cppn", "--critic", "tests.toys:ToyClassifier", "--data", "digits",
                   "--size", "16", "--batch", "8", "--generations", "40", "--critic-option", "delay=0.03"],
                  "metrics.jsonl", 10, 40),
    "fool-pixels": (["fool", "--artist", "pixels", "--data", "digits", "--size", "16", "--steps", "30", "--batch",
                     "4", "--generations", "400"], "metrics.jsonl", 60, 400),
    "sweep": (["sweep", *TOYS, "--pop", "6", "--rounds", "30", "--critic-option", "delay=0.02", "--seeds", "2",
               "--checkpoint-seconds", "0.1"], "seed=7/metrics.jsonl", 8, 30),
    "compare": (["compare", "--artists", "dcgan", "--data", "digits", "--size", "28", "--batch", "8", "--images",
                 "3200", "--seeds", "1", "--evals", "2", "--samples", "24", "--features", "autoencoder",
                 "--device", "cpu"], "dcgan/seed-0/metrics.jsonl", 300, 400),  # after a checkpoint (every 10 s)
}


def outputs(folder: Path) -> dict[str, bytes]:
    """Every result file of a folder (checkpoints, locks and the gallery's database aside), by relative path."""
    kept = (".png", ".json", ".jsonl", ".md", ".toml")
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.suffix in kept and p.is_file() and p.name != "compare.json"}


@pytest.mark.slow
@pytest.mark.parametrize("program", sorted(KILLED))
def test_every_program_killed_with_sigkill_resumes_byte_identical(program: str, tmp_path: Path) -> None:
    """kill -9 mid-way, then continue (``coevo resume``; a sweep or comparison runs its command again): the folder
    ends with the same files, byte for byte, as an uninterrupted one."""
    import os
    import subprocess
    import sys

    from tests.conftest import ROOT, kill_when

    command, watched, rows, end = KILLED[program]
    env = {**os.environ, "COEVO_CACHE": str(tmp_path / "cache")}

    def coevo(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "coevo", *args], cwd=ROOT, env=env, capture_output=True,
                              text=True, timeout=patience(900))

    whole, killed = tmp_path / "runs" / "whole", tmp_path / "runs" / "killed"
    done = coevo(*command, "--out", str(whole))
    assert done.returncode == 0, done.stderr[-2000:]
    with open(tmp_path / "victim.err", "w") as errors:
        victim = subprocess.Popen([sys.executable, "-m", "coevo", *command, "--out", str(killed)], cwd=ROOT,
                                  env=env, stdout=subprocess.DEVNULL, stderr=errors)
        left = kill_when(victim, killed / watched, rows, 300)
    assert rows <= left < end, f"not killed mid-way: {(tmp_path / 'victim.err').read_text()[-1500:]}"
    again = coevo("resume", str(killed)) if program.startswith(("run", "fool")) else coevo(*command, "--out",
                                                                                              str(killed))
    assert again.returncode == 0, again.stderr[-2000:]
    ours, theirs = outputs(killed), outputs(whole)
    assert ours.keys() == theirs.keys()
    if program.startswith(("run", "fool")):  # TensorBoard's events continue without the replayed rounds twice
        live_view_continues(killed)
    for name in theirs:
        if name.endswith((".md", "done.json")):  # the report's provenance and CPU seconds are the process's own
            continue
        if name.endswith("evals.jsonl"):  # each evaluation notes the wall seconds of play: all else must agree
            assert untimed(ours[name]) == untimed(theirs[name]), name
            continue
        assert ours[name] == theirs[name], name


def live_view_continues(folder: Path) -> None:
    """Every round once in the folder's TensorBoard events (read with TensorBoard's own reader): no step twice, and
    a metric of every round at each round recorded."""
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    rounds = len((folder / "metrics.jsonl").read_text().splitlines())
    events = EventAccumulator(str(folder / "tensorboard"), size_guidance={"scalars": 0}).Reload()
    steps = {tag: [event.step for event in events.Scalars(tag)] for tag in events.Tags()["scalars"]}
    assert all(found == sorted(set(found)) for found in steps.values()), steps
    assert list(range(rounds)) in steps.values()


def untimed(jsonl: bytes) -> list[dict]:
    return [{k: v for k, v in json.loads(line).items() if k != "seconds"} for line in jsonl.splitlines()]


def test_the_progress_bar_shows_a_gans_two_losses_and_an_evolutions_best() -> None:
    gan = {"score_max": -4.1, "critic_loss": 0.0154, "artist_loss": 4.6318, "fakes": 0.0}
    assert trainer.ProgressBar.figures(gan) == {"critic_loss": "0.015", "generator_loss": "4.632"}
    evolution = {"score_max": -0.036, "critic_loss": 0.541, "fitness_best": -0.036}
    assert trainer.ProgressBar.figures(evolution) == {"best": "-0.036", "critic_loss": "0.541"}
