"""DEAP's tree generation and variation operators, drawing from a given ``random.Random`` (a run's own).

DEAP's ``gp`` operators draw from Python's module-level ``random``; these do the same things with the same draws
in the same order (DEAP 1.4's ``generate``, ``genGrow``, ``genFull``, ``genHalfAndHalf``, ``cxOnePoint``,
``mutUniform``, ``mutNodeReplacement``, ``mutEphemeral``, ``mutInsert``, ``mutShrink`` and ``staticLimit``, read as the
specification), so a run seeded as before draws the same trees. Ephemeral constants draw from the current run's
generator (``artists.gp.primitives.random_constant``), as DEAP's did from the module-level one.
"""

from __future__ import annotations

import copy
import random
from collections import defaultdict
from collections.abc import Callable
from inspect import isclass
from typing import Any

from deap import gp

Condition = Callable[[int, int], bool]


def generate(rng: random.Random, pset: gp.PrimitiveSet, min_: int, max_: int, condition: Condition,
             type_: Any = None) -> list[Any]:
    """A prefix expression of height drawn in [min_, max_]; ``condition(height, depth)`` says where to end a
    branch with a terminal."""
    type_ = pset.ret if type_ is None else type_
    expr: list[Any] = []
    height = rng.randint(min_, max_)
    stack = [(0, type_)]
    while stack:
        depth, type_ = stack.pop()
        if condition(height, depth):
            if not pset.terminals[type_]:
                raise IndexError(f"no terminal of type {type_!r} to end a branch with")
            term = rng.choice(pset.terminals[type_])
            if type(term) is gp.MetaEphemeral:
                term = term()
            expr.append(term)
        else:
            if not pset.primitives[type_]:
                raise IndexError(f"no primitive of type {type_!r} to grow a branch with")
            prim = rng.choice(pset.primitives[type_])
            expr.append(prim)
            for arg in reversed(prim.args):
                stack.append((depth + 1, arg))
    return expr


def gen_full(rng: random.Random, pset: gp.PrimitiveSet, min_: int, max_: int, type_: Any = None) -> list[Any]:
    """Every leaf at the drawn height."""
    return generate(rng, pset, min_, max_, lambda height, depth: depth == height, type_)


def gen_grow(rng: random.Random, pset: gp.PrimitiveSet, min_: int, max_: int, type_: Any = None) -> list[Any]:
    """Leaves anywhere from depth ``min_`` (with the set's terminal ratio), at the latest at the drawn height."""
    def condition(height: int, depth: int) -> bool:
        return depth == height or (depth >= min_ and rng.random() < pset.terminalRatio)

    return generate(rng, pset, min_, max_, condition, type_)


def gen_half_and_half(rng: random.Random, pset: gp.PrimitiveSet, min_: int, max_: int,
                      type_: Any = None) -> list[Any]:
    """Grow or full, at even odds (DEAP draws the choice between the two functions, grow first)."""
    method = rng.choice((gen_grow, gen_full))
    return method(rng, pset, min_, max_, type_)


def cx_one_point(rng: random.Random, ind1: gp.PrimitiveTree, ind2: gp.PrimitiveTree) -> tuple[Any, Any]:
    """Swap a random subtree of ``ind1`` with a random subtree of the same type in ``ind2`` (roots excluded)."""
    if len(ind1) < 2 or len(ind2) < 2:
        return ind1, ind2
    types1: dict[Any, list[int]] = defaultdict(list)
    types2: dict[Any, list[int]] = defaultdict(list)
    if ind1.root.ret == gp.__type__:
        types1[gp.__type__] = list(range(1, len(ind1)))
        types2[gp.__type__] = list(range(1, len(ind2)))
        common: Any = [gp.__type__]
    else:
        for idx, node in enumerate(ind1[1:], 1):
            types1[node.ret].append(idx)
        for idx, node in enumerate(ind2[1:], 1):
            types2[node.ret].append(idx)
        common = set(types1).intersection(types2)
    if len(common) > 0:
        type_ = rng.choice(list(common))
        slice1 = ind1.searchSubtree(rng.choice(types1[type_]))
        slice2 = ind2.searchSubtree(rng.choice(types2[type_]))
        ind1[slice1], ind2[slice2] = ind2[slice2], ind1[slice1]
    return ind1, ind2


def mut_uniform(rng: random.Random, individual: gp.PrimitiveTree, expr: Callable[..., list[Any]],
                pset: gp.PrimitiveSet) -> tuple[Any]:
    """Replace a random subtree by ``expr(rng, pset=pset, type_=...)``."""
    index = rng.randrange(len(individual))
    slice_ = individual.searchSubtree(index)
    individual[slice_] = expr(rng, pset=pset, type_=individual[index].ret)
    return (individual,)


def mut_node_replacement(rng: random.Random, individual: gp.PrimitiveTree, pset: gp.PrimitiveSet) -> tuple[Any]:
    """Replace a random non-root node by another of the same arity and types."""
    if len(individual) < 2:
        return (individual,)
    index = rng.randrange(1, len(individual))
    node = individual[index]
    if node.arity == 0:
        term = rng.choice(pset.terminals[node.ret])
        if type(term) is gp.MetaEphemeral:
            term = term()
        individual[index] = term
    else:
        individual[index] = rng.choice([p for p in pset.primitives[node.ret] if p.args == node.args])
    return (individual,)


def mut_ephemeral(rng: random.Random, individual: gp.PrimitiveTree, mode: str) -> tuple[Any]:
    """Redraw one (``mode="one"``) or every (``"all"``) ephemeral constant."""
    if mode not in ("one", "all"):
        raise ValueError('mode must be one of "one" or "all"')
    indices = [i for i, node in enumerate(individual) if isinstance(type(node), gp.MetaEphemeral)]
    if indices:
        if mode == "one":
            indices = [rng.choice(indices)]
        for i in indices:
            individual[i] = type(individual[i])()
    return (individual,)


def mut_insert(rng: random.Random, individual: gp.PrimitiveTree, pset: gp.PrimitiveSet) -> tuple[Any]:
    """Make a random subtree one argument of a new primitive whose other arguments are terminals."""
    index = rng.randrange(len(individual))
    node = individual[index]
    slice_ = individual.searchSubtree(index)
    primitives = [p for p in pset.primitives[node.ret] if node.ret in p.args]
    if not primitives:
        return (individual,)
    new_node = rng.choice(primitives)
    new_subtree: list[Any] = [None] * len(new_node.args)
    position = rng.choice([i for i, a in enumerate(new_node.args) if a == node.ret])
    for i, arg_type in enumerate(new_node.args):
        if i != position:
            term = rng.choice(pset.terminals[arg_type])
            if isclass(term):
                term = term()
            new_subtree[i] = term
    new_subtree[position:position + 1] = individual[slice_]
    new_subtree.insert(0, new_node)
    individual[slice_] = new_subtree
    return (individual,)


def mut_shrink(rng: random.Random, individual: gp.PrimitiveTree) -> tuple[Any]:
    """Replace a random non-root primitive by one of its arguments of its own type."""
    if len(individual) < 3 or individual.height <= 1:
        return (individual,)
    iprims = [(i, node) for i, node in enumerate(individual[1:], 1)
              if isinstance(node, gp.Primitive) and node.ret in node.args]
    if iprims:
        index, prim = rng.choice(iprims)
        arg_idx = rng.choice([i for i, type_ in enumerate(prim.args) if type_ == prim.ret])
        rindex = index + 1
        for _ in range(arg_idx + 1):
            rslice = individual.searchSubtree(rindex)
            subtree = individual[rslice]
            rindex += len(subtree)
        individual[individual.searchSubtree(index)] = subtree
    return (individual,)


def height_limited(rng: random.Random, max_height: int, operator: Callable[..., Any], *trees: Any,
                   **kwargs: Any) -> list[Any]:
    """``operator(rng, *trees)``, with each result taller than ``max_height`` replaced by a random one of the
    parents (DEAP's ``staticLimit(attrgetter("height"), max_height)``, same draws)."""
    kept = [_copy(tree) for tree in trees]
    results = list(operator(rng, *trees, **kwargs))
    for i, tree in enumerate(results):
        if taller(tree, max_height):
            results[i] = rng.choice(kept)
    return results


def _copy(tree: Any) -> Any:
    """``copy.deepcopy(tree)`` as DEAP's ``PrimitiveTree.__deepcopy__`` makes it (a new list of the same nodes, the
    attributes deep-copied), without the deepcopy machinery's dispatch."""
    new = tree.__class__(tree)
    if tree.__dict__:
        new.__dict__.update(copy.deepcopy(tree.__dict__))
    return new


def taller(tree: Any, limit: int) -> bool:
    """Whether ``tree.height > limit`` (DEAP's ``PrimitiveTree.height``): no walk when the tree has too few nodes
    to be taller, and the walk stops at the first node deeper than ``limit``."""
    if len(tree) <= limit + 1:  # a tree of n nodes is at most n - 1 deep
        return False
    stack = [0]
    pop, extend = stack.pop, stack.extend
    for node in tree:
        depth = pop()
        if depth > limit:
            return True
        if node.arity:
            extend([depth + 1] * node.arity)
    return False
