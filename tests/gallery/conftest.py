"""Toy runs indexed in a gallery, shared by the gallery tests."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from coevo.programs.run import start
from gallery.catalog import GalleryCatalog
from gallery.store import Store
from tests.helpers import toy_config


@dataclass
class Branched:
    """Run ``a`` from scratch, then run ``b`` branched from a's last champion (``origin``)."""

    root: Path
    a: Path
    b: Path
    origin: int


def make_branched(root: Path) -> Branched:
    start(toy_config(), root / "a", GalleryCatalog())
    with Store(root) as store:
        origin = store.individuals(run=store.run_at(root / "a").id)[-1].id
    start(toy_config(seed=4, rounds=3, start_from=f"gallery:{root}:{origin}"), root / "b", GalleryCatalog())
    return Branched(root, root / "a", root / "b", origin)


@pytest.fixture(scope="session")
def branched(tmp_path_factory: pytest.TempPathFactory) -> Branched:
    return make_branched(tmp_path_factory.mktemp("gallery"))
