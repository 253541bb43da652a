"""The champion of every round, tiled in round order into ``sheets/champions.png``."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from coevo.errors import CoevoError
from coevo.protocols import Genetics
from gallery.genomes import read_genome
from gallery.runs import RunFolder

LIMIT = 100  # champions on the sheet; longer runs show evenly spaced rounds (always the last)
COLUMNS = 10
SHOWN = 64  # smaller champions are enlarged (nearest neighbour) to about this many pixels on the sheet


def shown_rounds(rounds: int, limit: int = LIMIT) -> list[int]:
    """Which of rounds ``0 .. rounds - 1`` the sheet shows: all of them, or ``limit`` evenly spaced."""
    if rounds <= limit:
        return list(range(rounds))
    return sorted({round(i * (rounds - 1) / (limit - 1)) for i in range(limit)})


class ChampionSheet:
    """Keeps each round's best image (as uint8, to stay small); after a resume, earlier champions are rendered
    again from ``genomes/champion-NNNN.json`` when the artist has genetics, else left out."""

    def __init__(self, folder: RunFolder, genetics: Genetics | None, size: int) -> None:
        self.folder, self.genetics, self.size = folder, genetics, size
        self.kept: dict[int, torch.Tensor] = {}

    def add(self, round_index: int, image: torch.Tensor) -> None:
        self.kept[round_index] = ((image.detach().float().cpu().clamp(-1, 1) + 1) * 127.5).round().to(torch.uint8)

    def save(self, rounds: int) -> None:
        """Write the sheet for rounds ``0 .. rounds - 1``."""
        images = [image for index in shown_rounds(rounds) if (image := self._image(index)) is not None]
        if images:
            stack = torch.stack(images)
            scale = max(1, SHOWN // max(stack.shape[-2:]))
            self.folder.save_sheet("champions", F.interpolate(stack, scale_factor=scale, mode="nearest"),
                                   columns=COLUMNS)

    def _image(self, index: int) -> torch.Tensor | None:
        if index not in self.kept and self.genetics is not None:
            path = self.folder.path / "genomes" / f"champion-{index:04d}.json"
            try:
                genome = self.genetics.from_json(read_genome(path).genome)
            except CoevoError:
                return None
            self.add(index, self.genetics.render([genome], self.size)[0])
        kept = self.kept.get(index)
        return None if kept is None else kept.float() / 127.5 - 1.0
