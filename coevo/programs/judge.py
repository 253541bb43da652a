"""The independent judge: is the artist moving toward the data, as seen by a network neither player ever saw?

With ``--judge SHARE`` a run sets aside about that share of its real images before the critic's training and
held-out images are taken (``coevo.programs.build``); neither the critic nor an artist that learns from data ever
sees them. On that split alone ``coevo.metrics.evaluator.Evaluator`` trains its feature network (a LeNet for
labelled data, an autoencoder otherwise; cached) on one half and keeps the other as real references. At every
phase's end (or every ``--ciao-every`` rounds) the judge scores that round's whole population, best first: FID and
KID to the references, and the share read as a class with p >= 0.9, beside what held-out real images of the same
count score (FID is biased upwards at small n). Pure functions of fixed data: a resumed run records the same.
"""

from __future__ import annotations

from typing import Any

import torch

from coevo.data import ImageSet
from coevo.errors import CoevoError
from coevo.loop import Hook, Progress, Round
from coevo.metrics.evaluator import Evaluator
from coevo.programs.tournament import generation_ends
from coevo.training.trainer import Game

MIN_JUDGED = 8  # images needed for precision / recall (k = 3) and a meaningful FID
MIN_SPLIT = 40  # real images the judge's split needs: half train its network, half are references


class IndependentJudge(Hook):
    """Adds ``judge_*`` metrics at the end of every phase (or every ``every`` rounds)."""

    def __init__(self, data: ImageSet, phases: bool, every: int = 10) -> None:
        if len(data) < MIN_SPLIT:
            raise CoevoError(f"the judge's split holds {len(data)} images, fewer than {MIN_SPLIT}; raise --judge or "
                             "use more data")
        self.evaluator = Evaluator(data, reference=1000)
        self.phases, self.every = phases, every
        self.floors: dict[int, dict[str, Any] | None] = {}

    def on_round_end(self, played: Round, progress: Progress) -> None:
        if played.proposal.per_class or not generation_ends(played, self.phases, self.every):
            return
        played.metrics.update(self.judge(played.proposal.images, played.scores))

    def judge(self, images: torch.Tensor, scores: torch.Tensor) -> dict[str, float]:
        """The judge's metrics of ``images`` and of as many held-out real ones."""
        if len(images) < MIN_JUDGED:
            return {}
        with torch.random.fork_rng(devices=[]):  # the metrics draw from their own generators; the run's stay put
            result = self.evaluator.evaluate(images.detach().float().cpu())
            n = len(images)
            if n not in self.floors:
                self.floors[n] = self.evaluator.real_floor(n)
        metrics = {"judge_fid": result["fid"], "judge_kid": result["kid"], "judge_precision": result["precision"],
                   "judge_recall": result["recall"]}
        if "confident" in result:
            metrics.update(judge_confident=result["confident"], judge_coverage=result["coverage"])
        floor = self.floors[n]
        if floor is not None:
            metrics.update(judge_fid_real=floor["fid"], judge_kid_real=floor["kid"])
            if "confident" in floor:
                metrics["judge_confident_real"] = floor["confident"]
        return {key: float(value) for key, value in metrics.items()}


def attach(game: Game) -> IndependentJudge | None:
    """Add a run's independent judge to its game where ``--judge`` set a split aside."""
    data = game.meta.get("judge_data")
    if data is None:
        return None
    config = game.config
    judge = IndependentJudge(data, config.schedule == "phases", config.ciao_every)
    game.hooks.append(judge)
    return judge
