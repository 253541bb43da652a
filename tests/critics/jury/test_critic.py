"""The jury: weighted mean of its members, Vickers' decay of earlier phases' critics, members in the metrics."""

from pathlib import Path

import pytest
import torch

from coevo.commands import main as cli
from coevo.protocols import ExplainedScores, PhasedCritic
from critics.jury import JuryCritic


class Constant:
    """A critic scoring every image ``value``; learning adds 1 to it."""

    def __init__(self, value: float) -> None:
        self.value = value

    def score(self, images: torch.Tensor) -> torch.Tensor:
        return torch.full((len(images),), self.value)

    def learn(self, real: torch.Tensor, fake: torch.Tensor) -> dict[str, float]:
        self.value += 1
        return {"value": self.value}

    def state_dict(self) -> dict:
        return {"value": self.value}

    def load_state_dict(self, state: dict) -> None:
        self.value = state["value"]


def test_weights_and_vickers_decay_over_phases() -> None:
    made = []

    def make(name: str, options: dict) -> Constant:
        made.append(name)
        return Constant({"a": 0.0, "b": 6.0}[name])

    jury = JuryCritic(make, members="a,b", weights="2,1")
    assert isinstance(jury, PhasedCritic) and isinstance(jury, ExplainedScores)
    images = torch.zeros(3, 1, 4, 4)
    assert jury.score(images).tolist() == pytest.approx([(2 * 0 + 1 * 6) / 3] * 3)
    jury.learn(images, images)  # a -> 1, b -> 7
    jury.next_phase()  # they are frozen at weight ½; fresh a = 0, b = 6 at weight 1
    expected = (2 * 0 + 6 + 0.5 * (2 * 1 + 7)) / (3 + 1.5)
    assert float(jury.score(images)[0]) == pytest.approx(expected)
    jury.next_phase()  # weights 1, ½, ¼
    expected = (2 * 0 + 6 + 0.5 * (2 * 0 + 6) + 0.25 * (2 * 1 + 7)) / (3 + 1.5 + 0.75)
    assert float(jury.score(images)[0]) == pytest.approx(expected)
    metrics = jury.explain(images)
    assert metrics["jury_a"] == 0 and metrics["jury_b"] == 6 and metrics["jury_past_2"] == pytest.approx(4)
    assert metrics["jury_size"] == 6
    again = JuryCritic(make, members="a,b", weights="2,1")
    again.load_state_dict(jury.state_dict())
    assert float(again.score(images)[0]) == pytest.approx(expected)


def test_keep_bounds_the_jury_and_restart_false_carries_learning_on() -> None:
    jury = JuryCritic(lambda name, options: Constant(0.0), members="x", keep=2, restart=False)
    images = torch.zeros(1, 1, 2, 2)
    for _ in range(4):
        jury.learn(images, images)
        jury.next_phase()
    assert [age for age, _, _ in jury.past] == [1, 2] and jury.current[0].value == 4


ARGS = ["--critic", "jury", "--critic-option", "members=features,features", "--critic-option", "weights=[1, 0.5]",
        "--size", "16", "--pop", "8", "--warmup", "5", "--batch", "16", "--seed", "2", "--sheet-every", "3"]


def test_a_jury_phases_run_from_the_cli_records_members_and_resumes(tmp_path: Path) -> None:
    phased = [*ARGS, "--schedule", "phases", "--phase-generations", "2", "--phase-critic-steps", "10"]
    assert cli.main(["run", *phased, "--rounds", "6", "--out", str(tmp_path / "whole")]) == 0
    text = (tmp_path / "whole" / "metrics.jsonl").read_text()
    assert '"jury_0_features"' in text and '"jury_past_1"' in text
    assert cli.main(["run", *phased, "--rounds", "3", "--out", str(tmp_path / "part")]) == 0
    assert cli.main(["resume", str(tmp_path / "part"), "--rounds", "6"]) == 0
    assert (tmp_path / "part" / "metrics.jsonl").read_text() == text


class Probable(Constant):
    """A critic whose probability of real is ``value`` (``RealProbability``)."""

    def probability(self, images: torch.Tensor) -> torch.Tensor:
        return torch.full((len(images),), self.value)


def test_cost_is_art_schools_sum_over_the_jury_and_its_tolerance_marks_success() -> None:
    values = iter([1.0, 1.0, 0.4, 0.0, 0.0, 0.0])
    jury = JuryCritic(lambda name, options: Probable(next(values)), members="p,p,p", combine="cost", tolerance=10)
    images = torch.zeros(2, 1, 8, 8)
    # a phase's critics share weight 1: cost = 100 * (0 + 0 + 0.6) / 3 = 20
    assert torch.allclose(jury.score(images), torch.full((2,), 10 - 20.0))
    jury.next_phase()  # fresh critics at p = 0 (weight 1/3 each), the old ones at 1/2 shared
    assert torch.allclose(jury.score(images), torch.full((2,), 10 - (100.0 + 0.5 * 20)))
    with pytest.raises(ValueError, match="probability"):
        JuryCritic(lambda name, options: Constant(1.0), members="c", combine="cost")


def test_member_options_reach_every_member_fresh_or_restored() -> None:
    seen = []

    def make(name: str, options: dict) -> Probable:
        seen.append(dict(options))
        return Probable(options["value"])

    jury = JuryCritic(make, members="p,p", member_options={"value": 0.5})
    jury.next_phase()
    JuryCritic(make, members="p,p", member_options={"value": 0.5}).load_state_dict(jury.state_dict())
    assert seen == [{"value": 0.5}] * 8  # two members, two fresh ones, then two and the two restored past ones
