"""A breeding session (Blind Watchmaker): a person chooses among children, generation after generation.

The session plays the one loop (``coevo.loop.coevolve``) with an interactive critic and no data, so the
critic's scores (chosen 1, second choice 0.5, others 0) breed the next generation. It keeps the artist's
whole history for unbounded undo, saves and exports chosen genomes, saves/resumes itself as JSON, and
indexes its generations and saved picks in its catalog (the gallery beside its folder, wired by the CLI).

"Breed for me" (the A key): the person's learned preference critic (``coevo.programs.agreement``, trained on
the session so far and the person's other sessions) picks the parent for a number of generations, its picks
framed in the window one by one, until the person presses a key or clicks; the session marks those steps as the
critic's (``chosen_by``), so no model ever learns from them as the person's choices.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import torch

from coevo.errors import CoevoError
from coevo.evolution.ga import EvolutionaryArtist, EvolutionConfig
from coevo.fakes import FakePool
from coevo.images import save_png
from coevo.loop import Hook, LoopConfig, Players, Progress, Round, Stop, coevolve
from coevo.programs.agreement import MODEL, learn_person, summary, write_agreement
from coevo.protocols import Catalog, Critic, Genetics, RunIndex, ShowsPicks, VectorDrawing
from coevo.rng import rng_state, set_rng_state
from coevo.schedules import EveryRound
from coevo.store.atomic import atomic_write_text
from coevo.store.catalog import NoCatalog
from coevo.store.genomefile import GenomeFile, write_genome
from coevo.store.runfolder import check_kind, folder_lock, mark_kind
from coevo.toolkits.choices import PERSON, RESTART, SESSION_FORMAT, SESSION_VERSION, chosen_by
from coevo.toolkits.interactive import ACTIONS, Interactive, SessionRequest

FORMAT, VERSION = SESSION_FORMAT, SESSION_VERSION  # coevo.toolkits.choices reads the sessions, too
AUTOSAVE_EVERY = 10  # generations between automatic session saves (always saved on quit)


class Autopilot:
    """A learned critic choosing for the person: each generation its best-scored image is the one choice (1, the
    rest 0, as a person's single click), framed in the window for ``delay`` seconds first; a key or a click there
    raises ``SessionRequest("takeover")`` before the pick breeds anything."""

    def __init__(self, model: Critic, window: ShowsPicks, generations: int, delay: float, name: str = MODEL) -> None:
        self.model, self.window, self.generations, self.delay, self.name = model, window, generations, delay, name
        self.done = 0  # generations it has bred

    @property
    def chooser(self) -> str:
        return f"critic:{self.name}"

    def score(self, images: torch.Tensor) -> torch.Tensor:
        pick = int(torch.argmax(self.model.score(images).detach().float().cpu()))
        note = (f"breeding for you: generation {self.done + 1} of {self.generations}, the {self.name} critic's "
                "pick framed  ·  any key or click takes over")
        if self.window.show_pick(images, pick, note, self.delay):
            raise SessionRequest("takeover")
        scores = torch.zeros(int(images.shape[0]))
        scores[pick] = 1.0
        return scores

    def learn(self, real: torch.Tensor, fake: torch.Tensor) -> dict[str, float]:
        return {}

    def state_dict(self) -> dict[str, Any]:
        return {}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        pass


class BreedingSession(Hook):
    """One person's breeding: the artist, its history and the session folder."""

    def __init__(self, artist_name: str, genetics: Genetics, artist: EvolutionaryArtist, folder: Path,
                 grid: str = "5x3", export_size: int = 2048, catalog: Catalog | None = None) -> None:
        self.artist_name, self.genetics, self.artist = artist_name, genetics, artist
        self.folder, self.grid, self.export_size = Path(folder), grid, export_size
        self.history: list[dict[str, Any]] = []  # artist states before each step, oldest first
        self.chosen_by: list[str] = []  # who chose each step of the history: PERSON, RESTART or "critic:NAME"
        self.auto_generations = 10  # "breed for me": generations the A key hands to the learned critic
        self.auto_delay = 0.5  # seconds each of its picks shows before it breeds
        self.sessions: list[str] = []  # the person's other sessions the learned critic also learns from
        self.pilot: Autopilot | None = None  # the learned critic, while it breeds for the person
        self.fakes, self.loop = FakePool("latest"), LoopConfig()
        self.origin: dict[str, Any] = {"meta": {}, "source": ""}  # where the first parent came from (--from)
        self.catalog = catalog or NoCatalog()
        self._index: RunIndex | None = None
        self._before: dict[str, Any] = {}

    @classmethod
    def start(cls, artist_name: str, genetics: Genetics, parent: Any, pop: int, size: int, folder: Path,
              grid: str = "5x3", export_size: int = 2048, origin_meta: dict[str, Any] | None = None,
              source: str = "", catalog: Catalog | None = None) -> BreedingSession:
        """A new session: ``parent`` in the centre and ``pop - 1`` mutant children around it."""
        config = EvolutionConfig(pop=pop, size=size, elite=1, cxpb=1.0, mutpb=1.0, selection="chosen")
        check_kind(folder, "session")
        artist = EvolutionaryArtist(genetics, config)
        artist.seed([parent])
        session = cls(artist_name, genetics, artist, folder, grid, export_size, catalog)
        session.origin = {"meta": dict(origin_meta or {}), "source": source}
        return session

    @property
    def index(self) -> RunIndex:
        """The session's entry in its catalog, opened (and the session indexed) on first use."""
        if self._index is None:
            self._index = self.catalog.open_run(
                self.folder, kind="breed", artist=self.artist_name, critic="human", source=self.origin["source"],
                settings={"grid": self.grid, "size": self.artist.config.size, "options": self.genetics.options()},
                origin=self.origin["meta"])
        return self._index

    def close(self) -> None:
        if self._index is not None:
            self._index.close()
            self._index = None

    def _record(self) -> None:
        """Index the current generation's ancestry in the catalog."""
        population = self.artist.population
        self.index.record_population(self.artist.generation, [ind.id for ind in population],
                                     [ind.parents for ind in population])

    @property
    def path(self) -> Path:
        return self.folder / "session.json"

    def play(self, critic: Interactive) -> None:
        """Breed until the person quits; the session is saved on the way out."""
        critic.session_keys = True
        with folder_lock(self.folder):
            mark_kind(self.folder, "session")
            self._record()
            try:
                while self.step(critic):
                    pass
            except KeyboardInterrupt:
                self.save()
                raise
            finally:
                self.close()

    def step(self, critic: Interactive) -> bool:
        """One round (a choice breeds a generation) or one session action; False once the person quits."""
        critic.status = self.status()
        judge = critic if self.pilot is None else self.pilot
        players = Players(self.artist, judge, None, self.fakes, self.loop)
        try:
            coevolve(players, EveryRound(), Stop(rounds=1), Progress(), [self])
        except SessionRequest as request:
            if request.action == "quit":
                self.save()
                return False
            message = self.hand_over(critic) if request.action == "auto" else self.act(request.action, request.chosen)
            critic.notify(message)
            return True
        if self.pilot is not None and self.pilot.done >= self.pilot.generations:
            critic.notify(f"the {self.pilot.name} critic bred {self.pilot.done} generations for you; your turn")
            self.pilot = None
        return True

    def hand_over(self, window: Interactive) -> str:
        """"Breed for me": learn the person's taste from the session as saved (and their other sessions), write
        its agreement report into the session folder, and let it choose the next ``auto_generations``."""
        if not isinstance(window, ShowsPicks):
            return "this window cannot show a critic's picks"
        window.show_now("learning your taste from your choices so far...")
        self.save()
        try:
            model = learn_person(self.folder, self.sessions)
        except CoevoError as exc:
            return f"cannot breed for you yet: {exc}"
        report = model.agreement_report()
        write_agreement(self.folder, report)
        self.pilot = Autopilot(model, window, self.auto_generations, self.auto_delay)
        return f"breeding {self.auto_generations} generations for you: {summary(report)}"

    def on_round_start(self, progress: Progress) -> None:
        self._before = self.artist.state_dict()

    def on_round_end(self, played: Round, progress: Progress) -> None:
        """A choice bred a generation: it can be undone, is indexed, and is saved now and then."""
        self.history.append(self._before)
        self.chosen_by.append(PERSON if self.pilot is None else self.pilot.chooser)
        if self.pilot is not None:
            self.pilot.done += 1
        self._record()
        if self.artist.generation % AUTOSAVE_EVERY == 0:
            self.save()

    def act(self, action: str, chosen: list[int]) -> str:
        """Carry out a session action; returns the line to show the person."""
        if action == "undo":
            return self.undo()
        if action == "save":
            return f"saved {self.save_genome(chosen[0])}"
        if action == "export":
            return "exported " + ", ".join(str(p) for p in self.export(chosen[0]))
        if action == "takeover":
            done, self.pilot = (0 if self.pilot is None else self.pilot.done), None
            return f"your turn again (the critic bred {done} generation{'' if done == 1 else 's'}; U undoes them)"
        if action == "restart":
            self.history.append(self.artist.state_dict())
            self.chosen_by.append(RESTART)
            self.artist.seed([self.genetics.random_genome()])
            self._record()
            return "restarted from a random parent (U undoes)"
        if action in ("stronger", "weaker"):
            factor = 1.5 if action == "stronger" else 1 / 1.5
            self.artist.config.strength = min(20.0, max(0.05, self.artist.config.strength * factor))
            return f"mutation strength {self.artist.config.strength:.2f}"
        raise CoevoError(f"unknown session action {action!r}; use one of {', '.join(ACTIONS)}")

    def undo(self) -> str:
        """Go back one step (a generation or a restart), exactly; the mutation strength stays, and children
        bred after the undo get fresh ids (so the gallery's ancestry of undone ones stays true)."""
        if not self.history:
            return "nothing to undo"
        strength, next_id = self.artist.config.strength, self.artist.state_dict()["next_id"]
        state = self.history.pop()
        del self.chosen_by[len(self.history):]
        self.artist.load_state_dict({**state, "next_id": max(next_id, state["next_id"])})  # ids stay unique
        self.artist.config.strength = strength
        return f"back to generation {self.artist.generation}"

    def status(self) -> str:
        return (f"generation {self.artist.generation}  ·  {self.artist_name}  ·  "
                f"strength {self.artist.config.strength:.2f}  ·  {len(self.history)} undo "
                f"step{'' if len(self.history) == 1 else 's'}")

    def _name(self, index: int) -> str:
        return f"gen{self.artist.generation:04d}-id{self.artist.population[index].id:05d}"

    def save_genome(self, index: int) -> Path:
        """Write the genome in box ``index`` as a genome file under ``genomes/`` (its image under ``images/``)
        and store it in the gallery."""
        ind = self.artist.population[index]
        record = GenomeFile(self.artist_name, self.genetics.options(), self.genetics.to_json(ind.genome),
                            {"id": ind.id, "parents": list(ind.parents), "generation": self.artist.generation})
        path = write_genome(self.folder / "genomes" / f"{self._name(index)}.json", record)
        image = save_png(self.artist.ask().images[index], self.folder / "images" / f"{self._name(index)}.png")
        self._keep(index, image)
        return path

    def export(self, index: int) -> list[Path]:
        """The image in box ``index`` at ``export_size`` as PNG, and as SVG where the artist can."""
        genome = self.artist.population[index].genome
        base = self.folder / "exports" / self._name(index)
        paths = [save_png(self.genetics.render([genome], self.export_size)[0], base.with_suffix(".png"))]
        if isinstance(self.genetics, VectorDrawing):
            atomic_write_text(base.with_suffix(".svg"), self.genetics.svg(genome, self.export_size))
            paths.append(base.with_suffix(".svg"))
        self._keep(index, paths[0])
        return paths

    def _keep(self, index: int, image: Path) -> int:
        """Store the individual in box ``index`` in the gallery (once; later calls keep its id)."""
        ind = self.artist.population[index]
        return self.index.add_individual(artist=self.artist_name,
                                         genome=self.genetics.to_json(ind.genome), options=self.genetics.options(),
                                         round_index=self.artist.generation, local_id=ind.id,
                                         local_parents=ind.parents, image=image)

    def save(self) -> Path:
        """Write the session file atomically: artist state, history and every random generator's state."""
        document = {"format": FORMAT, "version": VERSION, "artist": self.artist_name,
                    "options": self.genetics.options(), "grid": self.grid, "export_size": self.export_size,
                    "state": self.artist.state_dict(), "history": self.history, "chosen_by": self.chosen_by,
                    "origin": self.origin,
                    "rng": _encode(rng_state())}
        atomic_write_text(self.path, json.dumps(document) + "\n")
        return self.path

    @classmethod
    def resume(cls, spec: Path, catalog: Catalog | None = None) -> BreedingSession:
        """Load a saved session (its folder or its session.json) and restore the random generators."""
        from coevo.programs.genomes import build_genetics

        path = Path(spec) / "session.json" if Path(spec).is_dir() else Path(spec)
        check_kind(path.parent, "session")
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise CoevoError(f"no breeding session at {path}; pass a folder made by `coevo breed`") from None
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise CoevoError(f"session file {path} is not valid JSON ({exc}); restore it or start anew") from None
        if not isinstance(document, dict) or document.get("format") != FORMAT:
            raise CoevoError(f"{path} is not a coevo breeding session; pass the session.json `coevo breed` wrote")
        if document.get("version") != VERSION:
            raise CoevoError(f"{path} has session version {document.get('version')!r}; this coevo reads {VERSION}")
        try:
            _, genetics = build_genetics(document["artist"], document["options"])
            config = EvolutionConfig(**document["state"]["config"])
            artist = EvolutionaryArtist(genetics, config)
            artist.load_state_dict(document["state"])
            session = cls(document["artist"], genetics, artist, path.parent, document["grid"],
                          int(document["export_size"]), catalog)
            session.history = list(document["history"])
            session.chosen_by = chosen_by(document)
            session.origin = dict(document.get("origin") or session.origin)
            set_rng_state(_decode(document["rng"]))
        except (KeyError, TypeError, ValueError) as exc:
            raise CoevoError(f"session file {path} is incomplete ({exc!r}); restore it or start anew") from None
        return session


def _encode(value: Any) -> Any:
    """Tensors to JSON-able dicts, recursively (for random generator states)."""
    if isinstance(value, torch.Tensor):
        return {"tensor": value.tolist(), "dtype": str(value.dtype).removeprefix("torch.")}
    if isinstance(value, dict):
        return {k: _encode(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_encode(v) for v in value]
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict) and set(value) == {"tensor", "dtype"}:
        return torch.tensor(value["tensor"], dtype=getattr(torch, value["dtype"]))
    if isinstance(value, dict):
        return {k: _decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decode(v) for v in value]
    return value
