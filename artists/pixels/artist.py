"""The pixels artist: each image's pixels are the parameters, moved by the gradient of a fixed classifier.

Modes (option ``mode``):

- ``ascent`` (Nguyen, Yosinski & Clune 2015, their Figure 13; Simonyan et al. 2014): ``count`` images per class
  start mid-grey plus a little noise and climb log p(class | x) by Adam, kept in [-1, 1], with optional priors:
  ``tv`` times the total variation (Mahendran & Vedaldi 2015, exponent ``beta``, 1 by default) and ``l2`` times
  the mean squared pixel.
- ``fgsm`` (Goodfellow et al. 2015, targeted): ``count`` real images, each pushed once by epsilon * sign of the
  gradient towards a wrong class t: x' = clip(x - eps sign(grad_x -log p(t | x))). ``target``: ``likely`` (the
  classifier's most probable wrong class for the real image, the default) or ``next`` (y + 1 mod K).
  Epsilon is on the image scale [-1, 1]: 0.6 is 0.3 of the pixel range, the usual MNIST budget.
- ``pgd`` (Madry et al. 2018, targeted): the same step of size ``step`` every generation, projected back into
  the eps-ball around the real image and into [-1, 1].

It plays the loop as MAP-Elites does: its proposals ask to be scored per class (the classifier's softmax, with
its graph), ``tell`` takes the step, and it keeps, for every class, the best image as scored (its ``elites``).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, ClassVar

import torch

from artists.pixels.priors import l2_prior, total_variation
from coevo import rng
from coevo.evolution.bestperclass import BestPerClass
from coevo.protocols import Proposal
from coevo.training.settings import Limits, check_memory

MODES = ("ascent", "fgsm", "pgd")
TARGETS = ("likely", "next")


class PixelArtist:
    """Gradient fooling on the pixels themselves (see the module text); ``classes`` come from the classifier."""

    # option bounds (coevo.training.settings.check_options); the images' memory is checked as well (BYTES_PER_PIXEL)
    LIMITS: ClassVar[Limits] = {"count": (1, 100_000), "classes": (2, 1000)}
    # memory a pixel of the images holds: the pixels, their gradient and Adam state, the classifier's activations
    # (10,000 ascent images at 28x28 measured 1.96 GB in all, ~200 B a pixel over the process's own)
    BYTES_PER_PIXEL: ClassVar[int] = 256

    def __init__(self, shape: tuple[int, int, int] = (1, 28, 28), device: str | torch.device = "cpu",
                 classes: int = 10, mode: str = "ascent", count: int | None = None, lr: float = 0.05,
                 tv: float = 0.0, beta: float = 1.0, l2: float = 0.0, epsilon: float = 0.6, step: float = 0.05,
                 target: str = "likely",
                 real_labelled: Callable[[int], tuple[torch.Tensor, torch.Tensor]] | None = None) -> None:
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}; choose one of {', '.join(MODES)}")
        if target not in TARGETS:
            raise ValueError(f"unknown target {target!r}; choose one of {', '.join(TARGETS)}")
        if classes < 2 or min(lr, epsilon, step) <= 0 or min(tv, l2) < 0 or beta <= 0:
            raise ValueError("classes must be >= 2; lr, epsilon, step and beta positive; tv and l2 >= 0")
        self.shape, self.classes, self.mode, self.target = tuple(int(s) for s in shape), int(classes), mode, target
        images = (1 if count is None else int(count)) * (self.classes if mode == "ascent" else 1)
        check_memory(f"{images} images of {'x'.join(map(str, self.shape))} (count {count})",
                     images * math.prod(self.shape) * self.BYTES_PER_PIXEL, "lower --artist-option count or --size")
        self.lr, self.tv, self.beta, self.l2, self.epsilon, self.step = lr, tv, beta, l2, epsilon, step
        self.device = torch.device(device)
        if mode == "ascent":
            self.count = 1 if count is None else int(count)
            self.targets = torch.arange(self.classes).repeat_interleave(self.count)
            self.sources: torch.Tensor | None = None
            start = 0.1 * rng.randn(len(self.targets), *self.shape)
            self.originals: torch.Tensor | None = None
        else:
            if real_labelled is None:
                raise ValueError(f"mode {mode!r} perturbs real images; it needs labelled data")
            self.count = 100 if count is None else int(count)
            start, self.sources = real_labelled(self.count)
            self.sources = self.sources.long()
            self.targets = (self.sources + 1) % self.classes  # a wrong class: the next one (``likely``: set at tell)
            self.originals = start.clone()
        if self.count < 1:
            raise ValueError("count must be at least 1")
        self.pixels = start.float().clamp(-1, 1).to(self.device).requires_grad_(True)
        self.opt = torch.optim.Adam([self.pixels], lr=lr) if mode == "ascent" else None
        self.best = BestPerClass(self.classes)
        self.generation = 0
        self.last: dict[str, float] = {}

    def ask(self) -> Proposal:
        """The current images (a view of the parameters, carrying the graph), scored per class."""
        return Proposal(self.pixels * 1.0, labels=self.targets.to(self.device), per_class=True)

    def loss(self, images: torch.Tensor, confidences: torch.Tensor) -> torch.Tensor:
        """Summed over images: -log p(target | x), plus the priors' weights times their values (ascent)."""
        picked = confidences.gather(1, self.targets.to(confidences.device)[:, None]).squeeze(1)
        loss = -picked.clamp_min(1e-300).log().float()
        if self.mode == "ascent" and self.tv > 0:
            loss = loss + self.tv * total_variation(images, self.beta)
        if self.mode == "ascent" and self.l2 > 0:
            loss = loss + self.l2 * l2_prior(images)
        return loss.sum()

    def tell(self, proposal: Proposal, scores: torch.Tensor) -> dict[str, float]:
        """Keep each class's best image as scored, then take this mode's step on the pixels."""
        if scores.shape != (len(self.targets), self.classes):
            raise ValueError(f"the pixels artist needs per-class scores ({len(self.targets)}, {self.classes}), "
                             f"got {tuple(scores.shape)}; use the classifier critic")
        if self.sources is not None and self.target == "likely" and self.generation == 0:
            wrong = scores.detach().double().cpu().clone()
            wrong[torch.arange(len(wrong)), self.sources] = -1.0
            self.targets = wrong.argmax(1)  # the most probable wrong class of each real image
        self._crown(proposal.images.detach().cpu(), scores.detach().double().cpu())
        if not scores.requires_grad:
            raise ValueError("the pixels artist needs scores with their gradient (a differentiable classifier)")
        stepping = self.mode != "fgsm" or self.generation == 0  # FGSM is one step
        if stepping:
            (grad,) = torch.autograd.grad(self.loss(proposal.images, scores), self.pixels)
            with torch.no_grad():
                if self.opt is not None:
                    self.pixels.grad = grad
                    self.opt.step()
                    self.pixels.grad = None
                else:
                    size = self.epsilon if self.mode == "fgsm" else self.step
                    self.pixels -= size * grad.sign()
                    assert self.originals is not None
                    origin = self.originals.to(self.device)
                    self.pixels.copy_(torch.min(torch.max(self.pixels, origin - self.epsilon), origin + self.epsilon))
                self.pixels.clamp_(-1.0, 1.0)
        self.generation += 1
        return self.metrics()

    def _crown(self, images: torch.Tensor, confidences: torch.Tensor) -> None:
        target = confidences.gather(1, self.targets[:, None]).squeeze(1)
        self.best.crown(self.targets, target, images)
        answer = confidences.argmax(1)
        self.last = {"target_confidence_mean": float(target.mean()),
                     "target_reached": float((answer == self.targets).float().mean())}
        if self.sources is not None:
            self.last["flipped"] = float((answer != self.sources).float().mean())

    def metrics(self) -> dict[str, float]:
        """The best confidence per class (as ``MapElites``), their minimum and mean, and this round's rates."""
        return {**self.best.metrics(), **self.last}

    def scores(self) -> torch.Tensor:
        return self.best.scores()

    def elites(self) -> list[torch.Tensor | None]:
        """Each class's best image as scored (None for a class no image aims at)."""
        return self.best.elites()

    def images(self) -> torch.Tensor:
        """The current images, on the CPU."""
        return self.pixels.detach().cpu()

    def pairs(self) -> tuple[torch.Tensor, torch.Tensor] | None:
        """Attack modes: the real images and their current perturbed forms; ascent: None."""
        return None if self.originals is None else (self.originals.clone(), self.images())

    def state_dict(self) -> dict[str, Any]:
        return {"pixels": self.pixels.detach().cpu(), "opt": None if self.opt is None else self.opt.state_dict(),
                "targets": self.targets, "sources": self.sources, "originals": self.originals,
                "best": self.best.state(), "generation": self.generation,
                "last": dict(self.last)}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        with torch.no_grad():
            self.pixels.copy_(state["pixels"].to(self.device))
        if self.opt is not None:
            self.opt.load_state_dict(state["opt"])
        self.targets, self.sources, self.originals = state["targets"], state["sources"], state["originals"]
        self.best.load(state["best"])
        self.generation, self.last = int(state["generation"]), dict(state["last"])
