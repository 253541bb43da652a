"""Against forgetting and cycling: the artist is judged by the critics of earlier phases too (a hall of fame of
critics, Rosin & Belew 1997), so a champion that fools today's critic by undoing what an earlier one taught is
no champion.

``PastJury`` wraps the playing critic (learning is unchanged): an image's score is the lowest of the playing
critic's and the last ``size`` phases' frozen critics' (``--phase-jury``), so the phases schedule calls the artist's
champion fooling only when it fools every one. When a phase ends (``next_phase``, before the critic retrains) the
critic that was just fooled joins the jury, and the oldest leaves. The jury keeps each member's scoring state
(``coevo.evolution.snapshots``) and is checkpointed with the run.
"""

from __future__ import annotations

import copy
from typing import Any

import torch

from coevo.evolution.snapshots import completed, scoring_state
from coevo.protocols import Critic, PhasedCritic

MAX_JURY = 16  # past critics at most: each scores every image the artist shows


class PastJury:
    """A ``Critic`` (and ``PhasedCritic``) scoring with the minimum over the playing critic and past ones."""

    def __init__(self, critic: Critic, size: int, bare: Critic | None = None) -> None:
        if not 1 <= size <= MAX_JURY:
            raise ValueError(f"a jury of past critics holds 1 to {MAX_JURY} critics")
        self.critic, self.size = critic, size
        self.bare = bare if bare is not None else critic  # the critic whose states join the jury
        self.past: list[dict[str, Any]] = []  # oldest first
        self.members: list[Critic] = []  # the past states, loaded into copies of the bare critic

    def score(self, images: torch.Tensor) -> torch.Tensor:
        scores = self.critic.score(images)
        for member in self.members:
            with torch.no_grad():
                scores = torch.minimum(scores, member.score(images.detach()).to(scores.device, scores.dtype))
        return scores

    def learn(self, real: torch.Tensor, fake: torch.Tensor) -> dict[str, float]:
        return self.critic.learn(real, fake)

    def next_phase(self) -> dict[str, float]:
        """The critic just fooled joins the jury (the oldest leaves past ``size``); an inner phased critic hears
        of the phase's end too."""
        metrics = self.bare.next_phase() if isinstance(self.bare, PhasedCritic) else {}
        self.past = [*self.past, scoring_state(self.bare.state_dict())][-self.size:]
        self._load()
        return {**metrics, "past_jury": float(len(self.past))}

    def _load(self) -> None:
        template = self.bare.state_dict()
        while len(self.members) < len(self.past):
            self.members.append(copy.deepcopy(self.bare))
        self.members = self.members[: len(self.past)]
        for member, state in zip(self.members, self.past):
            member.load_state_dict(completed(state, template))

    def state_dict(self) -> dict[str, Any]:
        return {"critic": self.critic.state_dict(), "past": self.past}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.critic.load_state_dict(state["critic"])
        self.past = list(state["past"])
        self._load()
