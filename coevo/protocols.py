"""The seam: what an artist, a critic and an evolutionary artist's genetics must provide.

Images travel between artists and critics as ``torch.float32`` tensors ``(N, C, H, W)`` in ``[-1, 1]``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:  # annotations only: commands that draw without torch (``coevo render`` of a biomorph) start fast
    import numpy as np
    import torch


@dataclass
class Proposal:
    """What an artist puts in front of a critic: images, and the genomes behind them if any."""

    images: torch.Tensor  # (N, C, H, W) float32 in [-1, 1]; carries the autograd graph for gradient artists
    genomes: list[Any] | None = None  # one genome per image for evolutionary artists, else None
    ids: list[int] | None = None  # stable individual ids, for lineage
    parents: list[tuple[int, ...]] | None = None  # parent ids of each individual
    extra: dict[str, Any] = field(default_factory=dict)  # artist-specific data (e.g. the latent z)
    labels: torch.Tensor | None = None  # (N,) the class each image is meant to be, for critics that take labels
    per_class: bool = False  # score every image for every class, (N, classes) (MAP-Elites over a classifier)

    def __len__(self) -> int:
        return int(self.images.shape[0])


@runtime_checkable
class Artist(Protocol):
    """Makes images (``ask``) and improves from the critic's scores of them (``tell``)."""

    def ask(self) -> Proposal: ...

    def tell(self, proposal: Proposal, scores: torch.Tensor) -> dict[str, float]: ...

    def state_dict(self) -> dict[str, Any]: ...

    def load_state_dict(self, state: dict[str, Any]) -> None: ...


@runtime_checkable
class Critic(Protocol):
    """Judges images (higher = more real / preferred) and learns real from fake."""

    def score(self, images: torch.Tensor) -> torch.Tensor: ...

    def learn(self, real: torch.Tensor, fake: torch.Tensor) -> dict[str, float]: ...

    def state_dict(self) -> dict[str, Any]: ...

    def load_state_dict(self, state: dict[str, Any]) -> None: ...


@runtime_checkable
class Genetics(Protocol):
    """What an evolutionary artist supplies: random genomes, variation, batched rendering, JSON form.

    Randomness comes from Python's ``random`` and NumPy's global generators (as DEAP's operators do),
    so the loop can seed and checkpoint it.
    """

    channels: int  # 1 (grey) or 3 (colour) channels in rendered images

    def random_genome(self) -> Any: ...

    def mutate(self, genome: Any, strength: float = 1.0) -> Any:
        """Return a mutated copy; ``strength`` scales how far (1.0 = the artist's default)."""
        ...

    def crossover(self, a: Any, b: Any) -> tuple[Any, Any]:
        """Return two children; artists without crossover return copies of the parents."""
        ...

    def render(self, genomes: list[Any], size: int) -> torch.Tensor:
        """Render genomes to ``(N, C, size, size)`` float32 in ``[-1, 1]``."""
        ...

    def options(self) -> dict[str, Any]:
        """Constructor keyword arguments that rebuild equal genetics (saved beside each genome)."""
        ...

    def to_json(self, genome: Any) -> dict[str, Any]: ...

    def from_json(self, data: dict[str, Any]) -> Any:
        """Parse a genome; raise ``CoevoError`` naming the problem if ``data`` is invalid."""
        ...


# Optional capabilities, declared here and checked with isinstance (never probed with hasattr).


@runtime_checkable
class RememberingGenetics(Protocol):
    """Genetics that remember each judged generation's champion and draw on that memory in variation (HERCL's
    library of successful code); the evolutionary artist shows them the champion before it breeds, and keeps
    their memory (plain data) in its checkpoint."""

    def remember(self, genome: Any, fitness: float) -> None: ...

    def memory_state(self) -> dict[str, Any]: ...

    def load_memory_state(self, state: dict[str, Any]) -> None: ...


@runtime_checkable
class FeatureCritic(Critic, Protocol):
    """A critic that exposes its penultimate features (for diversity measures and fitness sharing)."""

    def features(self, images: torch.Tensor) -> torch.Tensor: ...


@runtime_checkable
class FeatureScores(FeatureCritic, Protocol):
    """A feature critic whose scores are a function of its features: both from one pass over the images (the
    scoreboard needs both before learning), equal to what ``features`` and ``score`` give."""

    def features_and_scores(self, images: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]: ...


@runtime_checkable
class SelfTaughtCritic(Critic, Protocol):
    """A critic that learns from the artist's images alone, no real images (a curious agent's memory, as
    Saunders & Gero's SOM): the loop shows it every judged proposal once, after scoring it, with or without
    real data (``coevo.loop.study``)."""

    def study(self, images: torch.Tensor) -> dict[str, float]: ...


@runtime_checkable
class ExplainedScores(Protocol):
    """A critic with its own measures of images it has just scored (each jury member's score, the novelty
    distribution); the scoreboard adds them to the round's metrics. A pure function of state and images."""

    def explain(self, images: torch.Tensor) -> dict[str, float]: ...


@runtime_checkable
class CriticPictures(Protocol):
    """A critic that can show its own state as pictures (a SOM's prototypes): name -> one ``(C, H, W)`` image
    in ``[-1, 1]``; run programs write them into the run folder (a critic writes no files)."""

    def pictures(self) -> dict[str, torch.Tensor]: ...


@runtime_checkable
class PhasedCritic(Critic, Protocol):
    """A critic that wants to know when a phase of the ``phases`` schedule ends, before it retrains (a jury
    that keeps earlier phases' critics, Vickers et al. 2017)."""

    def next_phase(self) -> dict[str, float]: ...


@runtime_checkable
class SchoolingArtist(Artist, Protocol):
    """An artist whose phase is a whole search of its own against the frozen critic (Vickers' art school,
    ``coevo.evolution.school``): the ``phases`` schedule plays one school a round."""

    def school(self, critic: Critic, threshold: float) -> tuple[Proposal, torch.Tensor, dict[str, float]]: ...


@runtime_checkable
class Widening(Protocol):
    """An artist whose search can widen: from its next generation on it shows ``factor`` times its configured
    population (the ``phases`` schedule's ``--phase-widen`` while a phase drags; 1: back to normal)."""

    def widen(self, factor: int) -> None: ...


@runtime_checkable
class Restarting(Protocol):
    """An artist whose search can start again from a fresh random population (the ``phases`` schedule's
    ``--phase-restart``, so each phase asks how hard the new critic is to fool from scratch)."""

    def restart(self) -> None: ...


@runtime_checkable
class PersonModel(Critic, Protocol):
    """A critic learned from one person's recorded choices (Li & Hu 2010): how often it orders held-out pairs
    (chosen, unchosen) as the person did, beside chance, as a JSON-able report (``agreement``, ``chance``, …)."""

    def agreement_report(self) -> dict[str, Any]: ...


@runtime_checkable
class ShowsPicks(Protocol):
    """A window that can show another critic choosing ("breed for me"): the images with ``chosen`` framed and
    ``note`` in the status line for ``seconds``; True when the person took the window back (a key or a click)."""

    def show_pick(self, images: torch.Tensor, chosen: int, note: str, seconds: float) -> bool: ...

    def show_now(self, text: str) -> None:
        """Put ``text`` on screen at once (before a long action)."""
        ...


@runtime_checkable
class ClassConfidences(Protocol):
    """A critic that gives each image a confidence per class, ``(N, classes)`` (a classifier)."""

    @property
    def classes(self) -> int: ...

    def confidences(self, images: torch.Tensor) -> torch.Tensor: ...


@runtime_checkable
class RealProbability(Protocol):
    """A critic whose verdict is each image's probability of being real, ``(N,)`` in [0, 1] (Vickers' HERCL
    critics; a jury adds up their costs ``100 (1 - p)``)."""

    def probability(self, images: torch.Tensor) -> torch.Tensor: ...


@runtime_checkable
class LabelledCritic(Critic, Protocol):
    """A critic that judges an image as an example of a given class, D(x | y) (conditional GANs)."""

    def score_labelled(self, images: torch.Tensor, labels: torch.Tensor) -> torch.Tensor: ...

    def learn_labelled(self, real: torch.Tensor, real_labels: torch.Tensor, fake: torch.Tensor,
                       fake_labels: torch.Tensor) -> dict[str, float]: ...


@runtime_checkable
class LossGradientCritic(Critic, Protocol):
    """A critic that tells how steep its own loss is on (real, fake): the norm of the loss's gradient with
    respect to its parameters, without stepping or moving any state (E-GAN's diversity fitness, Wang et al.
    2019: a generator whose images the critic cannot easily learn from is spread out)."""

    def loss_gradient_norm(self, real: torch.Tensor, fake: torch.Tensor) -> float: ...


@runtime_checkable
class RefereedArtist(Artist, Protocol):
    """An artist that chooses among candidate updates by the critic's verdict on each (E-GAN: children trained
    with different losses, the fittest kept). The loop tells it through ``tell_refereed``, handing it the bare
    critic and the real sampler (None without real data) for this call only; the artist keeps neither."""

    def tell_refereed(self, proposal: Proposal, scores: torch.Tensor, critic: Critic,
                      real: Callable[[int], torch.Tensor] | None) -> dict[str, float]: ...


@runtime_checkable
class Sampler(Protocol):
    """An artist that can draw any number of fresh images (a generator), for metrics at equal n."""

    def sample(self, n: int) -> torch.Tensor: ...


@runtime_checkable
class LatentGenerator(Sampler, Protocol):
    """A generator with a latent space: images from given latent vectors ``(N, nz)`` (``coevo latent``)."""

    nz: int

    def generate(self, z: torch.Tensor) -> torch.Tensor: ...


@runtime_checkable
class DifferentiableGenerator(LatentGenerator, Protocol):
    """A latent generator whose images keep their graph back to z (gradient samplers such as PPGN)."""

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """Images for latents ``(N, nz)`` in eval mode, differentiable with respect to ``z``, on z's device."""
        ...


@runtime_checkable
class LatentEncoder(Protocol):
    """A generator that also maps images to latent codes (a VAE's encoder): codes of real data."""

    def encode(self, images: torch.Tensor) -> torch.Tensor: ...


@runtime_checkable
class ConditionalGenerator(LatentGenerator, Protocol):
    """A latent generator that draws a named class, G(z | y) (``coevo latent RUN classes``)."""

    classes: int

    def generate_labelled(self, z: torch.Tensor, labels: torch.Tensor) -> torch.Tensor: ...


@runtime_checkable
class VectorDrawing(Protocol):
    """Genetics (or an album of genomes) that also draw a genome as vector graphics (SVG export)."""

    def svg(self, genome: Any, size: int) -> str: ...


@runtime_checkable
class PixelArrays(Protocol):
    """Genetics that draw without torch: ``coevo render`` then writes the picture with PIL alone and starts fast."""

    def render_pixels(self, genomes: list[Any], size: int) -> np.ndarray:
        """uint8 ``(N, C, size, size)``: the same bytes as ``render``'s images written as PNG."""
        ...


@runtime_checkable
class RunIndex(Protocol):
    """One run's entry in a catalog: the ancestry of its populations and the individuals it keeps."""

    def forget_rounds(self, first: int) -> None:
        """Drop what was recorded for rounds ``first`` and later (a resumed run plays them again)."""
        ...

    def record_population(self, round_index: int, ids: Sequence[int], parents: Sequence[Sequence[int]]) -> None: ...

    def add_individual(self, *, artist: str, genome: dict[str, Any], options: dict[str, Any], round_index: int,
                       local_id: int | None, local_parents: Sequence[int], score: float | None = None,
                       image: Path | None = None) -> int:
        """Keep one individual (a champion, a saved pick); returns its catalog id."""
        ...

    def close(self) -> None: ...


@runtime_checkable
class BatchedRunIndex(RunIndex, Protocol):
    """A run index that can take many writes as one (a database's single transaction): the run recorder writes
    the rounds it kept in one batch."""

    def batch(self) -> AbstractContextManager[None]: ...


@runtime_checkable
class Catalog(Protocol):
    """Where runs index themselves and stored genomes are found again; the CLI wires in the gallery's."""

    def open_run(self, folder: Path, *, kind: str, artist: str, critic: str = "", data: str = "",
                 settings: dict[str, Any] | None = None, source: str = "",
                 origin: dict[str, Any] | None = None) -> RunIndex:
        """Index (or re-open) the run in ``folder``; ``origin`` is the meta of the genome it was seeded from."""
        ...

    def genome(self, spec: str) -> tuple[str, dict[str, Any], dict[str, Any], dict[str, Any]]:
        """A stored individual named by ``spec`` (``gallery:ID``): artist, options, JSON genome and meta."""
        ...


@runtime_checkable
class GradientFooler(Protocol):
    """A gradient artist for ``coevo fool`` (``pixels``): per-class proposals, its best image per class as scored."""

    def metrics(self) -> dict[str, float]:
        """``confidence_K`` per class, ``confidence_min``, ``confidence_mean`` (as ``MapElites``), and its own."""
        ...

    def scores(self) -> torch.Tensor: ...

    def elites(self) -> list[torch.Tensor | None]:
        """Each class's best image ``(C, H, W)`` as scored, None for a class without one."""
        ...

    def pairs(self) -> tuple[torch.Tensor, torch.Tensor] | None:
        """Attacks (FGSM, PGD): the real images and their current perturbed forms; else None."""
        ...
