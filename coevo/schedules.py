"""How artist and critic take turns, one round at a time: every round, or in phases.

- ``round``: each round one artist generation (or gradient step) and k critic updates (a GAN's schedule).
- ``phases`` (Machado et al. 2008; Vickers, Soderlund & Blair 2017): the artist evolves against a frozen
  critic until its champion is scored real or a generation cap is hit; the phase's champions join the fake
  set; then the critic trains until it tells held-out real images from the phase's fooling images again (their
  mean accuracy reaches a tolerance) or a step cap is hit. One round is one
  artist generation; the round that ends a phase also holds the critic's training and the phase's metrics.
  ``--phase-check-every`` sets the resolution of the critic's steps to recover (default: every step). Remedies
  for forgetting: a critic that remembers (``--phase-remember``: it also learns from, and retrains until it
  rejects, a hall of fame of earlier phases' fooling images) and a jury of past critics (``--phase-jury N``,
  ``coevo.evolution.pastjury``). Remedies for disengagement and easy phases: a growing required margin
  (``--phase-margin``: phase k's champion fools only above threshold + k * margin) and wider search while a
  phase drags (``--phase-widen``: a ``Widening`` artist's population grows evenly to that many times its size by
  the generation cap). A bar set by the data (``--phase-real-bar q``): the champion fools only when it also
  scores above the q-quantile of the phase's critic's scores of held-out real images, so it must look as real as
  real images do to that critic; the bar rises as the critic grows surer of the data and eases when it does not.
  Against disengagement (Cartlidge & Bullock 2004, reduced virulence), ``--phase-relax``: what the bar asks above
  the threshold shrinks evenly while a phase drags, to nothing at the generation cap, so a harder phase takes
  longer instead of stalling. ``--phase-critic-min N``: the critic keeps learning for at least N updates a phase
  after it recovers (when it recovered is still reported). ``--phase-restart``: each phase's search starts from a
  fresh random population (a ``Restarting`` artist), so generations to fool say how hard the new critic is to
  fool from scratch rather than how far the last champion had to move.
  A ``PhasedCritic`` (a jury) hears of the phase's end before it retrains; a ``SelfTaughtCritic`` (the novelty
  SOM) stays frozen during a phase too, and studies the phase's last generation when the phase ends.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import torch

from coevo.loop import (
    Measures,
    Players,
    Progress,
    Round,
    bare_critic,
    judge,
    learn,
    play_round,
    round_metrics,
    study,
    tell,
)
from coevo.protocols import LabelledCritic, PhasedCritic, Proposal, Restarting, SchoolingArtist, Widening
from coevo.rng import randint
from coevo.training.config import RunConfig
from coevo.training.kernel import PhaseRules
from coevo.training.settings import check, subset

HALL = 256  # a remembering critic's hall of fame: the latest fooling images kept, each checked every time
HALL_PER_PHASE = 8  # the best fooling images of a phase that join it
PROBE = 128  # fakes per accuracy check (coevo.metrics.scoreboard.PROBE)


class EveryRound:
    """The ``round`` schedule: ``coevo.loop.play_round``."""

    def play(self, players: Players, progress: Progress) -> Round:
        return play_round(players, progress)

    def state_dict(self) -> dict[str, Any]:
        return {}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        pass


class Phases:
    """The ``phases`` schedule; its phase counters are checkpointed with the run."""

    def __init__(self, rules: PhaseRules | None = None) -> None:
        self.rules = check(rules or PhaseRules())
        self.phase, self.generation = 0, 0
        self.hall: torch.Tensor | None = None  # a remembering critic's hall of fame: earlier phases' fooling images
        self.learned: dict[str, float] = {}  # the critic's metrics of its last retraining update
        self.level: float | None = None  # this phase's quantile of real scores (--phase-real-bar), once measured

    def play(self, players: Players, progress: Progress) -> Round:
        """One artist generation against the frozen critic (a whole school for a ``SchoolingArtist``), then, if
        the phase's artist half is over, the critic's half."""
        self.measure_level(players)
        if isinstance(players.artist, SchoolingArtist):
            return self.school(players, progress)
        proposal = players.artist.ask()
        players.fakes.observe(proposal)
        metrics = {} if players.measures is None else dict(players.measures.before_learning(proposal))
        scores = judge(players.critic, proposal)
        champion, bar = float(scores.detach().float().max()), self.bar()
        fooled = champion > bar
        ends = fooled or self.generation + 1 >= self.rules.generations
        if self.rules.widen > 1 and isinstance(players.artist, Widening):
            metrics["phase_widen"] = float(self.widening(0 if ends else self.generation + 1))
            players.artist.widen(int(metrics["phase_widen"]))  # the next generation's breadth
        metrics.update(tell(players, proposal, scores))
        self.generation += 1
        metrics.update(phase=float(self.phase), phase_generation=float(self.generation), fooled=float(fooled))
        if self.rules.margin or self.rules.real_bar:
            metrics["phase_bar"] = bar
        if ends:
            metrics.update(self.end_phase(players, progress, proposal, scores, fooled, bar))
        metrics.update(round_metrics(players, proposal, scores))
        return Round(progress.rounds, proposal, scores, metrics)

    def school(self, players: Players, progress: Progress) -> Round:
        """A school's round: every artist searches against the frozen critic (``SchoolingArtist.school``), all
        their drawings join the fake set (``champions`` of them), and the critic's half follows."""
        artist = players.artist
        assert isinstance(artist, SchoolingArtist)
        self.learned = {}
        bar = self.bar()
        proposal, scores, metrics = artist.school(players.critic, bar)
        players.fakes.observe(proposal)
        self.generation += 1
        fooled = bool((scores > bar).any())
        metrics.update(phase=float(self.phase), phase_generation=float(self.generation), fooled=float(fooled))
        if self.rules.margin or self.rules.real_bar:
            metrics["phase_bar"] = bar
        if players.measures is not None:
            metrics.update(players.measures.before_learning(proposal))
        metrics.update(self.end_phase(players, progress, proposal, scores, fooled, bar))
        metrics.update({f"retrain_{k}": v for k, v in self.learned.items()})  # the critics' last update: solved?
        metrics.update(round_metrics(players, proposal, scores))
        return Round(progress.rounds, proposal, scores, metrics)

    def end_phase(self, players: Players, progress: Progress, proposal: Proposal, scores: torch.Tensor,
                  fooled: bool, bar: float) -> dict[str, float]:
        """The phase's champions join the fake set (those above ``bar``, the phase's last bar, fooled), the critic
        hears of the phase's end and retrains."""
        metrics: dict[str, float] = {}
        players.fakes.crown(proposal, scores)
        plain = scores.detach().float().cpu()
        best = torch.argsort(plain, descending=True, stable=True)
        fooling = proposal.images.detach().cpu()[best[plain[best] > bar]] if fooled else None
        if self.rules.remember and fooling is not None:
            kept = fooling[:HALL_PER_PHASE]
            self.hall = kept.clone() if self.hall is None else torch.cat([self.hall, kept])[-HALL:]
        critic = players.critic if isinstance(players.critic, PhasedCritic) else bare_critic(players)
        if isinstance(critic, PhasedCritic):
            metrics.update(critic.next_phase())
        recovered_at, accuracy, updates = self.retrain(players, progress, fooling)
        if self.rules.restart and isinstance(players.artist, Restarting):
            players.artist.restart()
        metrics.update(study(players, proposal, progress))
        steps = updates if recovered_at is None else recovered_at
        recovered = accuracy is None or recovered_at is not None
        metrics.update(generations_to_fool=float(self.generation), phase_stalled=float(not fooled),
                       critic_steps_to_recover=float(steps), critic_recovered=float(recovered))
        if self.rules.critic_min:
            metrics["phase_critic_updates"] = float(updates)
        if accuracy is not None:
            metrics["phase_critic_accuracy"] = accuracy
        self.phase, self.generation, self.level = self.phase + 1, 0, None
        return metrics

    def bar(self) -> float:
        """The score this generation's champion must beat: the threshold plus the growing margin, and at least the
        phase's quantile of real scores (``--phase-real-bar``); with ``relax``, what it asks above the threshold
        shrinks evenly while the phase drags, to nothing at the generation cap."""
        fixed = self.rules.threshold + self.phase * self.rules.margin
        bar = fixed if self.level is None else max(fixed, self.level)
        if not self.rules.relax:
            return bar
        left = max(0, self.rules.generations - 1 - self.generation) / max(1, self.rules.generations - 1)
        return self.rules.threshold + (bar - self.rules.threshold) * left

    def measure_level(self, players: Players) -> None:
        """At a phase's first generation, the ``real_bar`` quantile of the (frozen) bare critic's scores of the
        held-out real images; nothing without the option or held-out images."""
        if not self.rules.real_bar or self.level is not None or players.measures is None:
            return
        scores = players.measures.real_scores()
        if scores is not None and len(scores):
            self.level = float(torch.quantile(scores.flatten().double(), self.rules.real_bar))

    def widening(self, generation: int) -> int:
        """How many times its population the artist shows at this generation of a phase: 1 at the start, growing
        evenly to ``widen`` by the generation cap."""
        return min(self.rules.widen, 1 + generation * self.rules.widen // self.rules.generations)

    def retrain(self, players: Players, progress: Progress,
                fooling: torch.Tensor | None) -> tuple[int | None, float | None, int]:
        """Train the critic on the fake set until it tells held-out real images from ``fooling`` (the phase's
        fooling images; the whole fake set for a stalled phase) again, and for at least ``critic_min`` updates;
        returns (updates to recover, None if it did not, final accuracy, updates made)."""
        if players.real is None:
            return 0, None, 0
        probe = players.fakes.pool() if fooling is None or len(fooling) == 0 else fooling
        hall = self.hall if self.rules.remember else None
        probes = [probe] if hall is None else [probe, *hall.split(PROBE)]  # the hall: every image must be rejected
        measures = players.measures
        measure = (lambda: None) if measures is None else (lambda: min_accuracy(measures, probes))
        accuracy, steps = measure(), 0
        recovered_at = 0 if self.reached(accuracy) else None
        least = min(self.rules.critic_min, self.rules.critic_steps)
        while steps < self.rules.critic_steps and (recovered_at is None or steps < least):
            for _ in range(min(self.rules.check_every, self.rules.critic_steps - steps)):
                if hall is None or isinstance(players.critic, LabelledCritic):
                    self.learned = learn(players, progress)
                else:
                    remember(players, progress, hall)
                steps += 1
            accuracy = measure()
            if recovered_at is None and self.reached(accuracy):
                recovered_at = steps
        return recovered_at, accuracy, steps

    def reached(self, accuracy: float | None) -> bool:
        """Whether a held-out accuracy meets the phase's recovery tolerance."""
        return accuracy is not None and accuracy >= self.rules.accuracy

    def state_dict(self) -> dict[str, Any]:
        state = {"phase": self.phase, "generation": self.generation, "rules": asdict(self.rules), "hall": self.hall}
        return state if self.level is None else {**state, "level": self.level}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.phase, self.generation = int(state["phase"]), int(state["generation"])
        self.level = state.get("level")  # measured at the phase's start; absent without --phase-real-bar
        self.hall = state.get("hall")  # checkpoints before the remembering critic have none


def min_accuracy(measures: Measures, probes: list[torch.Tensor]) -> float | None:
    """The critic's lowest held-out accuracy (real against each probe's fakes); None without held-out images."""
    found = [measures.accuracy(probe) for probe in probes if len(probe)]
    return None if not found or None in found else min(a for a in found if a is not None)


def remember(players: Players, progress: Progress, hall: torch.Tensor) -> None:
    """One critic update of a critic that remembers: real images against half a batch from the fake pool and
    half from the hall of fame of fooling images."""
    batch = players.cfg.batch
    recalled = hall[randint(len(hall), (batch // 2,))]  # the run's generator
    fake = players.fakes.sample(batch - batch // 2)
    assert players.real is not None
    players.critic.learn(players.real(batch), torch.cat([fake, recalled.to(fake.device)]))
    progress.critic_updates += 1


def make_schedule(config: RunConfig) -> EveryRound | Phases:
    """The schedule a run's config names."""
    if config.schedule == "phases":
        return Phases(subset(PhaseRules, config, prefix="phase_"))
    return EveryRound()
