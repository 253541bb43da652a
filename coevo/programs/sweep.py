"""Runs independent tasks (a comparison's artist × seed runs, a sweep's settings × seeds) one by one in this
process, or on a Dask cluster, with identical results: each task seeds its own generators and runs torch on one
thread.

On Dask each task runs in its worker's process, with the imports warm from the worker's earlier tasks: a run
draws only from generators it owns (``coevo.rng``), so the worker's own threads, which draw from Python's
module-level ``random``, cannot change it. A task whose client stops or dies is let go by the scheduler; its game
ends at the next round (``coevo.training.cancel``), so no orphan keeps writing its run folder.
"""

from __future__ import annotations

import atexit
import gc
import math
import socket
import sys
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch

from coevo.errors import CoevoError
from coevo.threads import machine_cores

THREADS = 1  # torch threads per task, wherever it runs: the same arithmetic order, so the same bytes
CONNECT_SECONDS = 5.0  # a scheduler that does not answer within this is refused, before anything is written
SCHEMES = ("tcp", "tls", "ws", "wss")  # Dask addresses a scheduler can be reached at from another process
MAX_RUNS = 10_000  # runs one sweep or comparison plans (combinations x seeds): each is a folder and a process


def check_workers(workers: int) -> int:
    """A local cluster's process count: 0 (one by one) up to the machine's cores, or one clear error."""
    cores = machine_cores()
    if not 0 <= workers <= cores:
        raise CoevoError(f"--workers must lie in [0, {cores}] (got {workers}; this machine has {cores} cores); "
                         "pass e.g. --workers 0")
    return workers


def check_runs(count: int) -> int:
    """The number of runs planned, at most ``MAX_RUNS``, or one clear error naming what to lower."""
    if count > MAX_RUNS:
        raise CoevoError(f"that plans {count} runs, more than {MAX_RUNS}; lower --seeds or the values of --set "
                         "or --artists")
    return count


def check_scheduler(address: str) -> str:
    """A Dask scheduler address that answers within ``CONNECT_SECONDS``, or one clear error (no traceback, no
    wait past the timeout)."""
    scheme, _, location = address.rpartition("://")
    scheme = scheme or "tcp"
    host, _, port = location.rpartition(":")
    fix = "start one with `dask scheduler` and pass its address, e.g. --scheduler tcp://127.0.0.1:8786, or drop " \
          "--scheduler"
    if scheme not in SCHEMES or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise CoevoError(f"--scheduler {address!r} is not a Dask address SCHEME://HOST:PORT with SCHEME one of "
                         f"{', '.join(SCHEMES)}; {fix}")
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=CONNECT_SECONDS).close()
    except (OSError, UnicodeError) as exc:
        raise CoevoError(f"no Dask scheduler answers at {address} ({exc}); {fix}") from None
    return address
GOING = ("executing", "long-running")  # a worker's task states in which its client still wants it


@dataclass(frozen=True)
class Task:
    """A module-level function and its plain (picklable) keyword arguments."""

    function: Callable[..., Any]
    kwargs: dict[str, Any] = field(default_factory=dict)
    name: str = ""


def call(task: Task) -> Any:
    """Run one task with torch on ``THREADS`` threads, restoring the caller's setting; on a Dask worker, its games
    end once the task is let go, and Numba's kernels run on ``THREADS`` threads too: a worker is one core, so two
    workers on two cores do not run four spinning OpenMP threads (every kernel's parallel loop writes one image
    or tile per step, so the thread count changes no byte)."""
    from coevo.training.cancel import abandoned_when

    previous, kernels = torch.get_num_threads(), None
    check = let_go()
    if check is not None:
        import numba

        kernels = numba.get_num_threads()
        numba.set_num_threads(THREADS)  # first: starting Numba's pool resets the OpenMP count torch reads
    torch.set_num_threads(THREADS)
    try:
        with nullcontext() if check is None else abandoned_when(check):
            return task.function(**task.kwargs)
    finally:
        if kernels is not None:
            numba.set_num_threads(kernels)
        torch.set_num_threads(previous)


def let_go() -> Callable[[], bool] | None:
    """On a Dask worker, a check that says whether the task running in this thread was let go (its client
    released it: stopped, or died); None elsewhere."""
    try:
        from distributed import get_worker
        from distributed.worker import thread_state
    except ImportError:  # pragma: no cover - distributed is a dependency
        return None
    try:
        worker, key = get_worker(), thread_state.key
    except (ValueError, AttributeError):  # not in a worker's task thread
        return None
    tasks = worker.state.tasks

    def released() -> bool:
        state = tasks.get(key)
        return state is None or state.state not in GOING

    return released


def run_tasks(tasks: Sequence[Task], workers: int = 0, scheduler: str | None = None) -> list[Any]:
    """Every task's result, in order: one by one here (``workers`` 0, no ``scheduler``), on a Dask
    ``LocalCluster`` of ``workers`` processes (one thread each), or on the scheduler at ``scheduler``."""
    if not tasks:
        return []
    if scheduler is None and workers <= 0:
        results = []
        for done, task in enumerate(tasks, 1):
            results.append(call(task))
            say(f"finished {task.name} ({done}/{len(tasks)})")
        return results
    return on_dask(tasks, workers, scheduler)


def on_dask(tasks: Sequence[Task], workers: int, scheduler: str | None) -> list[Any]:
    """The tasks on Dask; leaving early (an error, Ctrl-C) cancels the tasks still wanted, and closing the client
    lets go of the rest (a task already playing ends at its next round)."""
    from distributed import Client, as_completed

    from coevo.training.cluster import warm_cluster, warm_modules

    with nullcontext() if scheduler else warm_cluster(workers, warm_modules(tasks)) as cluster, \
            Client(scheduler or cluster) as client:
        if client.dashboard_link:  # a free port, so that two sweeps side by side both have one
            say(f"Dask dashboard: {client.dashboard_link}")
        futures = [client.submit(call, task, pure=False, key=f"coevo-{i}-{task.name}")
                   for i, task in enumerate(tasks)]
        try:
            names = {future.key: task.name for future, task in zip(futures, tasks)}
            for done, future in enumerate(as_completed(futures), 1):
                future.result()  # a task's error is raised here, as it would be one by one
                say(f"finished {names[future.key]} ({done}/{len(tasks)}, on Dask)")
            return [future.result() for future in futures]
        except BaseException:
            client.cancel(futures)
            raise


def light_exit() -> None:
    """Let this process end without Python sweeping its heap: the objects alive when it exits are frozen (out of
    the garbage collector's reach), so the interpreter's shutdown skips its full collections over the few hundred
    thousand objects torch, Numba and Dask hold (measured 1-3 s of wall time a ``coevo sweep`` on the busy shared
    2-core machine, ~0.45 s left). Exit handlers, file closing and flushing run as ever."""
    atexit.unregister(gc.freeze)  # once, however often asked
    atexit.register(gc.freeze)  # registered last, so it runs first: before the other handlers' own collections


def say(line: str) -> None:
    sys.stderr.write(f"coevo: {line}\n")


def parse_grid(texts: Sequence[str], parse_value: Callable[[str], tuple[str, Any]]) -> dict[str, list[Any]]:
    """``["pop=16,32", "schedule=round,phases"]`` -> ``{"pop": [16, 32], "schedule": ["round", "phases"]}``."""
    from coevo.training.config import RunConfig, from_mapping

    known = set(RunConfig.__dataclass_fields__)
    grid: dict[str, list[Any]] = {}
    for text in texts:
        key, sep, values = text.partition("=")
        if not sep or key not in known or key in ("seed", "artist_options", "critic_options"):
            raise CoevoError(f"--set {text!r} is not KEY=V1,V2 with KEY a run setting (not seed: use --seeds); "
                             f"e.g. --set pop=16,32")
        grid[key] = [parse_value(f"{key}={value}")[1] for value in values.split(",") if value]
        for value in grid[key]:
            from_mapping({key: value}, f"--set {key}")  # each value of the setting's type, as in a config file
    return grid


def combinations(grid: dict[str, list[Any]]) -> list[dict[str, Any]]:
    """Every combination of the grid's values ([{}] for an empty grid)."""
    import itertools

    return [dict(zip(grid, values)) for values in itertools.product(*grid.values())]


def run_name(combination: dict[str, Any], seed: int) -> str:
    """A run folder's name: its settings and seed (``pop=16,schedule=phases,seed=0``)."""
    parts = [f"{k}={v}" for k, v in combination.items()] + [f"seed={seed}"]
    return ",".join(parts).replace("/", "_").replace(":", "_")


def play_run(config: dict[str, Any], folder: str, catalog: Any) -> dict[str, Any]:
    """A sweep's task: start the run, or continue it if a killed sweep left it unfinished; its last metrics."""
    from coevo.programs.run import resume, start
    from coevo.store.runfolder import RunFolder
    from coevo.training.config import RunConfig

    run = RunFolder(Path(folder))
    settings = RunConfig(**config)
    done = resume(run.path, catalog=catalog) if run.config_path.exists() else start(settings, run.path, catalog)
    rows = done.metrics()
    return rows[-1] if rows else {}


Planned = tuple[dict[str, Any], int, Any, Path]  # a sweep's run: combination, seed, config, folder


def plan_runs(base: Any, grid: dict[str, list[Any]], seeds: int, out: Path) -> list[Planned]:
    """Every run of a sweep: (combination, seed, validated config, folder); a bad value fails here, first."""
    from dataclasses import replace

    from coevo.errors import CoevoError

    if seeds < 1:
        raise CoevoError(f"--seeds must be at least 1 (got {seeds})")
    check_runs(math.prod(len(values) for values in grid.values()) * seeds)
    plan = []
    for combination in combinations(grid):
        for seed in range(base.seed, base.seed + seeds):
            config = replace(base, seed=seed, **combination).validate()  # every bad value fails before playing
            plan.append((combination, seed, config, Path(out) / run_name(combination, seed)))
    return plan


SWEEP_FILES = {"sweep.md", "gallery.db", "gallery.db-wal", "gallery.db-shm"}  # a sweep folder's own files


def holds_sweep(out: Path, base: Any, grid: dict[str, list[Any]], seeds: int) -> bool:
    """Whether ``out`` holds (part of) this very sweep: nothing but its files and its runs, each run with the
    settings planned for it, so running the same command again continues it."""
    from coevo.training.config import dump_config, load_config

    planned = {folder.name: config for _, _, config, folder in plan_runs(base, grid, seeds, out)}
    for entry in Path(out).iterdir():
        if entry.name.startswith(".") or (entry.name in SWEEP_FILES and entry.is_file()):
            continue
        if entry.name not in planned or not entry.is_dir():
            return False
        if (entry / "config.toml").exists() and \
                dump_config(load_config(entry / "config.toml")) != dump_config(planned[entry.name]):
            return False
    return True


def default_out(base: Any, grid: dict[str, list[Any]], seeds: int, root: Path = Path("runs")) -> Path:
    """``runs/sweep``, numbered ``sweep-2``, ... while something else holds it; the folder holding this very sweep
    is taken again, so the same command continues a killed sweep."""
    from coevo.store.runfolder import default_folder

    plan_runs(base, grid, seeds, root / "sweep")  # bad settings are refused before any folder is looked at
    return default_folder("sweep", root, reuse=lambda path: holds_sweep(path, base, grid, seeds))


def sweep(base: Any, grid: dict[str, list[Any]], seeds: int, out: Path, workers: int = 0,
          scheduler: str | None = None, catalog: Any = None) -> Path:
    """Play every combination on every seed into ``out`` (one gallery for all) and write ``out/sweep.md``."""
    from dataclasses import asdict

    from coevo.loop import Progress
    from coevo.store.runfolder import RunFolder

    check_workers(workers)
    plan = plan_runs(base, grid, seeds, out)
    tasks = []
    for _, _, config, folder in plan:
        state = RunFolder(folder).load_checkpoint() if folder.exists() else None
        if state is None or not config.stop().reached(Progress(**state.get("progress", {"rounds": state["round"]}))):
            tasks.append(Task(play_run, {"config": asdict(config), "folder": str(folder), "catalog": catalog},
                              folder.name))
    if scheduler is not None and tasks:
        check_scheduler(scheduler)
    run_tasks(tasks, workers, scheduler)  # the runs make the folder: a refused sweep leaves none
    return write_summary(Path(out), [(c, RunFolder(f).metrics()) for c, _, _, f in plan], seeds)


SUMMARY = (("fitness_best", "best fitness"), ("critic_accuracy", "critic accuracy"), ("fooling_rate", "fooling rate"))
RANGES = {"critic_accuracy": (0.0, 1.0), "fooling_rate": (0.0, 1.0)}  # an interval is clipped to them


def latest(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Each metric's last recorded value (the held-out measures are taken every ``--measure-every`` rounds)."""
    return {key: value for row in rows for key, value in row.items()}


def write_summary(out: Path, runs: list[tuple[dict[str, Any], list[dict[str, Any]]]], seeds: int) -> Path:
    """``sweep.md``: each combination's final metrics, mean ± 95% interval over its seeds."""
    from coevo.metrics.stats import CLIPPED, estimate
    from coevo.store.atomic import atomic_write_text

    lines = ["# coevo sweep", "",
             f"{seeds} seeds per combination; each metric's last recorded value, mean ± 95% t interval "
             f"({CLIPPED}).", "",
             "| settings | " + " | ".join(h for _, h in SUMMARY) + " |", "|---" * (len(SUMMARY) + 1) + "|"]
    seen: list[str] = []
    for combination, _ in runs:
        name = ", ".join(f"{k}={v}" for k, v in combination.items()) or "(the config as given)"
        if name in seen:
            continue
        seen.append(name)
        finals = [latest(rows) for c, rows in runs if c == combination and rows]
        cells = [str(estimate([row[k] for row in finals if k in row], *RANGES.get(k, (None, None))))
                 for k, _ in SUMMARY]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    path = out / "sweep.md"
    atomic_write_text(path, "\n".join(lines) + "\n")
    return path
