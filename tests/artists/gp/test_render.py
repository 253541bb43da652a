"""GP rendering (artists/gp/render.py): the kernel and torch evaluator against DEAP's gp.compile; the tree cache."""

from __future__ import annotations

import copy
import hashlib
import random

import numpy as np
import pytest
import torch
from deap import gp

import artists.gp.render as render
from artists.gp.genetics import GPGenetics
from artists.gp.genome import parse_tree
from artists.gp.opcodes import compile_trees
from artists.gp.primitives import PRIMITIVES, build_pset, pixel_inputs
from artists.gp.render import TreeRenders, evaluate_numba
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


EXTREME = ["sin(mul(x, 1e7))", "cos(mul(mul(x, y), 3e6))", "log(mul(mul(x, 1e30), 1e30))", "mod(mul(x, 1e9), y)",
           "atan2(mul(x, exp(20.0)), sub(y, y))", "mod(div(1.0, x), mul(y, 1e-7))"]  # exact paths in some blocks


def test_kernel_pixels_are_the_bits_rendered_before_its_jobs_spanned_several_blocks() -> None:
    """Jobs of SPAN pixels choosing the transcendentals' path per block of TILE give the bits the kernel gave when
    a job was one block (sha256 of the float32 pixels taken from that kernel, commit 8318b18), so runs resume and
    replay as they ran."""
    pset = build_pset()
    random.seed(11)
    np.random.seed(11)
    trees = [gp.PrimitiveTree(gp.genHalfAndHalf(pset, 2, 8)) for _ in range(200)]
    images = evaluate_numba(compile_trees(trees + [parse_tree(t, pset) for t in EXTREME]), pixel_inputs(48))
    assert hashlib.sha256(images.tobytes()).hexdigest() == (
        "09b93c124813c6157f82f603feed3686a5463532484b5f17b89dd43d66c652d1")


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


@pytest.fixture
def counted(monkeypatch) -> list[int]:
    """How many programs each kernel call of the cache runs."""
    calls: list[int] = []
    real = render.evaluate

    def counting(batch, inputs, backend="auto"):
        calls.append(len(batch))
        return real(batch, inputs, backend)

    monkeypatch.setattr(render, "evaluate", counting)
    return calls


def test_cached_generations_equal_fresh_renders_and_run_only_new_trees(counted) -> None:
    random.seed(5)
    genetics = GPGenetics(channels=3)
    parent = genetics.random_genome()
    for generation in range(4):
        children = [parent] + [genetics.mutate(parent) for _ in range(14)]
        images = genetics.render(children, 32)
        trees = [tree for child in children for tree in child.trees]
        fresh = evaluate_numba(compile_trees(trees), pixel_inputs(32)).reshape(15, 3, 32, 32)
        assert torch.equal(images, torch.from_numpy(fresh)), f"generation {generation}"
        parent = children[random.randrange(1, 15)]
    assert counted[0] <= 3 + 14  # the first generation: the parent's trees and each child's changed one
    assert all(n <= 14 for n in counted[1:]), counted  # later: the chosen child is known, one new tree a child
    assert sum(counted) < 0.5 * 4 * 45


def test_same_tree_at_another_size_is_rendered_again(counted) -> None:
    random.seed(1)
    genetics = GPGenetics(channels=1)
    genome = genetics.random_genome()
    small, large = genetics.render([genome], 8), genetics.render([genome], 16)
    assert small.shape == (1, 1, 8, 8) and large.shape == (1, 1, 16, 16) and counted == [1, 1]
    assert torch.equal(genetics.render([genome], 16), large) and counted == [1, 1]


def test_budget_bounds_the_memory_and_drops_the_oldest(counted) -> None:
    random.seed(2)
    genetics = GPGenetics(channels=1)
    trees = [genetics.random_genome().trees[0] for _ in range(40)]
    cache = TreeRenders("numba", budget=10 * 16 * 16 * 4)  # ten rows of 16²
    for tree in trees:
        cache([tree], 16)
    assert cache.used <= cache.budget and len(cache.rows) <= 10
    counted.clear()
    cache([trees[-1]], 16)  # recently used: still kept, no program runs
    cache([trees[0]], 16)  # the oldest: dropped, rendered again
    assert counted == [1]
    expected = evaluate_numba(compile_trees(trees), pixel_inputs(16))
    assert np.array_equal(cache(trees, 16).numpy(), expected)


def test_a_genetics_with_its_cache_still_deep_copies() -> None:
    random.seed(4)
    genetics = GPGenetics(channels=3)
    genomes = [genetics.random_genome() for _ in range(3)]
    images = genetics.render(genomes, 16)
    twin = copy.deepcopy(genetics)  # a copy starts with an empty cache of its own
    assert not twin._renders.rows and torch.equal(twin.render(genomes, 16), images) and genetics._renders.rows
