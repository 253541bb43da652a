"""The TensorBoard hook (coevo/store/tensorboard.py): events every round, images when due, phases, a clean resume,
all read back with TensorBoard's own reader."""

from __future__ import annotations

from pathlib import Path

import pytest
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

from coevo.loop import Hook, Progress, Round
from coevo.programs.run import RunProgram
from coevo.store.runfolder import RunFolder
from coevo.training.trainer import Game, Trainer
from tests.helpers import run_cli, toy_config


def read(folder: Path) -> EventAccumulator:
    events = EventAccumulator(str(folder / "tensorboard"), size_guidance={"scalars": 0, "images": 0, "tensors": 0})
    return events.Reload()


def steps(events: EventAccumulator, tag: str) -> list[int]:
    return [event.step for event in events.Scalars(tag)]


def test_every_round_metric_is_a_scalar_and_images_come_when_a_sheet_is_due(tmp_path: Path) -> None:
    folder = Trainer(bar=False).fit(RunProgram(), toy_config(rounds=5, sheet_every=2), tmp_path / "r")
    events = read(folder.path)
    rows = folder.metrics()
    tags = set(events.Tags()["scalars"])
    assert set(rows[0]) - {"round"} <= tags
    for tag in ("critic_loss", "fitness_best"):
        assert steps(events, tag) == [0, 1, 2, 3, 4]
        assert [e.value for e in events.Scalars(tag)] == pytest.approx([row[tag] for row in rows], abs=1e-5)
    assert [image.step for image in events.Images("champion")] == [0, 2, 4]
    first = events.Images("champion")[0]
    assert (first.width, first.height) == (8, 8)


def test_phase_ends_are_marked(tmp_path: Path) -> None:
    config = toy_config(rounds=8, schedule="phases", phase_generations=2, pop=6)
    folder = Trainer(bar=False).fit(RunProgram(), config, tmp_path / "p")
    events = read(folder.path)
    ended = [row["round"] for row in folder.metrics() if "generations_to_fool" in row]
    assert ended and steps(events, "phases/boundary") == ended
    assert [e.value for e in events.Scalars("phases/boundary")] == list(range(1, len(ended) + 1))
    assert len(events.Tensors("phases/text_summary")) == len(ended)


class Crash(Hook):
    """Fails the game after round ``at``: the rounds since the last checkpoint are in the event file, not the
    checkpoint (as a kill -9 after TensorBoard flushed)."""

    def __init__(self, at: int) -> None:
        self.at = at

    def on_round_end(self, played: Round, progress: Progress) -> None:
        if played.index == self.at:
            raise RuntimeError("crash")


class Crashing(RunProgram):
    def recorders(self, folder: RunFolder, game: Game) -> list[Hook]:
        return [*super().recorders(folder, game), Crash(4)]


def test_a_resumed_run_continues_its_events_without_the_replayed_rounds_twice(tmp_path: Path) -> None:
    config = toy_config(rounds=7, checkpoint_every=3, checkpoint_seconds=0.0)
    with pytest.raises(RuntimeError, match="crash"):
        Trainer(bar=False).fit(Crashing(), config, tmp_path / "r")
    # the crash comes before TensorBoard hears round 4; round 3 is after the checkpoint (3 rounds played)
    assert steps(read(tmp_path / "r"), "critic_loss") == [0, 1, 2, 3]
    folder = Trainer(bar=False).resume(RunProgram(), tmp_path / "r")
    events = read(folder.path)
    assert steps(events, "critic_loss") == list(range(7))
    assert [e.value for e in events.Scalars("critic_loss")] == pytest.approx(
        [row["critic_loss"] for row in folder.metrics()], abs=1e-5)


def test_no_tensorboard_turns_it_off(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from tests.helpers import TOY

    code, _, err = run_cli(["run", *TOY, "--rounds", "2", "--no-tensorboard", "--out", str(tmp_path / "off")],
                           capsys)
    assert code == 0, err
    assert (tmp_path / "off" / "metrics.jsonl").exists() and not (tmp_path / "off" / "tensorboard").exists()
    assert "tensorboard = false" in (tmp_path / "off" / "config.toml").read_text()


def test_without_the_tensorboard_package_the_start_says_what_to_do(tmp_path: Path, monkeypatch) -> None:
    import sys

    from coevo.errors import CoevoError

    monkeypatch.setitem(sys.modules, "torch.utils.tensorboard", None)  # as if not installed
    with pytest.raises(CoevoError, match="pip install tensorboard, or pass --no-tensorboard"):
        Trainer(bar=False).fit(RunProgram(), toy_config(rounds=2), tmp_path / "r")
    assert not (tmp_path / "r").exists()  # a failed start leaves nothing behind
