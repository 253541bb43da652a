"""The plugin templates of docs/plugins.md play real runs through the command line, learn from the scores and
resume exactly, so the guide's code and commands stay true."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from coevo.commands.main import main
from coevo.protocols import Artist, Critic, Genetics
from tests.conftest import ROOT

PLUGINS = ROOT / "docs" / "plugins"
SMALL = ["--pop", "8", "--size", "16", "--warmup", "1", "--batch", "16", "--sheet-every", "1", "--seed", "3"]
TEMPLATES = ["--artist", "template_artist:TemplateArtist", "--critic", "template_critic:TemplateCritic"]


@pytest.fixture(autouse=True)
def plugins_importable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What ``PYTHONPATH=docs/plugins`` does in the guide; runs write into a fresh folder."""
    monkeypatch.syspath_prepend(str(PLUGINS))
    monkeypatch.chdir(tmp_path)


def rows(run: Path) -> list[dict[str, float]]:
    return [json.loads(line) for line in (run / "metrics.jsonl").read_text().splitlines()]


def pixels(path: Path) -> np.ndarray:
    return np.asarray(Image.open(path), dtype=np.int16)


def test_the_templates_follow_the_protocols() -> None:
    from template_artist import TemplateArtist
    from template_critic import TemplateCritic
    from template_genetics import TemplateGenetics

    artist, critic = TemplateArtist((1, 16, 16), batch=4), TemplateCritic((1, 16, 16))
    assert isinstance(artist, Artist) and isinstance(critic, Critic) and isinstance(TemplateGenetics(), Genetics)
    images = artist.ask().images
    assert images.shape == (4, 1, 16, 16) and images.dtype == torch.float32
    assert images.min() >= -1 and images.max() <= 1 and critic.score(images).shape == (4,)


def test_a_run_of_the_template_artist_and_critic_records_every_round(tmp_path: Path) -> None:
    assert main(["run", *TEMPLATES, "--rounds", "2", *SMALL, "--out", "runs/templates"]) == 0
    run = tmp_path / "runs" / "templates"
    recorded = rows(run)
    assert [row["round"] for row in recorded] == [0, 1]
    assert all("template_step" in row and "template_critic_loss" in row for row in recorded)
    assert "critic_accuracy" in recorded[0]  # the held-out measures: round 0, then every --measure-every rounds
    first, second = (pixels(run / "images" / f"champion-{r:04d}.png") for r in (0, 1))
    assert np.abs(first - second).mean() > 1  # the artist moved between the rounds


@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_the_template_artist_climbs_the_scores(sign: float) -> None:
    """Told that brighter is better, its pictures brighten; told the opposite, they darken."""
    from template_artist import TemplateArtist

    torch.manual_seed(0)
    artist = TemplateArtist((1, 16, 16), batch=16)
    before = artist.sample(64).mean().item()
    for _ in range(30):
        proposal = artist.ask()
        artist.tell(proposal, sign * proposal.images.mean(dim=(1, 2, 3)))
    after = artist.sample(64).mean().item()
    assert sign * (after - before) > 0.3


def test_the_template_critic_learns_real_from_fake() -> None:
    from template_critic import TemplateCritic

    torch.manual_seed(0)
    critic = TemplateCritic((1, 16, 16))
    real, fake = torch.rand(32, 1, 16, 16) * 0.5 + 0.5, -torch.rand(32, 1, 16, 16)
    for _ in range(50):
        critic.learn(real, fake)
    assert critic.score(real).min() > critic.score(fake).max()


def test_a_template_run_resumes_to_the_same_rounds(tmp_path: Path) -> None:
    """``state_dict`` and ``load_state_dict`` carry everything: killed after 2 rounds and resumed to 3, the run
    records what an uninterrupted one does."""
    assert main(["run", *TEMPLATES, "--rounds", "3", *SMALL, "--out", "runs/whole"]) == 0
    assert main(["run", *TEMPLATES, "--rounds", "2", *SMALL, "--out", "runs/parts"]) == 0
    assert main(["resume", "runs/parts", "--rounds", "3"]) == 0
    assert rows(tmp_path / "runs" / "parts") == rows(tmp_path / "runs" / "whole")


def test_the_template_genetics_evolves_renders_and_saves_genomes(tmp_path: Path) -> None:
    assert main(["run", "--artist", "template_genetics:TemplateGenetics", "--critic",
                 "template_critic:TemplateCritic", "--rounds", "2", *SMALL, "--out", "runs/discs"]) == 0
    run = tmp_path / "runs" / "discs"
    recorded = rows(run)
    assert [row["round"] for row in recorded] == [0, 1] and all("fitness_best" in row for row in recorded)
    assert main(["render", str(run / "genomes" / "best.json"), "--size", "32", "--out", "best.png"]) == 0
    assert Image.open("best.png").size == (32, 32)
