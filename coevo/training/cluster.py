"""A local Dask cluster whose worker processes start warm and spend their CPU on the runs.

Dask starts each worker as a fresh interpreter (``spawn``) that imports torch, Numba, SciPy, Matplotlib and the
artist again before its first task: 10-15 CPU seconds a worker on a busy 2-core machine. Here a worker is forked
from a process that has imported all of that once, so it begins with them in memory: from this process (which
imports them first, as its own run would), or, once Numba's OpenMP thread pool runs here (a run was played in
this process: a child forked now would be aborted by GNU OpenMP), from a forkserver that preloaded them.
Dask's bookkeeping that serves no run (the statistical profiler sampling the task thread every 10 ms, the GIL
monitor, the 20 ms event-loop health tick) is off while the cluster lives.
"""

from __future__ import annotations

import importlib
import logging
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

# what every run imports: torch's optimiser machinery (the first Adam imports torch._dynamo, the largest part),
# the run program and its metrics, and Matplotlib's figure and Agg canvas (curves.png); not SciPy, which only
# phases and the judge need (a task that does imports it, ~0.5 s)
WARM = ("torch", "torch._dynamo", "torch.optim", "numba", "matplotlib.figure",
        "matplotlib.backends.backend_agg", "coevo.programs.run", "coevo.programs.sweep")
LEAN = {
    "distributed.worker.profile.enabled": False,  # samples the task's thread every 10 ms: CPU a run pays for
    "distributed.admin.system-monitor.gil.enabled": False,
    "distributed.admin.tick.interval": "1s",  # event-loop health check, 20 ms by default
}
NAMED = ("artist", "critic")  # the keys of a task's arguments (or of its run config) that name registered classes


def warm_modules(tasks: Iterable[Any]) -> list[str]:
    """The modules a worker imports before its first task: ``WARM``, each task's function module and the modules
    of the artists and critics its arguments name (a plugin ``module:Class`` is left to the task itself)."""
    from coevo.training import registry

    modules = list(WARM)

    def add(module: str) -> None:
        if module and module not in modules:
            modules.append(module)

    for task in tasks:
        add(getattr(task.function, "__module__", ""))
        for arguments in (task.kwargs, *(v for v in task.kwargs.values() if isinstance(v, Mapping))):
            for kind, table in zip(NAMED, (registry.ARTISTS, registry.CRITICS)):
                name = arguments.get(kind)
                entry = next((e for e in table if e.name == name), None) if isinstance(name, str) else None
                if entry is not None:
                    add(entry.target.partition(":")[0])
    return modules


@contextmanager
def warm_cluster(workers: int, modules: Sequence[str], dashboard: bool = True) -> Iterator[Any]:
    """A ``LocalCluster`` of ``workers`` single-threaded processes forked from a process that has imported
    ``modules`` (``start_method``); Dask's lean settings hold while it lives (its workers take them along)."""
    import dask
    from distributed import LocalCluster
    from distributed.utils import get_mp_context

    method = start_method()
    with dask.config.set(LEAN | {"distributed.worker.multiprocessing-method": method}):
        if method == "fork":
            for module in modules:
                try:
                    importlib.import_module(module)
                except ImportError:  # the task that needs it says so, as it would one by one
                    pass
        else:
            context = get_mp_context()  # the forkserver context, with Dask's own preload (distributed, ...) set
            context.set_forkserver_preload(list(dict.fromkeys([*forkserver_preload(), *modules])))  # read when the
            # forkserver starts: once a process, so a later cluster here forks from the first one's forkserver
        with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                          dashboard_address=":0" if dashboard else None, silence_logs=logging.ERROR) as cluster:
            yield cluster


def start_method() -> str:
    """``fork`` while this process has started no Numba thread pool, else ``forkserver``."""
    parallel = sys.modules.get("numba.np.ufunc.parallel")
    return "forkserver" if parallel is not None and getattr(parallel, "_is_initialized", True) else "fork"


def forkserver_preload() -> list[str]:
    """The modules the forkserver context imports when it starts (for tests and the benchmark)."""
    import multiprocessing.forkserver

    return list(multiprocessing.forkserver._forkserver._preload_modules)
