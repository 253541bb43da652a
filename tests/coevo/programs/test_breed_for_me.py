""""Breed for me": the A key hands a real headless breeding window to the person's learned preference critic,
which picks N generations (framed, recorded as its choices), until the person takes over with a click."""

from __future__ import annotations

import json
from pathlib import Path

import pygame
import torch

from coevo.programs.breed import BreedingSession
from coevo.rng import seed_everything
from coevo.toolkits.choices import judgements
from critics.human import HumanCritic
from critics.human.critic import COLOURS
from tests.helpers import TOY_GENETICS, click, press
from tests.toys import ToyGenetics

TOY_SIZE = 16


def toy_session(folder: Path) -> BreedingSession:
    seed_everything(0)
    genetics = ToyGenetics()
    return BreedingSession.start(TOY_GENETICS, genetics, genetics.random_genome(), 15, TOY_SIZE, folder)


def brightest(session: BreedingSession) -> int:
    return int(session.artist.ask().images.mean(dim=(1, 2, 3)).argmax())


def breed_by_hand(session: BreedingSession, window: HumanCritic, generations: int) -> None:
    """The person (a script posting real clicks) always picks the brightest child."""
    for _ in range(generations):
        click(window.box_centre(brightest(session)))
        press(pygame.K_RETURN, "\r")
        assert session.step(window)


def frame_colour(window: HumanCritic, index: int) -> tuple[int, int, int]:
    """The colour of the frame drawn around box ``index`` (3 px outside the picture)."""
    x, y, side, _ = window.layout.box(index)
    return tuple(window.surface.get_at((x - 2, y + side // 2)))[:3]


def test_a_hands_n_generations_to_the_learned_critic_then_a_click_takes_over(window: HumanCritic,
                                                                             tmp_path: Path) -> None:
    session = toy_session(tmp_path / "runs" / "s")
    session.auto_generations, session.auto_delay = 3, 0.0
    breed_by_hand(session, window, 12)
    press(pygame.K_a, "a")
    assert session.step(window)  # the key: the critic learns from the 12 generations and takes the window
    assert session.pilot is not None and session.pilot.generations == 3
    report = json.loads((session.folder / "agreement.json").read_text())
    assert report["agreement"] > 0.5 and report["generations_test"] == 2  # every 5th judged one held out
    assert (session.folder / "agreement.png").read_bytes()[:4] == b"\x89PNG"

    frames: list[tuple[int, int, int]] = []  # the colour around the critic's pick while it shows
    window.idle = lambda: frames.append(frame_colour(window, expected))
    for _ in range(3):
        expected = int(session.pilot.model.score(session.artist.ask().images).argmax())
        chosen_id = session.artist.population[expected].id
        assert session.step(window)
        assert session.artist.population[0].id == chosen_id  # the critic's pick is the new parent
        assert all(ind.parents == (chosen_id,) for ind in session.artist.population[1:])
        assert frames[-1] == COLOURS["critic"]  # framed in the critic's colour, generation by generation
    assert session.pilot is None  # N generations done: the window is the person's again
    assert session.chosen_by == ["person"] * 12 + ["critic:preference"] * 3

    window.idle = None
    click(window.box_centre(4))  # the person takes over: a click and Enter breed from their choice
    chosen_id = session.artist.population[4].id
    press(pygame.K_RETURN, "\r")
    assert session.step(window)
    assert session.artist.population[0].id == chosen_id and session.chosen_by[-1] == "person"

    press(pygame.K_ESCAPE, "\x1b")
    assert not session.step(window)  # quit saves: the marks are in the session file
    document = json.loads(session.path.read_text())
    assert document["chosen_by"] == ["person"] * 12 + ["critic:preference"] * 3 + ["person"]
    assert len(judgements(session.folder, TOY_SIZE)) == 13  # the critic's choices are not the person's judgements
    resumed = BreedingSession.resume(session.folder)
    assert resumed.chosen_by == document["chosen_by"]


def test_a_click_while_the_critic_breeds_stops_it_and_selects_that_box(window: HumanCritic, tmp_path: Path) -> None:
    session = toy_session(tmp_path / "runs" / "s")
    session.auto_generations, session.auto_delay = 50, 0.0
    breed_by_hand(session, window, 6)
    press(pygame.K_a, "a")
    session.step(window)
    assert session.step(window) is True  # one generation by the critic...
    generation, session.pilot.delay = session.artist.generation, 10.0
    window.idle = lambda: click(window.box_centre(9))
    assert session.step(window)  # ...then a click during its next pick: nothing bred, the person has the window
    assert session.pilot is None and session.artist.generation == generation and window.selected == [9]
    window.idle = None
    chosen_id = session.artist.population[9].id
    press(pygame.K_RETURN, "\r")
    session.step(window)
    assert session.artist.population[0].id == chosen_id
    assert session.chosen_by == ["person"] * 6 + ["critic:preference", "person"]
    press(pygame.K_u, "u")
    session.step(window)
    press(pygame.K_u, "u")
    session.step(window)  # undo takes back the critic's generation too, with its mark
    assert session.chosen_by == ["person"] * 6 and session.artist.generation == 6


def test_a_before_any_choice_says_so_and_keeps_the_window(window: HumanCritic, tmp_path: Path) -> None:
    session = toy_session(tmp_path / "runs" / "s")
    press(pygame.K_a, "a")
    assert session.step(window) and session.pilot is None
    assert "breed a few generations by hand first" in window._message
    assert not (session.folder / "agreement.json").exists()


def test_sessions_saved_before_the_marks_count_every_step_as_the_persons() -> None:
    from coevo.toolkits.choices import chosen_by

    assert chosen_by({"history": [{}, {}]}) == ["person", "person"]
    assert chosen_by({"history": [{}, {}, {}], "chosen_by": ["person", "critic:preference"]}) == [
        "person", "critic:preference", "person"]


def test_the_key_is_in_the_help_legend() -> None:
    from critics.human.critic import HELP, HINTS, KEYS

    assert KEYS["a"] == "auto" and any(key == "A" and "breed for me" in text for key, text in HELP)
    assert "A breed for me" in HINTS


def test_pick_frame_shows_and_any_key_takes_over(window: HumanCritic) -> None:
    images = torch.linspace(-1, 1, 15).view(15, 1, 1, 1).expand(15, 3, 16, 16).contiguous()
    colours: list[tuple[int, int, int]] = []
    window.idle = lambda: colours.append(frame_colour(window, 3))
    assert window.show_pick(images, 3, "breeding for you", 0.0) is False
    assert colours == [COLOURS["critic"]]
    press(pygame.K_SPACE, " ")
    assert window.show_pick(images, 3, "breeding for you", 5.0) is True
    assert window.status == ""  # the note is gone with the critic's turn
