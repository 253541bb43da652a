"""The compiled kernel and the torch evaluator against DEAP's own gp.compile with NumPy primitives."""

from __future__ import annotations

import random

import numpy as np
import pytest
import torch
from deap import gp

from artists.gp.genome import parse_tree
from artists.gp.opcodes import compile_trees
from artists.gp.primitives import PRIMITIVES, build_pset, pixel_inputs
from artists.gp.render import evaluate_numba
from artists.gp.torch_eval import evaluate_torch

SIZE = 24
TOLERANCE = 1e-4  # float32 results in [-1, 1]; libm and NumPy's SIMD transcendentals differ by an ulp or so


def reference(tree: gp.PrimitiveTree, pset: gp.PrimitiveSet, inputs: np.ndarray) -> np.ndarray:
    """DEAP's gp.compile of the tree with the NumPy float32 primitives, mapped to [-1, 1] as documented."""
    value = np.asarray(gp.compile(tree, pset)(*inputs), dtype=np.float32)
    return np.clip(np.nan_to_num(np.broadcast_to(value, inputs.shape[1:]), nan=0.0), -1.0, 1.0)


@pytest.fixture(scope="module")
def random_trees() -> tuple[gp.PrimitiveSet, list[gp.PrimitiveTree]]:
    random.seed(3)
    np.random.seed(3)
    pset = build_pset()
    return pset, [gp.PrimitiveTree(gp.genHalfAndHalf(pset, 2, 6)) for _ in range(300)]


def test_random_trees_use_every_primitive(random_trees) -> None:
    _, trees = random_trees
    used = {node.name for tree in trees for node in tree if isinstance(node, gp.Primitive)}
    assert used == {spec.name for spec in PRIMITIVES}


def test_kernel_equals_deap_compile_on_random_trees(random_trees) -> None:
    """Most trees match everywhere; a 1-ulp difference may flip a discontinuity (mod, ifgt, noise of exp...)
    in a few pixels of a few trees, so those are bounded rather than forbidden."""
    pset, trees = random_trees
    inputs = pixel_inputs(SIZE)
    images = evaluate_numba(compile_trees(trees), inputs)
    errors = np.stack([np.abs(images[i] - reference(tree, pset, inputs)) for i, tree in enumerate(trees)])
    exact_trees = (errors.max(axis=1) <= TOLERANCE).mean()
    assert exact_trees >= 0.95, f"only {exact_trees:.1%} of trees match everywhere"
    assert (errors > TOLERANCE).mean() <= 0.002


@pytest.mark.parametrize("text", [
    "add(x, y)", "sub(x, mul(y, r))", "mul(theta, 0.3)", "div(x, y)", "div(x, sub(y, y))", "mod(mul(x, 7.5), y)",
    "mod(x, sub(r, r))", "mod(mul(x, -3.0), -0.7)", "min(x, y)", "max(x, theta)", "mul(atan2(y, x), 0.3)",
    "atan2(sub(x, x), y)", "noise(mul(x, 3.1), y)", "noise(mul(x, 1e12), mul(y, -1e9))", "sin(mul(x, 9.7))",
    "cos(mul(r, 40.0))", "sin(mul(x, 1e7))", "abs(mul(theta, 0.3))", "log(r)", "log(sub(x, x))",
    "sqrt(mul(x, 0.9))", "exp(mul(y, 3.0))", "exp(mul(x, 1e9))", "ifgt(x, y, theta)", "0.25",
])
def test_each_primitive_equals_deap_compile(text: str) -> None:
    pset = build_pset()
    tree = parse_tree(text, pset)
    inputs = pixel_inputs(SIZE)
    image = evaluate_numba(compile_trees([tree]), inputs)[0]
    np.testing.assert_allclose(image, reference(tree, pset, inputs), atol=2e-6, rtol=0)


def test_nan_and_inf_never_escape() -> None:
    """NaN maps to 0 and ±inf to ±1: the output mapping is total."""
    pset = build_pset()
    huge = "mul(exp(20.0), mul(exp(20.0), mul(exp(20.0), mul(exp(20.0), exp(20.0)))))"  # e^100: +inf
    texts = [huge, f"sub(0.0, {huge})", f"sub({huge}, {huge})", f"sin({huge})", f"mul(x, {huge})"]
    images = evaluate_numba(compile_trees([parse_tree(t, pset) for t in texts]), pixel_inputs(8))
    assert np.isfinite(images).all()
    assert (images[0] == 1).all() and (images[1] == -1).all()
    assert (images[2] == 0).all() and (images[3] == 0).all()
    assert set(np.unique(images[4])) == {-1.0, 1.0}


def test_any_resolution_and_tile_size() -> None:
    pset = build_pset()
    trees = [parse_tree("noise(mul(x, 5.0), sin(mul(y, 7.0)))", pset), parse_tree("ifgt(x, r, theta)", pset)]
    for size in (1, 7, 33):
        inputs = pixel_inputs(size)
        whole = evaluate_numba(compile_trees(trees), inputs, tile=4096)
        tiled = evaluate_numba(compile_trees(trees), inputs, tile=5)
        np.testing.assert_array_equal(whole, tiled)
        np.testing.assert_allclose(whole[0], reference(trees[0], pset, inputs), atol=1e-6, rtol=0)


def _torch_matches_numba(device: torch.device, random_trees) -> None:
    _, trees = random_trees
    batch, inputs = compile_trees(trees[:150]), pixel_inputs(16)
    errors = np.abs(evaluate_torch(batch, inputs, device).cpu().numpy() - evaluate_numba(batch, inputs))
    assert (errors.max(axis=1) <= TOLERANCE).mean() >= 0.95
    assert (errors > TOLERANCE).mean() <= 0.002


def test_torch_evaluator_matches_kernel_on_cpu(random_trees) -> None:
    _torch_matches_numba(torch.device("cpu"), random_trees)


@pytest.mark.gpu
def test_torch_evaluator_matches_kernel_on_cuda(random_trees) -> None:
    if not torch.cuda.is_available():
        pytest.skip("no CUDA GPU")
    _torch_matches_numba(torch.device("cuda"), random_trees)


def test_threads_may_render_at_once(random_trees) -> None:
    """A breeding window may render in a background thread while a run renders in the main one."""
    from concurrent.futures import ThreadPoolExecutor

    _, trees = random_trees
    batch, inputs = compile_trees(trees[:40]), pixel_inputs(32)
    expected = evaluate_numba(batch, inputs)
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: evaluate_numba(batch, inputs), range(8)))
    assert all(np.array_equal(r, expected) for r in results)
