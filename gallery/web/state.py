"""Web breeding sessions in the gallery database: who owns each, and every state it has been in.

A session is one row of ``web_sessions`` and one ``web_states`` row per step (its first generation, then one per
choice or restart). The current state is the row ``step``; rows below it are the undo history, rows above it what
redo brings back until a new choice drops them. Each change is one transaction, so a restarted server (or one
killed mid-request) finds every session as its last answered request left it.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

from gallery.store import Store


@dataclass
class SessionRow:
    """A web session's row: its owner, its gallery run, and where it stands."""

    id: str
    visitor: str
    run: int
    artist: str
    options: dict[str, Any]
    source: str
    step: int
    next_id: int
    strength: float
    created: float
    updated: float
    name: str = ""


@dataclass
class Steps:
    """A session's stored states: ``states[k]`` is step k's artist state, ``marks[k]`` who made it."""

    states: list[dict[str, Any]]
    marks: list[str]


def add_session(store: Store, row: SessionRow, state: dict[str, Any]) -> None:
    """Store a new session and its first state."""
    with store.transaction() as db:
        db.execute("INSERT INTO web_sessions (id, visitor, run, artist, options, source, step, next_id, strength, "
                   "created, updated, name) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   (row.id, row.visitor, row.run, row.artist, json.dumps(row.options), row.source, 0, row.next_id,
                    row.strength, row.created, row.updated, row.name))
        db.execute("INSERT INTO web_states (session, step, chosen_by, state) VALUES (?, 0, '', ?)",
                   (row.id, json.dumps(state)))


def get_session(store: Store, session: str) -> SessionRow | None:
    found = store.db.execute("SELECT id, visitor, run, artist, options, source, step, next_id, strength, created, "
                             "updated, name FROM web_sessions WHERE id = ?", (session,)).fetchone()
    if found is None:
        return None
    sid, visitor, run, artist, options, source, step, next_id, strength, created, updated, name = found
    return SessionRow(sid, visitor, int(run), artist, json.loads(options), source, int(step), int(next_id),
                      float(strength), float(created), float(updated), name)


def sessions_of(store: Store, visitor: str, limit: int = 50) -> list[SessionRow]:
    """A visitor's sessions, the latest first."""
    ids = [r[0] for r in store.db.execute("SELECT id FROM web_sessions WHERE visitor = ? ORDER BY updated DESC "
                                          "LIMIT ?", (visitor, limit)).fetchall()]
    return [row for row in (get_session(store, i) for i in ids) if row is not None]


def count_sessions(store: Store, visitor: str) -> int:
    return int(store.db.execute("SELECT count(*) FROM web_sessions WHERE visitor = ?", (visitor,)).fetchone()[0])


def session_of_run(store: Store, run: int) -> SessionRow | None:
    """The web session that bred gallery run ``run`` (None for a run made elsewhere)."""
    found = store.db.execute("SELECT id FROM web_sessions WHERE run = ?", (run,)).fetchone()
    return None if found is None else get_session(store, found[0])


def read_steps(store: Store, session: str) -> Steps:
    """Every stored state of a session, step 0 first."""
    rows = store.db.execute("SELECT step, chosen_by, state FROM web_states WHERE session = ? ORDER BY step",
                            (session,)).fetchall()
    return Steps([json.loads(r[2]) for r in rows], [str(r[1]) for r in rows])


def write_step(store: Store, session: str, step: int, mark: str, state: dict[str, Any], next_id: int,
               strength: float) -> None:
    """A choice or restart made step ``step``: drop what redo could have brought back, store the new state and
    move the session to it."""
    with store.transaction() as db:
        db.execute("DELETE FROM web_states WHERE session = ? AND step >= ?", (session, step))
        db.execute("INSERT INTO web_states (session, step, chosen_by, state) VALUES (?, ?, ?, ?)",
                   (session, step, mark, json.dumps(state)))
        db.execute("UPDATE web_sessions SET step = ?, next_id = ?, strength = ?, updated = ? WHERE id = ?",
                   (step, next_id, strength, time.time(), session))


def move(store: Store, session: str, step: int, next_id: int, strength: float) -> None:
    """Undo, redo or a new mutation strength: the session points at another stored state (or keeps its own)."""
    with store.transaction() as db:
        db.execute("UPDATE web_sessions SET step = ?, next_id = ?, strength = ?, updated = ? WHERE id = ?",
                   (step, next_id, strength, time.time(), session))
