"""The champion of every round, tiled in round order into ``sheets/champions.png``."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import torch

from coevo.store.runfolder import RunFolder
from coevo.store.untrusted import open_image

LIMIT = 100  # champions on the sheet; longer runs show evenly spaced rounds (always the last)
COLUMNS = 10
TITLE = "each round's champion (#round, its critic score)"


def shown_rounds(rounds: int, limit: int = LIMIT) -> list[int]:
    """Which of rounds ``0 .. rounds - 1`` the sheet shows: all of them, or ``limit`` evenly spaced."""
    if rounds <= limit:
        return list(range(rounds))
    return sorted({round(i * (rounds - 1) / (limit - 1)) for i in range(limit)})


def to_bytes(image: torch.Tensor) -> torch.Tensor:
    """``(C, H, W)`` in ``[-1, 1]`` to uint8, rounded as PNG files are (``coevo.images.to_uint8``)."""
    return ((image.detach().float().cpu().clamp(-1, 1) + 1) * 127.5).round().to(torch.uint8)


class ChampionSheet:
    """Keeps each round's best image as uint8; after a resume, earlier champions come back from the run's
    ``images/champion-NNNN.png`` (written for every artist; a run from before that leaves them out)."""

    def __init__(self, folder: RunFolder, level: int | None = None) -> None:
        self.folder, self.level = folder, level  # level: the sheet's PNG zlib level (None: Pillow's default)
        self.kept: dict[int, torch.Tensor] = {}

    def add(self, round_index: int, image: torch.Tensor) -> None:
        self.kept[round_index] = to_bytes(image)

    def save(self, rounds: int, scores: Mapping[int, float] | None = None) -> None:
        """Write the sheet for rounds ``0 .. rounds - 1``, each champion captioned with its round and, where
        ``scores`` has it, its score (the recorded ``score_max``, so a resumed run captions the same)."""
        shown = [(index, image) for index in shown_rounds(rounds) if (image := self._image(index)) is not None]
        if shown:
            stack = torch.stack([image for _, image in shown]).float() / 127.5 - 1.0
            captions = [f"#{index}" + (f"  {scores[index]:.3f}" if scores and index in scores else "")
                        for index, _ in shown]
            self.folder.save_sheet("champions", stack, columns=COLUMNS, captions=captions, title=TITLE,
                                   level=self.level)

    def _image(self, index: int) -> torch.Tensor | None:
        path = self.folder.path / "images" / f"champion-{index:04d}.png"
        if index not in self.kept and path.is_file():
            with open_image(path) as picture:  # the run's own file, but files are never trusted
                array = np.asarray(picture)
            self.kept[index] = torch.from_numpy(array.reshape(*array.shape[:2], -1).copy()).permute(2, 0, 1)
        return self.kept.get(index)
