"""The GP operators drawing from a given generator make the trees DEAP's operators make, draw for draw."""

from __future__ import annotations

import copy
import random
from functools import partial
from operator import attrgetter

import pytest
from deap import gp

from artists.gp import operators
from artists.gp.primitives import build_pset
from coevo.rng import Generators, using

PSET = build_pset("numpy")
SEEDS = range(40)


def deap_and_ours(seed: int, deap_call, our_call):
    """Each call from the same seed: DEAP's drawing from the module-level ``random``, ours from a generator of its
    own (current, so that ephemeral constants draw from it too); both results and both generators' next draw."""
    random.seed(seed)
    theirs = deap_call()
    theirs_next = random.random()
    own = random.Random(seed)
    with using(Generators(python=own)):
        ours = our_call(own)
    return theirs, ours, theirs_next, own.random()


def trees(seed: int, n: int = 2) -> list[gp.PrimitiveTree]:
    rng = random.Random(1000 + seed)
    with using(Generators(python=rng)):
        return [gp.PrimitiveTree(operators.gen_half_and_half(rng, PSET, 1, 5)) for _ in range(n)]


def same(a, b) -> bool:
    return [str(x) for x in a] == [str(y) for y in b]


@pytest.mark.parametrize("seed", SEEDS)
def test_generation_matches_deap(seed: int) -> None:
    theirs, ours, t_next, o_next = deap_and_ours(seed, lambda: gp.genHalfAndHalf(PSET, 2, 6),
                                                 lambda rng: operators.gen_half_and_half(rng, PSET, 2, 6))
    assert str(gp.PrimitiveTree(theirs)) == str(gp.PrimitiveTree(ours)) and t_next == o_next


@pytest.mark.parametrize("seed", SEEDS)
def test_mutations_and_crossover_under_the_height_limit_match_deap(seed: int) -> None:
    limit = gp.staticLimit(attrgetter("height"), 6)
    grow = partial(gp.genGrow, min_=0, max_=2)
    pairs = {
        "subtree": (limit(partial(gp.mutUniform, expr=grow, pset=PSET)),
                    partial(operators.mut_uniform, expr=partial(operators.gen_grow, min_=0, max_=2), pset=PSET)),
        "node": (limit(partial(gp.mutNodeReplacement, pset=PSET)),
                 partial(operators.mut_node_replacement, pset=PSET)),
        "ephemeral": (limit(partial(gp.mutEphemeral, mode="one")), partial(operators.mut_ephemeral, mode="one")),
        "all": (limit(partial(gp.mutEphemeral, mode="all")), partial(operators.mut_ephemeral, mode="all")),
        "insert": (limit(partial(gp.mutInsert, pset=PSET)), partial(operators.mut_insert, pset=PSET)),
        "shrink": (limit(gp.mutShrink), operators.mut_shrink),
    }
    a, b = trees(seed)
    for name, (theirs_op, our_op) in pairs.items():
        theirs, ours, t_next, o_next = deap_and_ours(
            seed, partial(lambda op: op(copy.deepcopy(a)), theirs_op),
            partial(lambda op, rng: operators.height_limited(rng, 6, op, copy.deepcopy(a)), our_op))
        assert same(theirs, ours) and t_next == o_next, name
    theirs, ours, t_next, o_next = deap_and_ours(
        seed, lambda: limit(gp.cxOnePoint)(copy.deepcopy(a), copy.deepcopy(b)),
        lambda rng: operators.height_limited(rng, 6, operators.cx_one_point, copy.deepcopy(a), copy.deepcopy(b)))
    assert same(theirs, ours) and t_next == o_next


def test_the_module_level_generator_is_not_drawn_from() -> None:
    random.seed(3)
    before = random.getstate()
    rng = random.Random(0)
    with using(Generators(python=rng)):
        tree = gp.PrimitiveTree(operators.gen_half_and_half(rng, PSET, 2, 6))
        for _ in range(20):
            (tree,) = operators.height_limited(rng, 8, partial(operators.mut_insert, pset=PSET), tree)
            (tree,) = operators.height_limited(rng, 8, partial(operators.mut_ephemeral, mode="all"), tree)
    assert random.getstate() == before


def test_taller_and_copy_agree_with_deap() -> None:
    """``taller`` is ``tree.height > limit`` for every limit, and ``_copy`` is ``copy.deepcopy``: same nodes, a new
    list (height_limited's quick forms of DEAP's, so its draws and results stay DEAP's)."""
    for seed in range(40):
        for tree in trees(seed, 3):
            for limit in range(0, 14):
                assert operators.taller(tree, limit) == (tree.height > limit), (seed, limit)
            copied = operators._copy(tree)
            assert copied == copy.deepcopy(tree) and copied is not tree and type(copied) is type(tree)
