"""``EvoEcoGenetics``: EvoEco organisms (or totalistic automata) as an evolutionary artist (see Genetics)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any, ClassVar

import numpy as np
import torch

from artists.evoeco import genome, simulate
from artists.evoeco.genome import Agent, Automaton, Organism, rule_width
from coevo.images import cells
from coevo.rng import python_rng
from coevo.toolkits.numbacache import announce
from coevo.training.settings import Limits

MODES = ("agents", "ca")


def _nudge(value: int, spread: int, low: int, high: int) -> int:
    return max(low, min(high, value + python_rng().randint(-spread, spread)))


def _count(strength: float) -> int:
    return max(1, int(strength) + (python_rng().random() < strength - int(strength)))


class EvoEcoGenetics:
    """Agents (``mode=agents``: ``agents`` 4-12 agents, ``steps`` 2000 each) or an automaton (``mode=ca``) on a
    toroidal ``grid`` (128) of ``colours`` (4) palette colours, grey or RGB."""

    # render memory a pixel holds per channel (13 measured at 4096 pixels, grey): `coevo render` bounds --size by it
    RENDER_BYTES: ClassVar[int] = 16

    # option bounds (coevo.training.settings.check_options): a 1024-cell grid side, 100,000 steps an agent
    LIMITS: ClassVar[Limits] = {"grid": (4, 1024), "steps": (1, 100_000)}

    def __init__(self, channels: int = 1, mode: str = "agents", colours: int = 4, grid: int = 128,
                 steps: int = 2000, agents: tuple[int, int] | list = (4, 12)) -> None:
        if channels not in (1, 3):
            raise ValueError(f"channels must be 1 (grey) or 3 (colour), got {channels}")
        if mode not in MODES:
            raise ValueError(f"mode must be agents (EvoEco's painting agents) or ca (a totalistic automaton), "
                             f"got {mode!r}")
        low, high = (int(v) for v in agents)
        if not 2 <= colours <= 8 or grid < 4 or steps < 1 or not 1 <= low <= high <= genome.MAX_AGENTS:
            raise ValueError(f"colours must be 2..8, grid >= 4, steps >= 1 and agents a range in "
                             f"1..{genome.MAX_AGENTS}")
        self.channels, self.mode, self.k, self.grid, self.steps, self.agents = \
            channels, mode, colours, grid, steps, (low, high)

    # random genomes

    def random_colour(self) -> tuple[int, ...]:
        return tuple(python_rng().randint(0, 255) for _ in range(self.channels))

    def random_agent(self) -> Agent:
        rng = python_rng()
        k = self.k
        return Agent(round(rng.random(), 4) % 1, round(rng.random(), 4) % 1,
                     tuple(rng.randrange(k) for _ in range(k)), tuple(rng.randint(-9, 9) for _ in range(k)),
                     tuple(rng.randint(-9, 9) for _ in range(4)),  # type: ignore[arg-type]
                     rng.choice((0, rng.randint(0, 9))))

    def random_genome(self) -> Organism | Automaton:
        rng = python_rng()
        palette = tuple(self.random_colour() for _ in range(self.k))
        seed = rng.randrange(genome.SEED_LIMIT)
        if self.mode == "ca":
            width = rule_width(self.k)
            rule = [s if rng.random() < (0.7 if s == 0 else 0.4) else rng.randrange(self.k)
                    for s in range(self.k) for _ in range(width)]
            rule[0] = 0  # a quiet background stays quiet: patterns grow from the start
            rule = tuple(rule)
            return Automaton(palette, rule, rng.randint(5, 60), rng.randint(8, 48), seed)
        return Organism(palette, tuple(self.random_agent() for _ in range(rng.randint(*self.agents))), seed)

    # variation

    def _palette(self, palette: tuple[tuple[int, ...], ...], strength: float) -> tuple[tuple[int, ...], ...]:
        colours = list(palette)
        i = python_rng().randrange(len(colours))
        colours[i] = tuple(_nudge(v, max(1, round(48 * strength)), 0, 255) for v in colours[i])
        return tuple(colours)

    def _mutate_agent(self, a: Agent) -> Agent:
        rng = python_rng()
        gene = rng.choice(("place", "paint", "prefs", "bias", "wander", "new"))
        if gene == "place":
            return replace(a, x=round((a.x + rng.gauss(0, 0.1)) % 1, 4) % 1,
                           y=round((a.y + rng.gauss(0, 0.1)) % 1, 4) % 1)
        if gene in ("paint", "prefs", "bias"):
            values = list(getattr(a, gene))
            i = rng.randrange(len(values))
            values[i] = rng.randrange(self.k) if gene == "paint" else _nudge(values[i], 4, -9, 9)
            return replace(a, **{gene: tuple(values)})
        if gene == "wander":
            return replace(a, wander=_nudge(a.wander, 2, 0, 9))
        return self.random_agent()

    def mutate(self, g: Organism | Automaton, strength: float = 1.0) -> Organism | Automaton:
        """``strength`` changes (stochastically rounded, at least one): a palette colour, an agent's gene, an
        agent more or fewer, a rule entry, the start's density, the generations, or (rarely) the seed."""
        rng = python_rng()
        for _ in range(_count(strength)):
            r = rng.random()
            if r < 0.1:
                g = replace(g, palette=self._palette(g.palette, strength))
            elif r < 0.15:
                g = replace(g, seed=rng.randrange(genome.SEED_LIMIT))
            elif isinstance(g, Automaton):
                if r < 0.25:
                    g = replace(g, density=_nudge(g.density, 10, 0, 100))
                elif r < 0.35:
                    g = replace(g, generations=_nudge(g.generations, 6, 1, genome.MAX_GENERATIONS))
                else:
                    rule = list(g.rule)
                    rule[rng.randrange(len(rule))] = rng.randrange(self.k)
                    g = replace(g, rule=tuple(rule))
            else:
                agents = list(g.agents)
                if r < 0.22 and len(agents) < self.agents[1]:
                    agents.insert(rng.randint(0, len(agents)), self.random_agent())
                elif r < 0.29 and len(agents) > self.agents[0]:
                    del agents[rng.randrange(len(agents))]
                else:
                    i = rng.randrange(len(agents))
                    agents[i] = self._mutate_agent(agents[i])
                g = replace(g, agents=tuple(agents))
        return g

    def crossover(self, a: Organism | Automaton, b: Organism | Automaton) -> tuple[Any, Any]:
        """Organisms: the two parents' agents are dealt at random to the two children (as EvoEco mixes agents
        from two organisms), each keeping a parent's palette and seed. Automata: uniform over rule entries."""
        rng = python_rng()
        if isinstance(a, Automaton) and isinstance(b, Automaton):
            swap = [rng.random() < 0.5 for _ in a.rule]
            left = tuple(y if s else x for x, y, s in zip(a.rule, b.rule, swap))
            right = tuple(x if s else y for x, y, s in zip(a.rule, b.rule, swap))
            return replace(a, rule=left), replace(b, rule=right)
        pool = list(a.agents + b.agents)
        rng.shuffle(pool)
        cut = rng.randint(1, len(pool) - 1) if len(pool) > 1 else 1
        left, right = pool[:cut] or pool[:1], pool[cut:] or pool[:1]
        lo, hi = self.agents
        left, right = left[:hi], right[:hi]
        while len(left) < lo:
            left.append(rng.choice(pool))
        while len(right) < lo:
            right.append(rng.choice(pool))
        return replace(a, agents=tuple(left)), replace(b, agents=tuple(right))

    # rendering

    def pack_agents(self, organisms: list[Organism]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        width = max([len(o.agents) for o in organisms] + [1])
        table = np.zeros((len(organisms), width, simulate.HEAD + 2 * self.k), dtype=np.int64)
        for n, o in enumerate(organisms):
            for i, a in enumerate(o.agents):
                table[n, i] = (int(a.x * self.grid) % self.grid, int(a.y * self.grid) % self.grid, a.wander,
                               *a.bias, *a.paint, *a.prefs)
        return (table, np.array([len(o.agents) for o in organisms], dtype=np.int64),
                np.array([o.seed for o in organisms], dtype=np.int64))

    def pack_automata(self, automata: list[Automaton]) -> tuple[np.ndarray, ...]:
        return (np.array([a.rule for a in automata], dtype=np.int64).reshape(len(automata), -1),
                np.array([a.density for a in automata], dtype=np.int64),
                np.array([a.generations for a in automata], dtype=np.int64),
                np.array([a.seed for a in automata], dtype=np.int64))

    def indices(self, genomes: list[Any]) -> np.ndarray:
        """The grids of palette indices, int64 ``(N, grid, grid)``."""
        out = np.zeros((len(genomes), self.grid, self.grid), dtype=np.int64)
        if not genomes:
            return out
        if self.mode == "ca":
            rules, densities, generations, seeds = self.pack_automata(genomes)
            announce(simulate.ca_kernel, "EvoEco automaton")
            simulate.ca_kernel(rules, self.k, densities, generations, seeds, out)
        else:
            announce(simulate.agents_kernel, "EvoEco agent")
            simulate.agents_kernel(*self.pack_agents(genomes), self.k, self.steps, out)
        return out

    def colour(self, genomes: list[Any], grids: np.ndarray) -> np.ndarray:
        palettes = np.array([g.palette for g in genomes], dtype=np.uint8).reshape(len(genomes), self.k, -1)
        return palettes[np.arange(len(genomes))[:, None, None], grids]

    def render(self, genomes: list[Any], size: int) -> torch.Tensor:
        return cells(self.colour(genomes, self.indices(genomes)), size)

    def options(self) -> dict[str, Any]:
        return {"channels": self.channels, "mode": self.mode, "colours": self.k, "grid": self.grid,
                "steps": self.steps, "agents": list(self.agents)}

    def to_json(self, g: Organism | Automaton) -> dict[str, Any]:
        return genome.to_json(g)

    def from_json(self, data: dict[str, Any]) -> Organism | Automaton:
        return genome.from_json(data, self.mode, self.k, self.channels)
