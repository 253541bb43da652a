"""What a comparison is made of: its settings and budget, and the entrants the report shows (an artist over its
seeds, or an existing run folder)."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from coevo.errors import CoevoError
from coevo.loop import Stop
from coevo.programs.sweep import check_runs, check_scheduler, check_workers
from coevo.training import registry
from coevo.training.config import RunConfig, check_yardstick

MAX_EVALS, MAX_SAMPLES = 1000, 100_000  # evaluations per run; images per evaluation (held in memory at once)
DEFAULT_ARTISTS = ("dcgan", "gp", "cppn", "hercl-function")  # automated artists compared by default, when registered


BUDGETS = ("images", "critic_updates", "rounds", "seconds")  # what a comparison's budget may count
DEFAULT_BUDGET = Stop(critic_updates=800)  # equal for every artist; a DCGAN draws digits by 800 steps on MNIST
QUICK_BUDGET = Stop(critic_updates=100)  # --quick: a smoke test (a DCGAN still draws noise), named so in the report
NEAR_COPY = 0.05  # an evolutionary artist's sample: images pairwise at least this far apart (mean |pixel| of [-1, 1])


def check_budget(budget: Stop) -> Stop:
    """A comparison's budget: exactly one positive limit (images shown by default)."""
    limits = budget.limits()
    if len(limits) > 1:
        raise CoevoError("give one budget: --images N, --critic-updates N, --rounds N or --seconds S")
    if not all(limit > 0 and math.isfinite(limit) for limit in limits.values()):  # NaN fails too
        raise CoevoError(f"the budget must be positive and finite (got {limits}); pass e.g. --critic-updates 800")
    return budget if limits else DEFAULT_BUDGET


@dataclass
class CompareSettings:
    """What every compared artist shares, and how the sweep runs."""

    base: RunConfig  # critic, data, size, first seed, loss, device, critic steps: shared by all artists
    artists: list[str] = field(default_factory=lambda: default_artists())  # registry names or plugin paths
    budget: Stop = field(default_factory=Stop)  # each run plays until this limit (one of BUDGETS; DEFAULT_BUDGET)
    seeds: int = 3  # seeds base.seed, base.seed + 1, ...: each artist plays each
    evals: int = 5  # evaluations per run, evenly spread over the budget
    samples: int = 1000  # images per evaluation (fewer if the held-out real images are fewer: the same n for all)
    features: str = "auto"  # metric features: auto (classifier when labelled), classifier, autoencoder
    runs: list[Path] = field(default_factory=list)  # existing run folders to evaluate and report beside them
    workers: int = 0  # Dask LocalCluster worker processes; 0 plays the runs one by one in this process
    scheduler: str | None = None  # address of a running Dask scheduler, instead of a local cluster
    command: str = ""  # the command line, for the report's provenance
    yardstick: str = ""  # path of Lipizzaner's mnist_cnn.pkl: adds its FID / TVD (comparable with published work)
    quick: bool = False  # the budget is QUICK_BUDGET's smoke test, and the report says so
    near_copy: float = NEAR_COPY  # an evolutionary artist's sample drops near-copies (0: exact repeats only, as
    # comparisons made before it did; they continue so)

    def validate(self) -> CompareSettings:
        self.base.validate()
        if self.quick and self.budget.limits() not in ({}, QUICK_BUDGET.limits()):
            raise CoevoError("--quick is its own budget (100 critic updates); drop --quick or the other budget")
        self.budget = QUICK_BUDGET if self.quick else check_budget(self.budget)
        if not self.artists and not self.runs:
            raise CoevoError("nothing to compare; pass --artists dcgan,gp or --runs DIR ...")
        if not (1 <= self.evals <= MAX_EVALS and 8 <= self.samples <= MAX_SAMPLES and self.seeds >= 1):
            raise CoevoError(f"need --evals in [1, {MAX_EVALS}], --samples in [8, {MAX_SAMPLES}] and --seeds >= 1 "
                             f"(got {self.evals}, {self.samples}, {self.seeds}); pass e.g. --evals 5 --samples 1000")
        check_workers(self.workers)
        check_runs(len(self.artists) * self.seeds + len(self.runs))
        if self.scheduler is not None:
            check_scheduler(self.scheduler)
        if self.yardstick:
            check_yardstick(self.yardstick)
        if self.base.data == "none":
            raise CoevoError("a comparison needs real data; pass --data digits, mnist:DIR, a folder or a .npz")
        return self

    def seed_list(self) -> list[int]:
        return [self.base.seed + i for i in range(self.seeds)]

    def fingerprint(self) -> dict[str, Any]:
        """Everything that decides the results (not how the sweep is run): a rerun continues only if it matches."""
        plain = {name: None for name in BUDGETS} | self.budget.limits()  # the layout of comparisons made before
        base = asdict(replace(self.base, **{name: getattr(RunConfig(), name) for name in BUDGETS}))
        made = {"base": base, "artists": self.artists, "budget": plain, "seeds": self.seeds, "evals": self.evals,
                "samples": self.samples, "features": self.features, "near_copy": self.near_copy}
        return made | ({"yardstick": str(self.yardstick)} if self.yardstick else {})  # older comparisons: none


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
