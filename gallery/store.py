"""The gallery database: every run and breeding session, and every stored individual with its ancestry.

One SQLite file (``gallery.db``, WAL mode) in the output root, beside the run folders. Each write is one
transaction, so a reader never waits for a run and a killed writer loses nothing it committed.

Individuals have a global ``id`` (the gallery id, ``gallery:ID`` on the command line) and, within their run,
the artist's ``local_id``. ``parents`` holds global ids: the nearest *stored* ancestors, found through the
run's ancestry table (every individual's local parents) and, at a run's roots, the gallery individual the
run was branched from (``runs.origin``).
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from coevo.errors import CoevoError

FILENAME = "gallery.db"
BUSY_SECONDS = {False: 30.0, True: 2.0}  # how long a writer / a reader waits for another connection's write

# Schema migrations, applied in order; PRAGMA user_version counts how many a database has had.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE runs (
        id INTEGER PRIMARY KEY,
        path TEXT NOT NULL UNIQUE,          -- run folder, relative to the gallery root when inside it
        kind TEXT NOT NULL,                 -- 'run' (automated) or 'breed' (a breeding session)
        artist TEXT NOT NULL,
        critic TEXT NOT NULL,
        data TEXT NOT NULL,
        settings TEXT NOT NULL,             -- JSON: the run's config
        origin INTEGER REFERENCES individuals(id),  -- gallery id the run was branched from
        source TEXT NOT NULL DEFAULT '',    -- what the run was started from, as the user wrote it
        created REAL NOT NULL
    );
    CREATE TABLE individuals (
        id INTEGER PRIMARY KEY,
        run INTEGER NOT NULL REFERENCES runs(id),
        local_id INTEGER,                   -- the artist's id within the run
        round INTEGER NOT NULL,             -- round or generation it was first stored at
        artist TEXT NOT NULL,
        options TEXT NOT NULL,              -- JSON: genetics constructor options
        genome TEXT NOT NULL,               -- JSON: the artist's genome form
        parents TEXT NOT NULL,              -- JSON list of gallery ids (nearest stored ancestors)
        score REAL,                         -- the critic's latest score
        scores TEXT NOT NULL,               -- JSON {round: score}
        image TEXT,                         -- PNG, relative to the gallery root when inside it
        published INTEGER NOT NULL DEFAULT 0,
        title TEXT NOT NULL DEFAULT '',
        created REAL NOT NULL,
        UNIQUE (run, local_id)
    );
    CREATE TABLE ancestry (
        run INTEGER NOT NULL REFERENCES runs(id),
        local_id INTEGER NOT NULL,
        round INTEGER NOT NULL,             -- round it first appeared in
        parents TEXT NOT NULL,              -- JSON list of local ids
        PRIMARY KEY (run, local_id)
    );
    CREATE INDEX individuals_published ON individuals(published);
    """,
    """
    CREATE TABLE web_sessions (
        id TEXT PRIMARY KEY,                -- the session's random token (its page's address)
        visitor TEXT NOT NULL,              -- the anonymous visitor who owns it (the id in their signed cookie)
        run INTEGER NOT NULL REFERENCES runs(id),  -- its breeding session folder, indexed like any other
        artist TEXT NOT NULL,
        options TEXT NOT NULL,              -- JSON: genetics constructor options
        source TEXT NOT NULL DEFAULT '',    -- where its first parent came from ('' random, gallery:ID, a file)
        step INTEGER NOT NULL,              -- the current state: a row of web_states
        next_id INTEGER NOT NULL,           -- artist ids handed out so far (an undo never hands one out again)
        strength REAL NOT NULL,             -- mutation strength (kept across undo and redo)
        name TEXT NOT NULL DEFAULT '',      -- the name the visitor gave, if any (no registration)
        created REAL NOT NULL,
        updated REAL NOT NULL
    );
    CREATE TABLE web_states (
        session TEXT NOT NULL REFERENCES web_sessions(id),
        step INTEGER NOT NULL,              -- 0: the first generation, and one more for each choice or restart
        chosen_by TEXT NOT NULL,            -- who made this step from the one before ('' for step 0)
        state TEXT NOT NULL,                -- JSON: the artist's state (EvolutionaryArtist.state_dict)
        PRIMARY KEY (session, step)
    );
    CREATE INDEX web_sessions_visitor ON web_sessions(visitor);
    """,
)


@dataclass
class RunRow:
    """One run or breeding session."""

    id: int
    path: Path  # absolute run folder
    kind: str
    artist: str
    critic: str
    data: str
    settings: dict[str, Any]
    origin: int | None
    source: str
    created: float

    @property
    def name(self) -> str:
        return self.path.name


@dataclass
class IndividualRow:
    """One stored individual."""

    id: int
    run: int
    local_id: int | None
    round: int
    artist: str
    options: dict[str, Any]
    genome: dict[str, Any]
    parents: list[int]
    score: float | None
    scores: dict[str, float]
    image: Path | None  # absolute PNG path; may be missing on disk
    published: bool
    title: str
    created: float


class GalleryBusy(CoevoError, sqlite3.OperationalError):
    """Another process held the database past the wait: one line for the CLI, still "locked" for the retries."""


class Connection(sqlite3.Connection):
    """A connection whose "database is locked" (another process holding the file past the busy wait, e.g. with an
    EXCLUSIVE lock taken after this one opened it) is one line naming the fix instead of a traceback."""

    file = "gallery.db"  # the database's path, for the message

    def execute(self, sql: str, parameters: Any = (), /) -> sqlite3.Cursor:
        try:
            return super().execute(sql, parameters)
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            raise GalleryBusy(f"gallery database {self.file} is busy ({exc}): another process holds it; try again, or "
                              "stop that process") from None


class Store:
    """A gallery database; open one per thread or process (connections are not shared)."""

    def __init__(self, root: Path, create: bool = True) -> None:
        self.root = Path(root).resolve()
        self.path = self.root / FILENAME
        self.reader = not create
        if not self.path.exists() and not create:
            raise CoevoError(f"no gallery at {self.path} (the first run in a folder makes one); name the folder "
                             "holding the runs with --root DIR or gallery:DIR:ID")
        if not create and self.path.is_file() and self.path.stat().st_size == 0:
            raise CoevoError(f"gallery database {self.path} is empty (0 bytes); delete it and rebuild it from the "
                             "run folders with `coevo gallery index`")
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            self._open()
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise CoevoError(f"gallery database {self.path} is unreadable ({exc}); move it aside and rebuild "
                                 "it from the run folders with `coevo gallery index`") from None
            raise CoevoError(f"gallery database {self.path} is busy: another process has held a write for over "
                             f"{BUSY_SECONDS[self.reader]:g} s; try again, or stop that process") from None
        except sqlite3.DatabaseError as exc:
            raise CoevoError(f"gallery database {self.path} is unreadable ({exc}); move it aside and rebuild it "
                             "from the run folders with `coevo gallery index`") from None

    def _open(self, attempts: int = 100) -> None:
        """Connect, switch to WAL and migrate; a new database's WAL switch can answer "locked" at once
        (without waiting) while another process creates it too, so that case is retried."""
        attempts = 1 if self.reader else attempts  # a reader has waited BUSY_SECONDS already: it says so at once
        for attempt in range(attempts):
            self.db = sqlite3.connect(self.path, timeout=BUSY_SECONDS[self.reader], isolation_level=None,
                                      check_same_thread=False, factory=Connection)
            self.db.file = str(self.path)  # type: ignore[attr-defined]
            try:
                self.db.execute("PRAGMA journal_mode=WAL")
                self.db.execute("PRAGMA synchronous=FULL")
                self.db.execute("PRAGMA foreign_keys=ON")
                self._migrate()
                return
            except sqlite3.OperationalError as exc:
                self.db.close()
                if "locked" not in str(exc) or attempt == attempts - 1:
                    raise
                time.sleep(0.05)

    @classmethod
    def for_run(cls, run_folder: Path) -> Store:
        """The store of a run folder: ``gallery.db`` in its parent folder (``runs/NAME`` -> ``runs/gallery.db``)."""
        return cls(Path(run_folder).resolve().parent)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def version(self) -> int:
        return int(self.db.execute("PRAGMA user_version").fetchone()[0])

    def _migrate(self) -> None:
        """Bring the schema up to date; a current one is left alone (so a reader takes no write lock), and a
        foreign SQLite file (tables but no coevo version) is refused rather than adopted."""
        if self.version == len(MIGRATIONS):
            return
        if self.version == 0 and self.db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
            raise CoevoError(f"{self.path} is an SQLite database that coevo did not make (it has tables but no coevo "
                             "schema); move it aside or name another folder with --root")
        with self.transaction():
            current = self.version
            if current > len(MIGRATIONS):
                raise CoevoError(f"gallery {self.path} has schema version {current}; this coevo knows up to "
                                 f"{len(MIGRATIONS)}: upgrade coevo")
            for number in range(current, len(MIGRATIONS)):
                for statement in MIGRATIONS[number].split(";"):
                    if statement.strip():
                        self.db.execute(statement)
                self.db.execute(f"PRAGMA user_version = {number + 1}")

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (taken at once, so concurrent writers queue instead of deadlocking); a
        transaction opened inside another joins it (one commit for a batch of writes)."""
        if self.db.in_transaction:
            yield self.db
            return
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def integrity(self) -> str:
        """SQLite's integrity check: ``"ok"`` for a sound database."""
        return str(self.db.execute("PRAGMA integrity_check").fetchone()[0])

    # ---- paths are stored relative to the root so the whole folder can move

    def _relative(self, path: Path | str | None) -> str | None:
        if path is None:
            return None
        absolute = Path(os.path.abspath(path))
        try:
            return absolute.relative_to(self.root).as_posix()
        except ValueError:
            return str(absolute)

    def _absolute(self, text: str | None) -> Path | None:
        return None if text is None else self.root / text

    # ---- writing

    def add_run(self, folder: Path, *, kind: str = "run", artist: str, critic: str = "", data: str = "",
                settings: dict[str, Any] | None = None, origin: int | None = None, source: str = "") -> int:
        """Index a run folder (or breeding session folder) and return its run id; an indexed folder keeps its id
        (and takes the new ``settings``, e.g. a resumed run's new round count)."""
        path = self._relative(folder)
        with self.transaction() as db:
            row = db.execute("SELECT id FROM runs WHERE path = ?", (path,)).fetchone()
            if row is not None:
                if settings is not None:
                    db.execute("UPDATE runs SET settings = ? WHERE id = ?", (json.dumps(settings), row[0]))
                return int(row[0])
            if origin is not None and self.individual(origin) is None:
                origin = None
            cursor = db.execute(
                "INSERT INTO runs (path, kind, artist, critic, data, settings, origin, source, created) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (path, kind, artist, critic, data, json.dumps(settings or {}), origin, source, time.time()))
            return int(cursor.lastrowid)

    def origin_of(self, meta: dict[str, Any], source: str | Path = "") -> int | None:
        """The gallery id of a loaded genome if it is stored here: from ``load_genome("gallery:ID")``'s meta, or
        a champion file ``RUN/genomes/*.json`` (``source``) of a run indexed here."""
        root = meta.get("gallery_root")
        if root is not None:
            return int(meta["gallery_id"]) if Path(root).resolve() == self.root else None
        if not source or meta.get("id") is None or str(source).startswith("gallery:"):
            return None
        run = self.run_at(Path(source).resolve().parent.parent)
        row = None if run is None else self.db.execute("SELECT id FROM individuals WHERE run = ? AND local_id = ?",
                                                       (run.id, int(meta["id"]))).fetchone()
        return None if row is None else int(row[0])

    def record_population(self, run: int, round_index: int, ids: Sequence[int],
                          parents: Sequence[Sequence[int]]) -> None:
        """Remember who descends from whom (local ids) for every individual seen; repeats are ignored."""
        rows = [(run, int(i), round_index, json.dumps([int(p) for p in ps])) for i, ps in zip(ids, parents)]
        with self.transaction() as db:
            db.executemany("INSERT OR IGNORE INTO ancestry (run, local_id, round, parents) VALUES (?, ?, ?, ?)", rows)

    def add_individual(self, run: int, *, artist: str, genome: dict[str, Any], options: dict[str, Any] | None = None,
                       round_index: int = 0, local_id: int | None = None, local_parents: Sequence[int] = (),
                       parents: Sequence[int] | None = None, score: float | None = None,
                       image: Path | None = None, title: str = "", published: bool = False) -> int:
        """Store an individual and return its gallery id.

        ``parents`` are gallery ids; when omitted they are found from ``local_parents`` and the run's
        ancestry. Storing the same (run, local_id) again updates its score and keeps its gallery id.
        """
        local_id = None if local_id is None else int(local_id)
        score = None if score is None else float(score)
        round_index = int(round_index)
        with self.transaction() as db:
            if local_id is not None:
                db.execute("INSERT OR IGNORE INTO ancestry (run, local_id, round, parents) VALUES (?, ?, ?, ?)",
                           (run, local_id, round_index, json.dumps([int(p) for p in local_parents])))
                row = db.execute("SELECT id, scores FROM individuals WHERE run = ? AND local_id = ?",
                                 (run, local_id)).fetchone()
                if row is not None:
                    scores = json.loads(row[1]) | ({str(round_index): score} if score is not None else {})
                    db.execute("UPDATE individuals SET score = COALESCE(?, score), scores = ?, "
                               "image = COALESCE(image, ?) WHERE id = ?",
                               (score, json.dumps(scores), self._relative(image), row[0]))
                    return int(row[0])
            if parents is None:
                parents = self._stored_ancestors(run, local_parents)
            for parent in parents:
                if db.execute("SELECT 1 FROM individuals WHERE id = ?", (parent,)).fetchone() is None:
                    raise CoevoError(f"parent {parent} is not in the gallery {self.path}; pass gallery ids "
                                     "returned by Store.add_individual")
            cursor = db.execute(
                "INSERT INTO individuals (run, local_id, round, artist, options, genome, parents, score, scores, "
                "image, published, title, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (run, local_id, round_index, artist, json.dumps(options or {}), json.dumps(genome),
                 json.dumps([int(p) for p in parents]), score,
                 json.dumps({str(round_index): score} if score is not None else {}), self._relative(image),
                 int(published), title, time.time()))
            return int(cursor.lastrowid)

    def _stored_ancestors(self, run: int, local_parents: Iterable[int]) -> list[int]:
        """Gallery ids of the nearest stored ancestors of an individual with these local parents."""
        found: list[int] = []
        frontier, seen = list(dict.fromkeys(int(p) for p in local_parents)), set()
        reached_root = not frontier
        while frontier:
            seen.update(frontier)
            marks = ",".join("?" * len(frontier))
            stored = dict(self.db.execute(f"SELECT local_id, id FROM individuals WHERE run = ? AND local_id IN "
                                          f"({marks})", (run, *frontier)).fetchall())
            found += [stored[p] for p in frontier if p in stored]
            rest = [p for p in frontier if p not in stored]
            known = dict(self.db.execute(f"SELECT local_id, parents FROM ancestry WHERE run = ? AND local_id IN "
                                         f"({','.join('?' * len(rest))})", (run, *rest)).fetchall())
            following: list[int] = []
            for p in rest:
                ups = json.loads(known.get(p, "[]"))
                reached_root |= not ups
                following += [u for u in ups if u not in seen]
            frontier = list(dict.fromkeys(following))
        if reached_root:
            origin = self.db.execute("SELECT origin FROM runs WHERE id = ?", (run,)).fetchone()
            if origin is not None and origin[0] is not None:
                found.append(int(origin[0]))
        return sorted(set(found))

    def forget_rounds(self, run: int, first: int) -> None:
        """Drop what a run stored from round ``first`` on (a resumed run replays those rounds), keeping
        published individuals and those another run was branched from (a replay stores them again in place)."""
        with self.transaction() as db:
            db.execute("DELETE FROM individuals WHERE run = ? AND round >= ? AND published = 0 AND id NOT IN "
                       "(SELECT origin FROM runs WHERE origin IS NOT NULL)", (run, first))
            db.execute("DELETE FROM ancestry WHERE run = ? AND round >= ?", (run, first))

    def publish(self, individual: int, title: str | None = None, published: bool = True) -> IndividualRow:
        """Mark an individual published (shown on the front page), optionally titling it."""
        if self.individual(individual) is None:
            raise CoevoError(f"no individual {individual} in {self.path}; see `coevo gallery list`")
        with self.transaction() as db:
            db.execute("UPDATE individuals SET published = ?, title = COALESCE(?, title) WHERE id = ?",
                       (int(published), title, individual))
        row = self.individual(individual)
        assert row is not None
        return row

    # ---- reading

    def runs(self) -> list[RunRow]:
        return [self._run(r) for r in self.db.execute("SELECT * FROM runs ORDER BY id").fetchall()]

    def run(self, run: int) -> RunRow | None:
        row = self.db.execute("SELECT * FROM runs WHERE id = ?", (run,)).fetchone()
        return None if row is None else self._run(row)

    def run_at(self, folder: Path) -> RunRow | None:
        row = self.db.execute("SELECT * FROM runs WHERE path = ?", (self._relative(folder),)).fetchone()
        return None if row is None else self._run(row)

    def individual(self, individual: int) -> IndividualRow | None:
        row = self.db.execute("SELECT * FROM individuals WHERE id = ?", (individual,)).fetchone()
        return None if row is None else self._individual(row)

    def get(self, individual: int) -> IndividualRow:
        """An individual, or a ``CoevoError`` naming the fix."""
        row = self.individual(individual)
        if row is None:
            raise CoevoError(f"no individual {individual} in {self.path}; see `coevo gallery list`")
        return row

    def individuals(self, run: int | None = None, published: bool | None = None) -> list[IndividualRow]:
        query, args = "SELECT * FROM individuals WHERE 1", []
        if run is not None:
            query, args = query + " AND run = ?", [*args, run]
        if published is not None:
            query, args = query + " AND published = ?", [*args, int(published)]
        return [self._individual(r) for r in self.db.execute(query + " ORDER BY id", args).fetchall()]

    def lineage(self, individual: int) -> list[IndividualRow]:
        """The individual and all its stored ancestors, across runs, nearest first (breadth-first)."""
        order: list[IndividualRow] = []
        seen, frontier = {individual}, [individual]
        while frontier:
            rows = [self.individual(i) for i in frontier]
            current = [r for r in rows if r is not None]
            order += current
            frontier = [p for r in current for p in r.parents if p not in seen]
            seen.update(frontier)
            frontier = list(dict.fromkeys(frontier))
        return order

    def children(self, individual: int) -> list[IndividualRow]:
        """Stored individuals naming this one as a parent (including seeds of runs branched from it)."""
        pattern = [f"%[{individual}]%", f"%[{individual},%", f"%, {individual}]%", f"%, {individual},%"]
        rows = self.db.execute("SELECT * FROM individuals WHERE " + " OR ".join(["parents LIKE ?"] * 4) +
                               " ORDER BY id", pattern).fetchall()
        return [r for r in map(self._individual, rows) if individual in r.parents]

    def _run(self, row: sqlite3.Row | tuple[Any, ...]) -> RunRow:
        rid, path, kind, artist, critic, data, settings, origin, source, created = row
        return RunRow(rid, self._absolute(path) or self.root, kind, artist, critic, data, json.loads(settings),
                      origin, source, created)

    def _individual(self, row: sqlite3.Row | tuple[Any, ...]) -> IndividualRow:
        (iid, run, local_id, round_index, artist, options, genome, parents, score, scores, image, published,
         title, created) = row
        return IndividualRow(iid, run, local_id, round_index, artist, json.loads(options), json.loads(genome),
                             json.loads(parents), score, json.loads(scores), self._absolute(image), bool(published),
                             title, created)


def no_parents(run: RunRow | None) -> str:
    """What to say of an individual with no stored parents: where its run began (a Picbreeder XML, an album, a
    genome file), or that it is a first ancestor."""
    if run is not None and run.source and not run.source.startswith("gallery:"):
        return f"none stored: its run started from {run.source}"
    return "none (a first ancestor)"


def parse_spec(spec: str) -> tuple[Path, int]:
    """``gallery:ID`` (root ``runs``) or ``gallery:ROOT:ID`` -> (gallery root, id)."""
    body = spec.removeprefix("gallery:")
    root, _, number = body.rpartition(":")
    try:
        individual = int(number)
    except ValueError:
        raise CoevoError(f"{spec!r} is not gallery:ID or gallery:ROOT:ID (ID a number from `coevo gallery list`)"
                         ) from None
    root_path = Path(root or "runs")
    if root_path.suffix == ".db":
        root_path = root_path.parent
    return root_path, individual
