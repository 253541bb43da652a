"""The one co-evolution loop: evolution against a person, against a CNN, fooling a classifier, GAN training.

``coevolve`` is the only place rounds are played. A *schedule* plays one round (``coevo.schedules``): the
artist asks, the critic learns from real images against the fake pool, the critic scores the proposal, the
artist is told. ``coevolve`` counts what was played (``Progress``), stops when a ``Stop`` condition is met (or
when a schedule or a hook raises ``StopGame``: a person quits), and hands every round to its hooks (recorders,
checkpoints, progress bars, evaluations), which own no loop.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

import torch

from coevo.fakes import FakePool
from coevo.protocols import Artist, ClassConfidences, Critic, LabelledCritic, Proposal, RefereedArtist, SelfTaughtCritic
from coevo.training.kernel import LoopConfig

RealSampler = Callable[[int], torch.Tensor]  # n -> n real images (N, C, H, W) in [-1, 1]
LabelledSampler = Callable[[int], tuple[torch.Tensor, torch.Tensor]]  # n -> (images, class labels (N,))


class Measures(Protocol):
    """Per-round measures (``coevo.metrics.scoreboard.Scoreboard``): pure functions of critic, proposal and
    held-out data."""

    critic: Critic  # the bare critic the measures ask (the players' critic may wrap it)

    def before_learning(self, proposal: Proposal) -> dict[str, float]: ...

    def after_scoring(self, proposal: Proposal, scores: torch.Tensor, raw: bool = True) -> dict[str, float]: ...

    def accuracy(self, fakes: torch.Tensor) -> float | None:
        """The critic's accuracy on held-out real images against ``fakes``; None without held-out images."""
        ...

    def real_scores(self) -> torch.Tensor | None:
        """The critic's scores of the held-out real images; None without held-out images."""
        ...


@dataclass
class Players:
    """Who plays: the artist, what scores it, the real images, the fake pool, and the per-round measures."""

    artist: Artist
    critic: Critic  # what scores the artist: a critic, or a wrapper around one (fitness sharing)
    real: RealSampler | None  # None: a critic that needs no real data (a person, a fixed classifier)
    fakes: FakePool
    cfg: LoopConfig = field(default_factory=LoopConfig)
    measures: Measures | None = None
    real_labelled: LabelledSampler | None = None  # labelled real batches, for critics that learn with labels


@dataclass
class Progress:
    """What has been played so far; checkpointed with the run, so a resumed run stops where it would have."""

    rounds: int = 0  # rounds played: the index of the next round
    images: int = 0  # images the artist has shown the critic
    critic_updates: int = 0  # critic optimiser steps, warm-up included
    seconds: float = 0.0  # time spent playing rounds (hooks, recording and evaluation excluded)

    def state_dict(self) -> dict[str, Any]:
        return asdict(self)

    def load_state_dict(self, state: dict[str, Any]) -> None:
        for key, value in state.items():
            setattr(self, key, type(getattr(self, key))(value))


@dataclass(frozen=True)
class Stop:
    """When to stop: the first limit reached ends the game; no limit at all plays until interrupted."""

    rounds: int | None = None
    images: int | None = None
    critic_updates: int | None = None
    seconds: float | None = None

    def reached(self, progress: Progress) -> bool:
        return any(limit is not None and getattr(progress, name) >= limit
                   for name, limit in asdict(self).items())

    def limits(self) -> dict[str, float]:
        """The limits that are set, by name."""
        return {name: limit for name, limit in asdict(self).items() if limit is not None}

    def spent(self, progress: Progress) -> float:
        """How much of the game is played: the largest share of any limit used up (1.0: the stop is reached)."""
        return max((getattr(progress, name) / limit for name, limit in self.limits().items()), default=0.0)

    def describe(self) -> str:
        """The limits in words (``20000 images shown``)."""
        units = {"rounds": "rounds", "images": "images shown", "critic_updates": "critic updates",
                 "seconds": "s of play"}
        return ", ".join(f"{limit:g} {units[name]}" for name, limit in self.limits().items()) or "no limit"


@dataclass
class Round:
    """One played round: the judged proposal, its scores and the round's metrics."""

    index: int
    proposal: Proposal
    scores: torch.Tensor  # (N,), or (N, classes) for a per-class proposal
    metrics: dict[str, float]


class Hook:
    """Callbacks of ``coevolve`` and of the trainer around it (as Lightning's): override what you need; the loop
    stays in ``coevolve``. A hook with memory has ``state_dict`` / ``load_state_dict`` and is checkpointed."""

    def on_start(self, progress: Progress) -> None:
        """Before the first round this process plays (round 0, or the first after a resume)."""

    def on_round_start(self, progress: Progress) -> None:
        """Before round ``progress.rounds`` is played."""

    def on_round_end(self, played: Round, progress: Progress) -> None:
        """After a round, with ``progress`` already counting it."""

    def on_checkpoint(self) -> None:
        """Before a checkpoint is written: write everything the rounds it accounts for left in memory."""

    def on_end(self, progress: Progress) -> None:
        """After the last round, when the game reached its stop."""

    def on_exception(self, error: BaseException) -> None:
        """When a round or a hook raised (an interrupt too): release what the hook holds."""


class StopGame(Exception):
    """Raised by a schedule or a hook to end the game on request rather than at a ``Stop`` limit (a person quits
    a breeding session): ``coevolve`` returns as at a limit; a round it interrupts is not counted."""


class Schedule(Protocol):
    """Plays one round of the game; its state (e.g. the current phase) is checkpointed with the run."""

    def play(self, players: Players, progress: Progress) -> Round: ...

    def state_dict(self) -> dict[str, Any]: ...

    def load_state_dict(self, state: dict[str, Any]) -> None: ...


def coevolve(players: Players, schedule: Schedule, stop: Stop, progress: Progress | None = None,
             hooks: Sequence[Hook] = ()) -> Progress:
    """Play rounds until ``stop`` is reached or a schedule or hook raises ``StopGame``, handing each round to the
    hooks; returns the progress."""
    progress = progress or Progress()
    try:
        while not stop.reached(progress):
            for hook in hooks:
                hook.on_round_start(progress)
            began = time.perf_counter()
            played = schedule.play(players, progress)
            progress.seconds += time.perf_counter() - began
            progress.rounds += 1
            progress.images += len(played.proposal)
            for hook in hooks:
                hook.on_round_end(played, progress)
    except StopGame:
        pass
    return progress


def warm_up(players: Players, progress: Progress | None = None) -> None:
    """Train the critic alone for ``cfg.warmup`` steps against the artist's first proposal."""
    if players.cfg.warmup <= 0 or players.real is None:
        return
    players.fakes.observe(players.artist.ask())
    for _ in range(players.cfg.warmup):
        learn(players, progress)


def learn(players: Players, progress: Progress | None = None) -> dict[str, float]:
    """One critic update on a real batch against a batch from the fake pool (with labels where it takes them)."""
    cfg, critic, fakes = players.cfg, players.critic, players.fakes
    if isinstance(critic, LabelledCritic) and players.real_labelled is not None and fakes.has_labels:
        real, real_labels = players.real_labelled(cfg.batch)
        fake, fake_labels = fakes.sample_labelled(cfg.batch)
        metrics = critic.learn_labelled(real, real_labels, fake, fake_labels)
    else:
        assert players.real is not None
        metrics = critic.learn(players.real(cfg.batch), fakes.sample(cfg.batch))
    if progress is not None:
        progress.critic_updates += 1
    return metrics


def bare_critic(players: Players) -> Critic:
    """The critic itself, under any wrapper that changes its scores (fitness sharing)."""
    return players.critic if players.measures is None else players.measures.critic


def study(players: Players, proposal: Proposal, progress: Progress | None = None) -> dict[str, float]:
    """Show a judged proposal to a critic that learns from the artist's images alone (``SelfTaughtCritic``);
    one critic update. Other critics learn only from real against fake (``learn``)."""
    critic = bare_critic(players)
    if not isinstance(critic, SelfTaughtCritic) or proposal.per_class:
        return {}
    metrics = critic.study(proposal.images.detach())
    if progress is not None:
        progress.critic_updates += 1
    return metrics


def judge(critic: Critic, proposal: Proposal) -> torch.Tensor:
    """The critic's scores of a proposal: per class for a per-class proposal, for the meant class where the
    proposal names one and the critic takes labels, else plain ``score``."""
    images = proposal.images
    with torch.set_grad_enabled(images.requires_grad):  # only gradient artists need the graph
        if proposal.per_class:
            if not isinstance(critic, ClassConfidences):
                raise TypeError("a per-class proposal needs a critic with confidences(images) (ClassConfidences)")
            return critic.confidences(images)
        if proposal.labels is not None and isinstance(critic, LabelledCritic):
            return critic.score_labelled(images, proposal.labels)
        return critic.score(images)


def tell(players: Players, proposal: Proposal, scores: torch.Tensor) -> dict[str, float]:
    """Tell the artist its scores; an artist that referees its own candidate updates (``RefereedArtist``, E-GAN)
    is handed the bare critic and the real sampler for the call."""
    if isinstance(players.artist, RefereedArtist):
        return players.artist.tell_refereed(proposal, scores, bare_critic(players), players.real)
    return players.artist.tell(proposal, scores)


def round_metrics(players: Players, proposal: Proposal, scores: torch.Tensor) -> dict[str, float]:
    """Score summaries, the fooling rate and the fake pool's size, after the artist was told."""
    plain = scores.detach().float()
    best = plain.max(dim=1).values if plain.ndim == 2 else plain  # per class: each image's best class
    metrics = {"score_mean": best.mean().item(), "score_max": best.max().item(), "fakes": float(len(players.fakes))}
    if players.measures is not None and not proposal.per_class:
        metrics.update(players.measures.after_scoring(proposal, scores,
                                                      raw=players.critic is players.measures.critic))
    return metrics


def play_round(players: Players, progress: Progress | None = None) -> Round:
    """One round of the ``round`` schedule: ask, k critic updates, score, tell, crown the champions; a
    self-taught critic then studies the proposal."""
    proposal = players.artist.ask()
    players.fakes.observe(proposal)
    metrics = {} if players.measures is None else dict(players.measures.before_learning(proposal))
    if players.real is not None:
        for _ in range(players.cfg.critic_steps):
            metrics.update(learn(players, progress))
    scores = judge(players.critic, proposal)
    metrics.update(tell(players, proposal, scores))
    players.fakes.crown(proposal, scores)
    metrics.update(round_metrics(players, proposal, scores))
    metrics.update(study(players, proposal, progress))
    return Round(progress.rounds if progress is not None else 0, proposal, scores, metrics)
