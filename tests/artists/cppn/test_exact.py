"""Exact mode (artists/cppn/exact.py, cppnx.py): CPPN-X's double evaluation, its lookup-table index rule (ties
included), and the genetics option that imported genomes and their children keep."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest
import torch

from artists.cppn import CPPNGenetics, cppnx, exact
from artists.cppn.activations import NAMES
from artists.cppn.genome import Genome, NodeGene
from coevo.errors import CoevoError
from tests.helpers import input_nodes, link

INPUT_NODES = input_nodes()


def test_every_activation_has_an_exact_form():
    assert set(cppnx.FUNCTIONS) == set(NAMES)


def test_table_index_is_cppnx_rule_in_double():
    steps = lambda x: cppnx.table_steps(np.array([x]), cppnx.SIGMOID_BOUNDS, cppnx.SIGMOID_STEPS)[0]  # noqa: E731
    # (int)(x * 1000 + 0.5) in double, truncated toward zero
    assert steps(0.0015) == 2  # 0.0015 * 1000 rounds to 1.5 in double: + 0.5 is exactly 2
    assert steps(0.0014999999999) == 1  # 1.9999999999: 1 (float32 makes it 1.5 + 0.5 = 2: the other side of the tie)
    assert steps(-0.0015) == -1 and steps(-0.0025) == -2 and steps(-0.0016) == -1
    # at or below the low bound CPPN-X returns the first entry; just above it truncation gives -7600
    assert steps(-7.60141) == -7601 and steps(-7.6014) == -7600 and steps(7.6014) == 7601 and steps(-1e9) == -7601


def test_table_values_are_cppnx_float_expf():
    # entry k: (1.0 / (float)(1 + expf((float)-x))) * 2 - 1 at x = k * 0.001
    e = np.float32(np.exp(np.float64(np.float32(-0.001))))
    assert cppnx.SIGMOID_TABLE[7601 + 1] == 1.0 / float(np.float32(1.0) + e) * 2.0 - 1.0
    e = np.float32(np.exp(np.float64(np.float32(-(0.002 * 0.002)))))
    assert cppnx.GAUSSIAN_TABLE[2757 + 2] == float(e) * 2.0 - 1.0


def test_a_tie_the_float32_kernel_rounds_the_other_way():
    # ink = 1000 * sigmoid(w * bias), w = 0.0014999999999: CPPN-X reads entry 1, sigmoid(0.001) = tanh(0.0005), so
    # ink = 0.49999996 (to the float32 expf inside the entry: 1e-4 here) and the byte is int(ink * 255) = 127;
    # float32 reads entry 2 (ink about 1: byte 254 or 255)
    hidden, ink = NodeGene(100, "hidden", "sigmoid"), NodeGene(4, "out", "identity", "ink")
    genome = Genome((*INPUT_NODES, hidden, ink), (link(3, 100, 0.0014999999999), link(100, 4, 1000.0)))
    assert exact.forward(genome, 2, "grey")[0, 0] == pytest.approx(1000 * math.tanh(0.0005), abs=1e-4)
    level = lambda g: int(((g.render([genome], 2)[0, 0, 0, 0] + 1) * 127.5).round())  # noqa: E731
    assert level(CPPNGenetics(exact=True)) == int(1000 * math.tanh(0.0005) * 255) == 127
    assert level(CPPNGenetics()) >= 254


def test_sums_are_double_in_link_order():
    # ink = x * 1 + bias * 1e16 + bias * -1e16: in double, in this order, x vanishes into 1e16 and the sum is 0;
    # float32 weights and a float32 sum differ; the other link order would keep x
    ink = NodeGene(4, "out", "identity", "ink")
    genome = Genome((*INPUT_NODES, NodeGene(100, "hidden", "identity"), ink),
                    (link(0, 4, 1.0), link(3, 4, 1e16), link(100, 4, 1.0), link(3, 100, -1e16)))
    values = exact.forward(genome, 4, "grey")[0]
    assert values.tolist() == [(x * 1.0 + 1.0 * 1e16) + (1.0 * -1e16) * 1.0 for x in (-1, -0.5, 0, 0.5)] * 4
    inputs = exact.inputs(4)  # x, y as double; d from a float sqrt of a float, times 1.4 in double
    assert inputs["d"][0] == float(np.sqrt(np.float32(2.0))) * 1.4 and inputs["x"][1] == 1 / (4 / 2) + -1.0


def test_exact_is_an_option_children_and_files_keep():
    assert not CPPNGenetics().exact and "exact" not in CPPNGenetics().options()
    genetics = CPPNGenetics(exact="true")  # as --artist-option exact=true gives it
    assert genetics.exact and genetics.options()["exact"] is True
    assert CPPNGenetics(**genetics.options()).exact
    with pytest.raises(ValueError, match="exact must be true or false"):
        CPPNGenetics(exact="maybe")
    random.seed(3)
    parent = genetics.random_genome()
    children = [genetics.mutate(parent) for _ in range(3)]
    images = genetics.render(children, 16)
    assert torch.equal(images, exact.render(children, 16, "grey"))
    assert (images - CPPNGenetics().render(children, 16)).abs().max() * 127.5 < 8


def test_imported_genomes_render_exactly(picbreeder_xml):
    from artists.cppn.picbreeder import import_picbreeder
    from coevo.programs.genomes import load_genome

    for path in picbreeder_xml:
        genetics, genome, _ = import_picbreeder(path)
        assert genetics.exact and genetics.options()["exact"] is True, path.name
        image = genetics.render([genome], 64)
        assert torch.equal(image, exact.render([genome], 64, genetics.mode)), path.name
        fast = CPPNGenetics(channels=genetics.channels, color=genetics.color).render([genome], 64)
        assert ((image - fast).abs() * 127.5 > 1.01).float().mean() < 1e-2, path.name  # the float32 kernel: close
    _, loaded, _, _ = load_genome(picbreeder_xml[0])
    assert loaded.exact


def test_bad_exact_option_from_the_command_line_is_one_line():
    from coevo.training.registry import construct

    with pytest.raises(CoevoError, match="exact must be true or false"):
        construct(CPPNGenetics, "cppn", {}, {"exact": "perhaps"})
