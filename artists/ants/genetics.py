"""``AntGenetics``: Greenfield-style ant paintings as an evolutionary artist (see coevo.protocols.Genetics)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import replace
from typing import Any, ClassVar

import numpy as np
import torch

from artists.ants import genome, simulate
from artists.ants.genome import Ant, Painting
from coevo.images import cells
from coevo.rng import python_rng
from coevo.training.settings import Limits


def _colour(channels: int) -> tuple[int, ...]:
    return tuple(python_rng().randint(0, 255) for _ in range(channels))


def _nudge(value: int, spread: int, low: int, high: int) -> int:
    return max(low, min(high, value + python_rng().randint(-spread, spread)))


def colour_histogram(picture: np.ndarray) -> np.ndarray:
    """The colour mix a glance sees: the share of a uint8 ``(H, W, C)`` painting's cells in each of 64 bins (colour:
    4 levels a channel; grey: 64 levels)."""
    levels = picture.astype(np.int64)
    bins = (levels[..., 0] // 64 * 16 + levels[..., 1] // 64 * 4 + levels[..., 2] // 64 if picture.shape[-1] == 3
            else levels[..., 0] // 4)
    counts = np.bincount(bins.ravel(), minlength=64)
    return counts / max(1, counts.sum())


def colour_distance(a: np.ndarray, b: np.ndarray) -> float:
    """Total variation between two paintings' colour histograms: 0 the same mix, 1 no colour in common (unrelated
    colour paintings of 8-12 ants: a median of about 0.57)."""
    return float(0.5 * np.abs(colour_histogram(a) - colour_histogram(b)).sum())


class Pictures:
    """The pictures of the paintings last painted, up to ``budget`` bytes (least recently used go first): a bred
    generation paints its parent once, not once a child, and shows the children ``mutate`` already painted. A
    picture depends on its genome alone (for one genetics' grid, steps and channels), so no result changes."""

    def __init__(self, budget: int = 64 << 20) -> None:
        self.budget, self.used = budget, 0
        self.pictures: OrderedDict[Painting, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()  # one genetics may paint from several threads

    def __getstate__(self) -> dict[str, int]:
        return {"budget": self.budget}  # a (deep) copy starts empty: a lock cannot be copied

    def __setstate__(self, state: dict[str, int]) -> None:
        self.__init__(state["budget"])  # type: ignore[misc]

    def get(self, painting: Painting) -> np.ndarray | None:
        with self._lock:
            picture = self.pictures.get(painting)
            if picture is not None:
                self.pictures.move_to_end(painting)
            return picture

    def put(self, painting: Painting, picture: np.ndarray) -> None:
        with self._lock:
            if painting in self.pictures or picture.nbytes > self.budget:
                return
            self.pictures[painting] = picture
            self.used += picture.nbytes
            while self.used > self.budget:
                self.used -= self.pictures.popitem(last=False)[1].nbytes


class AntGenetics:
    """8-12 ants (``ants=(8, 12)``) on a toroidal ``grid`` (128) for ``steps`` steps each (3000), grey or colour;
    ``distinct``: a child that paints exactly as its parent is mutated again (up to ``RETRIES`` times), as a change
    to a gene the painting does not express (the colour an ant never meets, an alpha already full) shows nothing;
    ``changes``: mutations a child gets per unit of mutation strength (1); ``differ``: the least colour-histogram
    distance (``colour_distance``) a child's painting keeps from its parent's, mutated again (``RETRIES`` times at
    most) until it does (0: off). One mutation moves a painting's colour mix little (a median distance of 0.07,
    against 0.57 between unrelated paintings), so children look alike; a breeding session mutates more."""

    # options a breeding session turns on unless named (coevo.programs.breed.configure): no box a copy of the parent,
    # and children whose colour mix visibly moves (median colour distance 0.066 -> 0.24 on 140; bench/ant_children.py)
    BREEDING: ClassVar[dict[str, Any]] = {"distinct": True, "changes": 4.0, "differ": 0.2}
    RETRIES: ClassVar[int] = 8

    # render memory a pixel holds per channel (13 measured at 4096 pixels, grey): `coevo render` bounds --size by it
    RENDER_BYTES: ClassVar[int] = 16

    # option bounds (coevo.training.settings.check_options): a 1024-cell grid side, 100,000 steps an ant
    LIMITS: ClassVar[Limits] = {"grid": (4, 1024), "steps": (1, 100_000), "changes": (0.05, 64.0),
                                "differ": (0.0, 1.0)}

    def __init__(self, channels: int = 1, grid: int = 128, steps: int = 3000, ants: tuple[int, int] | list = (8, 12),
                 distinct: bool = False, changes: float = 1.0, differ: float = 0.0) -> None:
        if channels not in (1, 3):
            raise ValueError(f"channels must be 1 (grey) or 3 (colour), got {channels}")
        low, high = (int(v) for v in ants)
        if not 1 <= low <= high <= genome.MAX_ANTS or grid < 4 or steps < 1:
            raise ValueError(f"ants must be a range within 1..{genome.MAX_ANTS}, grid >= 4 and steps >= 1")
        if not (0.05 <= float(changes) <= 64.0 and 0.0 <= float(differ) <= 1.0):
            raise ValueError(f"changes must be within 0.05..64 and differ within 0..1, got {changes} and {differ}")
        self.channels, self.grid, self.steps, self.ants = channels, grid, steps, (low, high)
        self.distinct = bool(distinct)
        self.changes, self.differ = float(changes), float(differ)
        self._pictures = Pictures()

    def random_ant(self) -> Ant:
        rng = python_rng()
        paint = _colour(self.channels)
        follow = paint if rng.random() < 0.3 else _colour(self.channels)  # some ants follow their own trail
        return Ant(round(rng.random(), 4) % 1, round(rng.random(), 4) % 1, rng.randrange(8),
                   (rng.randint(0, 9), rng.randint(1, 40), rng.randint(0, 9)), paint,
                   rng.choice((256, 256, rng.randint(32, 256))), follow, rng.randint(0, 80))

    def random_genome(self) -> Painting:
        rng = python_rng()
        return Painting(tuple(self.random_ant() for _ in range(rng.randint(*self.ants))),
                        rng.randrange(genome.SEED_LIMIT))

    def _mutate_ant(self, ant: Ant, strength: float) -> Ant:
        rng = python_rng()
        gene = rng.choice(("place", "heading", "turns", "paint", "alpha", "follow", "tolerance", "new"))
        if gene == "place":
            return replace(ant, x=round((ant.x + rng.gauss(0, 0.1 * strength)) % 1, 4) % 1,
                           y=round((ant.y + rng.gauss(0, 0.1 * strength)) % 1, 4) % 1)
        if gene == "heading":
            return replace(ant, heading=(ant.heading + rng.choice((-1, 1))) % 8)
        if gene == "turns":
            turns = list(ant.turns)
            k = rng.randrange(3)
            turns[k] = _nudge(turns[k], 3, 0, 100)
            return replace(ant, turns=tuple(turns) if sum(turns) else ant.turns)
        if gene in ("paint", "follow"):
            colour = list(getattr(ant, gene))
            spread = max(1, round(48 * strength))
            for c in range(len(colour)):
                colour[c] = _nudge(colour[c], spread, 0, 255)
            return replace(ant, **{gene: tuple(colour)})
        if gene == "alpha":
            return replace(ant, alpha=_nudge(ant.alpha, 48, 1, 256))
        if gene == "tolerance":
            return replace(ant, tolerance=_nudge(ant.tolerance, 16, 0, 255))
        return self.random_ant()

    def mutate(self, p: Painting, strength: float = 1.0) -> Painting:
        """``strength`` × ``changes`` changes (stochastically rounded, at least one): one gene of one ant, a new ant,
        an ant more or fewer (within ``ants``), or (rarely) a new seed for the painting's turns; with ``distinct``
        or ``differ``, the changes go on (``RETRIES`` times at most) until the child paints differently from ``p``
        and its colour mix is at least ``differ`` from ``p``'s."""
        strength = strength * self.changes
        child = self._mutate(p, strength)
        if self.distinct or self.differ > 0:
            parent = self.paint([p])[0]
            for _ in range(self.RETRIES):
                picture = self.paint([child])[0]
                if ((not self.distinct or not np.array_equal(picture, parent))
                        and (self.differ <= 0 or colour_distance(picture, parent) >= self.differ)):
                    break
                child = self._mutate(child, strength)
        return child

    def _mutate(self, p: Painting, strength: float) -> Painting:
        rng = python_rng()
        ants, seed = list(p.ants), p.seed
        for _ in range(max(1, int(strength) + (rng.random() < strength - int(strength)))):
            r = rng.random()
            if r < 0.08:
                seed = rng.randrange(genome.SEED_LIMIT)
            elif r < 0.14 and len(ants) < self.ants[1]:
                ants.insert(rng.randint(0, len(ants)), self.random_ant())
            elif r < 0.2 and len(ants) > self.ants[0]:
                del ants[rng.randrange(len(ants))]
            else:
                i = rng.randrange(len(ants))
                ants[i] = self._mutate_ant(ants[i], strength)
        return Painting(tuple(ants), seed)

    def crossover(self, a: Painting, b: Painting) -> tuple[Painting, Painting]:
        """Uniform over the ants: each place in the colony from one parent or the other; the seeds swap too."""
        rng = python_rng()
        left, right = list(a.ants), list(b.ants)
        for i in range(min(len(left), len(right))):
            if rng.random() < 0.5:
                left[i], right[i] = right[i], left[i]
        seeds = (a.seed, b.seed) if rng.random() < 0.5 else (b.seed, a.seed)
        return Painting(tuple(left), seeds[0]), Painting(tuple(right), seeds[1])

    def pack(self, paintings: list[Painting]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Ants as integers ``(N, A, FIELDS)`` on this grid, their counts and the seeds."""
        width = max([len(p.ants) for p in paintings] + [1])
        table = np.zeros((len(paintings), width, simulate.FIELDS), dtype=np.int64)
        for n, p in enumerate(paintings):
            for a, ant in enumerate(p.ants):
                table[n, a, :8] = (int(ant.x * self.grid) % self.grid, int(ant.y * self.grid) % self.grid,
                                   ant.heading, *ant.turns, ant.alpha, ant.tolerance)
                table[n, a, 8:8 + self.channels] = ant.paint
                table[n, a, 11:11 + self.channels] = ant.follow
        counts = np.array([len(p.ants) for p in paintings], dtype=np.int64)
        return table, counts, np.array([p.seed for p in paintings], dtype=np.int64)

    def paint(self, paintings: list[Painting]) -> np.ndarray:
        """uint8 ``(N, grid, grid, channels)``; paintings painted lately come from ``Pictures``, the rest are
        painted together in one kernel call."""
        pictures = [self._pictures.get(p) for p in paintings]
        missing = [i for i, picture in enumerate(pictures) if picture is None]
        if missing:
            fresh = simulate.paint(*self.pack([paintings[i] for i in missing]), self.steps, self.grid, self.channels)
            for i, picture in zip(missing, fresh):
                pictures[i] = picture.copy()  # its own memory: an evicted picture frees it
                self._pictures.put(paintings[i], pictures[i])
        if not pictures:
            return np.zeros((0, self.grid, self.grid, self.channels), dtype=np.uint8)
        return np.stack(pictures)

    def render(self, paintings: list[Painting], size: int) -> torch.Tensor:
        return cells(self.paint(paintings), size)

    def options(self) -> dict[str, Any]:
        defaults = {"changes": 1.0, "differ": 0.0}  # left out at their defaults: genome files stay as they were
        changed = {k: v for k, v in {"changes": self.changes, "differ": self.differ}.items() if v != defaults[k]}
        return {"channels": self.channels, "grid": self.grid, "steps": self.steps, "ants": list(self.ants),
                "distinct": self.distinct, **changed}

    def to_json(self, p: Painting) -> dict[str, Any]:
        return genome.to_json(p)

    def from_json(self, data: dict[str, Any]) -> Painting:
        return genome.from_json(data, self.channels)
