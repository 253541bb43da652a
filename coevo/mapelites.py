"""A MAP-Elites archive over any ``Genetics``: one elite per cell, each cell scored separately.

Each generation breeds a batch of children from random elites (mutation, sometimes crossover), scores every
child for every cell, and a child takes each cell it beats the elite of (Nguyen, Yosinski & Clune 2015).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import torch

from coevo.protocols import Genetics

CellScorer = Callable[[torch.Tensor], torch.Tensor]  # images (B, C, H, W) -> scores (B, cells)


@dataclass
class Elite:
    """The best genome found so far for one cell."""

    genome: Any
    score: float
    generation: int  # when it entered the cell
    id: int  # individual id, unique within the run
    parents: tuple[int, ...] = ()


class MapElites:
    """The archive and its generational loop."""

    def __init__(self, genetics: Genetics, cells: int, batch: int = 100, size: int = 28, cxpb: float = 0.1,
                 strength: float = 1.0) -> None:
        if cells < 1 or batch < 1:
            raise ValueError("cells and batch must be at least 1")
        self.genetics, self.batch, self.size, self.cxpb, self.strength = genetics, batch, size, cxpb, strength
        self.archive: list[Elite | None] = [None] * cells
        self.generation = 0
        self._next_id = 0

    def children(self) -> list[tuple[Any, tuple[int, ...]]]:
        """A batch of (genome, parent ids): random genomes while the archive is empty, else offspring of elites."""
        elites = [e for e in self.archive if e is not None]
        if not elites:
            return [(self.genetics.random_genome(), ()) for _ in range(self.batch)]
        out: list[tuple[Any, tuple[int, ...]]] = []
        while len(out) < self.batch:
            a = random.choice(elites)
            if len(elites) > 1 and random.random() < self.cxpb:
                b = random.choice([e for e in elites if e is not a])
                child, _ = self.genetics.crossover(a.genome, b.genome)
                out.append((self.genetics.mutate(child, self.strength), (a.id, b.id)))
            else:
                out.append((self.genetics.mutate(a.genome, self.strength), (a.id,)))
        return out

    def step(self, scorer: CellScorer) -> torch.Tensor:
        """One generation; returns the archive's scores per cell afterwards (``-inf`` for empty cells)."""
        batch = self.children()
        images = self.genetics.render([g for g, _ in batch], self.size)
        scores = scorer(images).detach().float().cpu()
        ids = list(range(self._next_id, self._next_id + len(batch)))
        self._next_id += len(batch)
        for cell in range(len(self.archive)):
            best = int(torch.argmax(scores[:, cell]))
            value = float(scores[best, cell])
            current = self.archive[cell]
            if current is None or value >= current.score:  # ties move on: neutral drift off plateaus
                genome, parents = batch[best]
                self.archive[cell] = Elite(genome, value, self.generation, ids[best], parents)
        self.generation += 1
        return self.scores()

    def scores(self) -> torch.Tensor:
        return torch.tensor([-float("inf") if e is None else e.score for e in self.archive])

    def elites(self) -> list[Elite | None]:
        return list(self.archive)
