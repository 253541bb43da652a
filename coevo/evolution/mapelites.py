"""MAP-Elites over any ``Genetics`` as an artist: an elite per cell (class), each cell scored separately.

Each generation ``ask`` breeds a batch of children from random elites (mutation, sometimes crossover) and
proposes them for per-class scoring; ``tell`` takes the critic's ``(N, cells)`` scores, and a child takes
every cell whose elite it beats (Nguyen, Yosinski & Clune 2015). With ``per_cell`` > 1 a cell also keeps its
runners-up (the next best distinct individuals), and they breed as elites do.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import torch

from coevo.protocols import Genetics, Proposal
from coevo.rng import python_rng

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
    """The archive as an ``Artist``: its proposals ask to be scored per cell (``Proposal.per_class``)."""

    def __init__(self, genetics: Genetics, cells: int, batch: int = 100, size: int = 28, cxpb: float = 0.1,
                 strength: float = 1.0, per_cell: int = 1) -> None:
        if cells < 1 or batch < 1 or per_cell < 1:
            raise ValueError("cells, batch and per_cell must be at least 1")
        self.genetics, self.batch, self.size, self.cxpb, self.strength = genetics, batch, size, cxpb, strength
        self.per_cell = per_cell
        self.archive: list[Elite | None] = [None] * cells
        self.runners_up: list[list[Elite]] = [[] for _ in range(cells)]  # per cell, best first, per_cell - 1 at most
        self.generation = 0
        self._next_id = 0
        self._pending: list[tuple[Any, tuple[int, ...]]] | None = None  # the children asked about, not yet told
        self._images: torch.Tensor | None = None

    def children(self) -> list[tuple[Any, tuple[int, ...]]]:
        """A batch of (genome, parent ids): random genomes while the archive is empty, else offspring of elites."""
        rng = python_rng()
        elites = [e for cell, top in enumerate(self.archive) if top is not None
                  for e in (top, *self.runners_up[cell])]
        if not elites:
            return [(self.genetics.random_genome(), ()) for _ in range(self.batch)]
        out: list[tuple[Any, tuple[int, ...]]] = []
        while len(out) < self.batch:
            a = rng.choice(elites)
            if len(elites) > 1 and rng.random() < self.cxpb:
                b = rng.choice([e for e in elites if e is not a])
                child, _ = self.genetics.crossover(a.genome, b.genome)
                out.append((self.genetics.mutate(child, self.strength), (a.id, b.id)))
            else:
                out.append((self.genetics.mutate(a.genome, self.strength), (a.id,)))
        return out

    def ask(self) -> Proposal:
        """This generation's children, rendered; asking again before ``tell`` shows the same children."""
        if self._pending is None:
            self._pending = self.children()
            self._images = self.genetics.render([g for g, _ in self._pending], self.size)
        ids = list(range(self._next_id, self._next_id + len(self._pending)))
        return Proposal(self._images, genomes=[g for g, _ in self._pending], ids=ids,
                        parents=[p for _, p in self._pending], per_class=True)

    def tell(self, proposal: Proposal, scores: torch.Tensor) -> dict[str, float]:
        """Each cell takes its best children if they are at least as good as its elites (ties move on: neutral
        drift)."""
        if self._pending is None or proposal.ids is None or proposal.ids[0] != self._next_id:
            raise RuntimeError("tell() got a proposal that is not the current batch; call ask() first")
        scores = scores.detach().float().cpu()
        if scores.shape != (len(self._pending), len(self.archive)):
            raise ValueError(f"MAP-Elites needs scores (children, cells) = ({len(self._pending)}, "
                             f"{len(self.archive)}), got {tuple(scores.shape)}")
        for cell in range(len(self.archive)):
            self._keep_best(cell, scores[:, cell], proposal.ids)
        self._next_id += len(self._pending)
        self._pending, self._images = None, None
        self.generation += 1
        return self.metrics()

    def _keep_best(self, cell: int, scores: torch.Tensor, ids: list[int]) -> None:
        """The cell's ``per_cell`` best of its elites and this batch; a child ranks above an equal elite."""
        order = torch.argsort(scores, descending=True, stable=True)[: self.per_cell].tolist()
        children = [Elite(self._pending[i][0], float(scores[i]), self.generation, ids[i], self._pending[i][1])
                    for i in order]
        current = [e for e in (self.archive[cell], *self.runners_up[cell]) if e is not None]
        kept = sorted(children + current, key=lambda e: -e.score)[: self.per_cell]  # stable: children first
        self.archive[cell], self.runners_up[cell] = kept[0], kept[1:]

    def step(self, scorer: CellScorer) -> torch.Tensor:
        """One generation scored by ``scorer`` outside any loop; returns the archive's scores per cell."""
        proposal = self.ask()
        self.tell(proposal, scorer(proposal.images))
        return self.scores()

    def metrics(self) -> dict[str, float]:
        """The elite's score per cell, and their minimum and mean."""
        values = self.scores().tolist()
        return {**{f"confidence_{c}": v for c, v in enumerate(values)}, "confidence_min": min(values),
                "confidence_mean": sum(values) / len(values)}

    def scores(self) -> torch.Tensor:
        return torch.tensor([-float("inf") if e is None else e.score for e in self.archive])

    def elites(self) -> list[Elite | None]:
        return list(self.archive)

    def state_dict(self) -> dict[str, Any]:
        """The archive with genomes in JSON form (checkpoints hold no pickled objects); runners-up only when
        kept, so a one-per-cell checkpoint reads as before."""
        state: dict[str, Any] = {"cells": [None if e is None else self._elite_json(e) for e in self.archive],
                                 "generation": self.generation, "next_id": self._next_id}
        if self.per_cell > 1:
            state["runners_up"] = [[self._elite_json(e) for e in cell] for cell in self.runners_up]
        return state

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.archive = [None if c is None else self._elite(c) for c in state["cells"]]
        kept = state.get("runners_up", [[] for _ in self.archive])
        self.runners_up = [[self._elite(c) for c in cell] for cell in kept]
        self.generation, self._next_id = int(state["generation"]), int(state["next_id"])
        self._pending, self._images = None, None

    def _elite_json(self, e: Elite) -> dict[str, Any]:
        return {"genome": self.genetics.to_json(e.genome), "score": e.score, "generation": e.generation, "id": e.id,
                "parents": list(e.parents)}

    def _elite(self, c: dict[str, Any]) -> Elite:
        return Elite(self.genetics.from_json(c["genome"]), float(c["score"]), int(c["generation"]), int(c["id"]),
                     tuple(c["parents"]))
