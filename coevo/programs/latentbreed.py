"""A generator's latent space as ``Genetics`` (Artbreeder's idea): breed a dcgan, cdcgan or vae run by hand.

A genome is a latent vector z (and, for a conditional generator, its class); a child is its parent plus a
Gaussian step (``sigma`` times the mutation strength), crossover mixes two parents' latents on the great circle
between them (``crossover = "slerp"``, at a random point) or dimension by dimension (``"uniform"``). Images are
the generator's, resized to the box. Saved genomes hold the latent and the options name the run folder and its
checkpoint, so ``coevo render`` and ``--from`` redraw them with the same generator.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from coevo.errors import CoevoError
from coevo.programs.latent import load_generator
from coevo.protocols import ConditionalGenerator
from coevo.rng import numpy_rng, python_rng
from coevo.store.runfolder import RunFolder

CROSSOVERS = ("slerp", "uniform")
SAMPLES = 256  # generated images whose principal components give the latent directions ("genes")
MAX_DIRECTIONS = 16


class LatentGenetics:
    """Latent vectors of the generator saved in ``run`` (its last checkpoint) as genomes."""

    def __init__(self, run: str = "", checkpoint: str = "", sigma: float = 0.5, crossover: str = "slerp",
                 relabel: float = 0.1) -> None:
        if not run:
            raise ValueError("the latent artist needs the generator's run folder: run=DIR (coevo breed --from DIR)")
        if crossover not in CROSSOVERS:
            raise ValueError(f"unknown crossover {crossover!r}; choose one of {', '.join(CROSSOVERS)}")
        if sigma <= 0 or not 0 <= relabel <= 1:
            raise ValueError("sigma must be positive and relabel a probability")
        self.run = str(Path(run).resolve())
        self.generator = load_generator(Path(self.run))
        self.checkpoint = checkpoint or str(RunFolder(Path(self.run)).path / "checkpoint.pt")
        self.sigma, self.crossover_kind, self.relabel = float(sigma), crossover, float(relabel)
        self.nz = int(self.generator.nz)
        self.classes = self.generator.classes if isinstance(self.generator, ConditionalGenerator) else 0
        self.channels = int(self.generator.generate(torch.zeros(1, self.nz)).shape[1])
        self._directions: torch.Tensor | None = None

    def _genome(self, z: np.ndarray, label: int | None) -> dict[str, Any]:
        return {"z": [float(v) for v in z], "label": label}

    def random_genome(self) -> dict[str, Any]:
        label = python_rng().randrange(self.classes) if self.classes else None
        return self._genome(numpy_rng().standard_normal(self.nz), label)

    def mutate(self, genome: dict[str, Any], strength: float = 1.0) -> dict[str, Any]:
        rng = python_rng()
        z = np.asarray(genome["z"]) + strength * self.sigma * numpy_rng().standard_normal(self.nz)
        label = genome["label"]
        if self.classes and rng.random() < self.relabel * strength:
            label = rng.randrange(self.classes)
        return self._genome(z, label)

    def crossover(self, a: dict[str, Any], b: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        za, zb = np.asarray(a["z"]), np.asarray(b["z"])
        if self.crossover_kind == "slerp":
            t = python_rng().random()
            one, two = _slerp(za, zb, t), _slerp(za, zb, 1 - t)
        else:
            mask = numpy_rng().random_sample(self.nz) < 0.5
            one, two = np.where(mask, za, zb), np.where(mask, zb, za)
        return self._genome(one, a["label"]), self._genome(two, b["label"])

    def render(self, genomes: list[dict[str, Any]], size: int) -> torch.Tensor:
        z = torch.tensor([g["z"] for g in genomes], dtype=torch.float32).view(len(genomes), self.nz)
        if self.classes:
            images = self.generator.generate_labelled(z, torch.tensor([int(g["label"]) for g in genomes]))
        else:
            images = self.generator.generate(z)
        if images.shape[-1] != size:
            images = F.interpolate(images, size=(size, size), mode="bilinear", align_corners=False)
        return images.clamp(-1.0, 1.0)

    def directions(self, count: int = 5) -> torch.Tensor:
        """``count`` unit latent directions along which the images change most (Artbreeder's "genes", after
        GANSpace, Härkönen et al. 2020): the top principal components of ``SAMPLES`` generated images, each carried
        back to the latent space as the direction that best predicts its score (least squares over the latents).
        Fixed for a generator (its own seed; the global random state is left alone); signs are arbitrary."""
        if not 1 <= count <= MAX_DIRECTIONS:
            raise CoevoError(f"directions: count must be 1..{MAX_DIRECTIONS} (got {count})")
        if self._directions is None or self._directions.shape[0] < count:
            seeded = torch.Generator().manual_seed(0)
            z = torch.randn(SAMPLES, self.nz, generator=seeded)
            with torch.no_grad():
                if self.classes:
                    labels = torch.randint(self.classes, (SAMPLES,), generator=seeded)
                    images = self.generator.generate_labelled(z, labels)
                else:
                    images = self.generator.generate(z)
            pixels = images.flatten(1).double()
            pixels = pixels - pixels.mean(dim=0)
            u, s, _ = torch.linalg.svd(pixels, full_matrices=False)
            scores = u[:, :MAX_DIRECTIONS] * s[:MAX_DIRECTIONS]
            weights = torch.linalg.lstsq(z.double(), scores).solution.T  # (components, nz)
            self._directions = (weights / weights.norm(dim=1, keepdim=True).clamp_min(1e-12)).float()
        return self._directions[:count]

    def moved(self, genome: dict[str, Any], amounts: list[float], label: int | None = None) -> dict[str, Any]:
        """The genome moved ``amounts[k]`` (in latent standard deviations) along direction k, and for a conditional
        generator given class ``label`` (None keeps its own)."""
        shift = (torch.tensor(amounts, dtype=torch.float32)[:, None] * self.directions(len(amounts))).sum(dim=0)
        z = np.asarray(genome["z"]) + shift.double().numpy()
        if label is not None and not (self.classes and 0 <= label < self.classes):
            raise CoevoError(f"class {label} is not one of this generator's (0..{max(self.classes - 1, 0)})")
        return self._genome(z, genome["label"] if label is None else label)

    def interpolate(self, a: dict[str, Any], b: dict[str, Any], steps: int) -> list[dict[str, Any]]:
        """``steps`` genomes on the great circle from ``a`` to ``b`` (a conditional one takes ``b``'s class half
        way), for an animation."""
        za, zb = np.asarray(a["z"]), np.asarray(b["z"])
        return [self._genome(_slerp(za, zb, k / max(1, steps - 1)), a["label"] if 2 * k < steps else b["label"])
                for k in range(steps)]

    def options(self) -> dict[str, Any]:
        return {"run": self.run, "checkpoint": self.checkpoint, "sigma": self.sigma, "crossover": self.crossover_kind,
                "relabel": self.relabel}

    def to_json(self, genome: dict[str, Any]) -> dict[str, Any]:
        return {"z": list(genome["z"]), "label": genome["label"]}

    def from_json(self, data: dict[str, Any]) -> dict[str, Any]:
        z = data.get("z") if isinstance(data, dict) else None
        if not isinstance(z, list) or len(z) != self.nz or not all(isinstance(v, int | float) for v in z):
            raise CoevoError(f"a latent genome needs 'z': a list of {self.nz} numbers (the generator's nz)")
        label = data.get("label")
        if self.classes and not (isinstance(label, int) and 0 <= label < self.classes):
            raise CoevoError(f"a genome of this conditional generator needs 'label' in 0..{self.classes - 1}")
        return self._genome(np.asarray(z, dtype=float), label if self.classes else None)


def _slerp(a: np.ndarray, b: np.ndarray, t: float) -> np.ndarray:
    """The point a fraction ``t`` along the great circle from ``a`` to ``b`` (as ``coevo.programs.latent.slerp``)."""
    cos = float(np.clip(np.dot(a / np.linalg.norm(a), b / np.linalg.norm(b)), -1.0, 1.0))
    omega = np.arccos(cos)
    if abs(omega) < 1e-6:
        return (1 - t) * a + t * b
    return (np.sin((1 - t) * omega) * a + np.sin(t * omega) * b) / np.sin(omega)
