"""``BiomorphGenetics``: Dawkins' biomorphs as an evolutionary artist (see coevo.protocols.Genetics)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from artists.biomorph import draw, genome, mutation, saltation
from artists.biomorph.genome import Biomorph
from coevo.errors import CoevoError

if TYPE_CHECKING:
    import torch

MUTATIONS = ("mac", "pc")


class BiomorphGenetics:
    """Blind Watchmaker biomorphs: recursive trees with segments, gradients, symmetry and colour."""

    def __init__(self, channels: int = 3, mutation: str = "mac", colour: bool | None = None,
                 start: str = "random", line_width: str = "original", size_limit: bool = False) -> None:
        if channels not in (1, 3):
            raise ValueError(f"channels must be 1 or 3, got {channels}")
        if mutation not in MUTATIONS:
            raise ValueError(f"mutation must be mac (each gene by its rate) or pc (one gene), got {mutation!r}")
        if line_width not in draw.LINE_WIDTHS:
            raise ValueError(f"line_width must be original (his pen, zoomed with the picture) or fixed "
                             f"(scaled with the image), got {line_width!r}")
        if start != "random":
            genome.classic(start)  # fails early on an unknown name
        self.channels = channels
        self.mutation = mutation
        self.colour = channels == 3 if colour is None else bool(colour)  # colour genes vary
        self.start = start  # "random" (a hopeful monster) or a classic genotype's name
        self.line_width = line_width
        self.size_limit = bool(size_limit)  # Dawkins' size worry after colour mutation (the port has none)

    def random_genome(self) -> Biomorph:
        """A hopeful monster, or the classic genotype named by ``start``."""
        return saltation.hopeful_monster(self.colour) if self.start == "random" else genome.classic(self.start)

    def mutate(self, b: Biomorph, strength: float = 1.0) -> Biomorph:
        if self.mutation == "mac":
            return mutation.mac_mutate(b, strength, self.colour, self.size_limit)
        return mutation.pc_mutate(b, strength, self.colour)

    def crossover(self, a: Biomorph, b: Biomorph) -> tuple[Biomorph, Biomorph]:
        return mutation.crossover(a, b)

    def render(self, genomes: list[Biomorph], size: int) -> torch.Tensor:
        return draw.render(genomes, size, self.channels, self.line_width)

    def render_pixels(self, genomes: list[Biomorph], size: int) -> np.ndarray:
        return draw.pixel_batch(genomes, size, self.channels, self.line_width)

    def svg(self, b: Biomorph, size: int) -> str:
        """The biomorph's line segments as an SVG document of ``size`` pixels."""
        return draw.svg(b, size, self.line_width)

    def options(self) -> dict[str, Any]:
        return {"channels": self.channels, "mutation": self.mutation, "colour": self.colour, "start": self.start,
                "line_width": self.line_width, "size_limit": self.size_limit}

    def to_json(self, b: Biomorph) -> dict[str, Any]:
        return genome.to_json(b)

    def from_json(self, data: dict[str, Any]) -> Biomorph:
        if not isinstance(data, dict):
            raise CoevoError("a biomorph genome must be a JSON object; write it with coevo")
        return genome.from_json(data)
