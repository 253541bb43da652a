"""The warm local cluster: its workers start with the run's modules imported, forked from this process (or from a
forkserver once Numba's threads run here), with Dask's profiler off; the modules warmed are those the tasks name."""

from __future__ import annotations

import os
import sys

import dask
import pytest

from coevo.programs.sweep import Task, call, play_run
from coevo.training.cluster import LEAN, WARM, forkserver_preload, start_method, warm_cluster, warm_modules


def test_the_modules_warmed_are_the_runs_and_the_named_artists_and_critics() -> None:
    sweep_task = Task(play_run, {"config": {"artist": "gp", "critic": "cnn", "pop": 8}, "folder": "x"})
    compare_task = Task(play_run, {"artist": "cppn", "base": {"critic": "features", "artist": "gp"}})
    plugin_task = Task(play_run, {"config": {"artist": "tests.toys:ToyGenetics", "critic": "nonsense"}})
    modules = warm_modules([sweep_task, compare_task, plugin_task])
    assert modules[:len(WARM)] == list(WARM)
    assert set(modules) - set(WARM) == {"artists.gp", "critics.cnn", "artists.cppn", "critics.features"}
    assert len(modules) == len(set(modules))
    assert warm_modules([]) == list(WARM)


def threads() -> tuple[int, int]:
    import numba
    import torch

    return numba.get_num_threads(), torch.get_num_threads()


def test_one_by_one_numba_keeps_its_threads() -> None:
    import numba

    before = numba.get_num_threads()
    assert call(Task(threads))[0] == before == numba.get_num_threads()


def imported(names: list[str]) -> list[str]:
    return [name for name in names if name in sys.modules]


def test_workers_fork_from_here_unless_numba_started_its_threads_here(monkeypatch: pytest.MonkeyPatch) -> None:
    class Parallel:
        _is_initialized = False

    monkeypatch.setitem(sys.modules, "numba.np.ufunc.parallel", Parallel)
    assert start_method() == "fork"
    Parallel._is_initialized = True  # a child forked now could not use Numba's OpenMP pool
    assert start_method() == "forkserver"


@pytest.mark.slow
@pytest.mark.parametrize("method", ["fork", "forkserver"])
def test_workers_start_with_the_modules_imported(method: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from distributed import Client

    from coevo.training import cluster as module

    monkeypatch.setattr(module, "start_method", lambda: method)
    before = {key: dask.config.get(key) for key in LEAN}
    wanted = [*WARM, "artists.gp", "critics.cnn"]
    with warm_cluster(2, wanted, dashboard=False) as cluster, Client(cluster) as client:
        if method == "forkserver":
            assert set(wanted) <= set(forkserver_preload())
        # asked before any task ran there: what the worker holds it brought from the process it was forked from
        held = client.run(imported, wanted)
        assert len(held) == 2 and all(sorted(names) == sorted(wanted) for names in held.values()), held
        parents = set(client.run(os.getppid).values())
        assert len(parents) == 1 and (os.getpid() in parents) == (method == "fork")  # else one forkserver
        assert set(client.run(dask.config.get, "distributed.worker.multiprocessing-method").values()) == {method}
        assert set(client.run(dask.config.get, "distributed.worker.profile.enabled").values()) == {False}
        assert client.submit(call, Task(threads)).result() == (1, 1)  # a worker is one core, Numba included
    assert {key: dask.config.get(key) for key in LEAN} == before  # Dask's settings as they were
