"""A breeding session (Blind Watchmaker): a person chooses among children, generation after generation.

``BreedProgram`` plays the session through the trainer (``coevo.training.trainer``) with the window as critic and
no data, so the critic's scores (chosen 1, second choice 0.5, others 0) breed the next generation: the session is
the game's schedule, a round is one choice, and the person's other keys (undo, save, export, restart, strength,
breed for me) are carried out between choices; quitting ends the game (``coevo.loop.StopGame``). The session keeps
the artist's whole history for unbounded undo, saves and exports chosen genomes, writes ``session.json`` with every
checkpoint (``coevo.toolkits.choices`` reads it), and indexes its generations and saved picks in its catalog (the
gallery beside its folder, wired by the CLI). A folder an older coevo wrote (``session.json`` alone) is upgraded to
``config.toml`` and ``checkpoint.pt`` from its session file when it resumes (``BreedProgram.upgrade``).

"Breed for me" (the A key): the person's learned preference critic (``coevo.programs.agreement``, trained on
the session so far and the person's other sessions) picks the parent for a number of generations, its picks
framed in the window one by one, until the person presses a key or clicks; the session marks those steps as the
critic's (``chosen_by``), so no model ever learns from them as the person's choices.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import torch

from coevo.errors import CoevoError
from coevo.evolution.ga import EvolutionaryArtist, EvolutionConfig
from coevo.fakes import FakePool
from coevo.images import save_png
from coevo.loop import Hook, LoopConfig, Players, Progress, Round, Stop, StopGame, play_round
from coevo.programs.agreement import MODEL, learn_person, summary, write_agreement
from coevo.programs.genomes import build_genetics, load_genome
from coevo.programs.render import check_render_size, render_bytes
from coevo.protocols import Catalog, Critic, Genetics, RunIndex, ShowsPicks, VectorDrawing
from coevo.rng import rng_state, seed_everything
from coevo.store.atomic import atomic_write_text
from coevo.store.catalog import NoCatalog
from coevo.store.genomefile import GenomeFile, write_genome
from coevo.store.runfolder import CONFIG, KINDS, RunFolder, check_kind
from coevo.threads import use_threads
from coevo.toolkits.choices import PERSON, RESTART, SESSION_FORMAT, SESSION_VERSION, chosen_by, read_session
from coevo.toolkits.frozen import FrozenCritic
from coevo.toolkits.interactive import ACTIONS, Interactive, SessionRequest, parse_grid
from coevo.training import registry
from coevo.training.config import BreedConfig, dump_config, load_config
from coevo.training.settings import check_memory
from coevo.training.trainer import Game, Trainer

FORMAT, VERSION = SESSION_FORMAT, SESSION_VERSION  # coevo.toolkits.choices reads the sessions, too
KIND, SESSION_FILE = "session", "session.json"  # the folder's kind mark; the session file, in its current format
CHECKPOINT_EVERY = 10  # choices between checkpoints (session.json and checkpoint.pt); one more when the person quits


class Autopilot(FrozenCritic):
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


class BreedingSession:
    """One person's breeding: the artist, its undo history and who chose each step, and the session folder. It is
    the game's schedule (``play``: wait for a choice, carrying out session actions on the way) and a checkpointed
    part (the history, the marks and the origin; the artist is a part of its own)."""

    def __init__(self, artist_name: str, genetics: Genetics, artist: EvolutionaryArtist, folder: Path | None,
                 grid: str = "5x3", export_size: int = 2048, catalog: Catalog | None = None) -> None:
        self.artist_name, self.genetics, self.artist = artist_name, genetics, artist
        self.folder = None if folder is None else Path(folder)  # None until the trainer opens it (``recorders``)
        self.grid, self.export_size = grid, export_size
        self.history: list[dict[str, Any]] = []  # artist states before each step, oldest first
        self.chosen_by: list[str] = []  # who chose each step of the history: PERSON, RESTART or "critic:NAME"
        self.future: list[dict[str, Any]] = []  # undone states, the latest undone last: what redo brings back
        self.future_marks: list[str] = []  # who chose each of them (a new choice or restart drops both)
        self.auto_generations = 10  # "breed for me": generations the A key hands to the learned critic
        self.auto_delay = 0.5  # seconds each of its picks shows before it breeds
        self.sessions: list[str] = []  # the person's other sessions the learned critic also learns from
        self.pilot: Autopilot | None = None  # the learned critic, while it breeds for the person
        self.fakes, self.loop = FakePool("latest"), LoopConfig()
        self.origin: dict[str, Any] = {"meta": {}, "source": ""}  # where the first parent came from (--from)
        self.catalog = catalog or NoCatalog()
        self._index: RunIndex | None = None

    @classmethod
    def start(cls, artist_name: str, genetics: Genetics, parent: Any, pop: int, size: int, folder: Path,
              grid: str = "5x3", export_size: int = 2048, origin_meta: dict[str, Any] | None = None,
              source: str = "", catalog: Catalog | None = None) -> BreedingSession:
        """A new session (without the trainer: scripts, tests): ``parent`` in the centre and ``pop - 1`` mutant
        children around it."""
        check_kind(folder, KIND)
        artist = breeding_artist(genetics, pop, size)
        artist.seed([parent])
        session = cls(artist_name, genetics, artist, folder, grid, export_size, catalog)
        session.origin = {"meta": dict(origin_meta or {}), "source": source}
        return session

    @property
    def index(self) -> RunIndex:
        """The session's entry in its catalog, opened (and the session indexed) on first use."""
        assert self.folder is not None, "the session has no folder yet"
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

    def record(self) -> None:
        """Index the current generation's ancestry in the catalog."""
        population = self.artist.population
        self.index.record_population(self.artist.generation, [ind.id for ind in population],
                                     [ind.parents for ind in population])

    @property
    def path(self) -> Path:
        assert self.folder is not None, "the session has no folder yet"
        return self.folder / SESSION_FILE

    def play(self, players: Players, progress: Progress) -> Round:
        """The schedule's round: the window (``players.critic``) or the autopilot chooses and a generation is bred;
        session actions asked for first are carried out on the way; quitting raises ``StopGame``."""
        while (played := self.step(players.critic, progress)) is None:
            pass
        return played

    def step(self, critic: Interactive, progress: Progress | None = None) -> Round | None:
        """One choice (the round it bred) or one session action (None); ``StopGame`` when the person quits (Esc, the
        window's close button, or Ctrl-C while the window waits)."""
        critic.status = self.status()
        judge = critic if self.pilot is None else self.pilot
        before = self.artist.state_dict()
        try:
            played = play_round(Players(self.artist, judge, None, self.fakes, self.loop), progress)
        except SessionRequest as request:
            if request.action == "quit":
                raise StopGame from None
            message = self.hand_over(critic) if request.action == "auto" else self.act(request.action, request.chosen)
            critic.notify(message)
            return None
        except KeyboardInterrupt:
            raise StopGame from None
        self.history.append(before)  # a choice bred a generation: it can be undone
        self.chosen_by.append(PERSON if self.pilot is None else self.pilot.chooser)
        self.future, self.future_marks = [], []
        if self.pilot is not None:
            self.pilot.done += 1
            if self.pilot.done >= self.pilot.generations:
                critic.notify(f"the {self.pilot.name} critic bred {self.pilot.done} generations for you; your turn")
                self.pilot = None
        return played

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

    def act(self, action: str, chosen: list[int]) -> str:
        """Carry out a session action; returns the line to show the person."""
        if action == "undo":
            return self.undo()
        if action == "redo":
            return self.redo()
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
            self.future, self.future_marks = [], []
            self.artist.seed([self.genetics.random_genome()])
            self.record()
            return "restarted from a random parent (U undoes)"
        if action in ("stronger", "weaker"):
            factor = 1.5 if action == "stronger" else 1 / 1.5
            self.artist.config.strength = min(20.0, max(0.05, self.artist.config.strength * factor))
            return f"mutation strength {self.artist.config.strength:.2f}"
        raise CoevoError(f"unknown session action {action!r}; use one of {', '.join(ACTIONS)}")

    def reseed(self, genome: Any, parents: tuple[int, ...] = (), chooser: str = PERSON) -> None:
        """A step to a new generation around ``genome`` (mutants of it around it), as undo takes back: a genome
        the person moved by hand (a latent space's sliders), descending from ``parents``."""
        self.history.append(self.artist.state_dict())
        self.chosen_by.append(chooser)
        self.future, self.future_marks = [], []
        self.artist.seed([genome], parents)
        self.record()

    def undo(self) -> str:
        """Go back one step (a generation or a restart), exactly; the mutation strength stays, and children
        bred after the undo get fresh ids (so the gallery's ancestry of undone ones stays true)."""
        if not self.history:
            return "nothing to undo"
        current = self.artist.state_dict()
        state = self.history.pop()
        self.future.append(current)
        self.future_marks.append((self.chosen_by[len(self.history):] or [PERSON])[0])
        del self.chosen_by[len(self.history):]
        self._go_to(state, current)
        return f"back to generation {self.artist.generation}"

    def redo(self) -> str:
        """Bring back the step the last undo took away (as long as no choice or restart came since)."""
        if not self.future:
            return "nothing to redo"
        current = self.artist.state_dict()
        self.history.append(current)
        self.chosen_by.append(self.future_marks.pop())
        self._go_to(self.future.pop(), current)
        return f"forward to generation {self.artist.generation}"

    def _go_to(self, state: dict[str, Any], current: dict[str, Any]) -> None:
        """Load a stored artist state, keeping the current mutation strength and never handing out an id twice."""
        strength = self.artist.config.strength
        self.artist.load_state_dict({**state, "next_id": max(current["next_id"], state["next_id"])})
        self.artist.config.strength = strength

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

    def keep(self, index: int) -> int:
        """Save the genome in box ``index`` (``save_genome``) and return its gallery id."""
        self.save_genome(index)
        return self._keep(index, self.folder / "images" / f"{self._name(index)}.png")

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

    def state_dict(self) -> dict[str, Any]:
        """What a checkpoint holds of the session beside the artist: the undo history, its marks and the origin."""
        return {"history": self.history, "chosen_by": self.chosen_by, "origin": self.origin,
                "future": self.future, "future_marks": self.future_marks}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.history, self.chosen_by = list(state["history"]), chosen_by(state)
        self.origin = dict(state.get("origin") or self.origin)
        self.future, self.future_marks = list(state.get("future") or []), list(state.get("future_marks") or [])


def breeding_artist(genetics: Genetics, pop: int, size: int) -> EvolutionaryArtist:
    """The artist a person breeds: ``pop`` images of ``size`` pixels, the chosen one kept as the elite and every child
    bred from the chosen (crossed when two are chosen, always mutated)."""
    config = EvolutionConfig(pop=pop, size=size, elite=1, cxpb=1.0, mutpb=1.0, selection="chosen")
    return EvolutionaryArtist(genetics, config)


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


class SessionRecorder(Hook):
    """Writes the session into its folder: a metrics line per choice, each bred generation's ancestry in the catalog,
    ``session.json`` with every checkpoint; closes the catalog entry (and a window the program opened) at the end."""

    def __init__(self, folder: RunFolder, session: BreedingSession, window: Any = None) -> None:
        self.folder, self.session, self.window = folder, session, window

    def on_start(self, progress: Progress) -> None:
        self.session.record()

    def on_round_end(self, played: Round, progress: Progress) -> None:
        session = self.session
        self.folder.append_metrics({"round": played.index, "generation": session.artist.generation,
                                    "chosen_by": session.chosen_by[-1],
                                    **{k: round(float(v), 6) for k, v in played.metrics.items()}})
        session.record()

    def on_checkpoint(self) -> None:
        self.session.save()

    def on_end(self, progress: Progress) -> None:
        self.close()

    def on_exception(self, error: BaseException) -> None:
        self.close()

    def close(self) -> None:
        self.session.close()
        if self.window is not None:
            self.window.close()


class BreedProgram:
    """``coevo breed`` for the trainer: a session (folder kind ``session``) of no fixed length, played until the
    person quits. Its window is opened from the settings unless one is given (a test's, a script's); ``sitting``
    changes settings for this sitting only (a resumed session's grid, "breed for me")."""

    kind, length = KIND, None

    def __init__(self, catalog: Catalog | None = None, window: Interactive | None = None,
                 sitting: dict[str, Any] | None = None) -> None:
        self.catalog, self.window, self.sitting = catalog or NoCatalog(), window, dict(sitting or {})

    def read_config(self, path: Path) -> BreedConfig:
        return replace(load_config(path, BreedConfig), **self.sitting)

    def upgrade(self, folder: RunFolder) -> None:
        """A folder an older coevo wrote (``session.json`` alone) gets ``config.toml`` and ``checkpoint.pt`` made
        from its session file (the artist's state, the history and marks, every random generator), so that it
        resumes exactly as it did; the checkpoint counts no rounds (the history holds the generations)."""
        path = folder.path / SESSION_FILE
        if not path.is_file():
            return
        try:
            document = read_session(path)
            config = BreedConfig(artist=document["artist"], artist_options=dict(document["options"]),
                                 origin=str((document.get("origin") or {}).get("source", "")), grid=document["grid"],
                                 size=int(document["state"]["config"]["size"]),
                                 export_size=int(document["export_size"]))
            state = {"round": 0, "artist": document["state"], "rng": _decode(document["rng"]),
                     "session": {"history": document["history"], "chosen_by": chosen_by(document),
                                 "origin": document.get("origin") or {}}}
        except CoevoError as exc:
            raise CoevoError(f"{folder.path} holds {KINDS[KIND]} that cannot be resumed: {exc}") from None
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise CoevoError(f"{folder.path} holds {KINDS[KIND]} whose {SESSION_FILE} is incomplete ({exc!r}); "
                             "restore it or start anew") from None
        folder.save_checkpoint(state)
        atomic_write_text(folder.config_path, dump_config(config))  # last: a folder with a config is upgraded

    def build(self, config: BreedConfig) -> Game:
        """The artist from its resolved options (seeded by ``begin``), the session, and the window as critic."""
        config.validate()
        use_threads(config.threads)
        seed_everything(config.seed)
        cols, rows = parse_grid(config.grid)
        _, genetics = build_genetics(config.artist, config.artist_options)
        check_render_size(config.artist, genetics, config.export_size, "--export-size")
        check_memory(f"{cols * rows} boxes of {config.size}x{config.size}",
                     cols * rows * config.size**2 * render_bytes(genetics), "lower --size or --grid")
        artist = breeding_artist(genetics, cols * rows, config.size)
        session = BreedingSession(config.artist, genetics, artist, None, config.grid, config.export_size, self.catalog)
        session.auto_generations, session.auto_delay, session.sessions = config.auto, config.auto_delay, \
            config.others()
        session.origin["source"] = config.origin
        window = self.window or open_window(config)
        window.session_keys = True
        players = Players(artist, window, None, session.fakes, session.loop)
        return Game(config, players, session, Stop(), {"artist": artist, "session": session},
                    checkpoint_every=CHECKPOINT_EVERY, label=f"breeding {config.artist}",
                    meta={"window": window, "opened": self.window is None})

    def begin(self, game: Game) -> None:
        """The first parent (``origin``'s genome, or a random one) in the centre, mutant children around it."""
        session, origin = game.schedule, game.config.origin
        assert isinstance(session, BreedingSession)
        genetics, meta = session.genetics, {}
        if origin and is_run_folder(origin):  # a generator's latent space: a random latent to start from
            parent, meta = genetics.random_genome(), {"run": str(Path(origin).resolve())}
        elif origin:
            _, loaded, genome, meta = load_genome(origin, self.catalog)
            parent = genetics.from_json(loaded.to_json(genome))
        else:
            parent = genetics.random_genome()
        session.artist.seed([parent])
        session.origin = {"meta": dict(meta), "source": origin}

    def recorders(self, folder: RunFolder, game: Game) -> list[Hook]:
        session = game.schedule
        assert isinstance(session, BreedingSession)
        session.folder = folder.path
        return [SessionRecorder(folder, session, game.meta["window"] if game.meta["opened"] else None)]

    def finish(self, folder: RunFolder, game: Game) -> Path:
        """The session file."""
        return folder.path / SESSION_FILE


def open_window(config: BreedConfig) -> Interactive:
    """The breeding window (the ``human`` critic) for the settings' grid and box size."""
    window = registry.load(registry.critic_entry("human"))(grid=config.grid, box=config.size,
                                                           title=f"coevo breed: {config.artist}")
    assert isinstance(window, Interactive)
    return window


def is_run_folder(origin: str) -> bool:
    """Whether ``--from`` names a generator's run folder (to breed its latent space) rather than a genome."""
    return (Path(origin) / CONFIG).is_file()


def configure(named: dict[str, Any], catalog: Catalog | None = None) -> BreedConfig:
    """A new session's settings from those the command line named, the rest their defaults: the artist and its full
    options resolved (from ``origin``'s genome or generator where given), so that ``config.toml`` rebuilds the same
    genetics without reading the origin again."""
    config = BreedConfig(**named).validate()
    asked, options, origin = named.get("artist"), config.artist_options, config.origin
    if origin and is_run_folder(origin):
        trained = load_config(Path(origin) / CONFIG).artist
        if asked is not None and asked not in (trained, "latent"):
            raise CoevoError(f"{origin} trained a {trained!r} generator, not {asked!r}; drop --artist")
        artist, genetics = "latent", build_genetics("latent", {**options, "run": str(Path(origin).resolve())})[1]
    elif origin:
        if options:
            raise CoevoError("--artist-option cannot change a genome loaded with --from; drop the options")
        artist, genetics, genome, _ = load_genome(origin, catalog)
        genetics.from_json(genetics.to_json(genome))  # as ``begin`` will: a genome that cannot breed says so now
        if asked is not None and asked != artist:
            raise CoevoError(f"{origin} holds a {artist!r} genome, not {asked!r}; drop --artist")
    else:
        artist = config.artist
        genetics = build_genetics(artist, options, None if "channels" in options else 3)[1]
    shown = breeding_options(genetics, options)
    if shown:
        genetics = build_genetics(artist, {**genetics.options(), **shown})[1]
    return replace(config, artist=artist, artist_options=genetics.options())


def breeding_options(genetics: Any, asked: dict[str, Any]) -> dict[str, Any]:
    """The display options a new breeding session turns on (the artist's ``BREEDING``: line drawings zoomed to
    their boxes, ant children never copies of their parent), less those the person set; the genome is unchanged."""
    return {k: v for k, v in getattr(genetics, "BREEDING", {}).items() if k not in asked}


def start(config: BreedConfig, out: Path, catalog: Catalog | None = None, window: Interactive | None = None) -> Path:
    """Breed a new session into ``out`` until the person quits; returns its session file."""
    check_kind(out, KIND)
    if (Path(out) / SESSION_FILE).exists() or (Path(out) / CONFIG).exists():
        raise CoevoError(f"{out} already holds a session; continue it with --resume {out} or pick another --out")
    return Trainer().fit(BreedProgram(catalog, window), config, out)


FIXED = ("artist", "artist_options", "origin")  # what a session keeps from its start


def resume(spec: Path, sitting: dict[str, Any] | None = None, catalog: Catalog | None = None,
           window: Interactive | None = None) -> Path:
    """Continue a session (its folder or its session file) as saved, with ``sitting``'s settings for this sitting;
    returns its session file."""
    if any(name in FIXED for name in sitting or {}):
        raise CoevoError("--resume continues a session as saved; drop --from, --artist and --artist-option")
    folder = Path(spec).parent if Path(spec).is_file() else Path(spec)
    if not (folder / SESSION_FILE).is_file() and not (folder / CONFIG).is_file():
        raise CoevoError(f"no breeding session at {spec}; pass a folder made by `coevo breed`")
    return Trainer().resume(BreedProgram(catalog, window, sitting), folder)
