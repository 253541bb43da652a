"""Dawkins' biomorphs: his algorithm, his classic genotypes, mutation, rendering, SVG and the CLI."""

from __future__ import annotations

import random
import xml.etree.ElementTree as ET
from dataclasses import fields, replace

import pytest
import torch

from artists.biomorph import BiomorphGenetics
from artists.biomorph.develop import develop, drawn_lines
from artists.biomorph.genome import Biomorph, basic_tree, classic, insect
from artists.biomorph.mutation import crossover, mac_mutate, pc_mutate
from artists.biomorph.saltation import hopeful_monster
from coevo.commands.main import main
from coevo.errors import CoevoError
from coevo.protocols import Genetics
from coevo.store.genomefile import GenomeFile, write_genome


def dawkins_picture(genes: list[int], trickle: int, segments: int = 1, seg_dist: int = 0,
                    shrink: tuple[int, ...] = (), taper_shrink: bool = False) -> list[tuple[int, ...]]:
    """His PlugIn / Tree / Develop written out again, independently, for 1-based genes (Pascal style)."""
    gene = [None, *genes]  # gene[1..9]
    pic: list[tuple[int, ...]] = []

    def plug_in(g: list) -> tuple[list[int], list[int], int]:
        dx, dy = [0] * 8, [0] * 8
        dx[3] = g[1]
        dx[4] = g[2]
        dx[5] = g[3]
        dx[1] = -dx[3]
        dx[0] = -dx[4]
        dx[7] = -dx[5]
        dx[2] = 0
        dx[6] = 0
        dy[2] = g[4]
        dy[3] = g[5]
        dy[4] = g[6]
        dy[5] = g[7]
        dy[6] = g[8]
        dy[0] = dy[4]
        dy[1] = dy[3]
        dy[7] = dy[5]
        return dx, dy, g[9]

    def tree(x: int, y: int, lgth: int, direction: int, dx: list[int], dy: list[int], oddone: bool,
             order: int) -> None:
        if direction < 0:
            direction = direction + 8
        if direction >= 8:
            direction = direction - 8
        xnew = x + int(lgth * dx[direction] / trickle)  # Pascal DIV truncates toward zero, as int() does
        ynew = y + int(lgth * dy[direction] / trickle)
        thick = lgth if taper_shrink else 1
        pic.append((x, y, xnew, ynew, thick))
        if lgth > 1:
            if oddone:
                tree(xnew, ynew, lgth - 1, direction + 1, dx, dy, oddone, order)
                if lgth < order:
                    tree(xnew, ynew, lgth - 1, direction - 1, dx, dy, oddone, order)
            else:
                tree(xnew, ynew, lgth - 1, direction - 1, dx, dy, oddone, order)
                if lgth < order:
                    tree(xnew, ynew, lgth - 1, direction + 1, dx, dy, oddone, order)

    running = list(gene)
    dx, dy, order = plug_in(running)
    here_h, here_v = 0, 0
    for seg in range(1, segments + 1):
        if seg > 1:
            old_v = here_v
            here_v = here_v + int(seg_dist / trickle)
            pic.append((here_h, old_v, here_h, here_v, gene[9] if taper_shrink else 1))
            for j in range(1, 9):
                if j in shrink:
                    running[j] = running[j] - trickle
            dx, dy, order = plug_in(running)
        tree(here_h, here_v, order, 2, dx, dy, seg % 2 == 1, order)
    return pic


def segments_of(b: Biomorph) -> list[tuple[int, ...]]:
    return [(ln.x0, ln.y0, ln.x1, ln.y1, ln.thick) for ln in develop(b)]


def test_insect_segments_follow_dawkins_plugin_and_tree() -> None:
    t = 10
    expected = dawkins_picture([t, t, -4 * t, t, -t, -2 * t, 8 * t, -4 * t, 6], trickle=t)
    assert segments_of(insect()) == expected
    assert expected[0] == (0, 0, 0, 6, 1)  # the trunk: gene 4 * depth 6 / trickle 10, straight down
    assert len(expected) == 1 + 2 + 4 + 8 + 16 + 1  # one side only at the root (completeness mirrors it)


def test_basic_tree_segments_follow_dawkins_develop() -> None:
    expected = dawkins_picture([-10, -20, -20, -15, -15, 0, 15, 15, 7], trickle=9, segments=2, seg_dist=150,
                               shrink=(4, 5, 6), taper_shrink=True)
    assert segments_of(basic_tree()) == expected
    assert (0, 0, 0, 16, 7) in expected  # the spine between the two segments: 150 div 9 down, thickness 7


def test_completeness_and_spokes_mirror_the_picture() -> None:
    base = develop(insect())
    assert len(drawn_lines(insect())) == len(base)  # his Insect is one-sided
    both = replace(insect(), completeness="double")
    double = drawn_lines(both)
    assert len(double) == 2 * len(base)
    assert {(-a.x0, a.y0, -a.x1, a.y1) for a in double} == {(a.x0, a.y0, a.x1, a.y1) for a in double}
    four = drawn_lines(replace(both, spokes="north-south"))
    assert {(a.x0, -a.y0, a.x1, -a.y1) for a in four} == {(a.x0, a.y0, a.x1, a.y1) for a in four}
    assert len(drawn_lines(replace(both, spokes="radial"))) == 8 * len(base)


def test_render_is_batched_antialiased_and_fitted() -> None:
    genetics = BiomorphGenetics(channels=3)
    small = replace(insect(), genes=(*insect().genes[:8], 2))  # a tiny picture: depth 2
    images = genetics.render([insect(), small], 64)
    assert images.shape == (2, 3, 64, 64) and images.dtype == torch.float32
    assert images.min() >= -1 and images.max() <= 1
    grey = images.mean(1)
    assert ((grey > -0.95) & (grey < 0.95)).any()  # anti-aliased edges: intermediate tones
    for picture in grey:  # both fill the cell, whatever their own size
        ys, xs = torch.nonzero(picture < 0.5, as_tuple=True)
        assert max(int(ys.max() - ys.min()), int(xs.max() - xs.min())) >= 64 * 0.8
    assert BiomorphGenetics(channels=1).render([insect()], 32).shape == (1, 1, 32, 32)


def test_svg_holds_the_line_segments_themselves() -> None:
    b = replace(insect(), colours=(2 * 6 + 4,) * 8)  # palette cube (r, g, b) = (0, 2, 4) * 51
    root = ET.fromstring(BiomorphGenetics().svg(b, 300))
    lines = [e for e in root.iter() if e.tag.endswith("line")]
    assert root.get("width") == "300"
    drawn = drawn_lines(b)
    assert [(int(e.get("x1")), int(e.get("y1")), int(e.get("x2")), int(e.get("y2"))) for e in lines] == \
        [(ln.x0, ln.y0, ln.x1, ln.y1) for ln in drawn]
    assert {e.get("stroke") for e in lines} == {"#0066cc"}


def test_mac_mutation_changes_genes_by_the_mutation_size() -> None:
    random.seed(3)
    parent = insect()
    children = [mac_mutate(parent) for _ in range(300)]
    changed = [c for c in children if c != parent]
    assert 0.5 < len(changed) / len(children) < 1.0  # 10% per gene: most children differ, not all
    for child in children:
        for old, new in zip(parent.genes[:8], child.genes[:8]):
            assert new - old in (-parent.mutation_size, 0, parent.mutation_size)
    stronger = sum(mac_mutate(parent, strength=4.0) != parent for _ in range(300))
    assert stronger > len(changed)


def test_pc_mutation_changes_one_gene_one_step() -> None:
    random.seed(4)
    parent = replace(insect(), segments=3, thickness=2, trickle=5, colours=(100,) * 8)  # no gene at a bound
    for _ in range(300):
        child = pc_mutate(parent)
        diffs = []
        for f in fields(Biomorph):
            old, new = getattr(parent, f.name), getattr(child, f.name)
            if isinstance(old, tuple):
                diffs += [(f.name, a, b) for a, b in zip(old, new) if a != b]
            elif old != new:
                diffs.append((f.name, old, new))
        assert len(diffs) == 1, diffs
        name, old, new = diffs[0]
        if name in ("segments", "segment_distance", "trickle", "thickness"):
            assert abs(new - old) == 1


def test_hopeful_monsters_are_valid_and_varied() -> None:
    random.seed(5)
    genetics = BiomorphGenetics()
    monsters = [hopeful_monster() for _ in range(40)]
    for b in monsters:
        assert genetics.from_json(genetics.to_json(b)) == b  # valid: the JSON check accepts it
    assert len({b.genes for b in monsters}) > 30
    assert len({b.spokes for b in monsters}) == 3


def test_crossover_takes_every_gene_from_a_parent() -> None:
    random.seed(6)
    a, b = insect(), basic_tree()
    left, right = crossover(a, b)
    for i in range(8):
        assert {left.genes[i], right.genes[i]} == {a.genes[i], b.genes[i]}


def test_classic_names_and_start_option() -> None:
    assert classic("insect") == insect()
    with pytest.raises(CoevoError, match="BasicTree"):
        classic("Dragon")
    assert BiomorphGenetics(start="BasicTree").random_genome() == basic_tree()
    with pytest.raises(CoevoError):
        BiomorphGenetics(start="Dragon")


def test_genetics_protocol_and_json_checks() -> None:
    genetics = BiomorphGenetics(mutation="pc")
    assert isinstance(genetics, Genetics)
    assert BiomorphGenetics(**genetics.options()).options() == genetics.options()
    data = genetics.to_json(basic_tree())
    assert genetics.from_json(data) == basic_tree()
    for bad in ({**data, "genes": [1, 2]}, {**data, "spokes": "west"}, {**data, "tail": 1},
                {**data, "segments": 4000}, {**data, "colours": [999] * 8}):
        with pytest.raises(CoevoError):
            genetics.from_json(bad)


def test_render_command_writes_png_and_svg(tmp_path, capsys) -> None:
    genetics = BiomorphGenetics()
    path = write_genome(tmp_path / "insect.json",
                        GenomeFile("biomorph", genetics.options(), genetics.to_json(insect())))
    assert main(["render", str(path), "--size", "96", "--svg"]) == 0
    assert (tmp_path / "insect.png").stat().st_size > 0
    assert ET.parse(tmp_path / "insect.svg").getroot().get("width") == "96"


def test_render_svg_needs_a_line_drawing_artist(tmp_path, capsys) -> None:
    from tests.toys import ToyGenetics

    toy = ToyGenetics()
    path = write_genome(tmp_path / "toy.json",
                        GenomeFile("tests.toys:ToyGenetics", toy.options(), toy.to_json([0.1, 0.2, 0.3])))
    assert main(["render", str(path), "--svg"]) == 2
    assert "no SVG form" in capsys.readouterr().err
    assert not (tmp_path / "toy.png").exists()


def test_long_lineages_stay_valid_genomes() -> None:
    random.seed(8)
    genetics = BiomorphGenetics()
    for mutate in (mac_mutate, pc_mutate):
        b = hopeful_monster()
        for _ in range(300):
            b = mutate(b, strength=3.0)
            assert genetics.from_json(genetics.to_json(b)) == b
