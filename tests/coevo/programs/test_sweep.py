"""Tasks on Dask: played in the worker's process with the same bytes as one by one, whatever the worker count; a
client that is killed or goes away leaves no task running or writing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from coevo.programs.sweep import Task, call, let_go, run_tasks, sweep
from coevo.training.cancel import watches
from tests.conftest import ROOT
from tests.helpers import toy_config

TOYS = ["--artist", "tests.toys:ToyGenetics", "--critic", "tests.toys:TinyCritic", "--size", "8", "--warmup", "1",
        "--batch", "8", "--seed", "7", "--pop", "6"]
LONG = [*TOYS, "--rounds", "40", "--critic-option", "delay=0.05", "--seeds", "2", "--checkpoint-seconds", "0.1"]


def hooks_where_called() -> int:
    return len(watches())


def test_one_by_one_a_task_has_no_client_to_be_let_go_by() -> None:
    assert let_go() is None
    assert run_tasks([Task(hooks_where_called, name="watch")]) == [0]
    assert call(Task(pow, {"base": 2, "exp": 3})) == 8


def folder_bytes(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.suffix in (".png", ".json", ".jsonl") and p.is_file()}


def test_a_light_exit_freezes_the_heap_before_the_exit_handlers_once_however_often_asked() -> None:
    """``light_exit`` runs ``gc.freeze`` at exit, before the handlers registered earlier and only once; a process
    that does not ask for it exits with nothing frozen."""
    probe = ("import atexit, gc, sys; from coevo.programs.sweep import light_exit; "
             "atexit.register(lambda: print('frozen' if gc.get_freeze_count() else 'not frozen')); "
             "freeze = gc.freeze; gc.freeze = lambda: (print('freeze'), freeze()); "
             "[light_exit() for _ in range(int(sys.argv[1]))]")
    for asks, shown in ((0, "not frozen"), (1, "freeze\nfrozen"), (3, "freeze\nfrozen")):
        done = subprocess.run([sys.executable, "-c", probe, str(asks)], cwd=ROOT, capture_output=True, text=True,
                              check=True)
        assert done.stdout.strip() == shown


@pytest.mark.slow
def test_the_same_bytes_with_no_one_or_two_workers(tmp_path: Path) -> None:
    base = toy_config(rounds=3, seed=0, checkpoint_seconds=0.0)
    outs = {}
    for workers in (0, 1, 2):
        out = tmp_path / f"w{workers}"
        sweep(base, {"pop": [4, 6]}, 1, out, workers=workers)
        outs[workers] = folder_bytes(out)
    assert len([name for name in outs[0] if name.endswith("metrics.jsonl")]) == 2
    for workers in (1, 2):
        assert outs[workers].keys() == outs[0].keys()
        for name in outs[0]:
            assert outs[workers][name] == outs[0][name], (workers, name)


def rows(path: Path) -> int:
    return len(path.read_text().splitlines()) if path.exists() else 0


def start_and_wait(args: list[str], watched: Path, wanted: int, errors: Path) -> subprocess.Popen:
    """``python -m coevo ARGS``, returned once ``watched`` holds ``wanted`` rows (it must still be running)."""
    victim = subprocess.Popen([sys.executable, "-m", "coevo", *args], cwd=ROOT, stdout=subprocess.DEVNULL,
                              stderr=open(errors, "w"))
    deadline = time.monotonic() + 600
    while rows(watched) < wanted and victim.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert victim.poll() is None and rows(watched) >= wanted, errors.read_text()[-2000:]
    return victim


@pytest.mark.slow
def test_a_killed_client_leaves_no_worker_or_task_behind_and_the_sweep_continues(tmp_path: Path) -> None:
    out = tmp_path / "sweep"
    victim = start_and_wait(["sweep", *LONG, "--workers", "2", "--out", str(out)], out / "seed=7" / "metrics.jsonl",
                            3, tmp_path / "victim.err")
    family = psutil.Process(victim.pid).children(recursive=True)
    assert family, "the sweep started no worker processes"
    os.kill(victim.pid, signal.SIGKILL)
    victim.wait()
    _, alive = psutil.wait_procs(family, timeout=120)
    assert not alive, f"still running after their client was killed: {[p.pid for p in alive]}"
    again = subprocess.run([sys.executable, "-m", "coevo", "sweep", *LONG, "--workers", "2", "--out", str(out)],
                           cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert again.returncode == 0, again.stderr[-2000:]
    whole = subprocess.run([sys.executable, "-m", "coevo", "sweep", *LONG, "--out", str(tmp_path / "whole")],
                           cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert whole.returncode == 0, whole.stderr[-2000:]
    for seed in ("seed=7", "seed=8"):
        assert (out / seed / "metrics.jsonl").read_bytes() == (tmp_path / "whole" / seed / "metrics.jsonl"
                                                               ).read_bytes(), seed


@pytest.mark.slow
def test_a_task_whose_client_goes_away_stops_running_and_writing(tmp_path: Path) -> None:
    """On a scheduler that outlives the client (``--scheduler``), the worker lets the killed client's task go."""
    import logging

    from distributed import Client, LocalCluster

    out = tmp_path / "sweep"
    watched = out / "seed=7" / "metrics.jsonl"
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None,
                      silence_logs=logging.ERROR) as cluster, Client(cluster) as client:
        victim = start_and_wait(["sweep", *LONG, "--scheduler", cluster.scheduler_address, "--out", str(out)],
                                watched, 3, tmp_path / "victim.err")
        os.kill(victim.pid, signal.SIGKILL)
        victim.wait()
        deadline = time.monotonic() + 120

        def executing() -> int:
            return sum(client.run(lambda dask_worker: len(dask_worker.state.executing)).values())

        while executing() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert executing() == 0, "a task of the killed client is still running"
        left = rows(watched)
        assert left < 40, "the task ran to its end instead of stopping"
        assert not client.processing() or not any(client.processing().values())
        assert rows(watched) == left  # nothing runs that could write it
