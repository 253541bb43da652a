"""The master tournament (Floreano & Nolfi 1997) and its CIAO picture (Cliff & Miller 1995): does the arms race
escalate, or cycle?

A run keeps a bounded, evenly thinned list of *generations*: each phase's (or every k-th round's) critic and its
champions, the best images the artist showed that critic. Every kept champion set plays every kept critic: entry
``fool[c, a]`` is the share of generation ``a``'s champions that generation ``c``'s critic takes for real. The
matrix grows by one row and one column per kept generation (the entries never change), is checkpointed with the
run, and is written to ``tournament.json`` and ``ciao.png`` at checkpoints and at the end.

Progress (``progress``): the mean over kept pairs ``i < j`` of ``fool[i, j] - fool[j, i]``, how much more often
newer champions fool older critics than older champions fool newer critics. +1: every newer champion beats every
older critic and no older champion beats a newer one (an arms race that escalates); 0: no progress (or cycling);
negative: the game forgets (older champions do better against newer critics).
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from typing import Any

import torch

from coevo.evolution.snapshots import completed, scoring_state
from coevo.loop import Hook, Progress, Round, judge
from coevo.protocols import Critic, Proposal
from coevo.store.atomic import atomic_write_bytes, atomic_write_text
from coevo.store.plots import plot_ciao
from coevo.store.runfolder import RunFolder
from coevo.training.trainer import Game

CHAMPIONS = 8  # best images of a kept generation that play every critic
MAX_KEEP = 64  # kept generations at most (``--ciao-keep``'s bound): the checkpoint holds each one's critic


def generation_ends(played: Round, phases: bool, every: int) -> bool:
    """Whether ``played`` ends a generation the diagnostics keep: a phase's last round, or every ``every``-th."""
    return "generations_to_fool" in played.metrics if phases else played.index % every == 0


def progress(fool: torch.Tensor) -> float:
    """Mean over ``i < j`` of ``fool[i, j] - fool[j, i]`` (rows: critics, columns: champions, oldest first);
    0.0 with fewer than two generations."""
    n = len(fool)
    if n < 2:
        return 0.0
    upper = torch.triu(torch.ones(n, n, dtype=torch.bool), diagonal=1)
    return float((fool - fool.T)[upper].double().mean())


@dataclass
class Generation:
    """One kept generation: its critic's scoring state and its champions."""

    ordinal: int  # which candidate generation this was (0, 1, 2, ...): the thinning keeps multiples of the stride
    label: int  # the phase (phases schedule) or the round (round schedule)
    round: int  # the round that ended it
    critic: dict[str, Any]
    images: torch.Tensor  # (k, C, H, W) on the CPU, best first
    labels: torch.Tensor | None  # the classes the images were meant to be, for critics that take labels


class MasterTournament(Hook):
    """Keeps each phase's (or every ``every``-th round's) critic and champions, at most ``keep`` of them (thinned
    evenly by doubling a stride), and plays each new one against all kept; a hook and a checkpointed part."""

    def __init__(self, critic: Critic, phases: bool, every: int = 10, keep: int = 32, threshold: float = 0.0) -> None:
        if not 1 <= keep <= MAX_KEEP:
            raise ValueError(f"keep must lie in [1, {MAX_KEEP}]")
        self.critic, self.phases, self.every, self.keep, self.threshold = critic, phases, every, keep, threshold
        self.kept: list[Generation] = []
        self.fool = torch.zeros(0, 0, dtype=torch.float64)  # [critic, champions]: share taken for real
        self.score = torch.zeros(0, 0, dtype=torch.float64)  # [critic, champions]: mean score
        self.stride, self.seen = 1, 0
        self.pending: dict[str, Any] | None = None  # phases: the critic the current phase's artist faces
        self.version = 0  # bumped at every change, so that files are rewritten only then
        self._scratch: Critic | None = None
        self._template: Any = None

    # --- the hook ---------------------------------------------------------------------------------------------

    def on_start(self, progress: Progress) -> None:
        if self.phases and self.pending is None:  # a fresh run: the critic phase 0 faces, after the warm-up
            self.pending = scoring_state(self.critic.state_dict())

    def on_round_end(self, played: Round, progress: Progress) -> None:
        if not generation_ends(played, self.phases, self.every):
            return
        if self.phases:
            faced, label = self.pending, int(played.metrics.get("phase", self.seen))
            self.pending = scoring_state(self.critic.state_dict())  # retrained: what the next phase faces
        else:
            faced, label = scoring_state(self.critic.state_dict()), played.index
        assert faced is not None
        self.add(label, played.index, faced, played.proposal, played.scores)
        played.metrics.update(ciao_progress=self.progress(), ciao_kept=float(len(self.kept)))

    # --- the matrix --------------------------------------------------------------------------------------------

    def add(self, label: int, round_index: int, critic: dict[str, Any], proposal: Proposal,
            scores: torch.Tensor) -> None:
        """Keep a generation (if the stride takes it), play it against every kept one, then thin to ``keep``."""
        ordinal, self.seen = self.seen, self.seen + 1
        if ordinal % self.stride:
            return
        plain = scores.detach().float().cpu()
        plain = plain.max(dim=1).values if plain.ndim == 2 else plain
        best = torch.argsort(plain, descending=True, stable=True)[:CHAMPIONS]
        labels = None if proposal.labels is None else proposal.labels.detach().cpu()[best].clone()
        entry = Generation(ordinal, label, round_index, critic, proposal.images.detach().cpu()[best].clone(), labels)
        self.kept.append(entry)
        n = len(self.kept)
        fool, score = torch.zeros(n, n, dtype=torch.float64), torch.zeros(n, n, dtype=torch.float64)
        fool[:-1, :-1], score[:-1, :-1] = self.fool, self.score
        with torch.random.fork_rng(devices=[]):  # scoring draws nothing, but the run's generators stay untouched
            fool[-1], score[-1] = self._play(entry.critic, self.kept)  # the new critic against every champion
            for index, other in enumerate(self.kept[:-1]):  # every earlier critic against the new champions
                column = self._play(other.critic, [entry])
                fool[index, -1], score[index, -1] = column[0][0], column[1][0]
        self.fool, self.score = fool, score
        if n > self.keep:
            self.stride *= 2
            keep = [i for i, kept in enumerate(self.kept) if kept.ordinal % self.stride == 0]
            self.kept = [self.kept[i] for i in keep]
            self.fool, self.score = self.fool[keep][:, keep], self.score[keep][:, keep]
        self.version += 1

    def _play(self, critic: dict[str, Any], generations: list[Generation]) -> tuple[torch.Tensor, torch.Tensor]:
        """A kept critic's fool rates and mean scores against each of ``generations``' champions."""
        scratch = self._critic()
        scratch.load_state_dict(completed(critic, self._template))
        sizes = [len(g.images) for g in generations]
        labelled = all(g.labels is not None for g in generations)
        images = torch.cat([g.images for g in generations])
        labels = torch.cat([g.labels for g in generations]) if labelled else None  # type: ignore[misc]
        with torch.no_grad():
            scores = judge(scratch, Proposal(images, labels=labels)).detach().float().cpu()
        scores = scores.max(dim=1).values if scores.ndim == 2 else scores
        parts = scores.split(sizes)
        return (torch.tensor([float((p > self.threshold).double().mean()) for p in parts], dtype=torch.float64),
                torch.tensor([float(p.double().mean()) for p in parts], dtype=torch.float64))

    def _critic(self) -> Critic:
        """A copy of the playing critic to load kept states into (the playing one is never touched)."""
        if self._scratch is None:
            self._scratch = copy.deepcopy(self.critic)
            self._template = copy.deepcopy(self._scratch.state_dict())
        return self._scratch

    def progress(self) -> float:
        return progress(self.fool)

    def summary(self) -> dict[str, Any]:
        """The matrix and its progress, as ``tournament.json`` holds them."""
        def rounded(matrix: torch.Tensor) -> list[list[float]]:
            return [[round(float(v), 6) for v in row] for row in matrix]

        return {"progress": round(self.progress(), 6), "kept": len(self.kept), "stride": self.stride,
                "unit": "phase" if self.phases else "round", "threshold": self.threshold,
                "generations": [g.label for g in self.kept], "rounds": [g.round for g in self.kept],
                "fool": rounded(self.fool), "score": rounded(self.score),
                "rows": "critic of each generation", "columns": f"its {CHAMPIONS} best images (champions)"}

    # --- the checkpoint ----------------------------------------------------------------------------------------

    def state_dict(self) -> dict[str, Any]:
        return {"kept": [vars(g).copy() for g in self.kept], "fool": self.fool, "score": self.score,
                "stride": self.stride, "seen": self.seen, "pending": self.pending}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.kept = [Generation(**g) for g in state["kept"]]
        self.fool, self.score = state["fool"], state["score"]
        self.stride, self.seen, self.pending = int(state["stride"]), int(state["seen"]), state["pending"]
        self.version += 1


class TournamentRecorder(Hook):
    """Writes ``tournament.json`` and ``ciao.png`` into the run folder when the matrix changed, before each
    checkpoint and at the end."""

    def __init__(self, folder: RunFolder, tournament: MasterTournament, title: str) -> None:
        self.folder, self.tournament, self.title = folder, tournament, title
        self.written = -1  # a resumed run rewrites them at its first checkpoint

    def on_checkpoint(self) -> None:
        self.write()

    def on_end(self, progress: Progress) -> None:
        self.write()

    def write(self) -> None:
        if self.written == self.tournament.version or not self.tournament.kept:
            return
        summary = self.tournament.summary()
        atomic_write_text(self.folder.path / "tournament.json", json.dumps(summary) + "\n")
        atomic_write_bytes(self.folder.path / "ciao.png",
                           plot_ciao(self.tournament.fool, summary["generations"], summary["unit"],
                                     f"{self.title}: progress {summary['progress']:+.3f}"))
        self.written = self.tournament.version


def attach(game: Game) -> MasterTournament | None:
    """Add a run's master tournament to its game (a hook and a checkpointed part), where the run keeps one: its
    critic learns from real data and ``ciao_keep`` is not 0."""
    config = game.config
    if config.ciao_keep == 0 or game.players.real is None:
        return None
    phases = config.schedule == "phases"
    tournament = MasterTournament(game.meta["critic"], phases, config.ciao_every, config.ciao_keep,
                                  config.phase_threshold if phases else 0.0)
    game.parts["tournament"] = tournament
    game.hooks.append(tournament)
    return tournament
