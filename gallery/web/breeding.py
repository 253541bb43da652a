"""Visitors' breeding sessions for the web: ``coevo.programs.breed.BreedingSession`` (the Pygame window's session)
driven by form posts instead of keys, its states kept in the gallery database (``gallery.web.state``).

Every method here is blocking (it renders and writes): the app calls them in its worker threads, never on the event
loop. A session's requests are taken one at a time (its lock); the live sessions are a bounded cache over the
database, so a restarted server, or one that let a session go, reloads it exactly as it was.
"""

from __future__ import annotations

import hashlib
import io
import json
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch
from PIL import Image

from coevo.errors import CoevoError
from coevo.images import to_pil, to_uint8
from coevo.programs.breed import KIND, BreedingSession, breeding_artist, breeding_options
from coevo.programs.genomes import build_genetics, load_genome
from coevo.programs.latentbreed import LatentGenetics
from coevo.protocols import Genetics, RememberingGenetics, VectorDrawing
from coevo.rng import Generators
from coevo.rng import using as drawing_from
from coevo.store.runfolder import mark_kind
from coevo.toolkits.choices import PERSON, RESTART
from coevo.toolkits.frozen import FrozenCritic
from gallery.catalog import GalleryCatalog, StoredRun
from gallery.store import Store
from gallery.web import state
from gallery.web.guard import MAX_SESSIONS, MAX_STEPS, MAX_STRENGTH, MAX_TITLE, MIN_STRENGTH, Refused

GRID, POP = "5x3", 15  # Dawkins' fifteen boxes, the parent in the centre
SHARED_GENETICS = 16  # artists-with-options whose genetics are kept for new sessions
LIVE = 32  # sessions held in memory (each with its undo history); the rest wait in the database


@dataclass(frozen=True)
class Start:
    """Something a visitor can start breeding from scratch: an artist and its options."""

    key: str
    label: str
    artist: str
    options: dict[str, Any] = field(default_factory=dict)


DEFAULT_STARTS = (
    Start("biomorph", "Dawkins' biomorphs", "biomorph"),
    Start("gp", "Karl Sims' pixel functions (GP)", "gp"),
    Start("cppn", "Picbreeder CPPNs", "cppn"),
    Start("lines", "Vickers' turtle lines", "lines"),
    Start("ants", "Greenfield's ant paintings", "ants"),
    Start("evoeco", "EvoEco painting agents", "evoeco"),
)


class WebChoice(FrozenCritic):
    """The visitor's click as the session's critic: the first chosen child scores 1, any other chosen 0.5, the
    rest 0 (as the Pygame window scores a click and shift-clicks)."""

    status, session_keys = "", True

    def __init__(self, chosen: list[int]) -> None:
        self.chosen, self.message = chosen, ""

    def score(self, images: torch.Tensor) -> torch.Tensor:
        scores = torch.zeros(int(images.shape[0]))
        scores[self.chosen[0]] = 1.0
        for index in self.chosen[1:]:
            scores[index] = 0.5
        return scores

    def notify(self, text: str) -> None:
        self.message = text


class WebPicks(WebChoice):
    """The site as the window "breed for me" hands over to: the learned critic's picks are not shown one by one
    (the page shows where it stopped), and nobody takes over half way."""

    def show_pick(self, images: torch.Tensor, chosen: int, note: str, seconds: float) -> bool:
        return False

    def show_now(self, text: str) -> None:
        self.message = text


def session_generators(sid: str, step: int) -> Generators:
    """The random generators a session's action at ``step`` draws from: a function of the session and its step, so
    a session owns its randomness (no module-level state shared with other sessions) and the same choice from the
    same state breeds the same children, after a restart too."""
    generators = Generators()
    generators.seed(int.from_bytes(hashlib.sha256(f"{sid}/{step}".encode()).digest()[:8], "big"))
    return generators


class Live:
    """One open session: its row, the breeding session, its lock and its children's PNGs for the current state."""

    def __init__(self, row: state.SessionRow, session: BreedingSession) -> None:
        self.row, self.session, self.lock = row, session, threading.Lock()
        self._pictures: tuple[tuple[int, ...], list[bytes]] | None = None
        self.message = ""
        self.closed = False  # let go of: a request holding it loads the session again
        self.cache: dict[str, Any] = {}  # what pages show of it that never changes (the row it was branched from)

    @property
    def step(self) -> int:
        return len(self.session.history)

    def pictures(self) -> list[bytes]:
        """The current children as JPEG files (rendered and encoded once per generation)."""
        artist = self.session.artist
        key = tuple(ind.id for ind in artist.population)
        if self._pictures is None or self._pictures[0] != key:
            self._pictures = (key, jpegs(artist.ask().images))
        return self._pictures[1]


def jpegs(images: torch.Tensor, quality: int = 92) -> list[bytes]:
    """``(N, C, H, W)`` images in [-1, 1] as N JPEG files, for the breeding page: a fifth of the bytes of PNGs
    and a fourth of the time (saved and exported images stay PNG). No chroma subsampling, so thin lines keep
    their colour."""
    pixels = torch.nan_to_num(images.detach().float().cpu(), nan=0.0).clamp_(-1.0, 1.0).add_(1.0).mul_(127.5)
    arrays = pixels.round_().to(torch.uint8).permute(0, 2, 3, 1).numpy()
    files = []
    for array in arrays:
        buffer = io.BytesIO()
        picture = Image.fromarray(array[..., 0], "L") if array.shape[-1] == 1 else Image.fromarray(array, "RGB")
        picture.save(buffer, format="JPEG", quality=quality, subsampling=0)
        files.append(buffer.getvalue())
    return files


class Breeder:
    """The visitors' sessions of one gallery (``root``): start, load, choose, undo, redo, save, publish, export."""

    def __init__(self, root: Path, size: int = 256, starts: tuple[Start, ...] = DEFAULT_STARTS,
                 live: int = LIVE) -> None:
        self.root, self.size, self.capacity = Path(root).resolve(), size, live
        self.starts = {start.key: start for start in starts}
        self._live: OrderedDict[str, Live] = OrderedDict()
        self._guard = threading.Lock()
        self._local = threading.local()  # one database connection per worker thread
        self._opening: dict[str, threading.Lock] = {}
        self._genetics: OrderedDict[str, Genetics] = OrderedDict()  # shared by the sessions of one artist

    def genetics(self, artist: str, options: dict[str, Any], channels: int | None = None) -> Genetics:
        """The genetics of ``artist`` with ``options``, one object for every session that breeds it (a genetics
        holds no session's state, and its render cache, GP's say, then serves them all); one that remembers what
        it bred (``RememberingGenetics``) is each session's own."""
        key = json.dumps([artist, options, channels], sort_keys=True, default=str)
        with self._guard:
            found = self._genetics.get(key)
            if found is not None:
                self._genetics.move_to_end(key)
                return found
        made = build_genetics(artist, options, channels)[1]
        if isinstance(made, RememberingGenetics):
            return made
        resolved = json.dumps([artist, made.options(), None], sort_keys=True, default=str)  # as a reload asks
        with self._guard:
            made = self._genetics.setdefault(resolved, made)
            self._genetics[key] = made
            while len(self._genetics) > SHARED_GENETICS:
                self._genetics.popitem(last=False)
        return made

    def store(self) -> Store:
        """This thread's connection to the gallery database."""
        store = getattr(self._local, "store", None)
        if store is None:
            store = self._local.store = Store(self.root)
        return store

    def close(self) -> None:
        with self._guard:
            for live in self._live.values():
                live.session.close()
            self._live.clear()

    # ---- starting and finding sessions

    def start(self, visitor: str, key: str | None = None, parent: int | None = None, name: str = "") -> str:
        """A new session of ``visitor`` (signed ``name``, if any): a fresh random parent of the start ``key``, or
        gallery individual ``parent`` (anyone's) in the centre; returns its id."""
        store = self.store()
        if state.count_sessions(store, visitor) >= MAX_SESSIONS:
            raise Refused(429, f"you have started {MAX_SESSIONS} sessions, the most one visitor may; continue one of "
                          "yours from the front page")
        if parent is not None:
            row = store.individual(parent)
            if row is None:
                raise Refused(404, f"no individual {parent} in this gallery; pick one from the front page")
            try:
                genetics = self.genetics(row.artist, row.options)
                genome = genetics.from_json(row.genome)
            except (CoevoError, ValueError, TypeError, KeyError) as exc:
                raise Refused(409, f"individual {parent} cannot be bred here ({exc})") from None
            artist, meta, source = row.artist, {"gallery_id": row.id, "gallery_root": str(self.root)}, \
                f"gallery:{row.id}"
        else:
            start = self.starts.get(str(key))
            if start is None:
                raise Refused(400, f"unknown artist {key!r}; choose one of {', '.join(self.starts)}")
            options = dict(start.options)
            genetics = self.genetics(start.artist, options, None if "channels" in options else 3)
            shown = breeding_options(genetics, options)
            if shown:  # as a new session in the window
                genetics = self.genetics(start.artist, {**genetics.options(), **shown})
            genome, artist, meta, source = None, start.artist, {}, ""
        sid = secrets.token_urlsafe(12)
        folder = self.root / f"web-{sid}"
        folder.mkdir(parents=True)
        mark_kind(folder, KIND)
        with drawing_from(session_generators(sid, 0)):
            genome = genetics.random_genome() if genome is None else genome
            session = BreedingSession.start(artist, genetics, genome, POP, self.size, folder, GRID, origin_meta=meta,
                                            source=source, catalog=GalleryCatalog())
        session.record()  # indexes the session (its run, branched from ``parent``) and its first generation
        now = time.time()
        first = session.artist.state_dict()
        row = state.SessionRow(sid, visitor, session.index.run_id, artist, genetics.options(), source, 0,
                               int(first["next_id"]), float(session.artist.config.strength), now, now, name)
        state.add_session(store, row, first)
        self._hold(Live(row, session))
        return sid

    def open(self, sid: str) -> Live:
        """The live session ``sid``, loaded from the database when it is not in memory."""
        with self._guard:
            live = self._live.get(sid)
            if live is not None:
                self._live.move_to_end(sid)
                return live
            opening = self._opening.setdefault(sid, threading.Lock())
        with opening:  # two requests for a closed session load it once
            with self._guard:
                live = self._live.get(sid)
            if live is None:
                live = self._hold(self._load(sid))
        with self._guard:
            self._opening.pop(sid, None)
        return live

    def _load(self, sid: str) -> Live:
        store = self.store()
        row = state.get_session(store, sid) if isinstance(sid, str) and len(sid) <= 64 else None
        if row is None:
            raise Refused(404, f"no breeding session {sid[:64]!r} here; start one from the front page")
        run = store.run(row.run)
        steps = state.read_steps(store, sid)
        if run is None or not 0 <= row.step < len(steps.states):
            raise Refused(500, f"breeding session {sid} is incomplete in {store.path}; start a new one")
        genetics = self.genetics(row.artist, row.options)
        artist = breeding_artist(genetics, POP, self.size)
        session = BreedingSession(row.artist, genetics, artist, run.path, GRID, catalog=GalleryCatalog())
        origin = store.individual(run.origin) if run.origin is not None else None
        session.origin = {"meta": {} if origin is None else {"gallery_id": origin.id,
                                                            "gallery_root": str(self.root)},
                          "source": row.source}
        session.history = steps.states[: row.step]
        session.chosen_by = steps.marks[1: row.step + 1]
        session.future = steps.states[row.step + 1:][::-1]
        session.future_marks = steps.marks[row.step + 1:][::-1]
        current = steps.states[row.step]
        artist.load_state_dict({**current, "next_id": max(row.next_id, int(current["next_id"]))})
        artist.config.strength = row.strength
        return Live(row, session)

    def _hold(self, live: Live) -> Live:
        with self._guard:
            self._live[live.row.id] = live
            self._live.move_to_end(live.row.id)
            old = [self._live.popitem(last=False)[1] for _ in range(len(self._live) - self.capacity)]
        for session in old:
            with session.lock:  # wait for its request in flight; its state is stored by then
                session.closed = True
                session.session.close()
        return live

    def owned(self, sid: str, visitor: str) -> Live:
        """The session, if ``visitor`` owns it: another visitor's session is theirs to change."""
        live = self.open(sid)
        if live.row.visitor != visitor:
            raise Refused(403, "this breeding session is another visitor's; open one of its images and press "
                          "'breed from this' to branch it")
        return live

    # ---- what a visitor does (each under the session's lock, stored before it returns)

    @contextmanager
    def using(self, live: Live) -> Iterator[Live]:
        """Hold the session's lock (the live one: a session let go meanwhile is loaded again); when the action
        fails half way, the session is let go, so the next request reloads it as stored."""
        while True:
            live.lock.acquire()
            if not live.closed:
                break
            live.lock.release()
            live = self.open(live.row.id)
        try:
            with drawing_from(session_generators(live.row.id, live.step)):
                yield live
        except Refused:
            raise
        except BaseException:
            self._drop(live)
            raise
        finally:
            live.lock.release()

    def _drop(self, live: Live) -> None:
        with self._guard:
            if self._live.get(live.row.id) is live:
                del self._live[live.row.id]
        live.closed = True
        live.session.close()

    def ready(self, sid: str) -> tuple[Live, list[bytes]] | None:
        """The open session and its children's pictures when both are in memory and it is not busy (nothing to
        wait for or to render: the event loop may answer at once); None otherwise."""
        with self._guard:
            live = self._live.get(sid)
        if live is None or not live.lock.acquire(blocking=False):
            return None
        try:
            artist, cached = live.session.artist, live._pictures
            if live.closed or cached is None or cached[0] != tuple(ind.id for ind in artist.population):
                return None
            return live, cached[1]
        finally:
            live.lock.release()

    def pictures(self, live: Live) -> tuple[Live, list[bytes]]:
        """The session (as loaded now) and its current children as JPEG files."""
        with self.using(live) as live:
            return live, live.pictures()

    def children(self, live: Live, chosen: list[int]) -> list[int]:
        count = len(live.session.artist.population)
        if not chosen or len(chosen) > count or len(set(chosen)) != len(chosen) or \
                not all(0 <= c < count for c in chosen):
            raise Refused(400, f"choose one or more different children, numbered 0 to {count - 1}")
        return chosen

    def choose(self, live: Live, chosen: list[int]) -> str:
        """Breed the next generation from the chosen children (two or more are mated)."""
        with self.using(live) as live:
            self.children(live, chosen)
            self._room(live)
            critic = WebChoice(chosen)
            if live.session.step(critic) is None:  # a choice never asks for a session action
                raise Refused(500, f"the choice bred nothing ({critic.message}); try again")
            self._commit(live, PERSON, record=True)
            live.message = f"generation {live.session.artist.generation}"
            live.pictures()
            return live.message

    def breed_for_me(self, live: Live, generations: int) -> str:
        """"Breed for me": the visitor's preference critic, learned from this session's choices so far
        (``BreedingSession.hand_over``, as the window's A key), chooses the next ``generations``; each step is
        stored as the critic's, so no model learns from it as the visitor's."""
        with self.using(live) as live:
            self._room(live, generations)
            session, window = live.session, WebPicks([0])
            session.auto_generations, session.auto_delay = generations, 0.0
            message = session.hand_over(window)
            if session.pilot is None:
                raise Refused(409, message.replace("\n", " ") + "; choose a few more generations yourself first")
            while session.pilot is not None:
                session.step(window)
                self._commit(live, session.chosen_by[-1], record=True)
            live.message = message
            live.pictures()
            return live.message

    def genes(self, live: Live, child: int, amounts: list[float], label: int | None) -> str:
        """A latent session's sliders: child ``child`` moved along the generator's principal directions (and given
        class ``label``), the parent of a new generation; undo takes it back."""
        with self.using(live) as live:
            genetics = live.session.genetics
            if not isinstance(genetics, LatentGenetics):
                raise Refused(400, "sliders move a generator's latent space; this session breeds another artist")
            self.children(live, [child])
            self._room(live)
            ind = live.session.artist.population[child]
            try:
                genome = genetics.moved(ind.genome, amounts, label)
            except CoevoError as exc:
                raise Refused(400, str(exc)) from None
            live.session.reseed(genome, (ind.id,))
            self._commit(live, PERSON)
            live.message = f"moved child {child} along {sum(a != 0 for a in amounts)} directions"
            live.pictures()
            return live.message

    def animation(self, live: Live, start: int, end: int, frames: int, size: int) -> bytes:
        """A GIF of a latent session's child ``start`` turning into child ``end`` and back (the great circle
        between their latents)."""
        with self.using(live) as live:
            genetics = live.session.genetics
            if not isinstance(genetics, LatentGenetics):
                raise Refused(400, "animations interpolate a generator's latent space; this session breeds another "
                              "artist")
            self.children(live, [start])
            self.children(live, [end])
            population = live.session.artist.population
            genomes = genetics.interpolate(population[start].genome, population[end].genome, frames)
        pictures = [Image.fromarray(a[..., 0], "L") if a.shape[-1] == 1 else Image.fromarray(a, "RGB")
                    for a in to_uint8(genetics.render(genomes, size))]
        pictures += pictures[-2:0:-1]  # and back, so it loops smoothly
        buffer = io.BytesIO()
        pictures[0].save(buffer, format="GIF", save_all=True, append_images=pictures[1:], duration=80, loop=0)
        return buffer.getvalue()

    def restart(self, live: Live) -> str:
        with self.using(live) as live:
            self._room(live)
            live.message = live.session.act("restart", [0])
            self._commit(live, RESTART)
            live.pictures()
            return live.message

    def undo(self, live: Live) -> str:
        with self.using(live) as live:
            live.message = live.session.undo()
            self._moved(live)
            live.pictures()
            return live.message

    def redo(self, live: Live) -> str:
        with self.using(live) as live:
            live.message = live.session.redo()
            self._moved(live)
            live.pictures()
            return live.message

    def strength(self, live: Live, value: float) -> str:
        with self.using(live) as live:
            live.session.artist.config.strength = min(MAX_STRENGTH, max(MIN_STRENGTH, value))
            self._moved(live)
            live.message = f"mutation strength {live.session.artist.config.strength:.2f}"
            return live.message

    def save(self, live: Live, child: int, title: str | None = None) -> int:
        """Store child ``child`` in the gallery (its genome file and image in the session folder; published with
        ``title`` when one is given); returns its gallery id."""
        if title is not None and (not title.strip() or len(title) > MAX_TITLE):
            raise Refused(400, f"a title must be 1 to {MAX_TITLE} characters")
        with self.using(live) as live:
            self.children(live, [child])
            gallery_id = live.session.keep(child)
            live.session.save()  # session.json: the folder resumes in the Pygame window, too
            if title is not None:
                self.store().publish(gallery_id, title.strip())
            live.message = f"{'published' if title else 'saved'} as #{gallery_id}"
            return gallery_id

    def export(self, live: Live, child: int, size: int, svg: bool = False) -> bytes:
        """Child ``child`` drawn at ``size`` pixels, as PNG (or SVG where the artist draws lines)."""
        with self.using(live) as live:
            self.children(live, [child])
            genome = live.session.artist.population[child].genome
            genetics = live.session.genetics
        return draw(genetics, genome, size, svg)

    def _room(self, live: Live, steps: int = 1) -> None:
        if live.step + steps > MAX_STEPS:
            raise Refused(409, f"this session has {MAX_STEPS} steps, the most one keeps; save a child and press "
                          "'breed from this' on its page to go on in a new session")

    def _commit(self, live: Live, mark: str, record: bool = False) -> None:
        """Store the step just made (and with ``record`` the new generation's ancestry) in one transaction."""
        index = live.session.index
        assert isinstance(index, StoredRun), "web sessions are indexed in the gallery"
        with index.batch():
            if record:
                live.session.record()
            self._stored_step(live, mark, index.store)

    def _stored_step(self, live: Live, mark: str, store: Store) -> None:
        artist, saved = live.session.artist, live.session.artist.state_dict()
        state.write_step(store, live.row.id, live.step, mark, saved, int(saved["next_id"]),
                         artist.config.strength)
        live.row.step = live.step

    def _moved(self, live: Live) -> None:
        artist = live.session.artist
        state.move(self.store(), live.row.id, live.step, int(artist.state_dict()["next_id"]), artist.config.strength)
        live.row.step = live.step


def draw(genetics: Genetics, genome: Any, size: int, svg: bool = False) -> bytes:
    """One genome at ``size`` pixels as PNG bytes, or as SVG text's bytes."""
    if svg:
        if not isinstance(genetics, VectorDrawing):
            raise Refused(400, "this artist has no SVG form (only line drawings such as biomorphs); export PNG")
        return genetics.svg(genome, size).encode("utf-8")
    buffer = io.BytesIO()
    to_pil(genetics.render([genome], size)[0]).save(buffer, format="PNG")
    return buffer.getvalue()


def import_genome(store: Store, spec: str, size: int = 256) -> int:
    """Store a genome file (a Picbreeder XML, a Blind Watchmaker album's ``ALBUM#K``, a coevo genome) in the
    gallery, so visitors can breed from it; a spec stored before keeps its id."""
    folder = store.root / "web-imports"
    run = store.run_at(folder)
    if run is not None:
        for row in store.individuals(run=run.id):
            if row.title == f"imported: {spec}"[:MAX_TITLE]:
                return row.id
    artist, genetics, genome, _ = load_genome(spec)
    image = folder / "images" / f"import-{len(store.individuals(run=run.id)) if run else 0:04d}.png"
    image.parent.mkdir(parents=True, exist_ok=True)
    image.write_bytes(draw(genetics, genome, size))
    run_id = run.id if run is not None else store.add_run(folder, kind="import", artist=artist, critic="",
                                                          source="coevo serve --import")
    return store.add_individual(run_id, artist=artist, genome=genetics.to_json(genome), options=genetics.options(),
                                image=image, title=f"imported: {spec}"[:MAX_TITLE])
