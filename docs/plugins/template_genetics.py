"""A template evolutionary artist for coevo: genomes are lists of grey discs (see docs/plugins.md).

It implements ``coevo.protocols.Genetics``; the program wraps it in ``coevo.evolution.ga.EvolutionaryArtist``,
which supplies the population, selection, elitism, checkpoints and the gallery. Run it with::

    PYTHONPATH=docs/plugins coevo run --artist template_genetics:TemplateGenetics
"""

from __future__ import annotations

from typing import Any

import torch

from coevo.errors import CoevoError
from coevo.rng import python_rng

Disc = list[float]  # x, y in [-1, 1], radius in (0, 1], grey in [-1, 1]


class TemplateGenetics:
    """A genome is 1 to ``max_discs`` discs painted in order on a mid-grey ground; no genome is invalid.

    ``channels`` is provided by the program (1 for grey data); ``max_discs`` is an option.
    """

    def __init__(self, channels: int = 1, max_discs: int = 12) -> None:
        if max_discs < 1:
            raise ValueError("max_discs must be at least 1")
        self.channels = int(channels)
        self.max_discs = int(max_discs)

    # Randomness from the run's own Python generator (``coevo.rng``: numpy_rng() and torch_rng() too): the run
    # seeds it and checkpoints its state. Python's module-level ``random`` is not the run's.

    def random_disc(self) -> Disc:
        rng = python_rng()
        return [rng.uniform(-1, 1), rng.uniform(-1, 1), rng.uniform(0.05, 0.6), rng.uniform(-1, 1)]

    def random_genome(self) -> list[Disc]:
        return [self.random_disc() for _ in range(python_rng().randint(1, self.max_discs))]

    def mutate(self, genome: list[Disc], strength: float = 1.0) -> list[Disc]:
        """A copy with one disc moved, resized or recoloured by a Gaussian step (``strength`` scales it), or one
        disc added or removed."""
        rng = python_rng()
        child = [list(disc) for disc in genome]
        kind = rng.random()
        if kind < 0.15 and len(child) < self.max_discs:
            child.insert(rng.randrange(len(child) + 1), self.random_disc())
        elif kind < 0.3 and len(child) > 1:
            child.pop(rng.randrange(len(child)))
        else:
            disc = rng.choice(child)
            gene = rng.randrange(4)
            low = 0.05 if gene == 2 else -1.0
            disc[gene] = min(1.0, max(low, disc[gene] + rng.gauss(0, 0.2 * strength)))
        return child

    def crossover(self, a: list[Disc], b: list[Disc]) -> tuple[list[Disc], list[Disc]]:
        """One-point crossover of the two disc lists (children kept within ``max_discs``)."""
        rng = python_rng()
        i, j = rng.randint(0, len(a)), rng.randint(0, len(b))
        first, second = a[:i] + b[j:], b[:j] + a[i:]
        fix = [child[: self.max_discs] or [list(a[0])] for child in (first, second)]
        return [list(d) for d in fix[0]], [list(d) for d in fix[1]]

    def render(self, genomes: list[list[Disc]], size: int) -> torch.Tensor:
        """``(N, channels, size, size)`` float32 in [-1, 1], y up, each disc's edge a pixel wide."""
        axis = torch.linspace(-1, 1, size)
        y, x = torch.meshgrid(-axis, axis, indexing="ij")
        images = torch.zeros(len(genomes), 1, size, size)
        for n, genome in enumerate(genomes):
            for cx, cy, radius, grey in genome:
                inside = torch.clamp((radius - torch.hypot(x - cx, y - cy)) * size / 2 + 0.5, 0, 1)
                images[n, 0] = images[n, 0] * (1 - inside) + grey * inside
        return images.expand(-1, self.channels, -1, -1).contiguous()

    def options(self) -> dict[str, Any]:
        """The constructor's arguments, saved beside each genome so that ``coevo render`` rebuilds equal genetics."""
        return {"channels": self.channels, "max_discs": self.max_discs}

    def to_json(self, genome: list[Disc]) -> dict[str, Any]:
        return {"discs": [list(disc) for disc in genome]}

    def from_json(self, data: dict[str, Any]) -> list[Disc]:
        discs = data.get("discs")
        if not (isinstance(discs, list) and discs and all(isinstance(d, list) and len(d) == 4 for d in discs)):
            raise CoevoError("a template genome needs 'discs': a non-empty list of [x, y, radius, grey]")
        return [[float(v) for v in disc] for disc in discs]
