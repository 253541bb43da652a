"""``NoveltyCritic``: a curious agent after Saunders & Gero (2001), "Artificial creativity: a synthetic approach
to the study of creative behaviour". A self-organising map (Kohonen) learns every image the artist shows it;
an image's novelty is its distance to the best-matching unit, and its interest follows the Wundt curve, a
reward sigmoid minus a later, stronger punishment sigmoid: the most interesting images are similar to what
the agent has seen, but not too similar. It needs no real images (``--data none``)."""

from __future__ import annotations

import math
from typing import Any, ClassVar

import torch
import torch.nn.functional as F

from coevo import rng
from coevo.images import grid
from coevo.toolkits.imagefeatures import feature_names, image_features
from coevo.training.settings import Limits

INPUTS = ("pixels", "features")
COUNTS = {"n_corners": 16.0, "n_patches": 5.0}  # feature counts scaled to about [0, 1] like the rest


def wundt(novelty: torch.Tensor, reward_at: float = 0.15, reward_slope: float = 30.0, reward_max: float = 1.0,
          punish_at: float = 0.3, punish_slope: float = 30.0, punish_max: float = 1.5) -> torch.Tensor:
    """Saunders & Gero's hedonic function H(N) = R(N) - P(N), R(N) = R_max / (1 + exp(-ρ_R (N - N_R))) and
    P(N) = P_max / (1 + exp(-ρ_P (N - N_P))), with the punishment later (N_P > N_R) and stronger (P_max > R_max)."""
    reward = reward_max / (1 + torch.exp(-reward_slope * (novelty - reward_at)))
    punishment = punish_max / (1 + torch.exp(-punish_slope * (novelty - punish_at)))
    return reward - punishment


class NoveltyCritic:
    """A SOM on downscaled pixels or image features (``coevo.protocols.SelfTaughtCritic``): ``score`` is
    Wundt(novelty), ``study`` trains the map online on the images, one at a time (Kohonen's rule, learning rate
    and neighbourhood radius decaying exponentially with the images seen, to floors: a lifelong learner).

    Novelty is the root-mean-square difference, per vector component in [0, 1], between an image's vector and its
    best-matching prototype. The map starts at uniform random prototypes (the seeded Torch generator)."""

    # option bounds (coevo.training.settings.check_options)
    LIMITS: ClassVar[Limits] = {"resolution": (1, 256), "rows": (1, 256), "cols": (1, 256)}

    def __init__(self, shape: tuple[int, int, int] = (1, 32, 32), input: str = "pixels", resolution: int = 8,
                 rows: int = 6, cols: int = 6, lr: float = 0.5, lr_min: float = 0.02, radius: float | None = None,
                 radius_min: float = 0.5, decay: float = 2000.0, reward_at: float = 0.15, reward_slope: float = 30.0,
                 reward_max: float = 1.0, punish_at: float = 0.3, punish_slope: float = 30.0,
                 punish_max: float = 1.5) -> None:
        self.shape = tuple(int(s) for s in shape)
        if input not in INPUTS:
            raise ValueError(f"input must be one of {', '.join(INPUTS)}, got {input!r}")
        if min(rows, cols, resolution) < 1 or decay <= 0 or not 0 < lr_min <= lr <= 1:
            raise ValueError("rows, cols and resolution must be positive, decay > 0 and 0 < lr_min <= lr <= 1")
        if not (punish_at > reward_at and punish_max > reward_max > 0):
            raise ValueError("the Wundt curve needs punish_at > reward_at and punish_max > reward_max > 0")
        self.input, self.resolution, self.rows, self.cols = input, resolution, rows, cols
        self.lr, self.lr_min, self.decay = lr, lr_min, decay
        self.radius, self.radius_min = (radius or max(rows, cols) / 2), radius_min
        self.curve = {"reward_at": reward_at, "reward_slope": reward_slope, "reward_max": reward_max,
                      "punish_at": punish_at, "punish_slope": punish_slope, "punish_max": punish_max}
        if input == "features":
            names = feature_names(self.shape[0])
            self.scale = torch.tensor([COUNTS.get(name, 1.0) for name in names])
            size = len(names)
        else:
            size = self.shape[0] * resolution * resolution
        self.prototypes = rng.rand(rows * cols, size)
        self.exemplars = torch.zeros(rows * cols, *self.shape)  # the last image each unit won, for pictures
        self.seen = 0
        r, c = torch.meshgrid(torch.arange(rows), torch.arange(cols), indexing="ij")
        self.cells = torch.stack([r.flatten(), c.flatten()], dim=1).float()

    def vectors(self, images: torch.Tensor) -> torch.Tensor:
        """What the map sees: ``(N, D)`` in about [0, 1], downscaled pixels or scaled image features."""
        images = images.detach().float().cpu()
        if images.ndim != 4 or tuple(images.shape[1:]) != self.shape:
            raise ValueError(f"critic expects images (N, {', '.join(map(str, self.shape))}), got "
                             f"{tuple(images.shape)}")
        if self.input == "features":
            return image_features(images) / self.scale
        small = F.adaptive_avg_pool2d(images.clamp(-1, 1), self.resolution)
        return ((small + 1) / 2).flatten(1)

    def _distances(self, vectors: torch.Tensor) -> torch.Tensor:
        return torch.cdist(vectors, self.prototypes) / math.sqrt(vectors.shape[1])

    def novelty(self, images: torch.Tensor) -> torch.Tensor:
        """Each image's RMS distance to its best-matching unit, ``(N,)``."""
        if len(images) == 0:
            return torch.zeros(0)
        return self._distances(self.vectors(images)).min(dim=1).values

    def quantisation_error(self, images: torch.Tensor) -> float:
        """The map's mean distance to the best-matching units of ``images``."""
        return float(self.novelty(images).mean())

    def score(self, images: torch.Tensor) -> torch.Tensor:
        """Interest ``(N,)``: the Wundt curve of each image's novelty, on the images' device."""
        return wundt(self.novelty(images), **self.curve).to(images.device)

    def study(self, images: torch.Tensor) -> dict[str, float]:
        """Learn the images one by one; returns the map's quantisation error on them afterwards."""
        vectors = self.vectors(images)
        for image, vector in zip(images.detach().float().cpu(), vectors):
            fade = math.exp(-self.seen / self.decay)
            lr, radius = max(self.lr_min, self.lr * fade), max(self.radius_min, self.radius * fade)
            winner = int(self._distances(vector[None]).argmin())
            near = torch.exp(-((self.cells - self.cells[winner]) ** 2).sum(dim=1) / (2 * radius ** 2))
            self.prototypes += lr * near[:, None] * (vector[None] - self.prototypes)
            self.exemplars[winner] = image
            self.seen += 1
        return {"som_quantisation_error": self.quantisation_error(images), "som_seen": float(self.seen)}

    def explain(self, images: torch.Tensor) -> dict[str, float]:
        """The novelty distribution of the images just scored (before the map studies them)."""
        novelty = self.novelty(images)
        if len(novelty) == 0:
            return {}
        q = torch.quantile(novelty, torch.tensor([0.0, 0.25, 0.5, 0.75, 1.0])).tolist()
        return {"novelty_mean": float(novelty.mean()), "novelty_min": q[0], "novelty_q25": q[1],
                "novelty_median": q[2], "novelty_q75": q[3], "novelty_max": q[4]}

    def pictures(self) -> dict[str, torch.Tensor]:
        """The map as a rows × cols sheet: each unit's prototype (pixels), or the last image it won (features)."""
        if self.input == "pixels":
            small = self.prototypes.view(-1, self.shape[0], self.resolution, self.resolution) * 2 - 1
            tiles = F.interpolate(small, size=self.shape[1:], mode="nearest")
        else:
            tiles = self.exemplars
        return {"som": grid(tiles, columns=self.cols, fill=1.0)}

    def learn(self, real: torch.Tensor, fake: torch.Tensor) -> dict[str, float]:
        """Nothing: the map learns what the artist shows it (``study``), never real images."""
        return {}

    def state_dict(self) -> dict[str, Any]:
        return {"prototypes": self.prototypes, "exemplars": self.exemplars, "seen": self.seen}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.prototypes, self.exemplars = state["prototypes"].clone(), state["exemplars"].clone()
        self.seen = int(state["seen"])
