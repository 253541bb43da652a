"""``coevo breed`` (coevo/commands/breed.py): opening, saving and resuming a session; bad input refused."""

from __future__ import annotations

import json
from pathlib import Path

import pygame
import pytest

from coevo.commands.main import main
from coevo.programs.genomes import build_genetics
from coevo.store.genomefile import GenomeFile, write_genome
from critics.human import HumanCritic
from tests.helpers import click, press, script


def test_breed_command_opens_breeds_saves_and_resumes(tmp_path: Path, capsys, monkeypatch) -> None:
    out = tmp_path / "session"
    monkeypatch.setattr(HumanCritic, "idle", script(lambda w: (click(w.box_centre(4)), press(pygame.K_RETURN)),
                                                    lambda w: press(pygame.K_ESCAPE)))
    assert main(["breed", "--artist", "biomorph", "--size", "64", "--out", str(out),
                 "--artist-option", "start=Insect"]) == 0
    document = json.loads((out / "session.json").read_text())
    assert document["state"]["generation"] == 1 and document["options"]["start"] == "Insect"
    assert document["state"]["population"][0]["id"] == 4  # the new parent: the child shown in box 4
    monkeypatch.setattr(HumanCritic, "idle", script(lambda w: press(pygame.K_ESCAPE)))
    assert main(["breed", "--resume", str(out)]) == 0
    assert "session saved" in capsys.readouterr().out


def test_breed_command_from_a_genome_file(tmp_path: Path, monkeypatch) -> None:
    _, genetics = build_genetics("biomorph", {"start": "Chess"}, 3)
    path = write_genome(tmp_path / "chess.json",
                        GenomeFile("biomorph", genetics.options(), genetics.to_json(genetics.random_genome())))
    monkeypatch.setattr(HumanCritic, "idle", script(lambda w: press(pygame.K_ESCAPE)))
    assert main(["breed", "--from", str(path), "--size", "32", "--out", str(tmp_path / "s")]) == 0
    state = json.loads((tmp_path / "s" / "session.json").read_text())["state"]
    assert state["population"][0]["genome"] == genetics.to_json(genetics.random_genome())


@pytest.mark.parametrize("argv, message", [
    (["--grid", "5by3"], "COLUMNSxROWS"),
    (["--resume", "nowhere"], "no breeding session"),
    (["--artist", "nobody"], "unknown artist"),
    (["--size", "4"], "--size"),
    (["--artist", "tests.toys:TinyGenerator"], "not evolutionary"),
    (["--artist", "biomorph", "--artist-option", "mutation=dna"], "mutation must be mac"),
    (["--auto", "0"], "auto must lie in [1, 100000]"),
    (["--auto-delay", "-1"], "auto_delay must lie in [0.0, 60.0]"),
    (["--from", "nowhere.json", "--artist-option", "start=Insect"], "cannot change a genome"),
    (["--resume", "nowhere", "--artist", "gp"], "continues a session as saved"),
])
def test_breed_command_rejects_bad_input(tmp_path: Path, capsys, argv: list[str], message: str) -> None:
    assert main(["breed", "--out", str(tmp_path / "x"), *argv]) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "x").exists()


def test_a_runaway_grid_is_refused_naming_the_limit(tmp_path: Path, capsys) -> None:
    assert main(["breed", "--grid", "100x100", "--out", str(tmp_path / "x")]) == 2
    err = capsys.readouterr().err
    assert "at most 12x12" in err and len(err.splitlines()) == 1
    assert not (tmp_path / "x").exists()
