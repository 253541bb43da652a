"""A person's recorded choices: what each generation of a breeding session showed and which images were chosen.

A session's ``session.json`` (``coevo breed``) keeps the artist's state before every generation the person bred
(its undo history) and the current one. Two consecutive states give one judged generation: the images shown,
and as *chosen* those that live on in the next generation (as the elite, or as a newborn's parents). A restart (no
individual lives on) is no judgement and is skipped, and so is a generation a critic chose for the person ("breed
for me": the session's ``chosen_by`` names who chose each step, ``PERSON`` or ``critic:NAME``). Read by critics that
model the person (Li & Hu 2010).
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

from coevo.errors import CoevoError
from coevo.store.untrusted import read_text
from coevo.training import registry

MAX_SESSION_BYTES = 2**28  # a session.json of many thousand choices is megabytes

SESSION_FORMAT, SESSION_VERSION = "coevo-breed-session", 1  # what coevo.programs.breed writes
PERSON, RESTART = "person", "restart"  # who chose a step (else "critic:NAME"); sessions without chosen_by: PERSON


def chosen_by(document: dict[str, Any]) -> list[str]:
    """Who chose each step of a session's history (the person unless the session says otherwise)."""
    history = document.get("history") or []
    marks = [str(m) for m in document.get("chosen_by") or []]
    return (marks + [PERSON] * len(history))[: len(history)]


@dataclass(eq=False)  # compared by identity
class Judgement:
    """One generation a person judged: its images and which of them were chosen."""

    images: torch.Tensor  # (N, C, H, W) in [-1, 1]
    chosen: torch.Tensor  # (N,) bool
    generation: int
    session: str

    def pairs(self) -> list[tuple[int, int]]:
        """(chosen, unchosen) index pairs: the person preferred the first to the second."""
        picked = self.chosen.nonzero().flatten().tolist()
        passed = (~self.chosen).nonzero().flatten().tolist()
        return [(a, b) for a in picked for b in passed]


def session_files(spec: str | Path) -> list[Path]:
    """The ``session.json`` files named by ``spec``: comma-separated session folders or files, or folders
    holding session folders (searched below)."""
    found: list[Path] = []
    for part in [p.strip() for p in str(spec).split(",") if p.strip()]:
        path = Path(part).expanduser()
        if path.is_file():
            found.append(path)
        elif (path / "session.json").is_file():
            found.append(path / "session.json")
        elif path.is_dir():
            found += sorted(path.rglob("session.json"))
        else:
            raise CoevoError(f"no breeding session at {path}; pass folders made by `coevo breed`")
    if not found:
        raise CoevoError(f"no session.json below {spec}; breed with `coevo breed` first")
    return found


def read_session(path: Path) -> dict[str, Any]:
    try:
        document = json.loads(read_text(Path(path), "breeding session", MAX_SESSION_BYTES))
    except (json.JSONDecodeError, RecursionError) as exc:
        raise CoevoError(f"cannot read breeding session {path} ({exc}); restore it or breed anew") from None
    if not isinstance(document, dict) or document.get("format") != SESSION_FORMAT:
        raise CoevoError(f"{path} is not a coevo breeding session; pass the session.json `coevo breed` wrote")
    if document.get("version") != SESSION_VERSION:
        raise CoevoError(f"{path} has session version {document.get('version')!r}; this coevo reads "
                         f"{SESSION_VERSION}")
    return document


def judgements(spec: str | Path, size: int) -> list[Judgement]:
    """Every judged generation of the sessions named by ``spec``, rendered at ``size`` pixels, in order."""
    out: list[Judgement] = []
    for path in session_files(spec):
        document = read_session(path)
        try:
            cls = registry.load(registry.artist_entry(document["artist"]))
            genetics = registry.construct(cls, f"artist {document['artist']!r}", {}, dict(document["options"]))
            states = [*document["history"], document["state"]]
            for (before, after), chooser in zip(itertools.pairwise(states), chosen_by(document)):
                if chooser != PERSON:
                    continue  # a critic's choice, or a restart: not the person's judgement
                shown = before["population"]
                ids = {int(d["id"]) for d in shown}
                kept = {int(d["id"]) for d in after["population"]} & ids  # the elite: the first choice
                born = [d for d in after["population"] if int(d["id"]) not in ids]
                living = kept | {int(p) for d in born for p in d["parents"]}  # (an elite keeps its own parents)
                chosen = torch.tensor([int(d["id"]) in living for d in shown])
                if not chosen.any() or chosen.all():
                    continue  # a restart, or nothing told apart
                images = genetics.render([genetics.from_json(d["genome"]) for d in shown], size)
                out.append(Judgement(images.float(), chosen, int(before["generation"]), str(path.parent)))
        except (KeyError, TypeError, ValueError) as exc:
            raise CoevoError(f"breeding session {path} is incomplete ({exc!r}); restore it or breed anew") from None
    return out
