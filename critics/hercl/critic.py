"""``HERCLCritic``: a HERCL program that tells real images from fakes by Vickers' image metrics (Vickers,
Soderlund & Blair 2017: ``artist-critic/make-critics.sh`` in wofnot/hercl evolves each critic by supervised
hercsearch on the metrics of all positives against all negatives so far).

The image's 19 grey (33 colour) metrics (``coevo.toolkits.imagefeatures.VICKERS_GREY``/``VICKERS_COLOUR``, unscaled as
``runMetrics`` writes them) fill the program's registers; its first output, clamped to [0, 1] as art-school's
``run_critic`` does, is the probability that the image is real (``probability``); ``score`` is that minus 0.5,
so a score above 0 means "real" as for every coevo critic (``hls8=true``: a colour image's metrics are taken
from 8-bit HLS, as hercl's ``runMetrics`` reads a PNG; ``coevo.toolkits.imagefeatures.rgb_to_hls8``). ``learn``
adds the batch's images to the critic's
training set (each distinct metric vector once; at most ``positives`` real ones, Vickers used 100-200) and runs
``evals`` evaluations of the search (``critics.hercl.search``); once every item is passed the critic is done
and learns no more until new images arrive.
"""

from __future__ import annotations

from typing import Any, ClassVar

import torch

from coevo.toolkits.featurecache import SHARED, SHARED_HLS8
from coevo.toolkits.hercl import parse
from coevo.toolkits.imagefeatures import VICKERS_COLOUR, VICKERS_GREY, feature_names
from coevo.training.settings import Limits
from critics.hercl.search import Search, answer, verdict


class HERCLCritic:
    """A HERCL classifier of Vickers' metrics (``coevo.protocols.Critic``, ``RealProbability``)."""

    # option bounds (coevo.training.settings.check_options): 1,000,000 steps a judgement, 1,000,000 search steps
    LIMITS: ClassVar[Limits] = {"cells": (1, 64), "stack": (1, 4096), "max_steps": (1, 1_000_000),
                                "evals": (0, 1_000_000), "positives": (1, 100_000)}

    def __init__(self, shape: tuple[int, int, int] = (1, 32, 32), cells: int = 1, stack: int = 16,
                 max_steps: int = 1000, evals: int = 1000, positives: int = 200, hls8: bool = False) -> None:
        self.shape = tuple(int(s) for s in shape)
        if self.shape[0] not in (1, 3):
            raise ValueError(f"the hercl critic takes grey or RGB images, not {self.shape[0]} channels")
        if cells < 1 or stack < 1 or max_steps < 1 or evals < 0 or positives < 1:
            raise ValueError("need cells, stack, max_steps, positives >= 1 and evals >= 0")
        self.names = VICKERS_GREY if self.shape[0] == 1 else VICKERS_COLOUR
        every = feature_names(self.shape[0])
        self.columns = [every.index(name) for name in self.names]
        self.evals, self.cap = evals, positives
        self.features = SHARED_HLS8 if hls8 else SHARED  # hls8: colour metrics from 8-bit HLS, as hercl's runMetrics
        self.search = Search(len(self.names), cells, stack, max_steps)
        self.positives: dict[bytes, list[float]] = {}
        self.negatives: dict[bytes, list[float]] = {}

    def metrics(self, images: torch.Tensor) -> torch.Tensor:
        """Vickers' metrics ``(N, 19 or 33)`` float32 of images ``(N, C, H, W)`` in [-1, 1]."""
        if images.ndim != 4 or tuple(images.shape[1:]) != self.shape:
            raise ValueError(f"critic expects images (N, {', '.join(map(str, self.shape))}), got "
                             f"{tuple(images.shape)}; build it with the data's shape")
        if len(images) == 0:
            return torch.zeros(0, len(self.names))
        return self.features(images)[:, self.columns].float()

    def probability(self, images: torch.Tensor) -> torch.Tensor:
        """The champion program's verdict per image, ``(N,)`` in [0, 1] on the images' device."""
        rows = self.metrics(images).tolist()
        program, limit = self.search.champion, self.search.max_steps
        values = [verdict(answer(program, row, limit)[0]) for row in rows]
        return torch.tensor(values, dtype=torch.float32, device=images.device)

    def score(self, images: torch.Tensor) -> torch.Tensor:
        """``probability - 0.5``: above 0 is real."""
        return self.probability(images) - 0.5

    def _add(self, kept: dict[bytes, list[float]], rows: torch.Tensor, cap: int | None) -> list[list[float]]:
        """The rows not kept yet (at most ``cap`` kept), now kept."""
        added = []
        for row in rows:
            key = row.numpy().tobytes()
            if key not in kept and (cap is None or len(kept) < cap):
                kept[key] = row.tolist()
                added.append(kept[key])
        return added

    def learn(self, real: torch.Tensor, fake: torch.Tensor) -> dict[str, float]:
        """Take in the batch's new images, then ``evals`` steps of the search (none once it is solved)."""
        new = [(row, 1.0) for row in self._add(self.positives, self.metrics(real), self.cap)]
        new += [(row, 0.0) for row in self._add(self.negatives, self.metrics(fake), None)]
        if new:
            self.search.add(new)
        steps = 0
        while steps < self.evals and not self.search.solved:
            self.search.step()
            steps += 1
        s = self.search.standing
        return {"critic_items": float(len(self.search.items)), "critic_passed": float(s.passed),
                "critic_cost": float(s.cost), "critic_solved": float(self.search.solved),
                "critic_codons": float(self.search.champion.size()),
                "critic_evaluations": float(self.search.evaluations)}

    def program(self) -> str:
        """The champion's HERCL text."""
        return self.search.champion.text()

    def state_dict(self) -> dict[str, Any]:
        s = self.search
        return {"champion": s.champion.text(), "codebank": [p.text() for p in s.codebank],
                "items": torch.tensor([row for row, _, _ in s.items], dtype=torch.float32).reshape(len(s.items), -1),
                "targets": torch.tensor([t for _, t, _ in s.items], dtype=torch.float32),
                "weights": torch.tensor([w for _, _, w in s.items], dtype=torch.float64),
                "trials": s.trials, "evaluations": s.evaluations,
                "positives": torch.tensor(list(self.positives.values()), dtype=torch.float32),
                "negatives": torch.tensor(list(self.negatives.values()), dtype=torch.float32)}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        s = self.search
        s.champion, s.codebank = parse(state["champion"]), [parse(t) for t in state["codebank"]]
        s.items = list(zip(state["items"].tolist(), state["targets"].tolist(), state["weights"].tolist()))
        s.trials, s.evaluations = int(state["trials"]), int(state["evaluations"])
        s.rejudge()
        self.positives, self.negatives = {}, {}
        self._add(self.positives, state["positives"].reshape(-1, len(self.names)), None)
        self._add(self.negatives, state["negatives"].reshape(-1, len(self.names)), None)
