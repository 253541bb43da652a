"""The one co-evolution loop: evolution against a human, evolution against a CNN and GAN training alike.

Each round the artist asks; the critic learns k times from real images against the fake pool; the
critic scores the proposal; the artist is told; the recorder records.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import torch

from coevo.fakes import FakePool
from coevo.protocols import Artist, Critic, Proposal, Recorder

RealSampler = Callable[[int], torch.Tensor]  # n -> n real images (N, C, H, W) in [-1, 1]


@dataclass
class LoopConfig:
    """How critic and artist take turns."""

    critic_steps: int = 1  # k: critic updates per round
    batch: int = 64  # real and fake images per critic update
    warmup: int = 0  # critic updates before the first round (fakes from the artist's first proposal)


def warm_up(artist: Artist, critic: Critic, real: RealSampler, fakes: FakePool, cfg: LoopConfig) -> None:
    """Train the critic alone for ``cfg.warmup`` steps against the artist's first proposal."""
    if cfg.warmup <= 0:
        return
    fakes.observe(artist.ask())
    for _ in range(cfg.warmup):
        critic.learn(real(cfg.batch), fakes.sample(cfg.batch))


def play_round(artist: Artist, critic: Critic, real: RealSampler | None, fakes: FakePool,
               cfg: LoopConfig) -> tuple[Proposal, torch.Tensor, dict[str, float]]:
    """One round of the game; returns the judged proposal, its scores and the round's metrics."""
    proposal = artist.ask()
    fakes.observe(proposal)
    metrics: dict[str, float] = {}
    if real is not None:
        for _ in range(cfg.critic_steps):
            metrics.update(critic.learn(real(cfg.batch), fakes.sample(cfg.batch)))
    with torch.set_grad_enabled(proposal.images.requires_grad):  # only gradient artists need the graph
        scores = critic.score(proposal.images)
    metrics.update(artist.tell(proposal, scores))
    fakes.crown(proposal, scores)
    plain = scores.detach().float()
    metrics.update(score_mean=plain.mean().item(), score_max=plain.max().item(), fakes=float(len(fakes)))
    return proposal, scores, metrics


def coevolve(artist: Artist, critic: Critic, real: RealSampler | None, fakes: FakePool, cfg: LoopConfig,
             rounds: Iterable[int], recorder: Recorder | None = None) -> None:
    """Play the given rounds, handing each outcome to the recorder."""
    for index in rounds:
        proposal, scores, metrics = play_round(artist, critic, real, fakes, cfg)
        if recorder is not None:
            recorder.record(index, metrics, proposal, scores)
