"""The per-tree render cache: the same pixels as rendering everything, fewer programs run, memory bounded."""

from __future__ import annotations

import copy
import random

import numpy as np
import pytest
import torch

import artists.gp.render as render
from artists.gp.genetics import GPGenetics
from artists.gp.opcodes import compile_trees
from artists.gp.primitives import pixel_inputs
from artists.gp.render import TreeRenders, evaluate_numba


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
