"""Variation of biomorphs: Mac-style mutation (his Reproduce, as the HTML5 port's monochrome and colour
species), PC-style (one gene one step) and a uniform crossover. Randomness from Python's ``random``.
"""

from __future__ import annotations

from dataclasses import fields, replace

from artists.biomorph.genome import LIMB_FILLS, LIMB_SHAPES, MAX_SEGMENTS, MAX_THICKNESS, PALETTE, WORRY_MAX, Biomorph
from coevo.rng import python_rng


def rand_int(ceiling: int) -> int:
    """His RandInt: uniform in 1..ceiling."""
    return python_rng().randint(1, ceiling)


def sign() -> int:
    """His Direction9: +1 or -1."""
    return 1 if rand_int(2) == 2 else -1


def rand_swell(gradient: str) -> str:
    """His RandSwell: same becomes swell or shrink; swell or shrink become same."""
    if gradient == "same":
        return "shrink" if rand_int(2) == 1 else "swell"
    return "same"


def chance(rate: float) -> bool:
    """His test for one gene's mutation: ``RandInt(100) < rate``."""
    return rand_int(100) < rate


def clamp(value: int, low: int, high: int) -> int:
    return min(high, max(low, value))


def fit_depth(b: Biomorph) -> Biomorph:
    """Lower the depth (gene 9, at least 0) until the picture is within his size worry."""
    genes = list(b.genes)
    genes[8] = max(0, genes[8])
    b = replace(b, segments=min(b.segments, WORRY_MAX))
    while b.segments * 2 ** genes[8] > WORRY_MAX and genes[8] > 0:
        genes[8] -= 1
    return replace(b, genes=tuple(genes))


def _next_spokes(spokes: str) -> str:
    if spokes == "north-south":
        return "radial" if sign() == 1 else "north"
    return "north-south"


def _other_completeness(completeness: str) -> str:
    return "double" if completeness == "single" else "single"


def _colour_step(index: int) -> int:
    """A colour gene one step along the palette, stopping at its ends as his colour genes do."""
    return clamp(index + sign(), 0, len(PALETTE) - 1)


def step_genes(b: Biomorph, rate: float) -> list[int]:
    """Genes 1-8 each step by the mutation size with chance ``rate``, then depth (gene 9) by one: the first
    draws of both species' Reproduce, in the port's order."""
    genes = list(b.genes)
    for j in range(8):
        if chance(rate):
            genes[j] += b.mutation_size * sign()
    if chance(rate):
        genes[8] += sign()
    return genes


def mono_mutate(b: Biomorph, strength: float = 1.0) -> Biomorph:
    """His Reproduce for monochrome biomorphs, in the port's order of random draws: each gene
    mutates with the genome's rate (half of it, truncated, for gradients and symmetries); depth may
    reach 0; mutation size and rate stay fixed (their mutation menu items are off by default)."""
    rate = min(100.0, b.mutation_rate * strength)
    half = int(rate / 2)
    genes = step_genes(b, rate)
    genes[8] = max(0, genes[8])
    if b.segments * 2 ** genes[8] > WORRY_MAX:
        genes[8] -= 1
    segments = b.segments
    if chance(rate):
        step = sign()
        segments += step
        if step > 0 and segments * 2 ** genes[8] > WORRY_MAX:
            segments -= 1
    segments = max(1, segments)
    gradients = list(b.gradients)
    if segments > 1:
        for j in [*range(8), 9]:
            if chance(half):
                gradients[j] = rand_swell(gradients[j])
    if chance(rate):
        gradients[8] = rand_swell(gradients[8])
    distance = b.segment_distance + (sign() if segments > 1 and chance(rate) else 0)
    completeness = _other_completeness(b.completeness) if chance(half) else b.completeness
    spokes = _next_spokes(b.spokes) if chance(half) else b.spokes
    trickle = max(1, b.trickle + sign()) if chance(rate) else b.trickle
    return fit_depth(replace(b, genes=tuple(genes), segments=segments, gradients=tuple(gradients),
                              segment_distance=distance, completeness=completeness, spokes=spokes,
                              trickle=trickle))


def colour_mutate(b: Biomorph, strength: float = 1.0, size_limit: bool = False) -> Biomorph:
    """His Reproduce for colour biomorphs, in the port's order: the rate mutates first (and is used at
    once), depth stays in 1..8, colour genes stop at the palette's ends, limbs, background, thickness,
    mutation size and rate all mutate; half rate (not truncated) for gradients and symmetries. As the port,
    no size worry afterwards unless ``size_limit`` asks for Dawkins' (segments * 2**depth <= 4,095); the
    thickness and segment genes stop only at ``MAX_THICKNESS`` and ``MAX_SEGMENTS``."""
    mutation_rate = b.mutation_rate
    if chance(min(100.0, mutation_rate * strength)):
        mutation_rate = clamp(mutation_rate + sign(), 1, 100)
    rate = min(100.0, mutation_rate * strength)
    genes = step_genes(b, rate)
    genes[8] = clamp(genes[8], 1, 8)
    colours = tuple(_colour_step(c) if chance(rate) else c for c in b.colours)
    limb_shape = LIMB_SHAPES[rand_int(3) - 1] if chance(rate) else b.limb_shape
    limb_fill = LIMB_FILLS[rand_int(2) - 1] if chance(rate) else b.limb_fill
    background = _colour_step(b.background) if chance(rate) else b.background
    thickness = clamp(b.thickness + sign(), 1, MAX_THICKNESS) if chance(rate) else b.thickness
    segments = clamp(b.segments + sign(), 1, MAX_SEGMENTS) if chance(rate) else b.segments
    gradients = list(b.gradients)
    if segments > 1:
        for j in [*range(8), 9]:
            if chance(rate / 2):
                gradients[j] = rand_swell(gradients[j])
    distance = b.segment_distance + (sign() if segments > 1 and chance(rate) else 0)
    completeness = _other_completeness(b.completeness) if chance(rate / 2) else b.completeness
    spokes = _next_spokes(b.spokes) if chance(rate / 2) else b.spokes
    trickle = max(1, b.trickle + sign()) if chance(rate) else b.trickle
    size = max(1, b.mutation_size + sign()) if chance(rate) else b.mutation_size
    child = replace(b, genes=tuple(genes), colours=colours, limb_shape=limb_shape, limb_fill=limb_fill,
                    background=background, thickness=thickness, segments=segments, gradients=tuple(gradients),
                    segment_distance=distance, completeness=completeness, spokes=spokes, trickle=trickle,
                    mutation_size=size, mutation_rate=mutation_rate)
    return fit_depth(child) if size_limit else child


def mac_mutate(b: Biomorph, strength: float = 1.0, colour: bool = True, size_limit: bool = False) -> Biomorph:
    """Mac style: every gene by the genome's own rate, as the port's colour or monochrome species
    (``size_limit``: Dawkins' size worry after a colour mutation too)."""
    return colour_mutate(b, strength, size_limit) if colour else mono_mutate(b, strength)


def _pc_step(b: Biomorph, slot: int, colour: bool) -> Biomorph:
    """Change gene ``slot`` (of ``pc_slots``) by one step."""
    if slot < 8:
        genes = list(b.genes)
        genes[slot] += b.mutation_size * sign()
        return replace(b, genes=tuple(genes))
    if slot == 8:
        genes = list(b.genes)
        genes[8] = clamp(genes[8] + sign(), 1, 8) if colour else max(0, genes[8] + sign())
        return replace(b, genes=tuple(genes))
    if slot < 19:
        gradients = list(b.gradients)
        gradients[slot - 9] = rand_swell(gradients[slot - 9])
        return replace(b, gradients=tuple(gradients))
    simple = {19: lambda: replace(b, segments=max(1, b.segments + sign())),
              20: lambda: replace(b, segment_distance=b.segment_distance + sign()),
              21: lambda: replace(b, completeness=_other_completeness(b.completeness)),
              22: lambda: replace(b, spokes=_next_spokes(b.spokes)),
              23: lambda: replace(b, trickle=max(1, b.trickle + sign())),
              24: lambda: replace(b, background=_colour_step(b.background)),
              25: lambda: replace(b, thickness=clamp(b.thickness + sign(), 1, MAX_THICKNESS)),
              34: lambda: replace(b, limb_shape=python_rng().choice([s for s in LIMB_SHAPES if s != b.limb_shape])),
              35: lambda: replace(b, limb_fill="open" if b.limb_fill == "filled" else "filled")}
    if slot in simple:
        return simple[slot]()
    colours = list(b.colours)
    colours[slot - 26] = _colour_step(colours[slot - 26])
    return replace(b, colours=tuple(colours))


def pc_mutate(b: Biomorph, strength: float = 1.0, colour: bool = True) -> Biomorph:
    """As on the PC: exactly one gene changes by one step (``round(strength)`` genes when stronger)."""
    slots = 36 if colour else 24
    for _ in range(max(1, round(strength))):
        b = _pc_step(b, python_rng().randrange(slots), colour)
    return fit_depth(b)


def crossover(a: Biomorph, b: Biomorph) -> tuple[Biomorph, Biomorph]:
    """Uniform crossover: each gene (and each entry of the gene lists) from one parent or the other."""
    rng = python_rng()
    left, right = {}, {}
    for f in fields(Biomorph):
        x, y = getattr(a, f.name), getattr(b, f.name)
        if isinstance(x, tuple):
            swap = [rng.random() < 0.5 for _ in x]
            left[f.name] = tuple(q if s else p for p, q, s in zip(x, y, swap))
            right[f.name] = tuple(p if s else q for p, q, s in zip(x, y, swap))
        else:
            left[f.name], right[f.name] = (y, x) if rng.random() < 0.5 else (x, y)
    return fit_depth(Biomorph(**left)), fit_depth(Biomorph(**right))

