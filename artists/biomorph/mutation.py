"""Variation of biomorphs: Mac-style mutation (his Reproduce), PC-style (one gene one step), the
"hopeful monster" (his DoSaltation) and a uniform crossover. Randomness from Python's ``random``.
"""

from __future__ import annotations

import random
from dataclasses import fields, replace

from artists.biomorph.genome import PALETTE, SPOKES, WORRY_MAX, Biomorph, basic_tree


def rand_int(ceiling: int) -> int:
    """His RandInt: uniform in 1..ceiling."""
    return random.randint(1, ceiling)


def sign() -> int:
    """His Direction9: +1 or -1."""
    return 1 if rand_int(2) == 2 else -1


def rand_swell(gradient: str) -> str:
    """His RandSwell: same becomes swell or shrink; swell or shrink become same."""
    if gradient == "same":
        return "shrink" if rand_int(2) == 1 else "swell"
    return "same"


def _fit_depth(b: Biomorph) -> Biomorph:
    """Lower the depth (gene 9) until the picture is within his size worry."""
    genes = list(b.genes)
    genes[8] = max(1, genes[8])
    b = replace(b, segments=min(b.segments, WORRY_MAX // 2))
    while b.segments * 2 ** genes[8] > WORRY_MAX and genes[8] > 1:
        genes[8] -= 1
    return replace(b, genes=tuple(genes))


def _next_spokes(spokes: str) -> str:
    if spokes == "north-south":
        return "radial" if sign() == 1 else "north"
    return "north-south"


def _colour_step(index: int) -> int:
    return (index + sign()) % len(PALETTE)


def mac_mutate(b: Biomorph, strength: float = 1.0, colour: bool = True) -> Biomorph:
    """His Reproduce: each gene mutates with the genome's own probability, genes 1-8 by its mutation size."""
    rate = min(100.0, b.mutation_rate * strength)
    half = rate / 2

    def hit(p: float = rate) -> bool:
        return rand_int(100) < p

    genes = list(b.genes)
    for j in range(8):
        if hit():
            genes[j] += b.mutation_size * sign()
    if hit():
        genes[8] = max(1, genes[8] + sign())
    if b.segments * 2 ** genes[8] > WORRY_MAX:
        genes[8] -= 1
    segments = b.segments
    if hit():
        step = sign()
        segments += step
        if step > 0 and segments * 2 ** genes[8] > WORRY_MAX:
            segments -= 1
    segments = max(1, segments)
    gradients = list(b.gradients)
    if segments > 1:
        for j in [*range(8), 9]:
            if hit(half):
                gradients[j] = rand_swell(gradients[j])
    if hit():
        gradients[8] = rand_swell(gradients[8])
    distance = b.segment_distance + (sign() if segments > 1 and hit() else 0)
    completeness = b.completeness
    if hit(half):
        completeness = "double" if completeness == "single" else "single"
    spokes = _next_spokes(b.spokes) if hit(half) else b.spokes
    trickle = max(1, b.trickle + sign()) if hit() else b.trickle
    colours, background, thickness = list(b.colours), b.background, b.thickness
    if colour:
        colours = [_colour_step(c) if hit() else c for c in colours]
        background = _colour_step(background) if hit(half) else background
        thickness = min(8, max(1, thickness + sign())) if hit(half) else thickness
    return _fit_depth(replace(b, genes=tuple(genes), segments=segments, gradients=tuple(gradients),
                              segment_distance=distance, completeness=completeness, spokes=spokes,
                              trickle=trickle, colours=tuple(colours), background=background,
                              thickness=thickness))


def _pc_step(b: Biomorph, slot: int, colour: bool) -> Biomorph:
    """Change gene ``slot`` (of ``pc_slots``) by one step."""
    if slot < 8:
        genes = list(b.genes)
        genes[slot] += b.mutation_size * sign()
        return replace(b, genes=tuple(genes))
    if slot == 8:
        genes = list(b.genes)
        genes[8] = max(1, genes[8] + sign())
        return replace(b, genes=tuple(genes))
    if slot < 19:
        gradients = list(b.gradients)
        gradients[slot - 9] = rand_swell(gradients[slot - 9])
        return replace(b, gradients=tuple(gradients))
    simple = {19: lambda: replace(b, segments=max(1, b.segments + sign())),
              20: lambda: replace(b, segment_distance=b.segment_distance + sign()),
              21: lambda: replace(b, completeness="double" if b.completeness == "single" else "single"),
              22: lambda: replace(b, spokes=_next_spokes(b.spokes)),
              23: lambda: replace(b, trickle=max(1, b.trickle + sign())),
              24: lambda: replace(b, background=_colour_step(b.background)),
              25: lambda: replace(b, thickness=min(8, max(1, b.thickness + sign())))}
    if slot in simple:
        return simple[slot]()
    colours = list(b.colours)
    colours[slot - 26] = _colour_step(colours[slot - 26])
    return replace(b, colours=tuple(colours))


def pc_mutate(b: Biomorph, strength: float = 1.0, colour: bool = True) -> Biomorph:
    """As on the PC: exactly one gene changes by one step (``round(strength)`` genes when stronger)."""
    slots = 34 if colour else 24
    for _ in range(max(1, round(strength))):
        b = _pc_step(b, random.randrange(slots), colour)
    return _fit_depth(b)


def _random_colours(b: Biomorph) -> Biomorph:
    """Random line colours on a random background that differs from them in lightness."""

    def light(i: int) -> float:
        r, g, bl = PALETTE[i]
        return (0.299 * r + 0.587 * g + 0.114 * bl) / 255

    while True:
        colours = tuple(rand_int(len(PALETTE)) - 1 for _ in range(8))
        background = rand_int(len(PALETTE)) - 1
        if min(abs(light(c) - light(background)) for c in colours) > 0.3:
            return replace(b, colours=colours, background=background, thickness=rand_int(3))


def hopeful_monster(colour: bool = True) -> Biomorph:
    """His DoSaltation on a BasicTree: a random but viable biomorph."""
    b = basic_tree()
    segments, distance = rand_int(6), rand_int(20)
    completeness = "single" if rand_int(100) < 50 else "double"
    r = rand_int(100)
    spokes = SPOKES[2] if r < 33 else SPOKES[1] if r < 66 else SPOKES[0]
    trickle = rand_int(10)
    size = trickle // 2 if trickle > 1 else b.mutation_size
    genes, gradients = list(b.genes), list(b.gradients)
    factor = {"same": 0, "swell": 1, "shrink": 1}
    for j in range(8):
        while True:
            genes[j] = size * (rand_int(19) - 10)
            gradients[j] = rand_swell(gradients[j])
            if abs(genes[j] * segments * factor[gradients[j]]) <= 9 * trickle:
                break
    while True:
        gradients[8] = rand_swell(gradients[8])
        gradients[9] = rand_swell(gradients[9])
        if abs(distance * segments * factor[gradients[9]]) <= 100:
            break
    genes[8] = rand_int(5) + 1
    b = replace(b, genes=tuple(genes), gradients=tuple(gradients), segments=segments, segment_distance=distance,
                completeness=completeness, spokes=spokes, trickle=trickle, mutation_size=max(1, size))
    return _fit_depth(_random_colours(b) if colour else b)


def crossover(a: Biomorph, b: Biomorph) -> tuple[Biomorph, Biomorph]:
    """Uniform crossover: each gene (and each entry of the gene lists) from one parent or the other."""
    left, right = {}, {}
    for f in fields(Biomorph):
        x, y = getattr(a, f.name), getattr(b, f.name)
        if isinstance(x, tuple):
            swap = [random.random() < 0.5 for _ in x]
            left[f.name] = tuple(q if s else p for p, q, s in zip(x, y, swap))
            right[f.name] = tuple(p if s else q for p, q, s in zip(x, y, swap))
        else:
            left[f.name], right[f.name] = (y, x) if random.random() < 0.5 else (x, y)
    return _fit_depth(Biomorph(**left)), _fit_depth(Biomorph(**right))

