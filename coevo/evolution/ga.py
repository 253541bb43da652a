"""Shared machinery for evolutionary artists: population, elitism, tournament selection, variation.

An evolutionary artist is ``EvolutionaryArtist(genetics, config)``: the genetics supply random genomes,
mutation, crossover and batched rendering; this class does everything else.
"""

from __future__ import annotations

import math
import random
from dataclasses import asdict, dataclass
from operator import attrgetter
from typing import Any

import torch

from coevo.protocols import Genetics, Proposal, RememberingGenetics
from coevo.rng import python_rng
from coevo.training.kernel import SELECTIONS, EvolutionConfig


def tournament(rng: random.Random, individuals: list[Any], k: int, size: int) -> list[Any]:
    """``k`` winners of tournaments among ``size`` individuals drawn with replacement, the first fittest winning
    (DEAP's ``tools.selTournament``, same draws, from ``rng``). For a ``random.Random`` its ``choice`` is written
    out (``getrandbits`` until a number below ``len(individuals)``, as ``choice`` draws), without its two calls."""
    count = len(individuals)
    if type(rng) is not random.Random or not count or size < 1:
        return [max([rng.choice(individuals) for _ in range(size)], key=_fitness) for _ in range(k)]
    bits, getrandbits = count.bit_length(), rng.getrandbits
    winners = []
    for _ in range(k):
        best = None
        for _ in range(size):
            r = getrandbits(bits)
            while r >= count:
                r = getrandbits(bits)
            entrant = individuals[r]
            if best is None or entrant.fitness > best.fitness:  # as max: a later one only when fitter
                best = entrant
        winners.append(best)
    return winners


_fitness = attrgetter("fitness")


@dataclass(slots=True)
class Individual:
    """One member of the population, with the lineage a gallery needs (its fields in slots: no dict each)."""

    genome: Any
    id: int
    parents: tuple[int, ...] = ()
    fitness: float = -math.inf


class EvolutionaryArtist:
    """A generational GA over any ``Genetics``: ``ask`` renders the population, ``tell`` breeds the next."""

    def __init__(self, genetics: Genetics, config: EvolutionConfig | None = None) -> None:
        self.genetics = genetics
        self.config = config or EvolutionConfig()
        if self.config.pop < 1 or not 0 <= self.config.elite <= self.config.pop:
            raise ValueError("pop must be >= 1 and 0 <= elite <= pop")
        if self.config.selection not in SELECTIONS:
            raise ValueError(f"selection must be one of {', '.join(SELECTIONS)}")
        self.generation = 0
        self._next_id = 0
        self.population: list[Individual] = []
        self._cache: torch.Tensor | None = None
        self.factor = 1  # the population is config.pop times this (``widen``, a schedule's wider search)

    @property
    def channels(self) -> int:
        return self.genetics.channels

    def seed(self, genomes: list[Any] | None = None, parents: tuple[int, ...] = ()) -> None:
        """Start a population: random genomes, or mutants of the given ones (which are kept as is)."""
        if genomes:
            kept = [self._newborn(g, parents) for g in genomes[: self.config.pop]]
            while len(kept) < self.config.pop:
                origin = kept[len(kept) % len(genomes)]
                kept.append(self._newborn(self.genetics.mutate(origin.genome, self.config.strength),
                                          (origin.id,)))
            self.population = kept
        else:
            self.population = [self._newborn(self.genetics.random_genome()) for _ in range(self.config.pop)]
        self._cache = None

    def ask(self) -> Proposal:
        if not self.population:
            self.seed()
        if self._cache is None:
            self._cache = self.genetics.render([ind.genome for ind in self.population], self.config.size)
        return Proposal(
            images=self._cache,
            genomes=[ind.genome for ind in self.population],
            ids=[ind.id for ind in self.population],
            parents=[ind.parents for ind in self.population],
        )

    def tell(self, proposal: Proposal, scores: torch.Tensor) -> dict[str, float]:
        """Take the critic's scores as fitness and breed the next generation."""
        if proposal.ids != [ind.id for ind in self.population]:
            raise RuntimeError("tell() got a proposal that is not the current population; call ask() first")
        values = scores.detach().float().cpu().tolist()
        if len(values) != len(self.population):
            raise ValueError(f"got {len(values)} scores for {len(self.population)} individuals")
        for ind, value in zip(self.population, values):
            ind.fitness = value if math.isfinite(value) else -math.inf
        finite = [ind.fitness for ind in self.population]
        metrics = {"fitness_best": max(finite), "fitness_mean": sum(finite) / len(finite)}
        if isinstance(self.genetics, RememberingGenetics):
            champion = max(self.population, key=lambda ind: ind.fitness)
            self.genetics.remember(champion.genome, champion.fitness)
        self.population = self._breed(self.population)
        self.generation += 1
        self._cache = None
        return metrics

    def restart(self) -> None:
        """A fresh random population in place of the current one (``Restarting``)."""
        self.seed()

    def widen(self, factor: int) -> None:
        """Breed ``factor`` times ``config.pop`` individuals from the next generation on (1: the configured
        population); the current generation is left as it is."""
        if not 1 <= factor <= 64:
            raise ValueError("a population widens 1 to 64 times")
        self.factor = factor

    def best(self, k: int = 1) -> list[Individual]:
        """The k fittest individuals of the last judged generation (or of the current one)."""
        return sorted(self.population, key=lambda ind: ind.fitness, reverse=True)[:k]

    def _breed(self, judged: list[Individual]) -> list[Individual]:
        rng = python_rng()
        cfg = self.config
        draw, crossover, mutate = rng.random, self.genetics.crossover, self.genetics.mutate
        cxpb, mutpb, strength = cfg.cxpb, cfg.mutpb, cfg.strength
        ranked = sorted(judged, key=_fitness, reverse=True)
        nxt = [Individual(ind.genome, ind.id, ind.parents) for ind in ranked[: cfg.elite]]
        chosen = [ind for ind in ranked if ind.fitness > 0] or ranked[:1]
        size = cfg.pop * self.factor
        entrants = min(cfg.tournament, len(judged))
        while len(nxt) < size:
            if cfg.selection == "chosen":
                a, b = rng.sample(chosen, 2) if len(chosen) > 1 else (chosen[0], chosen[0])
            else:
                a, b = tournament(rng, judged, 2, entrants)
            if a is not b and draw() < cxpb:
                ga, gb = crossover(a.genome, b.genome)
                children = ((ga, (a.id, b.id)), (gb, (a.id, b.id)))
            else:
                children = ((a.genome, (a.id,)), (b.genome, (b.id,)))
            for genome, lineage in children:
                if len(nxt) == size:
                    break
                if draw() < mutpb:
                    genome = mutate(genome, strength)
                nxt.append(self._newborn(genome, lineage))
        return nxt

    def _newborn(self, genome: Any, parents: tuple[int, ...] = ()) -> Individual:
        ind = Individual(genome, self._next_id, tuple(parents))
        self._next_id += 1
        return ind

    def state_dict(self) -> dict[str, Any]:
        memory = {"memory": self.genetics.memory_state()} if isinstance(self.genetics, RememberingGenetics) else {}
        return {
            **memory,
            "config": asdict(self.config),
            "generation": self.generation,
            **({"factor": self.factor} if self.factor != 1 else {}),  # absent: as checkpoints before widening
            "next_id": self._next_id,
            "population": [
                {"genome": self.genetics.to_json(ind.genome), "id": ind.id, "parents": list(ind.parents),
                 "fitness": ind.fitness}
                for ind in self.population
            ],
        }

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.config = EvolutionConfig(**state["config"])
        self.generation = int(state["generation"])
        self.factor = int(state.get("factor", 1))
        self._next_id = int(state["next_id"])
        self.population = [
            Individual(self.genetics.from_json(d["genome"]), int(d["id"]), tuple(d["parents"]),
                       float(d["fitness"]))
            for d in state["population"]
        ]
        if "memory" in state and isinstance(self.genetics, RememberingGenetics):
            self.genetics.load_memory_state(state["memory"])
        self._cache = None
