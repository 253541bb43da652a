"""Web breeding sessions (gallery/web/breeding.py): the window's ``BreedingSession`` driven by the site, held in a
bounded cache over the database, resumable in the Pygame window."""

from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np
import pygame
import pytest
import torch

from coevo.programs.breed import resume
from critics.human import HumanCritic
from gallery.catalog import GalleryCatalog
from gallery.store import Store
from gallery.web import breeding
from gallery.web.breeding import Breeder
from tests.helpers import keys, picks, plays


def test_a_session_let_go_of_comes_back_exactly(tmp_path: Path) -> None:
    breeder = Breeder(tmp_path / "runs", size=32, live=1)
    first = breeder.start("ann", "cppn")
    live = breeder.open(first)
    for child in (2, 5):
        breeder.choose(live, [child])
    breeder.undo(live)
    images, state = live.session.artist.ask().images.clone(), live.session.artist.state_dict()
    breeder.start("ann", "biomorph")  # holds one session: the first is let go
    again = breeder.open(first)
    assert again is not live and live.closed
    assert torch.equal(again.session.artist.ask().images, images) and again.session.artist.state_dict() == state
    assert breeder.redo(again) == "forward to generation 2" and breeder.choose(again, [1]) == "generation 3"


def test_a_session_draws_from_its_own_generators_not_the_module_level_ones(tmp_path: Path) -> None:
    """The same choice from the same state breeds the same children whatever the module-level generators hold,
    and breeding leaves them as they were."""
    breeder = Breeder(tmp_path / "runs", size=32)
    live = breeder.open(breeder.start("ann", "gp"))
    breeder.choose(live, [4])
    first = live.session.artist.ask().images.clone()
    breeder.undo(live)
    random.seed(99)
    np.random.seed(99)
    torch.manual_seed(99)
    before = (random.getstate(), np.random.get_state()[1].tolist(), torch.get_rng_state())
    breeder.choose(live, [4])
    assert torch.equal(live.session.artist.ask().images, first)
    after = (random.getstate(), np.random.get_state()[1].tolist(), torch.get_rng_state())
    assert before[0] == after[0] and before[1] == after[1] and torch.equal(before[2], after[2])


def test_an_action_that_fails_half_way_leaves_the_stored_session(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    breeder = Breeder(tmp_path / "runs", size=32)
    sid = breeder.start("ann", "biomorph")
    live = breeder.open(sid)
    breeder.choose(live, [3])

    def broken(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(breeding.state, "write_step", broken)
    with pytest.raises(OSError):
        breeder.choose(live, [4])  # bred in memory, not stored
    monkeypatch.undo()
    again = breeder.open(sid)
    assert again is not live and again.session.artist.generation == 1 and len(again.session.history) == 1


def test_a_web_session_resumes_in_the_window(window: HumanCritic, tmp_path: Path) -> None:
    """Saving writes session.json: the folder continues in the Pygame window, history and gallery run kept."""
    breeder = Breeder(tmp_path / "runs", size=48)
    live = breeder.open(breeder.start("ann", "biomorph"))
    for child in (3, 8):
        breeder.choose(live, [child])
    breeder.save(live, 5)
    folder = live.session.folder
    plays(window, *picks(6), *keys(pygame.K_ESCAPE))
    path = resume(folder, {}, GalleryCatalog(), window=window)
    document = json.loads(path.read_text())
    assert len(document["history"]) == 3 and document["state"]["config"]["size"] == 48
    with Store(tmp_path / "runs") as store:
        assert [run.path for run in store.runs()] == [folder]


@pytest.mark.parametrize("artist", ["lines", "ants", "evoeco"])
def test_every_offered_artist_breeds_undoes_and_saves(artist: str, tmp_path: Path) -> None:
    breeder = Breeder(tmp_path / "runs", size=32)
    live = breeder.open(breeder.start("ann", artist))
    first = live.pictures()
    assert len(first) == 15 and breeder.choose(live, [4]) == "generation 1"
    assert breeder.undo(live) == "back to generation 0" and live.pictures() == first
    gallery_id = breeder.save(live, 2)
    with Store(tmp_path / "runs") as store:
        assert store.get(gallery_id).artist == artist


@pytest.mark.parametrize(("artist", "shown"), [("lines", {"fit": True}),
                                               ("ants", {"distinct": True, "changes": 4.0, "differ": 0.2})])
def test_a_new_web_session_turns_on_the_breeding_display_options_as_the_window_does(
        artist: str, shown: dict, tmp_path: Path) -> None:
    breeder = Breeder(tmp_path / "runs", size=32)
    live = breeder.open(breeder.start("ann", artist))
    options = live.session.genetics.options()
    assert all(options[k] == v for k, v in shown.items()), options
    again = Breeder(tmp_path / "runs", size=32).open(live.row.id)  # a reload rebuilds the same genetics
    assert again.session.genetics.options() == options
