"""How well a learned model of the person agrees with their choices: the preference critic trained on breeding
sessions, its held-out pairwise agreement written as ``agreement.json`` and ``agreement.png`` (50% chance line)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import torch

from coevo.errors import CoevoError
from coevo.programs.build import build_critic
from coevo.protocols import PersonModel
from coevo.store.atomic import atomic_write_bytes, atomic_write_text
from coevo.store.plots import plot_agreement
from coevo.toolkits.choices import read_session
from coevo.training.config import RunConfig

MODEL = "preference"  # the registry's critic that learns a person from their sessions
SIZE = 32  # pixels the model sees: the features of a 15-image generation take a fraction of a second


def learn_person(session: Path, others: Sequence[str] = ()) -> PersonModel:
    """The preference critic trained on the person's choices in ``session`` (as saved) and in ``others``, seeing
    images at the session's size, or ``SIZE`` pixels if that is smaller."""
    try:
        size = min(SIZE, int(read_session(Path(session) / "session.json")["state"]["config"]["size"]))
    except (KeyError, TypeError, ValueError):
        raise CoevoError(f"breeding session {session} has no image size; restore it or breed anew") from None
    channels = 3  # the model sees grey images as colour ones (critics.preference.colour_features)
    spec = ",".join([str(session), *[str(o) for o in others if str(o).strip()]])
    config = RunConfig(critic=MODEL, data="none", critic_options={"sessions": spec})
    critic = build_critic(config, (channels, size, size), torch.device("cpu"))
    if not isinstance(critic, PersonModel):
        raise CoevoError(f"critic {MODEL!r} does not model a person (no agreement_report); see coevo.protocols")
    return critic


def write_agreement(folder: Path, report: dict[str, Any], stem: str = "agreement") -> list[Path]:
    """``STEM.json`` (the report) and ``STEM.png`` (its picture) in ``folder``, atomically."""
    paths = [Path(folder) / f"{stem}.json", Path(folder) / f"{stem}.png"]
    atomic_write_text(paths[0], json.dumps(report, indent=1) + "\n")
    atomic_write_bytes(paths[1], plot_agreement(report))
    return paths


def summary(report: dict[str, Any]) -> str:
    """One line: the held-out agreement beside chance, and on how much it rests."""
    if report["agreement"] is None:
        return (f"no held-out generation yet (every {report['holdout']}th judged one is held out); "
                f"training agreement {report['train_agreement']:.2f}")
    return (f"held-out agreement {report['agreement']:.2f} on {report['pairs_test']} pairs "
            f"({report['generations_test']} generations; chance 0.50)")


def report_session(session: Path, others: Sequence[str] = ()) -> tuple[dict[str, Any], list[Path]]:
    """Train the person model on a session (and others) and write its agreement report into the session folder."""
    folder = session if session.is_dir() else session.parent
    if not (folder / "session.json").is_file():
        raise CoevoError(f"no breeding session at {folder}; pass a folder made by `coevo breed`")
    report = learn_person(folder, others).agreement_report()
    return report, write_agreement(folder, report)
