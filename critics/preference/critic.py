"""``PreferenceCritic``: a model of a person, after Li & Hu (2010), "Aesthetic learning in an interactive
evolutionary art system": a network on colour, complexity and order features of images, learned from the
person's own judgements, then judging for them. Here the judgements are the choices recorded in breeding
sessions (``coevo.toolkits.choices``): in each generation the person preferred each chosen image to each unchosen one,
and a scorer on ``coevo.toolkits.imagefeatures`` is trained so that chosen images score higher (a pairwise logistic,
Bradley–Terry / RankNet loss). The scorer is linear by default (``hidden=0``): a session gives a few hundred
pairs, and an MLP (``hidden=16``, Li & Hu's choice of a network) overfits them (held-out 0.78 against the
linear 0.97 on the scripted test person). Every ``holdout``-th judged generation is kept out of training; the scorer's
pairwise agreement with the person there (chance: 0.5) is ``agreement``, in every round's metrics and, per held-out
generation, in ``agreement_report`` (``coevo.protocols.PersonModel``). Images of another size are judged at the
size it learned at (resized, antialiased), so a breeding window's large boxes can be judged by a small model."""

from __future__ import annotations

from typing import Any, ClassVar

import torch
import torch.nn.functional as F
from torch import nn

from coevo.rng import module_init
from coevo.toolkits.choices import Judgement, judgements
from coevo.toolkits.featurecache import SHARED
from coevo.training.settings import Limits


def colour_features(images: torch.Tensor) -> torch.Tensor:
    """Colour-set features of grey or RGB images (grey ones as RGB), so sessions and runs may differ in channels;
    cached by the image's bytes, so "breed for me" pressed again re-learns without recomputing earlier choices."""
    images = images.detach().float().cpu()
    return SHARED(images.expand(-1, 3, -1, -1) if images.shape[1] == 1 else images)


class PreferenceCritic:
    """Scores images by a person's learned taste (higher = more likely chosen); it learns nothing in a run."""

    # option bounds (coevo.training.settings.check_options)
    LIMITS: ClassVar[Limits] = {"hidden": (0, 4096), "steps": (0, 1_000_000)}

    def __init__(self, shape: tuple[int, int, int] = (1, 32, 32), sessions: str = "", hidden: int = 0,
                 steps: int = 300, lr: float = 0.01, weight_decay: float = 1e-3, holdout: int = 5,
                 seed: int = 0) -> None:
        if not sessions:
            raise ValueError("name the person's breeding sessions: --critic-option sessions=DIR[,DIR...]")
        if holdout < 2 or steps < 0 or hidden < 0:
            raise ValueError("holdout must be >= 2, steps and hidden >= 0")
        self.shape = tuple(int(s) for s in shape)
        judged = judgements(sessions, self.shape[1])
        if not judged:
            raise ValueError(f"the sessions in {sessions} hold no generation the person judged; breed a few "
                             "generations by hand first")
        generator = torch.Generator().manual_seed(seed)
        test = [j for i, j in enumerate(judged) if i % holdout == holdout - 1]
        train = [j for i, j in enumerate(judged) if i % holdout != holdout - 1] or judged
        features = [colour_features(j.images) for j in judged]
        size = features[0].shape[1]
        self.mean, self.spread = self.scaling([(j, f) for j, f in zip(judged, features) if j in train])
        with module_init():  # the default initialisation's draws; the weights are drawn again just below
            layers = [nn.Linear(size, hidden), nn.Tanh(), nn.Linear(hidden, 1)] if hidden else [nn.Linear(size, 1)]
            self.net = nn.Sequential(*layers)
        with torch.no_grad():
            for parameter in self.net.parameters():
                parameter.copy_(torch.randn(parameter.shape, generator=generator) * 0.1)
        cached = {id(j): (f - self.mean) / self.spread for j, f in zip(judged, features)}
        self.fit(train, cached, steps, lr, weight_decay)
        self.pairs_train = sum(len(j.pairs()) for j in train)
        self.pairs_test = sum(len(j.pairs()) for j in test)
        self.agreement = self.pairwise_agreement(test, cached) if test else float("nan")
        self.train_agreement = self.pairwise_agreement(train, cached)
        self.held_out = [{"session": j.session, "generation": j.generation, "pairs": len(j.pairs()),
                          "agreement": self.pairwise_agreement([j], cached)} for j in test]
        self.settings = {"sessions": sorted({j.session for j in judged}), "generations_train": len(train),
                         "generations_test": len(test), "holdout": holdout, "hidden": hidden, "size": self.shape[1]}

    @staticmethod
    def scaling(judged: list[tuple[Judgement, torch.Tensor]]) -> tuple[torch.Tensor, torch.Tensor]:
        """Feature means, and spreads measured within generations: the mean |chosen - unchosen| difference of each
        feature over the training pairs (the model only ever compares siblings). Scaling by the spread across
        generations instead let features that differ a lot between siblings drown a small, telling one: on a
        scripted gp person (brightest of 15) held-out agreement 0.40 against 0.77 scaled this way."""
        stacked = torch.cat([f for _, f in judged])
        differences = torch.cat([f[[a for a, _ in j.pairs()]] - f[[b for _, b in j.pairs()]] for j, f in judged])
        floor = (1e-3 * stacked.std(dim=0)).clamp_min(1e-6)  # a feature siblings never differ in stays near 0
        return stacked.mean(dim=0), torch.maximum(differences.abs().mean(dim=0), floor)

    @staticmethod
    def _index(judged: list[Judgement], cached: dict[int, torch.Tensor]) -> tuple[torch.Tensor, torch.Tensor,
                                                                               torch.Tensor]:
        rows, winners, losers, offset = [], [], [], 0
        for j in judged:
            rows.append(cached[id(j)])
            for a, b in j.pairs():
                winners.append(offset + a)
                losers.append(offset + b)
            offset += len(j.images)
        return torch.cat(rows), torch.tensor(winners), torch.tensor(losers)

    def fit(self, judged: list[Judgement], cached: dict[int, torch.Tensor], steps: int, lr: float,
            weight_decay: float) -> None:
        """Full-batch Adam on the pairwise logistic loss (deterministic: no sampling), on one thread: the tensors are
        a few hundred rows, and a thread pool's hand-offs cost more than the work (11x slower on 2 busy cores)."""
        x, winners, losers = self._index(judged, cached)
        opt = torch.optim.Adam(self.net.parameters(), lr=lr, weight_decay=weight_decay)
        threads = torch.get_num_threads()
        torch.set_num_threads(1)
        try:
            for _ in range(steps):
                opt.zero_grad(set_to_none=True)
                s = self.net(x)[:, 0]
                loss = F.softplus(-(s[winners] - s[losers])).mean()
                loss.backward()
                opt.step()
        finally:
            torch.set_num_threads(threads)

    def pairwise_agreement(self, judged: list[Judgement], cached: dict[int, torch.Tensor]) -> float:
        """Share of (chosen, unchosen) pairs the model orders as the person did (ties count half)."""
        x, winners, losers = self._index(judged, cached)
        with torch.no_grad():
            s = self.net(x)[:, 0]
        difference = s[winners] - s[losers]
        return float(((difference > 0).float() + 0.5 * (difference == 0).float()).mean())

    def score(self, images: torch.Tensor) -> torch.Tensor:
        """The person's learned preference ``(N,)`` on the images' device (a logit of being chosen over another)."""
        if len(images) == 0:
            return torch.zeros(0, device=images.device)
        seen = images.detach().float().cpu()
        if tuple(seen.shape[2:]) != self.shape[1:]:
            seen = F.interpolate(seen, size=self.shape[1:], mode="bilinear", antialias=True, align_corners=False)
        with torch.no_grad():
            return self.net((colour_features(seen) - self.mean) / self.spread)[:, 0].to(images.device)

    def explain(self, images: torch.Tensor) -> dict[str, float]:
        """The model's held-out agreement with the person (constant through a run), beside chance."""
        return {"preference_agreement": self.agreement, "preference_chance": 0.5}

    def agreement_report(self) -> dict[str, Any]:
        """Held-out pairwise agreement with the person (overall and per held-out generation) beside chance 0.5,
        the training agreement and what it learned from; ``agreement`` is None without a held-out generation."""
        agreement = None if self.agreement != self.agreement else self.agreement  # NaN: nothing held out
        return {"agreement": agreement, "chance": 0.5, "pairs_test": self.pairs_test,
                "train_agreement": self.train_agreement, "pairs_train": self.pairs_train, **self.settings,
                "held_out": self.held_out}

    def learn(self, real: torch.Tensor, fake: torch.Tensor) -> dict[str, float]:
        return {}

    def state_dict(self) -> dict[str, Any]:
        return {"net": self.net.state_dict(), "mean": self.mean, "spread": self.spread}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.net.load_state_dict(state["net"])
        self.mean, self.spread = state["mean"], state["spread"]
