"""Dawkins' biomorph genotype (Blind Watchmaker, Mac version): fields, classic genotypes, JSON form, palette."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any

from coevo.errors import CoevoError

TRICKLE = 10  # Dawkins' default "trickle": gene units per pixel of growth
WORRY_MAX = 4095  # his limit on segments * 2**depth (lines per picture)
MAX_THICKNESS = 100  # the HTML5 port's own bound on the colour thickness gene (its gene box stops there)
MAX_SEGMENTS = 4095  # segments of any genome (the port has no bound; Dawkins' size worry keeps mono ones lower)
MAX_LINES = 1 << 20  # segments * 2**depth of any genome, so a file cannot ask for an endless drawing
GRADIENTS = ("same", "swell", "shrink")  # his SwellType: a gene's change from one segment to the next
COMPLETENESS = ("single", "double")  # one side only (asymmetric) or mirrored left-right
SPOKES = ("north", "north-south", "radial")  # drawn once, mirrored up-down, or four-fold
LIMB_SHAPES = ("stick", "oval", "rectangle")  # colour biomorphs: each line alone, or inside its box
LIMB_FILLS = ("open", "filled")  # an oval or rectangle limb framed, or painted
BLACK, WHITE = 0, 215  # palette indices


@dataclass(frozen=True)
class Biomorph:
    """One genotype. Genes 1-8 shape the direction vectors, gene 9 is the recursion depth."""

    genes: tuple[int, ...]  # Dawkins' genes 1..9 (1-8 in trickle units, 9 = depth)
    gradients: tuple[str, ...] = ("same",) * 10  # per-segment change of genes 1-8, 9 (twig taper), segment distance
    segments: int = 1  # SegNoGene: number of body segments
    segment_distance: int = 150  # SegDistGene: distance between segments, trickle units
    completeness: str = "double"  # CompletenessGene: single or double (left-right mirror)
    spokes: str = "north"  # SpokesGene: north, north-south or radial symmetry
    trickle: int = TRICKLE  # TrickleGene: gene units per pixel
    mutation_size: int = TRICKLE // 2  # MutSizeGene: step of genes 1-8 on mutation
    mutation_rate: int = 10  # MutProbGene: percent chance that each gene mutates (Mac style)
    colours: tuple[int, ...] = (BLACK,) * 8  # line colour per recursion level (palette index)
    background: int = WHITE  # background colour (palette index)
    thickness: int = 1  # pen thickness multiplier
    limb_shape: str = "stick"  # LimbShapeGene (colour biomorphs)
    limb_fill: str = "filled"  # LimbFillGene (colour biomorphs)


def make_genes(a: int, b: int, c: int, d: int, e: int, f: int, g: int, h: int, i: int) -> Biomorph:
    """Dawkins' MakeGenes: the nine genes with his defaults, one-sided as the asymmetry gene is on."""
    return Biomorph(genes=(a, b, c, d, e, f, g, h, i), completeness="single")


def basic_tree() -> Biomorph:
    """His BasicTree: a two-segment, one-sided tree whose lower genes shrink down the body."""
    gradients = ["same"] * 10
    for one_based in (4, 5, 6, 9):
        gradients[one_based - 1] = "shrink"
    return replace(make_genes(-10, -20, -20, -15, -15, 0, 15, 15, 7), segments=2, segment_distance=150,
                   completeness="single", gradients=tuple(gradients), trickle=9)


def insect() -> Biomorph:
    """His Insect (one-sided, as all his MakeGenes genotypes)."""
    t = TRICKLE
    return make_genes(t, t, -4 * t, t, -t, -2 * t, 8 * t, -4 * t, 6)


def chess() -> Biomorph:
    """His Chess (a chess-piece-like shape, one-sided)."""
    t = TRICKLE
    return make_genes(-t, 3 * t, -3 * t, -3 * t, t, -2 * t, 6 * t, -5 * t, 7)


CLASSIC = {"BasicTree": basic_tree, "Insect": insect, "Chess": chess}  # the named genotypes of his program


def classic(name: str) -> Biomorph:
    """A named classic genotype; ``CoevoError`` naming the choices otherwise."""
    for key, make in CLASSIC.items():
        if key.lower() == name.lower():
            return make()
    raise CoevoError(f"unknown biomorph genotype {name!r}; choose random or one of: {', '.join(CLASSIC)}")


def too_big(b: Biomorph) -> bool:
    """Dawkins' size worry: more than WORRY_MAX lines would be drawn."""
    return b.segments * 2 ** b.genes[8] > WORRY_MAX


def palette() -> list[tuple[int, int, int]]:
    """The Mac's 256 colours: a 6x6x6 cube (0 = black, 215 = white), then red, green, blue and grey
    ramps of ten each, from 255 down by 25."""
    cube = [(r * 51, g * 51, b * 51) for r in range(6) for g in range(6) for b in range(6)]
    ramp = [255 - 25 * k for k in range(10)]
    return (cube + [(v, 0, 0) for v in ramp] + [(0, v, 0) for v in ramp] + [(0, 0, v) for v in ramp]
            + [(v, v, v) for v in ramp])


PALETTE = palette()


def to_json(b: Biomorph) -> dict[str, Any]:
    return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(b).items()}


def from_json(data: dict[str, Any]) -> Biomorph:
    """Parse and check a genotype; every problem is one ``CoevoError`` line."""
    known = set(Biomorph.__dataclass_fields__)
    unknown = set(data) - known
    if unknown or "genes" not in data:
        raise CoevoError(f"biomorph genome has unknown fields {sorted(unknown)} or lacks 'genes'; "
                         "write it with coevo")
    try:
        values = {k: tuple(int(x) for x in v) if k in ("genes", "colours") else
                  tuple(str(x) for x in v) if k == "gradients" else v for k, v in data.items()}
        b = Biomorph(**values)
    except (TypeError, ValueError) as exc:
        raise CoevoError(f"biomorph genome is malformed ({exc}); write it with coevo") from None
    check(b)
    return b


def check(b: Biomorph) -> None:
    """Raise ``CoevoError`` if any gene is out of its range."""
    problems = []
    if len(b.genes) != 9 or b.genes[8] < 0:
        problems.append("needs 9 genes with gene 9 (depth) >= 0")
    if len(b.gradients) != 10 or any(g not in GRADIENTS for g in b.gradients):
        problems.append(f"needs 10 gradients among {GRADIENTS}")
    if b.completeness not in COMPLETENESS:
        problems.append(f"completeness must be one of {COMPLETENESS}")
    if b.spokes not in SPOKES:
        problems.append(f"spokes must be one of {SPOKES}")
    if b.limb_shape not in LIMB_SHAPES or b.limb_fill not in LIMB_FILLS:
        problems.append(f"limb_shape must be one of {LIMB_SHAPES} and limb_fill one of {LIMB_FILLS}")
    ints = {"segments": b.segments, "segment_distance": b.segment_distance, "trickle": b.trickle,
            "mutation_size": b.mutation_size, "mutation_rate": b.mutation_rate, "background": b.background,
            "thickness": b.thickness}
    if any(not isinstance(v, int) or isinstance(v, bool) for v in ints.values()):
        problems.append("segments, distances, trickle, mutation and colour fields must be integers")
    elif b.segments < 1 or b.trickle < 1 or b.mutation_size < 1 or not 1 <= b.mutation_rate <= 100:
        problems.append("segments, trickle, mutation_size >= 1 and 1 <= mutation_rate <= 100")
    elif not 1 <= b.thickness <= MAX_THICKNESS or not 0 <= b.background < len(PALETTE):
        problems.append(f"thickness in 1..{MAX_THICKNESS} and background a palette index 0..255")
    if len(b.colours) != 8 or any(not 0 <= c < len(PALETTE) for c in b.colours):
        problems.append("needs 8 colours, palette indices 0..255")
    if not problems and (b.segments > MAX_SEGMENTS or b.genes[8] > 20 or b.segments * 2 ** b.genes[8] > MAX_LINES):
        problems.append(f"segments (at most {MAX_SEGMENTS}) * 2**depth exceeds {MAX_LINES}")
    if problems:
        raise CoevoError(f"invalid biomorph genome: {'; '.join(problems)}")
