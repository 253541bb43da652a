"""The kernel's settings: how the loop takes turns (``LoopConfig``), the GA's (``EvolutionConfig``), when a phase
ends (``PhaseRules``), and the names of the losses and fake-set policies. Declared once here, torch-free, so that a
run's config borrows them and ``coevo --help`` starts light; ``coevo.loop``, ``coevo.evolution.ga``,
``coevo.schedules``, ``coevo.losses`` and ``coevo.fakes`` use them."""

from __future__ import annotations

from dataclasses import dataclass

from coevo.training.settings import setting

SIZES = (8, 1024)  # image side in pixels: the CNN critic needs 8 to convolve, and a round's images must fit memory
MAX_BATCH = 65536  # images per round or per critic update
SELECTIONS = ("tournament", "chosen")
LOSSES = ("minimax", "nonsaturating", "wgan", "wgan-gp", "hinge")  # coevo.losses
FAKE_POLICIES = ("latest", "champions", "replay", "archive", "negatives")  # coevo.fakes.FakePool
FAKE_RENAMED = {"gallery": "champions"}  # old policy names, still read from wave-1 configs and checkpoints


@dataclass
class LoopConfig:
    """How critic and artist take turns."""

    critic_steps: int = setting(1, "critic updates per round", low=0)
    batch: int = setting(64, "real and fake images per critic update", low=1, high=MAX_BATCH)
    warmup: int = setting(30, "critic updates before round 0, against the artist's first proposal (the CNN tells "
                          "digits from random GP images in ~15); only a run warms up (coevo.loop.warm_up)", low=0)


@dataclass
class EvolutionConfig:
    """Settings of the generational loop shared by every evolutionary artist."""

    pop: int = setting(32, "images the artist shows per round (population or batch size)", low=1, high=MAX_BATCH)
    size: int = setting(32, "image side in pixels", low=SIZES[0], high=SIZES[1])
    elite: int = setting(1, "evolutionary artists: individuals kept unchanged each generation", low=0)
    tournament: int = setting(3, "evolutionary artists: tournament size for selection (DEAP's selTournament)", low=1)
    cxpb: float = setting(0.5, "evolutionary artists: crossover probability per pair", low=0.0, high=1.0)
    mutpb: float = setting(0.9, "evolutionary artists: mutation probability per child", low=0.0, high=1.0)
    strength: float = setting(1.0, "mutation strength multiplier passed to the genetics", low=0.0)
    selection: str = setting("tournament", "tournament (DEAP), or chosen: parents are those scored above 0 (a "
                             "person's picks)", choices=SELECTIONS)


@dataclass
class PhaseRules:
    """When a phase's two halves end (the ``phases`` schedule, Machado 2008; Vickers 2017)."""

    threshold: float = setting(0.0, "phases: the champion fools the critic once it scores above this (logit 0: "
                               "p = 0.5)")
    generations: int = setting(50, "phases: artist generations per phase at most, then the phase is reported "
                               "stalled", low=1, high=100_000)
    accuracy: float = setting(0.95, "phases: the critic trains until its held-out accuracy, real vs the phase's "
                              "fooling images, reaches this", above=0.0, high=1.0)
    critic_steps: int = setting(500, "phases: critic updates per phase at most", low=0, high=100_000)
    critic_min: int = setting(0, "phases: critic updates per phase at least, recovered or not (a critic that keeps "
                              "learning from the growing fake set; 0: stop as soon as it recovers)", low=0,
                              high=100_000)
    check_every: int = setting(1, "phases: critic updates between accuracy checks (the resolution of "
                               "critic_steps_to_recover)", low=1)
    remember: bool = setting(False, "phases: a critic that remembers: it also learns from, and trains until it "
                             "rejects, the hall of fame of earlier phases' fooling images")
    jury: int = setting(0, "phases: the artist is judged by the last N phases' critics too, and fools only when it "
                        "fools them all (0: off)", low=0, high=16)
    margin: float = setting(0.0, "phases: a growing required margin: phase k's champion fools only above threshold + "
                            "k * margin (0: off)", low=0.0, high=10.0)
    widen: int = setting(1, "phases: wider search while a phase drags: an evolutionary artist's population grows "
                         "evenly to this many times --pop by the phase's generation cap, back to --pop when the "
                         "phase ends (1: off)", low=1, high=8)
    real_bar: float = setting(0.0, "phases: a bar set by the data: the champion fools only when it also scores above "
                              "this quantile of the phase's critic's scores of held-out real images (it must look "
                              "as real as real images do to this critic; 0: off)", low=0.0, high=1.0)
    restart: bool = setting(False, "phases: each phase's search starts from a fresh random population, so the "
                            "generations to fool say how hard the new critic is to fool from scratch, not how far "
                            "the last champion had to move")
    relax: bool = setting(False, "phases: what the bar asks above --phase-threshold (--phase-margin, --phase-real-bar) "
                          "shrinks evenly while a phase drags, to nothing at the generation cap: a harder phase takes "
                          "longer instead of stalling (Cartlidge & Bullock 2004: reduced virulence)")
