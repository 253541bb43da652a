"""Runs independent tasks (a comparison's artist × seed runs, a sweep's settings × seeds) one by one in this
process, or on a Dask cluster, with identical results: each task seeds itself and runs torch on one thread.

On Dask each task runs in a child process of its worker: the worker's own threads draw from Python's global
``random`` (heartbeat jitter and the like), which the runs' genetic operators also use, as DEAP's do.
"""

from __future__ import annotations

import logging
import pickle
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch

THREADS = 1  # torch threads per task, wherever it runs: the same arithmetic order, so the same bytes


@dataclass(frozen=True)
class Task:
    """A module-level function and its plain (picklable) keyword arguments."""

    function: Callable[..., Any]
    kwargs: dict[str, Any] = field(default_factory=dict)
    name: str = ""


def call(task: Task) -> Any:
    """Run one task with torch on ``THREADS`` threads, restoring the caller's setting."""
    previous = torch.get_num_threads()
    torch.set_num_threads(THREADS)
    try:
        return task.function(**task.kwargs)
    finally:
        torch.set_num_threads(previous)


def call_in_child(task: Task) -> Any:
    """``call(task)`` in a fresh Python process (``python -m coevo.programs.sweep IN OUT``, pickled files)."""
    with tempfile.TemporaryDirectory(prefix="coevo-task-") as folder:
        given, taken = Path(folder) / "task.pickle", Path(folder) / "result.pickle"
        given.write_bytes(pickle.dumps(task))
        child = subprocess.run([sys.executable, "-m", "coevo.programs.sweep", str(given), str(taken)],
                               capture_output=True, text=True)
        if child.returncode != 0:
            raise RuntimeError(f"task {task.name} failed:\n{child.stderr[-4000:]}")
        return pickle.loads(taken.read_bytes())


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
    from distributed import Client, LocalCluster, as_completed

    cluster = None if scheduler else LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                                  dashboard_address=None, silence_logs=logging.ERROR)
    try:
        with Client(scheduler or cluster) as client:
            futures = [client.submit(call_in_child, task, pure=False, key=f"coevo-{i}-{task.name}")
                       for i, task in enumerate(tasks)]
            names = {future.key: task.name for future, task in zip(futures, tasks)}
            for done, future in enumerate(as_completed(futures), 1):
                future.result()  # a task's error is raised here, as it would be one by one
                say(f"finished {names[future.key]} ({done}/{len(tasks)}, on Dask)")
            return [future.result() for future in futures]
    finally:
        if cluster is not None:
            cluster.close()


def say(line: str) -> None:
    sys.stderr.write(f"coevo: {line}\n")


if __name__ == "__main__":  # the child process of call_in_child: trusted files written by its parent
    _task = pickle.loads(Path(sys.argv[1]).read_bytes())
    Path(sys.argv[2]).write_bytes(pickle.dumps(call(_task)))
