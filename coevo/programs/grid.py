"""``coevo grid``: spatial co-evolution (Lipizzaner) of any artist/critic pair on a k x k torus of cells.

Each iteration every cell plays its neighbourhood (``coevo.programs.cells``) as one task: in this process one by
one (``workers`` 0), on a Dask ``LocalCluster`` or on a running scheduler. The driver hands each task its
neighbourhood's states and collects the new ones, so the cells exchange state only through it and a grid plays the
same bytes whatever the number of workers. The trainer checkpoints every iteration (all cells, their generators
included), so a killed grid resumes byte-identical. A latent generator's grid keeps each neighbourhood's mixture
with ES-optimised weights; at the end the best one is written as an ordinary run folder ``OUT/mixture`` (artist
``mixture``) that ``coevo compare --runs``, ``coevo latent`` and ``coevo breed --from`` take.
"""

from __future__ import annotations

import copy
import json
import logging
import pickle
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import torch

from coevo.errors import CoevoError
from coevo.fakes import FakePool
from coevo.loop import Hook, LoopConfig, Players, Progress, Round
from coevo.programs.cells import neighbours, run_cell, start_cell
from coevo.programs.gridconfig import PLAYED_BEFORE, GridConfig
from coevo.programs.mixture import MixtureArtist
from coevo.protocols import Catalog, Proposal
from coevo.rng import Generators, seed_everything, seeded_torch, using
from coevo.store.atomic import atomic_write_text
from coevo.store.runfolder import RunFolder, mark_kind
from coevo.toolkits.frozen import FrozenCritic
from coevo.training.config import dump_config, load_config
from coevo.training.trainer import Game, Trainer

REFERENCE = 2500  # samples of each final yardstick measure (Lipizzaner's n)


class CellPool:
    """Where an iteration's cell tasks run: here (``workers`` 0, no ``scheduler``), or on Dask (a LocalCluster of
    ``workers`` one-thread processes, or the scheduler at ``scheduler``), started at the first iteration."""

    def __init__(self, workers: int = 0, scheduler: str | None = None) -> None:
        self.workers, self.scheduler = workers, scheduler
        self.cluster: Any = None
        self.client: Any = None

    def play(self, config: GridConfig, iteration: int, states: list[dict[str, Any]]) -> list[dict[str, Any]]:
        side = config.side
        hoods = [neighbours(i, side) for i in range(len(states))]
        if self.scheduler is None and self.workers <= 0:
            return [pickle.loads(run_cell(config, i, iteration, *[states[j] for j in hood]))
                    for i, hood in enumerate(hoods)]
        client = self._client()
        shared = client.scatter(states)  # each state travels once, whatever the number of cells that read it
        futures = [client.submit(run_cell, config, i, iteration, *[shared[j] for j in hood], pure=False,
                                 key=f"coevo-grid-{iteration}-{i}-{id(self)}") for i, hood in enumerate(hoods)]
        try:
            return [pickle.loads(state) for state in client.gather(futures)]
        except BaseException:
            client.cancel(futures)
            raise

    def _client(self) -> Any:
        from distributed import Client, LocalCluster

        if self.client is None:
            if self.scheduler is None:
                self.cluster = LocalCluster(n_workers=self.workers, threads_per_worker=1, processes=True,
                                            dashboard_address=":0", silence_logs=logging.ERROR)
            self.client = Client(self.scheduler or self.cluster)
        return self.client

    def close(self) -> None:
        if self.client is not None:
            self.client.close()
        if self.cluster is not None:
            self.cluster.close()
        self.client = self.cluster = None


class GridSchedule:
    """One round is one iteration of every cell; the grid's state (every cell's) is what a checkpoint holds."""

    def __init__(self, config: GridConfig, cells: list[dict[str, Any]], pool: CellPool,
                 shape: tuple[int, int, int], referee: Any = None) -> None:
        self.config, self.cells, self.pool, self.shape = config, cells, pool, shape
        self.referee = referee  # the independent judge (``coevo.programs.judge.IndependentJudge``), or None

    def play(self, players: Players, progress: Progress) -> Round:
        self.cells = self.pool.play(self.config, progress.rounds, self.cells)
        metrics = summary(self.cells)
        if self.referee is not None:
            metrics.update(self.referee.judge(self.everyone(), torch.zeros(0)))
        champion = self.champion()
        players.artist = champion
        with torch.no_grad():
            images = champion.ask().images.detach()
        progress.critic_updates += len(self.cells) * self.config.steps * self.config.critic_steps
        return Round(progress.rounds, Proposal(images=images), torch.zeros(len(images)), metrics)

    def best(self) -> int:
        """The cell whose mixture scores the lowest FID (without mixtures: whose artist is fittest)."""
        def key(i: int) -> float:
            m = self.cells[i].get("metrics", {})
            return m.get("mixture_fid", m.get("artist_fitness", float("inf")))

        return min(range(len(self.cells)), key=key)

    def everyone(self) -> torch.Tensor:
        """Every cell's current images (a population each, or a generator's batch), cell by cell: what the judge
        scores, as many as a single run whose population is the grid's (drawn under throw-away generators)."""
        from coevo.programs.cells import build_pair, images_of

        with using(Generators()):
            return torch.cat([images_of(build_pair(self.config.cell_config(), self.shape, cell)[0])
                              for cell in self.cells])

    def champion(self) -> Any:
        """The best cell's mixture (a latent generator's grid), or the best cell's artist."""
        index = self.best()
        if self.config.evolutionary() or not self.config.score_samples:
            from coevo.programs.cells import build_pair

            return build_pair(self.config.cell_config(), self.shape, self.cells[index])[0]
        return mixture_of(self.config, self.cells, index, self.shape)

    def state_dict(self) -> dict[str, Any]:
        return {"cells": self.cells}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.cells = list(state["cells"])


def mixture_of(config: GridConfig, cells: list[dict[str, Any]], index: int, shape: tuple[int, int, int],
               weights: list[float] | None = None) -> MixtureArtist:
    """Cell ``index``'s neighbourhood mixture: its neighbours' generators with its weights (or ``weights``)."""
    hood = neighbours(index, config.side)
    with seeded_torch(0):
        mixture = MixtureArtist(shape, config.batch, "cpu", config.loss, config.artist, len(hood),
                                dict(config.artist_options))
    for member, j in zip(mixture.members, hood):
        member.load_state_dict(copy.deepcopy(cells[j]["artist"]))
    mixture.set_weights(weights if weights is not None else cells[index]["weights"])
    return mixture


def summary(cells: list[dict[str, Any]]) -> dict[str, float]:
    """An iteration's metrics: each cell's (``cellK_NAME``) and the mean / best over cells."""
    metrics: dict[str, float] = {}
    names = sorted({k for c in cells for k in c.get("metrics", {})})
    for name in names:
        values = [float(c["metrics"][name]) for c in cells if name in c.get("metrics", {})]
        metrics[f"{name}_mean"] = sum(values) / len(values)
        if name.endswith("_fid"):
            metrics[f"{name}_best"] = min(values)
    for i, cell in enumerate(cells):
        for name, value in cell.get("metrics", {}).items():
            if name in ("artist_loss", "critic_loss", "mixture_fid", "own_fid", "artist_lr", "critic_lr"):
                metrics[f"cell{i}_{name}"] = float(value)
    return metrics


class GridRecorder(Hook):
    """Writes each iteration's metrics line at once (a resume checks them against the checkpoint)."""

    def __init__(self, folder: RunFolder) -> None:
        self.folder = folder

    def on_round_end(self, played: Round, progress: Progress) -> None:
        self.folder.append_metrics({"round": played.index, **{k: round(float(v), 6)
                                                              for k, v in played.metrics.items()}})


class ClosePool(Hook):
    """Stops the grid's Dask cluster when the game ends or fails."""

    def __init__(self, pool: CellPool) -> None:
        self.pool = pool

    def on_end(self, progress: Progress) -> None:
        self.pool.close()

    def on_exception(self, error: BaseException) -> None:
        self.pool.close()


@dataclass
class GridProgram:
    """``coevo grid``: plays a grid into its folder; ``workers`` / ``scheduler`` say where its cells run."""

    catalog: Catalog | None = None
    workers: int = 0
    scheduler: str | None = None
    kind: str = field(default="grid", init=False)
    length: str = field(default="iterations", init=False)

    def read_config(self, path: Path) -> GridConfig:
        return load_config(path, GridConfig, PLAYED_BEFORE)  # an older grid resumes as it was played

    def build(self, config: GridConfig) -> Game:
        from coevo.programs.cells import data_of, judged, scorer

        config.validate()
        seed_everything(config.seed)
        cell = config.cell_config()
        channels = cell.artist_options.get("channels")
        train, _ = data_of(config)
        shape = train.shape
        if config.score_samples and not config.evolutionary():
            scorer(config.data, config.size, channels, config.score_samples, config.judge)  # trained once, cached
        referee = None
        if config.judge > 0:
            from coevo.programs.judge import IndependentJudge

            referee = IndependentJudge(judged(config.data, config.size, channels, config.judge), phases=False)
        cells = [start_cell(config, i, shape) for i in range(config.side ** 2)]
        pool = CellPool(self.workers, self.scheduler)
        schedule = GridSchedule(config, cells, pool, shape, referee)
        players = Players(schedule.champion(), _Unused(), None, FakePool(), LoopConfig())
        return Game(config, players, schedule, replace_stop(config), {"grid": schedule}, hooks=[ClosePool(pool)],
                    checkpoint_every=1, label=f"{config.side}x{config.side} grid of {config.artist} vs "
                    f"{config.critic}", meta={"shape": shape})

    def begin(self, game: Game) -> None:
        pass

    def recorders(self, folder: RunFolder, game: Game) -> list[Hook]:
        return [GridRecorder(folder)]

    def finish(self, folder: RunFolder, game: Game) -> Path:
        return finish(folder, game)


class _Unused(FrozenCritic):
    """The grid's game has no one critic: each cell holds its own (in the schedule's state)."""

    def score(self, images: torch.Tensor) -> torch.Tensor:
        return torch.zeros(len(images))


def replace_stop(config: GridConfig) -> Any:
    from coevo.loop import Stop

    return Stop(rounds=config.iterations)


def finish(folder: RunFolder, game: Game) -> Path:
    """``grid.json`` (each cell's last metrics, the best cell, its weights; with ``--yardstick`` Lipizzaner's FID
    and TVD of the best mixture, of every cell's own generator and of the uniform mixture), a sheet of the best
    cell's images, and the best mixture as the run folder ``mixture``."""
    schedule: GridSchedule = game.schedule  # type: ignore[assignment]
    config, shape = schedule.config, game.meta["shape"]
    best = schedule.best()
    report: dict[str, Any] = {"side": config.side, "iterations": game.progress.rounds, "best_cell": best,
                              "cells": [c.get("metrics", {}) for c in schedule.cells],
                              "weights": schedule.cells[best]["weights"], "neighbours": neighbours(best, config.side)}
    champion = schedule.champion()
    with seeded_torch(config.seed):
        folder.save_sheet("grid-best", champion.sample(64) if hasattr(champion, "sample")
                          else champion.ask().images.detach()[:64],
                          title=f"best cell {best} of the {config.side}x{config.side} grid, iteration "
                                f"{game.progress.rounds}")
    if config.yardstick and isinstance(champion, MixtureArtist):
        report["yardstick"] = yardstick_report(config, schedule, shape)
    if config.judge > 0:
        from coevo.metrics.armsrace import summarise

        report["judge"] = {k: v for k, v in summarise(folder.metrics()).items() if k.startswith("judge_")}
    atomic_write_text(folder.path / "grid.json", json.dumps(report, indent=1) + "\n")
    if isinstance(champion, MixtureArtist):
        write_mixture_run(folder.path / "mixture", config, champion, schedule.cells[best]["critic"])
    return folder.path


def yardstick_report(config: GridConfig, schedule: GridSchedule, shape: tuple[int, int, int]) -> dict[str, Any]:
    """Lipizzaner's FID / TVD (n = 2,500, fixed samples) of the best mixture, the uniform mixture of the best
    neighbourhood, and each cell's own generator."""
    stick, reference = grid_yardstick(config, shape)
    best = schedule.best()
    hood = neighbours(best, config.side)

    def measure(artist: Any) -> dict[str, float]:
        with seeded_torch(config.seed + 1):
            return {k: round(v, 4) for k, v in stick.score(artist.sample(REFERENCE)).items()}

    cells = []
    for i in range(len(schedule.cells)):
        own = [1.0] + [0.0] * (len(neighbours(i, config.side)) - 1)
        cells.append(measure(mixture_of(config, schedule.cells, i, shape, own)))
    return {"comparable": stick.comparable, "n": REFERENCE, "reference": reference,
            "mixture": measure(mixture_of(config, schedule.cells, best, shape)),
            "uniform": measure(mixture_of(config, schedule.cells, best, shape, [1.0] * len(hood))),
            "cells": cells}


def grid_yardstick(config: GridConfig, shape: tuple[int, int, int]) -> tuple[Any, str]:
    """Lipizzaner's yardstick with the grid's reference: ``REFERENCE`` real images in a fixed, seed-free order from
    the held-out images where there are enough, else from the training images; and which of the two it used (so a
    comparison scores every generator against the same reference)."""
    from coevo.metrics.yardstick import is_lipizzaner_data, load_yardstick
    from coevo.programs.cells import data_of

    train, held = data_of(config)
    data = held if len(held) >= REFERENCE else train
    order = torch.randperm(len(data), generator=torch.Generator().manual_seed(1))
    stick = load_yardstick(Path(config.yardstick), data.images[order], is_lipizzaner_data(config.data, shape))
    return stick, "held-out" if data is held else "train"


def write_mixture_run(path: Path, config: GridConfig, mixture: MixtureArtist, critic: dict[str, Any]) -> None:
    """The mixture as an ordinary run folder (artist ``mixture``, its members and weights in the checkpoint, the
    best cell's critic), rewritten whenever the grid finishes."""
    from coevo.programs.build import build
    from coevo.rng import Generators, rng_state, using

    run = replace(config.cell_config(), artist="mixture", rounds=1, sheet_every=0, tensorboard=False,
                  artist_options={"member": config.artist, "members": len(mixture.members),
                                  "member_options": dict(config.artist_options)})
    with using(Generators()):
        game = build(run)
        game.artist.load_state_dict(mixture.state_dict())
        game.parts["critic"].load_state_dict(critic)
        state = {**game.state_dict(), "rng": rng_state()}
    text = dump_config(run)
    path.mkdir(parents=True, exist_ok=True)
    mark_kind(path, "run")
    atomic_write_text(path / "config.toml", text)
    RunFolder(path).save_checkpoint({**state, "config": text})


def start(config: GridConfig, out: Path, workers: int = 0, scheduler: str | None = None) -> Path:
    """Play a new grid into ``out``."""
    return Trainer().fit(GridProgram(None, workers, scheduler), config, out)


def resume(out: Path, iterations: int | None = None, workers: int = 0, scheduler: str | None = None) -> Path:
    """Continue a killed or finished grid (to ``iterations`` in all)."""
    return Trainer().resume(GridProgram(None, workers, scheduler), out, iterations)


def check_where(workers: int, scheduler: str | None) -> None:
    """Refuse a worker count or scheduler address that cannot run the cells, before anything is written."""
    from coevo.programs.sweep import check_scheduler, check_workers

    check_workers(workers)
    if scheduler is not None:
        check_scheduler(scheduler)
    if workers < 0:
        raise CoevoError("--workers must be at least 0")
