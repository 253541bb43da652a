"""What a comparison is made of: its settings and budget, and the entrants the report shows (an artist over its
seeds, or an existing run folder)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from coevo.errors import CoevoError
from coevo.loop import Progress, Stop
from coevo.training import registry
from coevo.training.config import RunConfig

DEFAULT_ARTISTS = ("dcgan", "gp", "cppn", "hercl-function")  # automated artists compared by default, when registered


@dataclass
class Budget:
    """How much each artist may play: images shown, critic updates, rounds (artist generations or gradient steps)
    or seconds of play; exactly one is set (images by default)."""

    images: int | None = None
    critic_updates: int | None = None
    rounds: int | None = None
    seconds: float | None = None

    def __post_init__(self) -> None:
        given = {k: v for k, v in asdict(self).items() if v is not None}
        if not given:
            self.images = 20000
        elif len(given) > 1:
            raise CoevoError("give one budget: --images N, --critic-updates N, --rounds N or --seconds S")
        elif next(iter(given.values())) <= 0:
            raise CoevoError("the budget must be positive")

    @property
    def kind(self) -> str:
        return next(k for k, v in asdict(self).items() if v is not None)

    def limit(self) -> float:
        return float(getattr(self, self.kind))

    def stop(self) -> Stop:
        return Stop(**{self.kind: getattr(self, self.kind)})

    def fraction(self, progress: Progress) -> float:
        """How much of the budget is spent (1.0 = all)."""
        return getattr(progress, self.kind) / self.limit()

    def rounds_hint(self, per_round: int) -> int | None:
        """How many rounds the budget buys, where that is known in advance (for a progress bar)."""
        if self.kind == "rounds":
            return int(self.limit())
        return -(-int(self.limit()) // per_round) if self.kind == "images" else None

    def describe(self) -> str:
        units = {"images": "images shown", "critic_updates": "critic updates", "rounds": "rounds",
                 "seconds": "s of play"}
        return f"{self.limit():g} {units[self.kind]} per artist and seed"


@dataclass
class CompareSettings:
    """What every compared artist shares, and how the sweep runs."""

    base: RunConfig  # critic, data, size, first seed, loss, device, critic steps: shared by all artists
    artists: list[str] = field(default_factory=lambda: default_artists())  # registry names or plugin paths
    budget: Budget = field(default_factory=Budget)
    seeds: int = 3  # seeds base.seed, base.seed + 1, ...: each artist plays each
    evals: int = 5  # evaluations per run, evenly spread over the budget
    samples: int = 1000  # images per evaluation (fewer if the held-out real images are fewer: the same n for all)
    features: str = "auto"  # metric features: auto (classifier when labelled), classifier, autoencoder
    runs: list[Path] = field(default_factory=list)  # existing run folders to evaluate and report beside them
    workers: int = 0  # Dask LocalCluster worker processes; 0 plays the runs one by one in this process
    scheduler: str | None = None  # address of a running Dask scheduler, instead of a local cluster
    command: str = ""  # the command line, for the report's provenance

    def validate(self) -> CompareSettings:
        if not self.artists and not self.runs:
            raise CoevoError("nothing to compare; pass --artists dcgan,gp or --runs DIR ...")
        if self.evals < 1 or self.samples < 8 or self.seeds < 1 or self.workers < 0:
            raise CoevoError("need --evals >= 1, --samples >= 8, --seeds >= 1 and --workers >= 0")
        if self.base.data == "none":
            raise CoevoError("a comparison needs real data; pass --data digits, mnist:DIR, a folder or a .npz")
        return self

    def seed_list(self) -> list[int]:
        return [self.base.seed + i for i in range(self.seeds)]

    def fingerprint(self) -> dict[str, Any]:
        """Everything that decides the results (not how the sweep is run): a rerun continues only if it matches."""
        return {"base": asdict(self.base), "artists": self.artists, "budget": asdict(self.budget),
                "seeds": self.seeds, "evals": self.evals, "samples": self.samples, "features": self.features}


@dataclass
class SeedRun:
    """One artist's run on one seed: its evaluations, round metrics and what it spent."""

    seed: int
    folder: Path
    evals: list[dict[str, Any]]
    rounds: list[dict[str, Any]]
    spent: dict[str, float]  # done.json: images, critic_updates, rounds, seconds, cpu_seconds, samples


@dataclass
class Entrant:
    """One row of the report: a played artist over its seeds, or an existing run (one 'seed')."""

    label: str
    config: RunConfig
    runs: list[SeedRun]
    played: bool = True  # False for an existing run folder evaluated once


def default_artists() -> list[str]:
    """The automated artists registered here, in ``DEFAULT_ARTISTS`` order."""
    names = {entry.name for entry in registry.ARTISTS}
    return [name for name in DEFAULT_ARTISTS if name in names]
