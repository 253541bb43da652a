"""The "hopeful monster": his DoSaltation, a random but viable biomorph, as the HTML5 port draws it
for its monochrome and colour species (same random draws, in the same order)."""

from __future__ import annotations

from artists.biomorph.genome import LIMB_FILLS, LIMB_SHAPES, PALETTE, SPOKES, Biomorph
from artists.biomorph.mutation import fit_depth, rand_int, rand_swell

ROUGH = {"same": 0, "swell": 1, "shrink": 1}  # his factor: does a gradient change the gene along the body?


def _body(segments: int, trickle: int, size: int, gradients: list[str]) -> list[int]:
    """Genes 1-8 drawn in -10..9 mutation steps, each with a new gradient, redrawn while a gradient
    would carry the gene beyond 9 trickle units over the body."""
    genes = [0] * 9
    for j in range(8):
        while True:
            genes[j] = size * (rand_int(19) - 10)
            gradients[j] = rand_swell(gradients[j])
            if abs(genes[j] * segments * ROUGH[gradients[j]]) <= 9 * trickle:
                break
    return genes


def _symmetry() -> tuple[str, str]:
    """Completeness (single or double, even odds) then spokes (radial, north-south, north, a third each)."""
    completeness = "single" if rand_int(100) < 50 else "double"
    r = rand_int(100)
    return completeness, SPOKES[2] if r < 33 else SPOKES[1] if r < 66 else SPOKES[0]


def mono_monster() -> Biomorph:
    """The port's monochrome DoSaltation on a fresh biomorph: depth 1-6; the segment-distance loop tests
    the twig-taper gradient (gene 9's), and draws the distance gradient from it, as the port does."""
    segments, distance = rand_int(6), rand_int(20)
    completeness, spokes = _symmetry()
    trickle = rand_int(10)
    size = trickle // 2 if trickle > 1 else Biomorph(genes=(0,) * 9).mutation_size
    gradients = ["same"] * 10
    genes = _body(segments, trickle, size, gradients)
    while True:
        gradients[8] = rand_swell(gradients[8])
        gradients[9] = rand_swell(gradients[8])  # sic: the port's line (its colour species uses gradients[9])
        if abs(distance * segments * ROUGH[gradients[8]]) <= 100:
            break
    genes[8] = rand_int(6)
    return fit_depth(Biomorph(genes=tuple(genes), gradients=tuple(gradients), segments=segments,
                               segment_distance=distance, completeness=completeness, spokes=spokes,
                               trickle=trickle, mutation_size=size))


def colour_monster() -> Biomorph:
    """The port's colour DoSaltation on its colour BasicTree: trickle 1-11, random colours, limbs,
    background and thickness (1-3), depth 2-6, no twig taper."""
    segments, distance = rand_int(6), rand_int(20)
    completeness, spokes = _symmetry()
    trickle = 1 + rand_int(100) // 10
    size = trickle // 2 if trickle > 1 else Biomorph(genes=(0,) * 9).mutation_size
    colours = tuple(rand_int(len(PALETTE)) - 1 for _ in range(8))  # the port's 1..256, shifted into the palette
    limb_shape, limb_fill = LIMB_SHAPES[rand_int(3) - 1], LIMB_FILLS[rand_int(2) - 1]
    background = rand_int(len(PALETTE)) - 1
    thickness = rand_int(3)
    gradients = ["same"] * 10
    genes = _body(segments, trickle, size, gradients)
    gradients[9] = rand_swell(gradients[9])  # his loop ends at once: the twig taper (its test) is "same"
    depth = rand_int(6)
    while depth <= 1:
        depth = rand_int(6)
    genes[8] = depth
    return fit_depth(Biomorph(genes=tuple(genes), gradients=tuple(gradients), segments=segments,
                               segment_distance=distance, completeness=completeness, spokes=spokes,
                               trickle=trickle, mutation_size=size, colours=colours, background=background,
                               thickness=thickness, limb_shape=limb_shape, limb_fill=limb_fill))


def hopeful_monster(colour: bool = True) -> Biomorph:
    """A random biomorph of the colour or the monochrome species."""
    return colour_monster() if colour else mono_monster()
