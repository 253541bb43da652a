"""A game played where its caller can let it go ends at the next round once let go, its folder resumable."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from coevo.programs.run import RunProgram
from coevo.training.cancel import Abandoned, abandoned_when, watches
from coevo.training.trainer import Trainer
from tests.helpers import toy_config


def test_no_watch_outside_a_context_that_can_let_games_go() -> None:
    assert watches() == []
    with abandoned_when(lambda: False):
        assert len(watches()) == 1
    assert watches() == []


def test_a_game_let_go_ends_at_the_next_round_and_resumes_to_the_same_files(tmp_path: Path) -> None:
    whole = Trainer(bar=False).fit(RunProgram(), toy_config(rounds=5, checkpoint_seconds=0.0), tmp_path / "whole")
    asked = []

    def gone() -> bool:  # let go once three rounds have been asked about
        asked.append(1)
        return len(asked) > 3

    with abandoned_when(gone), pytest.raises(Abandoned):
        Trainer(bar=False).fit(RunProgram(), toy_config(rounds=5, checkpoint_seconds=0.0), tmp_path / "cut")
    assert torch.load(tmp_path / "cut" / "checkpoint.pt", weights_only=True)["round"] == 3
    Trainer(bar=False).resume(RunProgram(), tmp_path / "cut")
    assert (tmp_path / "cut" / "metrics.jsonl").read_bytes() == (whole.path / "metrics.jsonl").read_bytes()
