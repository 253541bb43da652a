"""Breeding sessions (coevo/programs/breed.py) through the real window: choices, undo, save, "breed for me"; played
through the trainer, quit, resumed (old session folders too) and killed."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pygame
import pytest
import torch

from coevo.commands.main import main
from coevo.errors import CoevoError
from coevo.evolution.ga import EvolutionaryArtist, EvolutionConfig
from coevo.loop import StopGame
from coevo.programs.breed import BreedingSession, configure, resume, start
from coevo.programs.genomes import build_genetics, load_genome
from coevo.rng import seed_everything
from coevo.store.genomefile import GenomeFile, write_genome
from coevo.store.jsonl import read_jsonl
from coevo.toolkits.choices import judgements
from coevo.training.config import BreedConfig, load_config
from critics.human import HumanCritic
from critics.human.critic import COLOURS
from gallery.catalog import GalleryCatalog
from gallery.store import Store
from tests.helpers import TOY_GENETICS, choose, click, keys, picks, plays, press, script
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


def test_quit_and_resume_continues_where_it_stopped(window: HumanCritic, tmp_path: Path, monkeypatch) -> None:
    """A session played through the trainer with real window events: quit, and `coevo resume DIR` continues it as
    one never interrupted, undo history and all."""
    bred(monkeypatch, ["--out", str(tmp_path / "a")], *picks(5, 8), *keys(pygame.K_ESCAPE))
    stopped = session_file(tmp_path / "a")
    assert stopped["state"]["generation"] == 2 and len(stopped["history"]) == 2
    assert (tmp_path / "a" / "config.toml").is_file() and (tmp_path / "a" / "checkpoint.pt").is_file()
    assert [row["generation"] for row in read_jsonl(tmp_path / "a" / "metrics.jsonl")] == [1, 2]
    bred(monkeypatch, ["--out", str(tmp_path / "b")], *picks(5, 8, 2), *keys(pygame.K_ESCAPE))  # never interrupted

    random.seed(999)  # whatever happens between quitting and resuming
    resumed_by(monkeypatch, ["resume", str(tmp_path / "a")], *picks(2), *keys(pygame.K_ESCAPE))
    assert session_file(tmp_path / "a")["state"] == session_file(tmp_path / "b")["state"]
    resumed_by(monkeypatch, ["breed", "--resume", str(tmp_path / "a")], *keys(*[pygame.K_u] * 3, pygame.K_ESCAPE))
    resumed = session_file(tmp_path / "a")
    assert resumed["state"]["generation"] == 0 and resumed["history"] == []  # the history came back too
    assert resumed["chosen_by"] == [] and len(read_jsonl(tmp_path / "a" / "metrics.jsonl")) == 3


def bred(monkeypatch, argv: list[str], *steps) -> None:
    """`coevo breed ARGV` (biomorphs in 48-pixel boxes) with the person's steps scripted in the window."""
    monkeypatch.setattr(HumanCritic, "idle", script(*steps))
    assert main(["breed", "--size", str(SIZE), *argv]) == 0


def resumed_by(monkeypatch, argv: list[str], *steps) -> None:
    monkeypatch.setattr(HumanCritic, "idle", script(*steps))
    assert main(argv) == 0


def session_file(folder: Path) -> dict:
    return json.loads((folder / "session.json").read_text())


def test_an_old_session_folder_resumes_exactly_as_it_did(window: HumanCritic, tmp_path: Path) -> None:
    """A folder an older coevo wrote (session.json alone) resumes through the trainer where it stopped, random
    generators included, and is upgraded to config.toml and checkpoint.pt on the way."""
    old = toy_session(tmp_path / "old")
    for box in (3, 9):
        choose(old, window, box)
    old.save()  # what quitting wrote
    assert sorted(p.name for p in (tmp_path / "old").iterdir()) == ["session.json"]
    kept = toy_session(tmp_path / "kept")  # the same session, never interrupted
    for box in (3, 9, 6):
        choose(kept, window, box)

    random.seed(999)
    plays(window, *picks(6), *keys(pygame.K_ESCAPE))
    path = resume(tmp_path / "old" / "session.json", {}, window=window)
    document = json.loads(path.read_text())
    assert document["state"] == kept.artist.state_dict() and document["history"] == kept.history
    assert document["chosen_by"] == ["person"] * 3 and document["format"] == "coevo-breed-session"
    assert load_config(tmp_path / "old" / "config.toml", BreedConfig).artist == TOY_GENETICS
    assert len(judgements(tmp_path / "old", TOY_SIZE)) == 3


def test_a_killed_session_resumes_from_its_last_checkpoint(window: HumanCritic, tmp_path: Path) -> None:
    """A session that dies after 12 choices (an error standing for a kill -9) keeps the 10 its last checkpoint holds:
    session.json reads as 10 judged generations, and a resume continues from there with them undoable."""
    config = configure({"artist": TOY_GENETICS, "size": TOY_SIZE})
    out = tmp_path / "s"

    def dies(window: HumanCritic) -> None:
        raise RuntimeError("killed")

    plays(window, *picks(*range(12)), dies)
    with pytest.raises(RuntimeError, match="killed"):
        start(config, out, window=window)
    assert session_file(out)["state"]["generation"] == 10 and len(read_jsonl(out / "metrics.jsonl")) == 12
    assert len(judgements(out, TOY_SIZE)) == 10
    plays(window, *keys(pygame.K_u, pygame.K_ESCAPE))
    resume(out, {}, window=window)
    document = session_file(out)
    assert document["state"]["generation"] == 9 and len(document["history"]) == 9
    assert [row["round"] for row in read_jsonl(out / "metrics.jsonl")] == list(range(10))  # the lost two are gone


CHOOSER = """
import sys
import pygame
from coevo.commands.main import main
from critics.human import HumanCritic
from tests.helpers import picks

HumanCritic.idle = picks(3)[0]  # a person who breeds from box 3, again and again, until killed
sys.exit(main(["breed", "--artist", sys.argv[1], "--size", "16", "--out", sys.argv[2]]))
"""


def test_a_session_killed_with_sigkill_resumes_from_its_last_checkpoint(tmp_path: Path, monkeypatch) -> None:
    import subprocess
    import sys

    from tests.conftest import ROOT, kill_when

    out = tmp_path / "s"
    victim = subprocess.Popen([sys.executable, "-c", CHOOSER, TOY_GENETICS, str(out)], cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    assert kill_when(victim, out / "metrics.jsonl", 14, 120) >= 14
    assert len(judgements(out, TOY_SIZE)) >= 10  # what the last checkpoint wrote reads as the person's choices
    saved = torch.load(out / "checkpoint.pt", weights_only=True)["round"]
    resumed_by(monkeypatch, ["resume", str(out)], *keys(pygame.K_ESCAPE))
    document = session_file(out)
    assert saved >= 10 and document["state"]["generation"] == len(document["history"]) == saved
    assert len(read_jsonl(out / "metrics.jsonl")) == saved and len(judgements(out, TOY_SIZE)) == saved


def test_a_new_session_refuses_a_folder_that_holds_one(tmp_path: Path) -> None:
    (tmp_path / "s").mkdir()
    (tmp_path / "s" / "session.json").write_text("{}")
    with pytest.raises(CoevoError, match="already holds a session"):
        start(configure({}), tmp_path / "s")


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
    with pytest.raises(StopGame):
        session.step(window)


def test_chosen_selection_breeds_only_from_the_chosen() -> None:
    random.seed(0)
    artist = EvolutionaryArtist(ToyGenetics(), EvolutionConfig(pop=6, size=4, selection="chosen"))
    proposal = artist.ask()
    artist.tell(proposal, torch.tensor([0.0, 0.0, 0.0, 1.0, 0.0, 0.0]))
    assert artist.population[0].id == proposal.ids[3]
    assert all(ind.parents == (proposal.ids[3],) for ind in artist.population[1:])
    with pytest.raises(ValueError, match="selection"):
        EvolutionaryArtist(ToyGenetics(), EvolutionConfig(selection="roulette"))


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


def test_the_status_says_one_undo_step_in_the_singular(window: HumanCritic, tmp_path: Path) -> None:
    session = biomorph_session(tmp_path / "s")
    assert "0 undo steps" in session.status()
    choose(session, window, 3)
    assert "1 undo step" in session.status() and "1 undo steps" not in session.status()
    session.close()


def test_export_says_so_on_screen_before_it_renders(window: HumanCritic, tmp_path: Path) -> None:
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
    assert session.step(window) is None  # the key: the critic learns from the 12 generations and takes the window
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
    with pytest.raises(StopGame):
        session.step(window)  # quit: the trainer's last checkpoint writes the session file
    session.save()
    document = json.loads(session.path.read_text())
    assert document["chosen_by"] == ["person"] * 12 + ["critic:preference"] * 3 + ["person"]
    assert len(judgements(session.folder, TOY_SIZE)) == 13  # the critic's choices are not the person's judgements
    plays(window, *keys(pygame.K_ESCAPE))
    resume(session.folder, {}, window=window)
    assert json.loads(session.path.read_text())["chosen_by"] == document["chosen_by"]


def test_a_click_while_the_critic_breeds_stops_it_and_selects_that_box(window: HumanCritic, tmp_path: Path) -> None:
    session = toy_session(tmp_path / "runs" / "s")
    session.auto_generations, session.auto_delay = 50, 0.0
    breed_by_hand(session, window, 6)
    press(pygame.K_a, "a")
    session.step(window)
    assert session.step(window) is not None  # one generation by the critic...
    generation, session.pilot.delay = session.artist.generation, 10.0
    window.idle = lambda: click(window.box_centre(9))
    assert session.step(window) is None  # ...then a click during its next pick: nothing bred, the person's window
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
    assert session.step(window) is None and session.pilot is None
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


DRAWING_ARTISTS = ["lines", "ants", "evoeco", "hercl-lines"]


@pytest.mark.parametrize("name", DRAWING_ARTISTS)
def test_breeds_in_the_window(name: str, window: HumanCritic, tmp_path: Path) -> None:
    seed_everything(4)
    _, genetics = build_genetics(name, {}, 3)
    session = BreedingSession.start(name, genetics, genetics.random_genome(), 15, SIZE, tmp_path / "runs" / name,
                                    catalog=GalleryCatalog())
    before = session.artist.population
    chosen = genetics.to_json(before[6].genome)
    shown = session.artist.ask().images[6]
    click(window.box_centre(6))
    press(pygame.K_RETURN)
    assert session.step(window)
    after = session.artist.population
    assert genetics.to_json(after[0].genome) == chosen
    assert torch.equal(session.artist.ask().images[0], shown)  # the chosen one, unchanged, now in the centre
    assert all(ind.parents == (before[6].id,) for ind in after[1:])
    assert sum(genetics.to_json(ind.genome) != chosen for ind in after[1:]) >= 7  # children differ
    click(window.box_centre(2))
    click(window.box_centre(9), shift=True)
    press(pygame.K_SPACE, " ")
    session.step(window)  # two choices mate
    assert all(len(ind.parents) == 2 for ind in session.artist.population[1:])
    press(pygame.K_u, "u")
    session.step(window)
    assert session.artist.generation == 1


def test_redo_brings_back_what_undo_took_until_a_new_choice(window: HumanCritic, tmp_path: Path) -> None:
    session = biomorph_session(tmp_path / "runs" / "s")
    states = [session.artist.state_dict()]
    for box in (3, 11):
        choose(session, window, box)
        states.append(session.artist.state_dict())
    for key in ("u", "u"):
        press(pygame.K_u, key)
        session.step(window)
    assert same_generation(session.artist.state_dict(), states[0]) and len(session.future) == 2
    press(pygame.K_y, "y")
    session.step(window)
    assert same_generation(session.artist.state_dict(), states[1]) and session.chosen_by == ["person"]
    assert session.redo() == "forward to generation 2"
    assert same_generation(session.artist.state_dict(), states[2]) and session.redo() == "nothing to redo"
    session.undo()
    choose(session, window, 5)  # a new choice: what was undone cannot come back
    assert session.future == [] and session.redo() == "nothing to redo"


@pytest.mark.parametrize(("name", "key"), [("lines", "fit"), ("hercl-lines", "fit"), ("ants", "distinct")])
def test_a_new_breeding_session_turns_on_the_artists_breeding_options(name: str, key: str, tmp_path: Path) -> None:
    """Options for a person's boxes (``BREEDING``: line drawings fitted to them, no ant child a copy of its parent)
    turn on for a new session, from scratch or a genome, unless named; the genome is unchanged."""
    assert configure({"artist": name}).artist_options[key] is True
    assert configure({"artist": name, "artist_options": {key: False}}).artist_options[key] is False
    _, genetics = build_genetics(name, {})
    genome = genetics.random_genome()
    path = tmp_path / "g.json"
    write_genome(path, GenomeFile(name, genetics.options(), genetics.to_json(genome)))
    config = configure({"origin": str(path)})
    assert config.artist_options[key] is True and config.artist == name
    assert build_genetics(name, config.artist_options)[1].to_json(genome) == genetics.to_json(genome)
