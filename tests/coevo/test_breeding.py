"""Breeding sessions driven through the real human-critic window with posted mouse and key events."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pygame
import pytest
import torch

from coevo.commands.main import main
from coevo.evolution.ga import EvolutionaryArtist, EvolutionConfig
from coevo.programs.breed import BreedingSession
from coevo.programs.genomes import build_genetics, load_genome
from coevo.rng import seed_everything
from coevo.store.genomefile import GenomeFile, write_genome
from critics.human import HumanCritic
from gallery.catalog import GalleryCatalog
from gallery.store import Store
from tests.helpers import choose, click, press, script
from tests.toys import ToyGenetics

SIZE = 48


def biomorph_session(folder: Path, seed: int = 0) -> BreedingSession:
    seed_everything(seed)
    _, genetics = build_genetics("biomorph", {}, 3)
    return BreedingSession.start("biomorph", genetics, genetics.random_genome(), 15, SIZE, folder,
                                 catalog=GalleryCatalog())


def genomes(session: BreedingSession) -> list:
    return [ind.genome for ind in session.artist.population]


def test_next_generation_descends_from_the_clicked_box(window: HumanCritic, tmp_path: Path) -> None:
    session = biomorph_session(tmp_path / "runs" / "s")
    before = session.artist.population
    assert choose(session, window, 7)
    after = session.artist.population
    assert session.artist.generation == 1
    assert after[0].genome == before[7].genome and after[0].id == before[7].id  # the parent, unchanged, centre
    assert all(ind.parents == (before[7].id,) for ind in after[1:])  # every child is the chosen one's
    assert sum(ind.genome != before[7].genome for ind in after[1:]) >= 7  # and mutated


def test_two_choices_mate(window: HumanCritic, tmp_path: Path) -> None:
    session = biomorph_session(tmp_path / "runs" / "s")
    before = session.artist.population
    click(window.box_centre(2))
    click(window.box_centre(5), shift=True)
    press(pygame.K_SPACE, " ")
    session.step(window)
    assert all(set(ind.parents) == {before[2].id, before[5].id} for ind in session.artist.population[1:])


def test_undo_restores_previous_generations_exactly(window: HumanCritic, tmp_path: Path) -> None:
    session = biomorph_session(tmp_path / "runs" / "s")
    states = [session.artist.state_dict()]
    shown = [session.artist.ask().images.clone()]
    for box in (3, 11, 1):
        choose(session, window, box)
        states.append(session.artist.state_dict())
        shown.append(session.artist.ask().images.clone())
    for back in (2, 1, 0):
        press(pygame.K_u, "u")
        session.step(window)
        assert same_generation(session.artist.state_dict(), states[back])
        assert torch.equal(session.artist.ask().images, shown[back])
    press(pygame.K_BACKSPACE)
    session.step(window)  # nothing left to undo: stays at generation 0
    assert same_generation(session.artist.state_dict(), states[0])
    ids_seen = {d["id"] for state in states for d in state["population"]}
    choose(session, window, 3)
    newborn = {ind.id for ind in session.artist.population[1:]}
    assert not newborn & ids_seen  # children bred after an undo get fresh ids (true ancestry in the gallery)


def same_generation(a: dict, b: dict) -> bool:
    """Equal artist states but for the next free id (undo never hands out an id twice)."""
    return {k: v for k, v in a.items() if k != "next_id"} == {k: v for k, v in b.items() if k != "next_id"}


def test_save_writes_a_genome_file_that_reloads_to_the_same_image(window: HumanCritic, tmp_path: Path) -> None:
    session = biomorph_session(tmp_path / "runs" / "s")
    choose(session, window, 4)
    shown = session.artist.ask().images
    click(window.box_centre(9))
    press(pygame.K_s, "s")
    session.step(window)
    saved = list((tmp_path / "runs" / "s" / "genomes").glob("*.json"))
    assert len(saved) == 1
    artist, genetics, genome, meta = load_genome(saved[0])
    assert artist == "biomorph" and meta["generation"] == 1
    assert torch.equal(genetics.render([genome], SIZE)[0], shown[9])
    session.close()
    with Store(tmp_path / "runs") as store:  # the pick is in the gallery beside the session, with its ancestry
        [run] = store.runs()
        [pick] = store.individuals()
        assert run.kind == "breed" and pick.genome == genetics.to_json(genome) and pick.round == 1
        assert pick.image is not None and pick.image.exists()


def test_export_strength_and_restart(window: HumanCritic, tmp_path: Path) -> None:
    session = biomorph_session(tmp_path / "runs" / "s")
    session.export_size = 200
    click(window.box_centre(6))
    press(pygame.K_e, "e")
    session.step(window)
    exported = sorted(p.suffix for p in (tmp_path / "runs" / "s" / "exports").iterdir())
    assert exported == [".png", ".svg"]
    press(pygame.K_EQUALS, "+")
    session.step(window)
    assert session.artist.config.strength == pytest.approx(1.5)
    first = genomes(session)
    press(pygame.K_r, "r")
    session.step(window)
    assert genomes(session) != first and len(session.history) == 1
    press(pygame.K_u, "u")
    session.step(window)
    assert genomes(session) == first and session.artist.config.strength == pytest.approx(1.5)


def test_quit_and_resume_continues_where_it_stopped(window: HumanCritic, tmp_path: Path) -> None:
    stopped = biomorph_session(tmp_path / "a")
    for box in (5, 8):
        choose(stopped, window, box)
    press(pygame.K_ESCAPE, "\x1b")
    assert not stopped.step(window)  # quit: the session is saved

    kept = biomorph_session(tmp_path / "b")  # the same session, never interrupted
    for box in (5, 8, 2):
        choose(kept, window, box)

    random.seed(999)  # whatever happens between quitting and resuming
    resumed = BreedingSession.resume(tmp_path / "a", GalleryCatalog())
    assert resumed.artist.state_dict() == stopped.artist.state_dict()
    window.session_keys = True
    choose(resumed, window, 2)
    assert genomes(resumed) == genomes(kept)
    for _ in range(3):
        press(pygame.K_u, "u")
        resumed.step(window)
    assert resumed.artist.generation == 0  # the history came back too


def test_any_evolutionary_artist_breeds(window: HumanCritic, tmp_path: Path) -> None:
    seed_everything(1)
    _, genetics = build_genetics("tests.toys:ToyGenetics", {}, 3)
    assert isinstance(genetics, ToyGenetics)
    session = BreedingSession.start("tests.toys:ToyGenetics", genetics, genetics.random_genome(), 15, SIZE,
                                    tmp_path / "runs" / "toy")
    chosen = session.artist.population[13].genome
    choose(session, window, 13)
    assert session.artist.population[0].genome == chosen
    press(pygame.K_ESCAPE)
    session.step(window)
    resumed = BreedingSession.resume(tmp_path / "runs" / "toy" / "session.json", GalleryCatalog())
    assert resumed.artist.state_dict() == session.artist.state_dict()


def test_chosen_selection_breeds_only_from_the_chosen() -> None:
    random.seed(0)
    artist = EvolutionaryArtist(ToyGenetics(), EvolutionConfig(pop=6, size=4, selection="chosen"))
    proposal = artist.ask()
    artist.tell(proposal, torch.tensor([0.0, 0.0, 0.0, 1.0, 0.0, 0.0]))
    assert artist.population[0].id == proposal.ids[3]
    assert all(ind.parents == (proposal.ids[3],) for ind in artist.population[1:])
    with pytest.raises(ValueError, match="selection"):
        EvolutionaryArtist(ToyGenetics(), EvolutionConfig(selection="roulette"))


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
    (["--auto", "0"], "--auto must lie in"),
    (["--auto-delay", "-1"], "--auto-delay in"),
])
def test_breed_command_rejects_bad_input(tmp_path: Path, capsys, argv: list[str], message: str) -> None:
    assert main(["breed", "--out", str(tmp_path / "x"), *argv]) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "x").exists()


def test_breed_from_a_gallery_individual_links_the_session_to_it(window: HumanCritic, tmp_path: Path,
                                                                  monkeypatch) -> None:
    first = biomorph_session(tmp_path / "runs" / "a")
    click(window.box_centre(6))
    press(pygame.K_s, "s")
    first.step(window)
    first.close()
    window.close()
    with Store(tmp_path / "runs") as store:
        [pick] = store.individuals()
    monkeypatch.setattr(HumanCritic, "idle", script(lambda w: press(pygame.K_ESCAPE)))
    spec = f"gallery:{tmp_path / 'runs'}:{pick.id}"
    assert main(["breed", "--from", spec, "--size", "32", "--out", str(tmp_path / "runs" / "b")]) == 0
    with Store(tmp_path / "runs") as store:
        session = store.run_at(tmp_path / "runs" / "b")
        assert session is not None and session.origin == pick.id and session.kind == "breed"


def test_gp_breeds_in_the_window(window: HumanCritic, tmp_path: Path) -> None:
    seed_everything(2)
    _, genetics = build_genetics("gp", {}, 3)
    session = BreedingSession.start("gp", genetics, genetics.random_genome(), 15, SIZE, tmp_path / "runs" / "gp",
                                    catalog=GalleryCatalog())
    chosen = genetics.to_json(session.artist.population[8].genome)
    shown = session.artist.ask().images[8]
    choose(session, window, 8)
    assert genetics.to_json(session.artist.population[0].genome) == chosen
    assert torch.equal(session.artist.ask().images[0], shown)  # the chosen one, unchanged, now in the centre
    press(pygame.K_u, "u")
    session.step(window)
    assert session.artist.generation == 0


def test_item14_one_undo_step_is_singular(window: HumanCritic, tmp_path: Path) -> None:
    session = biomorph_session(tmp_path / "s")
    assert "0 undo steps" in session.status()
    choose(session, window, 3)
    assert "1 undo step" in session.status() and "1 undo steps" not in session.status()
    session.close()


def test_item10_a_runaway_grid_is_refused_naming_the_limit(tmp_path: Path, capsys) -> None:
    assert main(["breed", "--grid", "100x100", "--out", str(tmp_path / "x")]) == 2
    err = capsys.readouterr().err
    assert "at most 12x12" in err and len(err.splitlines()) == 1
    assert not (tmp_path / "x").exists()


def test_item14_export_says_so_on_screen_before_it_renders(window: HumanCritic, tmp_path: Path) -> None:
    """E shows "exporting..." in the window at once, before the slow full-size render starts."""
    session = biomorph_session(tmp_path / "runs" / "s")
    session.export_size = 64
    shown: list[str] = []
    render = session.genetics.render

    def spy(genomes, size):
        if size == 64:
            shown.append(window._message)
        return render(genomes, size)

    session.genetics.render = spy
    press(pygame.K_e, "e")
    session.step(window)
    assert shown and shown[0].startswith("exporting")
