"""``GPGenetics``: Karl Sims-style pixel-function trees as a ``coevo.protocols.Genetics``.

Variation is DEAP's tree operators (as ``artists.gp.operators``, drawing from the run's generator) under a
static height limit; Sims' (1991) mutation kinds map to them:
a node becomes a new random expression (``subtree``: mutUniform); a function becomes another function of the
same arity (``node``: mutNodeReplacement); a constant drifts a little (``perturb``: Gaussian, Sims' "scalar
adjusted") or is redrawn (``ephemeral``: mutEphemeral); an expression becomes the argument of a new function
(``insert``: mutInsert); an argument jumps out to replace its function (``shrink``: mutShrink). Mating is
DEAP's one-point subtree crossover on one channel's trees.
"""

from __future__ import annotations

import math
from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
from deap import gp

from artists.gp.genome import GPGenome, constant, genome_from_json, genome_to_json
from artists.gp.operators import (
    cx_one_point,
    gen_grow,
    gen_half_and_half,
    height_limited,
    mut_ephemeral,
    mut_insert,
    mut_node_replacement,
    mut_shrink,
    mut_uniform,
)
from artists.gp.primitives import build_pset
from artists.gp.render import BACKENDS, TreeRenders, pixels
from coevo.rng import python_rng
from coevo.training.settings import Limits

if TYPE_CHECKING:
    import torch

COLORS = ("rgb", "hsv")  # how three channels are read: directly as RGB, or as hue, saturation, value
KINDS = ("subtree", "node", "perturb", "ephemeral", "insert", "shrink")  # mutation kinds, as in the docstring


class GPGenetics:
    """Random trees, DEAP variation and batched kernel rendering for one or three channel trees per genome."""

    # option bounds (coevo.training.settings.check_options): a tree of height 17 already holds 2^17 nodes
    LIMITS: ClassVar[Limits] = {"min_depth": (0, 17), "max_depth": (0, 17), "max_height": (0, 17)}

    # render memory a pixel holds per channel (72 measured at 4096 pixels, grey): `coevo render` bounds --size by it
    RENDER_BYTES: ClassVar[int] = 80

    def __init__(self, channels: int = 1, color: str = "rgb", min_depth: int = 2, max_depth: int = 6,
                 max_height: int = 12, p_subtree: float = 0.3, p_node: float = 0.25, p_perturb: float = 0.15,
                 p_ephemeral: float = 0.1, p_insert: float = 0.1, p_shrink: float = 0.1, sigma: float = 0.2,
                 backend: str = "auto") -> None:
        if channels not in (1, 3):
            raise ValueError(f"channels must be 1 (grey) or 3 (colour), not {channels}")
        if color not in COLORS:
            raise ValueError(f"color must be one of {', '.join(COLORS)}, not {color!r}")
        if not 0 <= min_depth <= max_depth <= max_height:
            raise ValueError(f"need 0 <= min_depth ({min_depth}) <= max_depth ({max_depth}) <= max_height "
                             f"({max_height})")
        weights = (p_subtree, p_node, p_perturb, p_ephemeral, p_insert, p_shrink)
        if min(weights) < 0 or sum(weights) <= 0:
            raise ValueError("mutation probabilities p_* must be >= 0 with a positive sum")
        if backend not in BACKENDS:
            raise ValueError(f"backend must be one of {', '.join(BACKENDS)}, not {backend!r}")
        self.channels, self.color, self.backend = channels, color, backend
        self.min_depth, self.max_depth, self.max_height, self.sigma = min_depth, max_depth, max_height, sigma
        self.weights = dict(zip(KINDS, weights))
        self.pset = build_pset("numpy")
        self._renders = TreeRenders(backend)
        grow = partial(gen_grow, min_=0, max_=2)
        self._mutations = {
            "subtree": partial(mut_uniform, expr=grow, pset=self.pset),
            "node": partial(mut_node_replacement, pset=self.pset),
            "ephemeral": partial(mut_ephemeral, mode="one"),
            "insert": partial(mut_insert, pset=self.pset),
            "shrink": mut_shrink,
        }

    def options(self) -> dict[str, Any]:
        return {"channels": self.channels, "color": self.color, "min_depth": self.min_depth,
                "max_depth": self.max_depth, "max_height": self.max_height,
                **{f"p_{kind}": weight for kind, weight in self.weights.items()}, "sigma": self.sigma,
                "backend": self.backend}

    def random_genome(self) -> GPGenome:
        """Ramped half-and-half trees, one per channel."""
        rng = python_rng()
        return GPGenome([gp.PrimitiveTree(gen_half_and_half(rng, self.pset, self.min_depth, self.max_depth))
                         for _ in range(self.channels)])

    def mutate(self, genome: GPGenome, strength: float = 1.0) -> GPGenome:
        """A mutated copy: ``strength`` mutations on random channels (stochastically rounded, at least one),
        each of a kind drawn by the p_* weights; constants drift by N(0, (sigma·strength)²)."""
        rng = python_rng()
        trees = [gp.PrimitiveTree(tree) for tree in genome.trees]
        count = max(1, math.floor(strength) + (rng.random() < strength - math.floor(strength)))
        kinds, weights = list(self.weights), list(self.weights.values())
        for _ in range(count):
            c = rng.randrange(self.channels)
            kind = rng.choices(kinds, weights)[0]
            trees[c] = self._mutate_tree(trees[c], kind, strength)
        return GPGenome(trees)

    def _mutate_tree(self, tree: gp.PrimitiveTree, kind: str, strength: float) -> gp.PrimitiveTree:
        rng = python_rng()
        if kind == "perturb":
            constants = [i for i, node in enumerate(tree) if isinstance(type(node), gp.MetaEphemeral)]
            if constants:
                i = rng.choice(constants)
                tree[i] = constant(self.pset, tree[i].value + rng.gauss(0.0, self.sigma * strength))
                return tree
            kind = "node"  # no constant to drift: change a function instead
        (child,) = height_limited(rng, self.max_height, self._mutations[kind], tree)
        return child

    def crossover(self, a: GPGenome, b: GPGenome) -> tuple[GPGenome, GPGenome]:
        """One-point subtree crossover between the two genomes' trees of one random channel."""
        ta, tb = [gp.PrimitiveTree(t) for t in a.trees], [gp.PrimitiveTree(t) for t in b.trees]
        rng = python_rng()
        c = rng.randrange(self.channels)
        ta[c], tb[c] = height_limited(rng, self.max_height, cx_one_point, ta[c], tb[c])
        return GPGenome(ta), GPGenome(tb)

    def render(self, genomes: list[GPGenome], size: int) -> torch.Tensor:
        """(N, C, size, size) float32 in [-1, 1]: each tree's value, NaN → 0, clamped to [-1, 1]
        (for HSV, those channels are hue, saturation and value, converted to RGB)."""
        values = self._renders([tree for genome in genomes for tree in genome.trees], size)
        images = values.view(len(genomes), self.channels, size, size)
        return hsv_to_rgb(images) if self.color == "hsv" and self.channels == 3 else images

    def render_pixels(self, genomes: list[GPGenome], size: int) -> np.ndarray:
        """uint8 (N, C, size, size), the bytes of ``render``'s images as PNG, drawn without torch by the Numba kernel
        (``coevo render`` starts fast); HSV colour, and the torch backend, go through ``render``."""
        if (self.color == "hsv" and self.channels == 3) or self.backend == "torch":
            from coevo.images import to_uint8

            return to_uint8(self.render(genomes, size)).transpose(0, 3, 1, 2)
        values = pixels([tree for genome in genomes for tree in genome.trees], size)
        return values.reshape(len(genomes), self.channels, size, size)

    def to_json(self, genome: GPGenome) -> dict[str, Any]:
        return genome_to_json(genome)

    def from_json(self, data: dict[str, Any]) -> GPGenome:
        return genome_from_json(data, self.pset, self.channels)


def hsv_to_rgb(images: torch.Tensor) -> torch.Tensor:
    """(N, 3, H, W) hue, saturation, value in [-1, 1] to RGB in [-1, 1] (hue wraps once around the circle)."""
    import torch

    h, s, v = ((images + 1.0) / 2.0).unbind(1)
    k = torch.stack([(5.0 + h * 6.0) % 6.0, (3.0 + h * 6.0) % 6.0, (1.0 + h * 6.0) % 6.0], dim=1)
    weight = torch.clamp(torch.minimum(k, 4.0 - k), 0.0, 1.0)
    rgb = v[:, None] - v[:, None] * s[:, None] * weight
    return rgb * 2.0 - 1.0
