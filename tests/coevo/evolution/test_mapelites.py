"""The MAP-Elites archive: one elite per cell, never worse from one generation to the next."""

from __future__ import annotations

import itertools
import random

import torch

from coevo.evolution.mapelites import MapElites
from tests.toys import ToyGenetics


def test_archive_fills_and_only_improves():
    random.seed(0)
    torch.manual_seed(0)
    archive = MapElites(ToyGenetics(), cells=2, batch=16, size=8)

    def scorer(images: torch.Tensor) -> torch.Tensor:  # cell 0 prefers bright images, cell 1 dark ones
        mean = images.mean(dim=(1, 2, 3))
        return torch.stack([mean, -mean], dim=1)

    history = [archive.step(scorer) for _ in range(12)]
    for before, after in itertools.pairwise(history):
        assert (after >= before).all()
    elites = archive.elites()
    assert all(e is not None for e in elites)
    assert history[-1][0] > history[0][0] and history[-1][0] > 0.5 and history[-1][1] > 0.5
    assert elites[0].genome != elites[1].genome and elites[0].id != elites[1].id


def brightness_cells(images: torch.Tensor) -> torch.Tensor:
    mean = images.mean(dim=(1, 2, 3))
    return torch.stack([mean, -mean], dim=1)


def test_runners_up_are_the_next_best_distinct_individuals_and_breed():
    random.seed(1)
    torch.manual_seed(1)
    archive = MapElites(ToyGenetics(), cells=2, batch=16, size=8, per_cell=3)
    for _ in range(6):
        archive.step(brightness_cells)
    for cell, top in enumerate(archive.elites()):
        kept = [top, *archive.runners_up[cell]]
        assert len(kept) == 3 and len({e.id for e in kept}) == 3
        assert [e.score for e in kept] == sorted((e.score for e in kept), reverse=True)
    bred_from = {p for parents in archive.ask().parents for p in parents}
    runners = {e.id for cell in archive.runners_up for e in cell}
    assert bred_from & runners, "runners-up never chosen as parents"


def test_a_child_equal_to_an_elite_ranks_above_it_and_worse_ones_fall_off():
    random.seed(2)
    archive = MapElites(ToyGenetics(), cells=1, batch=3, size=8, per_cell=2)
    archive.tell(archive.ask(), torch.tensor([[0.2], [0.5], [0.1]]))
    assert [archive.archive[0].id, archive.runners_up[0][0].id] == [1, 0]
    archive.tell(archive.ask(), torch.tensor([[0.5], [0.3], [0.0]]))  # ids 3, 4, 5
    assert [archive.archive[0].id, archive.runners_up[0][0].id] == [3, 1]


def test_state_round_trip_keeps_runners_up_and_reads_one_per_cell_checkpoints():
    random.seed(3)
    archive = MapElites(ToyGenetics(), cells=2, batch=8, size=8, per_cell=2)
    for _ in range(3):
        archive.step(brightness_cells)
    state = archive.state_dict()
    again = MapElites(ToyGenetics(), cells=2, batch=8, size=8, per_cell=2)
    again.load_state_dict(state)
    assert again.state_dict() == state
    assert [[e.id for e in cell] for cell in again.runners_up] == [[e.id for e in cell] for cell in archive.runners_up]
    assert all(len(cell) == 1 for cell in again.runners_up)
    single = MapElites(ToyGenetics(), cells=2, batch=8, size=8)
    old = {k: v for k, v in state.items() if k != "runners_up"}  # what a one-per-cell checkpoint holds
    single.load_state_dict(old)
    assert single.state_dict() == old and single.runners_up == [[], []]
