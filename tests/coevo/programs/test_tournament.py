"""The master tournament: every kept champion against every kept critic, its progress number, a bounded and evenly
thinned archive, and a run that writes it and resumes byte-identical."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
import torch

from coevo.evolution.snapshots import scoring_state
from coevo.programs.run import resume, start
from coevo.programs.tournament import MasterTournament, progress
from coevo.protocols import Proposal
from tests.helpers import start_killed, toy_config
from tests.toys import TinyCritic


def test_progress_is_how_much_more_newer_champions_beat_older_critics_than_the_reverse() -> None:
    escalating = torch.triu(torch.ones(4, 4, dtype=torch.float64))  # newer champions fool older critics, only
    assert progress(escalating) == 1.0
    assert progress(escalating.T.contiguous()) == -1.0  # forgetting: older champions beat newer critics
    assert progress(torch.full((4, 4), 0.5, dtype=torch.float64)) == 0.0
    cycling = torch.tensor([[1.0, 1.0, 0.0], [0.0, 1.0, 1.0], [1.0, 0.0, 1.0]], dtype=torch.float64)
    assert progress(cycling) == pytest.approx(1 / 3)  # (1 - 0) + (0 - 1) + (1 - 0) over 3 pairs
    assert progress(torch.ones(1, 1, dtype=torch.float64)) == 0.0


def proposal(brightness: float) -> tuple[Proposal, torch.Tensor]:
    images = torch.full((10, 1, 8, 8), brightness) + 0.05 * torch.arange(10.0).view(10, 1, 1, 1)
    return Proposal(images), torch.arange(10.0)


def test_the_matrix_holds_every_kept_critic_against_every_kept_champion_and_stays_bounded() -> None:
    torch.manual_seed(0)
    critic = TinyCritic((1, 8, 8))
    tournament = MasterTournament(critic, phases=False, keep=4)
    states, shown = [], []
    for index in range(11):  # each generation's critic likes brighter images a little more (a fixed weight)
        with torch.no_grad():
            critic.net.weight.fill_(0.1 * (index - 5))
            critic.net.bias.fill_(0.0)
        states.append(copy.deepcopy(critic.state_dict()))
        shown.append(proposal(index / 10 - 0.5))
        tournament.add(index, index, scoring_state(critic.state_dict()), *shown[-1])
    assert len(tournament.kept) <= 4
    labels = [g.label for g in tournament.kept]
    assert labels == list(range(0, 11, tournament.stride)) and tournament.stride == 4  # evenly thinned
    judge = TinyCritic((1, 8, 8))
    for row, c in enumerate(labels):
        judge.load_state_dict(states[c])
        for column, a in enumerate(labels):
            best = shown[a][0].images[2:][torch.arange(7, -1, -1)]  # the 8 best of 10 (scores 9 .. 2)
            expected = float((judge.score(best) > 0).double().mean())
            assert tournament.fool[row, column] == pytest.approx(expected), (c, a)
    assert tournament.progress() == progress(tournament.fool)


def test_a_phased_run_writes_the_tournament_and_its_progress_into_metrics(tmp_path: Path) -> None:
    folder = start(toy_config(rounds=16, schedule="phases", phase_generations=2, phase_critic_steps=5,
                              ciao_keep=3, checkpoint_seconds=0.0), tmp_path / "run")
    summary = json.loads((folder.path / "tournament.json").read_text())
    ends = [row for row in folder.metrics() if "generations_to_fool" in row]
    assert len(ends) >= 4 and summary["kept"] <= 3 and summary["unit"] == "phase"
    assert summary["generations"] == [g * summary["stride"] for g in range(summary["kept"])]
    assert [row["ciao_kept"] for row in ends][-1] == summary["kept"]
    assert ends[-1]["ciao_progress"] == pytest.approx(progress(torch.tensor(summary["fool"])), abs=1e-6)
    assert (folder.path / "ciao.png").read_bytes()[:4] == b"\x89PNG"


def test_a_killed_run_resumes_with_the_same_tournament(tmp_path: Path) -> None:
    """As in test_run: the process dies at round 10 after a checkpoint at round 8, flushing nothing."""
    settings = dict(schedule="phases", phase_generations=2, phase_critic_steps=5, ciao_keep=3, sheet_every=3,
                    checkpoint_every=4, checkpoint_seconds=0.0)
    whole = start(toy_config(rounds=14, **settings), tmp_path / "whole")

    folder = tmp_path / "killed"
    start_killed(toy_config(rounds=14, **settings), folder)
    assert torch.load(folder / "checkpoint.pt", weights_only=True)["round"] == 8
    resume(folder)
    for name in ("tournament.json", "ciao.png", "metrics.jsonl", "curves.png"):
        assert (folder / name).read_bytes() == (whole.path / name).read_bytes(), name


def test_a_run_from_before_the_tournament_resumes_as_it_ran(tmp_path: Path) -> None:
    from coevo.programs.run import RunProgram
    from coevo.training.config import dump_config

    text = dump_config(toy_config(schedule="phases"))
    older = "\n".join(line for line in text.splitlines() if not line.startswith(("ciao_keep", "phase_check_every")))
    (tmp_path / "config.toml").write_text(older + "\n")
    config = RunProgram().read_config(tmp_path / "config.toml")
    assert config.ciao_keep == 0 and config.phase_check_every == 10  # no tournament; checks every 10 steps
    assert "tournament" not in RunProgram().build(config).parts
