"""The seam: what an artist, a critic and an evolutionary artist's genetics must provide.

Images travel between artists and critics as ``torch.float32`` tensors ``(N, C, H, W)`` in ``[-1, 1]``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

import torch


@dataclass
class Proposal:
    """What an artist puts in front of a critic: images, and the genomes behind them if any."""

    images: torch.Tensor  # (N, C, H, W) float32 in [-1, 1]; carries the autograd graph for gradient artists
    genomes: list[Any] | None = None  # one genome per image for evolutionary artists, else None
    ids: list[int] | None = None  # stable individual ids, for lineage
    parents: list[tuple[int, ...]] | None = None  # parent ids of each individual
    extra: dict[str, Any] = field(default_factory=dict)  # artist-specific data (e.g. the latent z)

    def __len__(self) -> int:
        return int(self.images.shape[0])


@runtime_checkable
class Artist(Protocol):
    """Makes images (``ask``) and improves from the critic's scores of them (``tell``)."""

    def ask(self) -> Proposal: ...

    def tell(self, proposal: Proposal, scores: torch.Tensor) -> dict[str, float]: ...

    def state_dict(self) -> dict[str, Any]: ...

    def load_state_dict(self, state: dict[str, Any]) -> None: ...


@runtime_checkable
class Critic(Protocol):
    """Judges images (higher = more real / preferred) and learns real from fake."""

    def score(self, images: torch.Tensor) -> torch.Tensor: ...

    def learn(self, real: torch.Tensor, fake: torch.Tensor) -> dict[str, float]: ...

    def state_dict(self) -> dict[str, Any]: ...

    def load_state_dict(self, state: dict[str, Any]) -> None: ...


@runtime_checkable
class Genetics(Protocol):
    """What an evolutionary artist supplies: random genomes, variation, batched rendering, JSON form.

    Randomness comes from Python's ``random`` and NumPy's global generators (as DEAP's operators do),
    so the loop can seed and checkpoint it.
    """

    channels: int  # 1 (grey) or 3 (colour) channels in rendered images

    def random_genome(self) -> Any: ...

    def mutate(self, genome: Any, strength: float = 1.0) -> Any:
        """Return a mutated copy; ``strength`` scales how far (1.0 = the artist's default)."""
        ...

    def crossover(self, a: Any, b: Any) -> tuple[Any, Any]:
        """Return two children; artists without crossover return copies of the parents."""
        ...

    def render(self, genomes: list[Any], size: int) -> torch.Tensor:
        """Render genomes to ``(N, C, size, size)`` float32 in ``[-1, 1]``."""
        ...

    def options(self) -> dict[str, Any]:
        """Constructor keyword arguments that rebuild equal genetics (saved beside each genome)."""
        ...

    def to_json(self, genome: Any) -> dict[str, Any]: ...

    def from_json(self, data: dict[str, Any]) -> Any:
        """Parse a genome; raise ``CoevoError`` naming the problem if ``data`` is invalid."""
        ...


class Recorder(Protocol):
    """Receives each round's outcome (a run folder, a test, a progress bar)."""

    def record(self, round_index: int, metrics: dict[str, float], proposal: Proposal,
               scores: torch.Tensor) -> None: ...
