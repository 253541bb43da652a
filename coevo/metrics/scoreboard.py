"""Per-round measures of the game: held-out critic accuracy, fooling rate and population diversity.

Everything here is a pure function of the critic's state, the proposal and fixed held-out images: it draws
no random numbers and changes no state, so a resumed run records the same metrics as an uninterrupted one.
"""

from __future__ import annotations

import torch

from coevo.data import ImageSet
from coevo.loop import Hook, Progress
from coevo.protocols import Critic, ExplainedScores, FeatureCritic, FeatureScores, Proposal

HOLDOUT = 0.1  # share of the real images kept from the critic's training, to measure its accuracy
MIN_REAL = 20  # smaller data sets are all used for training (no held-out accuracy)
PROBE = 128  # held-out images scored each round (the first ones: fixed, no sampling)


def split_real(data: ImageSet) -> tuple[ImageSet, ImageSet | None]:
    """Training images and a fixed held-out part (``ImageSet.split``) that the critic never learns from."""
    if len(data) < MIN_REAL:
        return data, None
    return data.split(HOLDOUT)


def pairwise_spread(vectors: torch.Tensor) -> float:
    """Mean root-mean-square difference over all pairs of rows: 0 for clones."""
    if len(vectors) < 2:
        return 0.0
    flat = vectors.detach().float().cpu().flatten(1)
    distances = torch.cdist(flat, flat) / flat.shape[1] ** 0.5
    n = len(flat)
    return float(distances.sum() / (n * (n - 1)))


class Scoreboard:
    """Measures each round for metrics.jsonl; ``critic`` is the bare critic (not a fitness wrapper).

    The critic's pass over the held-out images (accuracy, feature diversity) costs as much as a critic update, so
    it is taken on the rounds ``due`` says (``MeasureClock``: every ``every`` rounds, from round 0); the pixel
    diversity, the fooling rate and the critic's own measures are taken every round."""

    def __init__(self, critic: Critic, held_out: ImageSet | None, every: int = 1) -> None:
        self.critic = critic
        self.held_out = None if held_out is None else held_out.images[:PROBE]
        self.every = every
        self.due = True  # whether the coming round takes the critic's held-out measures (set by ``MeasureClock``)

    def clock(self) -> MeasureClock:
        """The hook that says, before each round, whether it takes the held-out measures."""
        return MeasureClock(self)

    def before_learning(self, proposal: Proposal) -> dict[str, float]:
        """Critic accuracy on held-out real vs. the new population, and the population's diversity; a
        ``FeatureScores`` critic gives features and scores in one pass."""
        images = proposal.images.detach()
        metrics = {"diversity_pixels": pairwise_spread(images)}
        if not self.due:
            return metrics
        features, accuracy = None, {}
        if self.held_out is not None:
            both = torch.cat([self.held_out.to(images.device), images])
            if isinstance(self.critic, FeatureScores):
                all_features, scores = self.critic.features_and_scores(both)
                features = all_features[len(self.held_out):]
            else:
                scores = self.critic.score(both)
            real_right, fake_right = self._shares(scores, len(self.held_out))
            accuracy = {"critic_accuracy": (real_right + fake_right) / 2, "critic_accuracy_real": real_right,
                        "critic_accuracy_fake": fake_right}
        if isinstance(self.critic, FeatureCritic):
            metrics["diversity_features"] = pairwise_spread(self.critic.features(images) if features is None
                                                            else features)
        metrics.update(accuracy)
        return metrics

    def accuracy(self, fakes: torch.Tensor) -> float | None:
        """Mean of the critic's accuracy on the held-out real images and on ``fakes`` (the last ``PROBE``);
        None without held-out images."""
        if self.held_out is None:
            return None
        real_right, fake_right = self._rights(fakes[-PROBE:])
        return (real_right + fake_right) / 2

    def real_scores(self) -> torch.Tensor | None:
        """The critic's scores of the held-out real images (the first ``PROBE``); None without them."""
        if self.held_out is None:
            return None
        with torch.no_grad():
            return self.critic.score(self.held_out).detach().float().cpu()

    def _rights(self, fakes: torch.Tensor) -> tuple[float, float]:
        """Shares of held-out real images scored real (logit > 0) and of ``fakes`` scored fake, in one pass."""
        held_out = self.held_out.to(fakes.device)
        return self._shares(self.critic.score(torch.cat([held_out, fakes])), len(held_out))

    @staticmethod
    def _shares(scores: torch.Tensor, real: int) -> tuple[float, float]:
        """Shares of the first ``real`` scores above 0 (held-out real taken for real) and of the rest at or
        below 0 (fakes taken for fake)."""
        return (scores[:real] > 0).float().mean().item(), (scores[real:] <= 0).float().mean().item()

    def after_scoring(self, proposal: Proposal, scores: torch.Tensor, raw: bool = True) -> dict[str, float]:
        """Fooling rate: the share of the population the (learned) critic takes for real (logit > 0), and the
        critic's own measures of the images (``ExplainedScores``).

        ``raw`` says whether ``scores`` are the bare critic's; if a fitness wrapper changed them, rescore.
        """
        plain = scores.detach() if raw else self.critic.score(proposal.images.detach())
        metrics = {"fooling_rate": (plain.float() > 0).float().mean().item()}
        if isinstance(self.critic, ExplainedScores):
            metrics.update(self.critic.explain(proposal.images.detach()))
        return metrics



class MeasureClock(Hook):
    """Sets ``Scoreboard.due`` before each round: on round indices divisible by ``every``. A pure function of the
    checkpointed round index, so a resumed or lengthened run measures the rounds an uninterrupted one does."""

    def __init__(self, board: Scoreboard) -> None:
        self.board = board

    def on_round_start(self, progress: Progress) -> None:
        self.board.due = progress.rounds % self.board.every == 0
