"""CPPN-X's pixel bytes (artists/cppn/pixels.py): tiny hand-built genomes render to bytes worked out by hand from
CPPN-X's C++ (Node::setPixel, FinalNodeView::update) and Qt 4.8's QColor::setHsv / toRgb, written below as the
literal arithmetic of those rules (Python floats are C doubles; int() truncates like a C cast)."""

from __future__ import annotations

import pytest
import torch

from artists.cppn import CPPNGenetics
from artists.cppn.genome import ConnectionGene, Genome, NodeGene, innovation
from artists.cppn.pixels import blue_byte, hue_degrees, red_byte
from tests.helpers import input_nodes

INPUT_NODES = input_nodes()


COLOUR = (("hue", 5), ("saturation", 6), ("brightness", 7))


def constant(weights: dict[str, float]) -> Genome:
    """Outputs (identity) equal to weight * bias: the same value at every pixel."""
    ids = {"ink": 4, "hue": 5, "saturation": 6, "brightness": 7}
    nodes = tuple(NodeGene(ids[label], "out", "identity", label) for label in weights)
    links = tuple(ConnectionGene(innovation(3, ids[label]), 3, ids[label], w) for label, w in weights.items())
    return Genome(INPUT_NODES + nodes, links)


def pixel_bytes(genetics: CPPNGenetics, genome: Genome) -> list[int]:
    """The top-left pixel as coevo's PNG writer stores it: ((x + 1) * 127.5) rounded."""
    image = genetics.render([genome], 2)
    return ((image[0, :, 0, 0] + 1) * 127.5).round().to(torch.uint8).tolist()


@pytest.mark.parametrize("exact", [True, False])
@pytest.mark.parametrize(("ink", "byte"), [
    (0.7, int(0.7 * 255)),  # (unsigned char)(|v| * 255) truncates 178.49999999999997 to 178 (rounding gives 178 too)
    (-0.999, int(0.999 * 255)),  # 254.745 -> 254 (coevo used to round to 255)
    (0.5, int(0.5 * 255)),  # 127.5 -> 127
    (1.0, 255), (-3.0, 255),  # |v| >= 1: red = 255
])
def test_grey_is_the_ink_nodes_truncated_red_byte(exact, ink, byte):
    assert pixel_bytes(CPPNGenetics(channels=1, exact=exact), constant({"ink": ink})) == [byte]


def qt_rgb(h: int, s: int, v: int) -> list[int]:
    """Qt 4.8 QColor::setHsv(h, s, v).red(), green(), blue(), by hand: 16-bit hue*100, s*257, v*257; doubles;
    qRound to 16 bits; the high byte. (The test's own statement of the rule, not the code under test.)"""
    hh, ss, vv = (h % 360) * 100 / 6000.0, s * 257 / 65535.0, v * 257 / 65535.0
    i = int(hh)
    f = hh - i
    p, q, t = vv * (1.0 - ss), vv * (1.0 - ss * f), vv * (1.0 - ss * (1.0 - f))
    rgb = [(vv, t, p), (q, vv, p), (p, vv, t), (p, q, vv), (t, p, vv), (vv, p, q)][i]
    return [int(c * 65535 + 0.5) >> 8 for c in rgb]


@pytest.mark.parametrize("exact", [True, False])
def test_colour_is_cppnx_hsv_of_the_node_bytes(exact):
    genetics = CPPNGenetics(channels=3, exact=exact)
    # hue 0.5: red byte int(0.5 * 255) = 127, blue byte 127 > 0 (clockwise): int(127 * (360.0 / 255.0) + 360) = 539
    # -> 179 degrees; saturation: blue byte int(0.6 * 255) = 153; brightness -0.8: red byte int(0.8 * 255) = 204
    hue = int(int(0.5 * 255) * (360.0 / 255.0) + 360) % 360
    assert hue == 179
    expected = qt_rgb(hue, int(0.6 * 255), int(0.8 * 255))
    assert pixel_bytes(genetics, constant({"hue": 0.5, "saturation": 0.6, "brightness": -0.8})) == expected
    # hue -0.5: blue byte 0, so counter-clockwise: int(-(127 * (360.0 / 255.0)) + 360) = int(180.70...) = 180
    hue = int(-(int(0.5 * 255) * (360.0 / 255.0)) + 360) % 360
    assert hue == 180
    expected = qt_rgb(hue, int(0.6 * 255), int(0.8 * 255))
    assert pixel_bytes(genetics, constant({"hue": -0.5, "saturation": 0.6, "brightness": -0.8})) == expected
    # saturation beyond 1 reads the blue byte's fall-off: 1.5 -> int((1 - 0.5 / 5) * 255) = 229; hue 0.1 -> 14 degrees
    hue = int(int(0.1 * 255) * (360.0 / 255.0) + 360) % 360
    expected = qt_rgb(hue, int((1 - (1.5 - 1) / 5) * 255), 255)
    assert pixel_bytes(genetics, constant({"hue": 0.1, "saturation": 1.5, "brightness": 1.0})) == expected
    # saturation <= 0: Qt's achromatic case, every channel the brightness byte
    grey = constant({"hue": 0.3, "saturation": -0.2, "brightness": 0.42})
    assert pixel_bytes(genetics, grey) == [int(0.42 * 255)] * 3


def test_node_bytes_follow_set_pixel():
    v = torch.tensor([0.0, 0.3, 0.999, 1.0, 2.0, 6.5, -0.3, -1.0, -2.0, -7.0, float("nan")], dtype=torch.float64)
    assert red_byte(v).tolist() == [0, int(0.3 * 255), int(0.999 * 255), 255, 255, 255, int(0.3 * 255), 255, 255,
                                    255, 255]
    # blue: clamp(v, 0, 1) * 255 inside; above 1 (1 - clamp((|v| - 1) / 5)) * 255; below -1 clamp((|v| - 1) / 5) * 255
    assert blue_byte(v).tolist() == [0, int(0.3 * 255), int(0.999 * 255), 255, int((1 - 1 / 5) * 255), 0, 0, 0,
                                     int(1 / 5 * 255), 255, 0]
    # hue sign: a tiny positive hue has blue byte 0, so it turns counter-clockwise like a negative one
    hue = torch.tensor([0.003, 1 / 255, -1.2], dtype=torch.float64)
    assert hue_degrees(hue).tolist() == [0, int(1 * (360.0 / 255.0) + 360) % 360, int(-(255 * (360.0 / 255.0)) + 360)]
