"""The HTML5 port's monochrome and colour Reproduce and DoSaltation, transcribed again line by line from
its JavaScript (Aronnax9000/blind-watchmaker-js, MIT) onto plain dicts, to check artists.biomorph against.

Random numbers: the port's ``randInt(n)`` is drawn here as ``random.randint(1, n)``, so a seeded run of
this and of the code under test see the same numbers.
"""

from __future__ import annotations

import random

SWELL, SHRINK, SAME = "swell", "shrink", "same"
WORRYMAX = 4095


def rand_int(n: int) -> int:
    return random.randint(1, n)


def direction9() -> int:
    return 1 if rand_int(2) == 2 else -1


def rand_swell(g: str) -> str:
    if g == SAME:
        return SHRINK if rand_int(2) == 1 else SWELL
    return SAME


def next_spokes(s: str) -> str:
    if s == "north":
        return "north-south"
    if s == "north-south":
        return "radial" if direction9() == 1 else "north"
    return "north-south"


def mono_mutate(p: dict) -> dict:
    """Monochrome.prototype.mutate with the session defaults (mutation size and rate off, gene 9 may be 0)."""
    p = {k: list(v) if isinstance(v, list) else v for k, v in p.items()}
    prob = p["mutProbGene"]
    for j in range(8):
        if rand_int(100) < prob:
            p["gene"][j] += p["mutSizeGene"] if rand_int(2) == 2 else -p["mutSizeGene"]
    if rand_int(100) < prob:
        p["gene"][8] += direction9()
    if p["gene"][8] < 0:
        p["gene"][8] = 0
    if p["segNoGene"] * 2 ** p["gene"][8] > WORRYMAX:
        p["gene"][8] -= 1
    if rand_int(100) < prob:
        j = direction9()
        p["segNoGene"] += j
        if j > 0 and p["segNoGene"] * 2 ** p["gene"][8] > WORRYMAX:
            p["segNoGene"] -= 1
    if p["segNoGene"] < 1:
        p["segNoGene"] = 1
    if p["segNoGene"] > 1:
        for j in range(8):
            if rand_int(100) < prob // 2:
                p["dGene"][j] = rand_swell(p["dGene"][j])
        if rand_int(100) < prob // 2:
            p["dGene"][9] = rand_swell(p["dGene"][9])
    if rand_int(100) < prob:
        p["dGene"][8] = rand_swell(p["dGene"][8])
    if p["segNoGene"] > 1:
        if rand_int(100) < prob:
            p["segDistGene"] += direction9()
    if rand_int(100) < prob // 2:
        p["completenessGene"] = "double" if p["completenessGene"] == "single" else "single"
    if rand_int(100) < prob // 2:
        p["spokesGene"] = next_spokes(p["spokesGene"])
    if rand_int(100) < abs(prob):
        p["trickleGene"] = max(1, p["trickleGene"] + direction9())
    return p


def colour_mutate(p: dict) -> dict:
    """ColourBiomorph.prototype.mutate with every mutation switched on (its default)."""
    p = {k: list(v) if isinstance(v, list) else v for k, v in p.items()}
    if rand_int(100) < p["mutProbGene"]:
        p["mutProbGene"] = min(100, max(1, p["mutProbGene"] + direction9()))
    prob = p["mutProbGene"]
    for j in range(8):
        if rand_int(100) < prob:
            p["gene"][j] += p["mutSizeGene"] if rand_int(2) == 2 else -p["mutSizeGene"]
    if rand_int(100) < prob:
        p["gene"][8] += direction9()
    p["gene"][8] = min(8, max(1, p["gene"][8]))
    for j in range(8):
        if rand_int(100) < prob:
            p["colorGene"][j] = min(255, max(0, p["colorGene"][j] + direction9()))
    if rand_int(100) < prob:
        p["limbShapeGene"] = ["stick", "oval", "rectangle"][rand_int(3) - 1]
    if rand_int(100) < prob:
        p["limbFillGene"] = ["open", "filled"][rand_int(2) - 1]
    if rand_int(100) < prob:
        p["backColorGene"] = min(255, max(0, p["backColorGene"] + direction9()))
    if rand_int(100) < prob:
        p["thicknessGene"] = max(1, p["thicknessGene"] + direction9())
    if rand_int(100) < prob:
        p["segNoGene"] = max(1, p["segNoGene"] + direction9())
    if p["segNoGene"] > 1:
        for j in range(8):
            if rand_int(100) < prob / 2:
                p["dGene"][j] = rand_swell(p["dGene"][j])
        if rand_int(100) < prob / 2:
            p["dGene"][9] = rand_swell(p["dGene"][9])
    if p["segNoGene"] > 1 and rand_int(100) < prob:
        p["segDistGene"] += direction9()
    if rand_int(100) < prob / 2:
        p["completenessGene"] = "double" if p["completenessGene"] == "single" else "single"
    if rand_int(100) < prob / 2:
        p["spokesGene"] = next_spokes(p["spokesGene"])
    if rand_int(100) < prob:
        p["trickleGene"] = max(1, p["trickleGene"] + direction9())
    if rand_int(100) < prob:
        p["mutSizeGene"] = max(1, p["mutSizeGene"] + direction9())
    return p


def _factor(g: str) -> int:
    return 0 if g == SAME else 1


def mono_saltation() -> dict:
    """Monochrome.prototype.doSaltation on a new Monochrome (all mutations of the session on)."""
    p = {"gene": [0] * 9, "dGene": [SAME] * 10, "trickleGene": 10, "mutSizeGene": 5, "mutProbGene": 10}
    p["segNoGene"] = rand_int(6)
    p["segDistGene"] = rand_int(20)
    r = rand_int(100)
    p["completenessGene"] = "single" if r < 50 else "double"
    r = rand_int(100)
    p["spokesGene"] = "radial" if r < 33 else "north-south" if r < 66 else "north"
    p["trickleGene"] = rand_int(10)
    if p["trickleGene"] > 1:
        p["mutSizeGene"] = p["trickleGene"] // 2
    for j in range(8):
        while True:
            p["gene"][j] = p["mutSizeGene"] * (rand_int(19) - 10)
            p["dGene"][j] = rand_swell(p["dGene"][j])
            maxgene = p["gene"][j] * p["segNoGene"] * _factor(p["dGene"][j])
            if not (maxgene > 9 * p["trickleGene"] or maxgene < -9 * p["trickleGene"]):
                break
    while True:
        p["dGene"][8] = rand_swell(p["dGene"][8])
        p["dGene"][9] = rand_swell(p["dGene"][8])
        maxgene = p["segDistGene"] * p["segNoGene"] * _factor(p["dGene"][8])
        if not (maxgene > 100 or maxgene < -100):
            break
    p["gene"][8] = rand_int(6)
    return p


def colour_saltation() -> dict:
    """ColourBiomorph doPerson("Hopeful Monster"): its BasicTree, then doSaltation (all mutations on);
    the port's colour draw ``randInt(256)`` is taken one lower, into the palette 0..255."""
    p = {"gene": [0] * 9, "dGene": [SAME] * 10, "trickleGene": 10, "mutSizeGene": 5, "mutProbGene": 10}
    p["segNoGene"] = rand_int(6)
    p["segDistGene"] = rand_int(20)
    r = rand_int(100)
    p["completenessGene"] = "single" if r < 50 else "double"
    r = rand_int(100)
    p["spokesGene"] = "radial" if r < 33 else "north-south" if r < 66 else "north"
    p["trickleGene"] = 1 + rand_int(100) // 10
    if p["trickleGene"] > 1:
        p["mutSizeGene"] = p["trickleGene"] // 2
    p["colorGene"] = [rand_int(256) - 1 for _ in range(8)]
    p["limbShapeGene"] = ["stick", "oval", "rectangle"][rand_int(3) - 1]
    p["limbFillGene"] = ["open", "filled"][rand_int(2) - 1]
    p["backColorGene"] = rand_int(256) - 1
    p["thicknessGene"] = rand_int(3)
    for j in range(8):
        while True:
            p["gene"][j] = p["mutSizeGene"] * (rand_int(19) - 10)
            p["dGene"][j] = rand_swell(p["dGene"][j])
            maxgene = p["gene"][j] * p["segNoGene"] * _factor(p["dGene"][j])
            if not (maxgene > 9 * p["trickleGene"] or maxgene < -9 * p["trickleGene"]):
                break
    while True:
        p["dGene"][9] = rand_swell(p["dGene"][9])
        maxgene = p["segDistGene"] * p["segNoGene"] * _factor(p["dGene"][8])
        if not (maxgene > 100 or maxgene < -100):
            break
    while True:
        p["gene"][8] = rand_int(6)
        if p["gene"][8] > 1:
            break
    p["dGene"][8] = SAME
    return p


def plug_in(gene: list[int], dx: list[int], dy: list[int]) -> int:
    dx[3], dx[4], dx[5] = gene[0], gene[1], gene[2]
    dy[2], dy[3], dy[4], dy[5], dy[6] = gene[3], gene[4], gene[5], gene[6], gene[7]
    dx[1], dy[1] = -dx[3], dy[3]
    dx[0], dy[0] = -dx[4], dy[4]
    dx[7], dy[7] = -dx[5], dy[5]
    dx[2] = dx[6] = 0
    return gene[8]


def develop(p: dict) -> list[tuple[int, int, int, int, int]]:
    """Biomorphs.prototype.develop and Monochrome.prototype.tree: the Pic's lines (x, y, xnew, ynew, thick)."""
    pic: list[tuple[int, int, int, int, int]] = []
    t = p["trickleGene"]

    def trunc_div(a: int, b: int) -> int:
        return int(a / b)

    def tree(x: int, y: int, lgth: int, d: int, dx: list[int], dy: list[int], odd: bool, order: int) -> None:
        d = d + 8 if d < 0 else d - 8 if d >= 8 else d
        xnew, ynew = x + trunc_div(lgth * dx[d], t), y + trunc_div(lgth * dy[d], t)
        thick = lgth if p["dGene"][8] == SHRINK else 1 + p["gene"][8] - lgth if p["dGene"][8] == SWELL else 1
        pic.append((x, y, xnew, ynew, min(max(thick, 1), 8)))  # a canvas ignores lineWidth 0: 1 wide
        if lgth > 1:
            first, second = (d + 1, d - 1) if odd else (d - 1, d + 1)
            tree(xnew, ynew, lgth - 1, first, dx, dy, odd, order)
            if lgth < order:
                tree(xnew, ynew, lgth - 1, second, dx, dy, odd, order)

    dx, dy = [0] * 8, [0] * 8
    order = plug_in(p["gene"], dx, dy)
    extra = t if p["dGene"][9] == SWELL else -t if p["dGene"][9] == SHRINK else 0
    running = list(p["gene"])
    h = v = inc = 0
    for seg in range(1, p["segNoGene"] + 1):
        if seg > 1:
            old = v
            v += trunc_div(p["segDistGene"] + inc, t)
            inc += extra
            pic.append((h, old, h, v, min(max(p["gene"][8] if p["dGene"][8] == SHRINK else 1, 1), 8)))
            for j in range(8):
                running[j] += t if p["dGene"][j] == SWELL else -t if p["dGene"][j] == SHRINK else 0
            if running[8] < 1:
                running[8] = 1
            order = plug_in(running, dx, dy)
        tree(h, v, order, 2, dx, dy, seg % 2 == 1, order)
    return pic


def draw_pic(p: dict) -> list[tuple[int, int, int, int]]:
    """Pic.prototype.drawPic / actualLine: every line drawn, after completeness and spokes."""
    single = p["completenessGene"] == "single"
    style = ("LF" if single else "FF") if p["spokesGene"] == "north" else ("LUD" if single else "FUD")
    mirror = {"LF": [(1, 1)], "RF": [(-1, 1)], "FF": [(1, 1), (-1, 1)], "LUD": [(1, 1), (-1, -1)],
              "RUD": [(-1, 1), (1, -1)], "FUD": [(1, 1), (-1, 1), (1, -1), (-1, -1)]}
    out = []
    for x0, y0, x1, y1, _ in develop(p):
        out += [(sx * x0, sy * y0, sx * x1, sy * y1) for sx, sy in mirror[style]]
        if p["spokesGene"] == "radial":
            out += [(sx * y0, sy * x0, sx * y1, sy * x1) for sx, sy in mirror["RUD" if single else style]]
    return out


def make_genes(*genes: int) -> dict:
    """Monochrome.prototype.makeGenes with the session's default genes (asymmetry on: single)."""
    return {"gene": list(genes), "dGene": [SAME] * 10, "segNoGene": 1, "segDistGene": 150,
            "completenessGene": "single", "spokesGene": "north", "trickleGene": 10, "mutSizeGene": 5,
            "mutProbGene": 10}


def classic(name: str) -> dict:
    """Monochrome.prototype.doPerson for BasicTree, Chess and Insect."""
    t = 10
    if name == "Insect":
        return make_genes(t, t, -4 * t, t, -t, -2 * t, 8 * t, -4 * t, 6)
    if name == "Chess":
        return make_genes(-t, 3 * t, -3 * t, -3 * t, t, -2 * t, 6 * t, -5 * t, 7)
    p = make_genes(-10, -20, -20, -15, -15, 0, 15, 15, 7)
    p.update(segNoGene=2, segDistGene=150, trickleGene=9)
    for j in (3, 4, 5, 8):
        p["dGene"][j] = SHRINK
    return p


def to_port(b) -> dict:
    """A Biomorph (artists.biomorph.genome) as the port's genotype object."""
    return {"gene": list(b.genes), "dGene": list(b.gradients), "segNoGene": b.segments,
            "segDistGene": b.segment_distance, "completenessGene": b.completeness, "spokesGene": b.spokes,
            "trickleGene": b.trickle, "mutSizeGene": b.mutation_size, "mutProbGene": b.mutation_rate,
            "colorGene": list(b.colours), "backColorGene": b.background, "thicknessGene": b.thickness,
            "limbShapeGene": b.limb_shape, "limbFillGene": b.limb_fill}
