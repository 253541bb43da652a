"""``JuryCritic``: several critics judging together, after Vickers, Soderlund & Blair (2017), whose HERCL artists
are scored by the critics of the current phase and of every earlier one, the phase p steps back weighted
2^-p (``artist-critic/make-artists.sh`` in wofnot/hercl: weights 1, ½, ¼, …, each shared among that phase's
critics). The score is the weighted mean of the members' scores; each member's mean score is in the metrics.

Members are built by the program (``make_critic``, so a jury may hold any critic without importing it), each
with ``member_options``. With
the ``phases`` schedule, when a phase ends the current members join the jury frozen (they learn no more) and
fresh members are built for the next phase (``restart=true``, Vickers: a new critic each phase) or copies of
the current ones carry on learning (``restart=false``); a frozen member p phases old weighs weight × decay^p,
and those older than ``keep`` phases leave.

``combine="cost"`` is art-school's own sum (``score_state`` in ``src/inter/art-school.cpp``): every member gives a
probability p (``RealProbability``), the jury's cost is Σ wᵢ·100·(1 − pᵢ) with the weights of a phase shared
among its members (they sum to 1, earlier phases' to decay^age) and the score is ``tolerance − cost``, so it
is above 0 (the phases schedule's "fooled") exactly when art-school's artist succeeds (cost below
``artist_tolerance`` 0.1 × 100 = 10, ``artist-critic/settings.template``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

import torch

from coevo.protocols import Critic, RealProbability
from coevo.training.settings import Limits

MakeCritic = Callable[[str, dict[str, Any]], Critic]


def names(value: str | list[str] | tuple[str, ...]) -> list[str]:
    """``"cnn,features"`` or a list -> member names."""
    parts = value.split(",") if isinstance(value, str) else list(value)
    return [str(p).strip() for p in parts if str(p).strip()]


class JuryCritic:
    """A weighted jury of critics (``coevo.protocols.PhasedCritic``, ``ExplainedScores``)."""

    # option bounds (coevo.training.settings.check_options): members kept from earlier phases
    LIMITS: ClassVar[Limits] = {"keep": (0, 1000)}

    def __init__(self, make_critic: MakeCritic | None = None, members: str | list[str] = "features",
                 weights: str | list[float] = "", decay: float = 0.5, keep: int = 6, restart: bool = True,
                 combine: str = "mean", tolerance: float = 10.0, member_options: dict[str, Any] | None = None) -> None:
        if make_critic is None:
            raise ValueError("a jury needs a program that builds its members (coevo run passes make_critic)")
        self.make = make_critic
        self.names = names(members)
        if not self.names or "jury" in self.names:
            raise ValueError("name the jury's members, e.g. members=features,cnn (not jury itself)")
        values = [float(w) for w in names(weights)] if isinstance(weights, str) else [float(w) for w in weights]
        self.weights = values or [1.0] * len(self.names)
        if len(self.weights) != len(self.names) or min(self.weights) < 0 or sum(self.weights) <= 0:
            raise ValueError("give one non-negative weight per member (not all 0), e.g. weights=1,0.5")
        if not 0 <= decay <= 1 or keep < 0:
            raise ValueError("decay lies in [0, 1] and keep >= 0 (phases of earlier critics kept)")
        self.decay, self.keep, self.restart = decay, keep, restart
        self.labels = [f"{i}_{n}" if self.names.count(n) > 1 else n for i, n in enumerate(self.names)]
        if combine not in ("mean", "cost"):
            raise ValueError(f"combine is mean (weighted mean score) or cost (art-school's sum), not {combine!r}")
        self.combine, self.tolerance = combine, float(tolerance)
        self.member_options = dict(member_options or {})  # every member's own options, e.g. {evals = 100}
        self.current = [self.make(n, dict(self.member_options)) for n in self.names]
        if combine == "cost" and not all(isinstance(c, RealProbability) for c in self.current):
            raise ValueError("combine=cost needs members that give a probability of real (e.g. hercl)")
        self.past: list[tuple[int, int, Critic]] = []  # (phases ago, member index, frozen critic)

    def ballots(self) -> list[tuple[float, Critic]]:
        """(weight, critic) for every member: current ones at their weight, earlier phases' at decay^age."""
        votes = list(zip(self.weights, self.current))
        votes += [(self.weights[k] * self.decay ** age, critic) for age, k, critic in self.past]
        return votes

    def score(self, images: torch.Tensor) -> torch.Tensor:
        """The weighted mean of the members' scores ``(N,)``, or ``tolerance`` minus art-school's cost."""
        votes = [(w, c) for w, c in self.ballots() if w > 0]
        if self.combine == "cost":
            share = 1.0 / sum(self.weights)
            return self.tolerance - sum(w * share * 100 * (1 - c.probability(images).float().clamp(0, 1))
                                        for w, c in votes)
        total = sum(w for w, _ in votes)
        return sum(w * c.score(images).float() for w, c in votes) / total

    def learn(self, real: torch.Tensor, fake: torch.Tensor) -> dict[str, float]:
        """One step of every current member (earlier phases' members are frozen)."""
        metrics = {}
        for label, critic in zip(self.labels, self.current):
            metrics.update({f"jury_{label}_{k}": v for k, v in critic.learn(real, fake).items()})
        return metrics

    def next_phase(self) -> dict[str, float]:
        """A phase ended: the current members join the jury frozen; new ones judge (and learn) from now on."""
        self.past = [(age + 1, k, c) for age, k, c in self.past if age + 1 <= self.keep]
        fresh = [self.make(n, dict(self.member_options)) for n in self.names]
        if not self.restart:
            for new, old in zip(fresh, self.current):
                new.load_state_dict(old.state_dict())
        if self.keep > 0:
            self.past = [(1, k, c) for k, c in enumerate(self.current)] + self.past
        self.current = fresh
        return {"jury_size": float(len(self.current) + len(self.past))}

    def explain(self, images: torch.Tensor) -> dict[str, float]:
        """Each current member's mean score, each earlier phase's (``jury_past_P``) and the jury's size."""
        metrics = {f"jury_{label}": float(c.score(images).float().mean()) for label, c in zip(self.labels,
                                                                                             self.current)}
        for age in sorted({age for age, _, _ in self.past}):
            members = [c for a, _, c in self.past if a == age]
            metrics[f"jury_past_{age}"] = float(torch.stack([c.score(images).float().mean() for c in members]).mean())
        metrics["jury_size"] = float(len(self.current) + len(self.past))
        return metrics

    def state_dict(self) -> dict[str, Any]:
        return {"current": [c.state_dict() for c in self.current],
                "past": [{"age": age, "member": k, "state": c.state_dict()} for age, k, c in self.past]}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        for critic, saved in zip(self.current, state["current"]):
            critic.load_state_dict(saved)
        self.past = []
        for entry in state["past"]:
            critic = self.make(self.names[int(entry["member"])], dict(self.member_options))
            critic.load_state_dict(entry["state"])
            self.past.append((int(entry["age"]), int(entry["member"]), critic))
