"""Vickers' art school: independent artists a phase, each stopping when it fools or spends its evaluations, the
same bytes whatever the number of Dask workers."""

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import torch

from coevo.commands.main import main
from coevo.evolution.school import ArtSchool, search
from coevo.protocols import SchoolingArtist
from coevo.rng import Generators, python_rng, using
from coevo.toolkits.frozen import FrozenCritic
from tests.conftest import ROOT, kill_when, patience
from tests.helpers import coevo, outputs


class Counter:
    """Genomes are integers; a mutation adds -1, 0 or +1; the image is flat at genome / 100."""

    channels = 1

    def random_genome(self) -> int:
        return python_rng().randrange(5)

    def mutate(self, genome: int, strength: float = 1.0) -> int:
        return genome + python_rng().choice((-1, 0, 1))

    def crossover(self, a: int, b: int) -> tuple[int, int]:
        return b, a

    def render(self, genomes: list[int], size: int) -> torch.Tensor:
        return torch.tensor(genomes, dtype=torch.float32).view(-1, 1, 1, 1).expand(-1, 1, size, size) / 100

    def options(self) -> dict[str, Any]:
        return {}

    def to_json(self, genome: int) -> dict[str, Any]:
        return {"g": genome}

    def from_json(self, data: dict[str, Any]) -> int:
        return int(data["g"])


class Mean(FrozenCritic):
    """Scores an image by its mean times 100 (the genome back); counts the images it scored."""

    def __init__(self) -> None:
        self.scored = 0

    def score(self, images: torch.Tensor) -> torch.Tensor:
        self.scored += len(images)
        return images.mean(dim=(1, 2, 3)) * 100


def test_an_artist_climbs_until_it_fools_and_no_further() -> None:
    critic = Mean()
    genome, image, score, made = search(Counter(), critic, 4, 9.5, 10**6, 4, 0.0, [], seed=1)
    assert genome == 10 and score == pytest.approx(10.0)  # the first score above 9.5
    assert torch.allclose(image, torch.full((1, 4, 4), 0.1)) and made == critic.scored


def test_an_artist_stops_after_its_evaluations_and_keeps_its_best() -> None:
    critic = Mean()
    genome, _, score, made = search(Counter(), critic, 4, 1000.0, 23, 4, 0.0, [], seed=2)
    assert made == critic.scored == 23  # 1 + 5 steps of 4 children + 2 children in the last
    assert score == pytest.approx(genome) and genome >= 0  # never below where it started (scores 0..4)


def test_a_school_is_the_same_for_the_same_seed_and_its_state_round_trips() -> None:
    def school() -> tuple[ArtSchool, torch.Tensor, dict[str, float]]:
        artist = ArtSchool(Counter(), 4, artists=3, evaluations=200, children=2)
        generators = Generators()
        generators.seed(7)
        with using(generators):
            proposal, scores, metrics = artist.school(Mean(), 6.5)
        assert proposal.genomes == artist.champions and proposal.ids == [0, 1, 2] and len(proposal) == 3
        return artist, scores, metrics

    artist, scores, metrics = school()
    assert isinstance(artist, SchoolingArtist)
    assert scores.tolist() == [7.0, 7.0, 7.0] and metrics["school_fooled"] == 3
    _, again, same = school()
    assert torch.equal(scores, again) and metrics == same
    copy = ArtSchool(Counter(), 4, artists=3)
    copy.load_state_dict(artist.state_dict())
    assert copy.library == artist.library == [7, 7, 7] and copy.next_id == 3
    with pytest.raises(ValueError, match="artists"):
        ArtSchool(Counter(), 4, artists=0)


SMALL = ["--config", "vickers2017", "--rounds", "2", "--warmup", "1", "--batch", "8", "--seed", "5",
         "--artist-option", "artists=3", "--artist-option", "evaluations=30", "--artist-option", "children=5",
         "--critic-option", "member_options={evals = 50, positives = 20}", "--phase-critic-steps", "1",
         "--data", "digits:ink:20", "--no-tensorboard"]


@pytest.mark.slow  # starts a Dask LocalCluster of two processes each phase (about a minute on 2 cores)
def test_a_school_on_two_dask_workers_equals_one_in_process(tmp_path: Path) -> None:
    here, dask = tmp_path / "here", tmp_path / "dask"
    assert main(["run", *SMALL, "--out", str(here)]) == 0
    assert main(["run", *SMALL, "--artist-option", "workers=2", "--out", str(dask)]) == 0
    assert outputs(here) == outputs(dask)
    assert sum('"school_evaluations"' in line for line in (here / "metrics.jsonl").read_text().splitlines()) == 2


@pytest.mark.slow  # two runs of three small schools, one killed (about two minutes at load 15)
def test_a_school_run_killed_and_resumed_equals_an_uninterrupted_one(tmp_path: Path) -> None:
    whole, killed = tmp_path / "whole", tmp_path / "killed"
    three = [*SMALL, "--rounds", "3", "--checkpoint-seconds", "0"]
    assert main(["run", *three, "--out", str(whole)]) == 0
    victim = coevo("run", *three, "--out", str(killed))
    assert 1 <= kill_when(victim, killed / "metrics.jsonl", 1, 300) < 3, "the run was not killed mid-way"
    resumed = subprocess.run([sys.executable, "-m", "coevo", "resume", str(killed)], cwd=ROOT,
                             timeout=patience(900), capture_output=True, text=True)
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    assert outputs(killed) == outputs(whole)


def test_a_school_outside_the_phases_schedule_is_refused_in_one_line(tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "--artist", "hercl-school", "--rounds", "1", "--out", str(tmp_path / "r")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "pass --schedule phases" in err and not (tmp_path / "r").exists()


def test_a_school_s_champion_file_is_a_hercl_lines_genome_that_renders(tmp_path: Path) -> None:
    from coevo.programs.genomes import load_genome

    out = tmp_path / "run"
    tiny = ["--artist-option", "artists=2", "--artist-option", "evaluations=3", "--critic-option",
            "member_options={evals = 5, positives = 5}", "--data", "digits:ink:8", "--rounds", "1"]
    assert main(["run", *SMALL, *tiny, "--out", str(out)]) == 0
    artist, genetics, _, meta = load_genome(out / "genomes" / "champion-0000.json")
    assert artist == "hercl-lines" and meta["round"] == 0 and genetics.options()["pushpop"] is False
    assert main(["render", str(out / "genomes" / "champion-0000.json"), "--size", "32",
                 "--out", str(tmp_path / "c.png")]) == 0
