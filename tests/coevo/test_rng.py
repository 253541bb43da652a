"""A run's own generators: seeded as the module-level ones were, captured and restored, current only in the run's
context, and a run touches no module-level generator, whatever those hold."""

from __future__ import annotations

import random
import threading
from pathlib import Path

import numpy as np
import pytest
import torch
from torch import nn

from coevo import rng
from coevo.programs.run import RunProgram
from coevo.rng import GLOBAL, Generators, current, module_init, rng_state, seed_everything, set_rng_state, using
from coevo.training.trainer import Trainer
from tests.helpers import toy_config


def draws(generators: Generators) -> tuple:
    return (generators.python.random(), generators.numpy.standard_normal(3).tolist(),
            torch.randn(3, generator=generators.torch).tolist())


def global_draws() -> tuple:
    return random.random(), np.random.standard_normal(3).tolist(), torch.randn(3).tolist()


def global_states() -> tuple:
    return random.getstate(), np.random.get_state()[1].tobytes(), torch.get_rng_state().clone()


def same_states(a: tuple, b: tuple) -> bool:
    return a[0] == b[0] and a[1] == b[1] and torch.equal(a[2], b[2])


def test_a_runs_generators_seed_and_draw_as_the_module_level_ones_did() -> None:
    """The same seed gives the same numbers as seeding Python, NumPy and Torch's module-level generators: a
    checkpoint written when runs drew from those continues the same with the run's own."""
    seed_everything(9)
    expected = global_draws()
    own = Generators()
    with using(own):
        seed_everything(9)
    assert draws(own) == expected


def test_a_checkpointed_state_restores_into_the_runs_generators_and_old_states_load() -> None:
    own = Generators()
    with using(own):
        seed_everything(4)
        state = rng_state()
        first = draws(own)
        set_rng_state(state)
        assert draws(own) == first
    seed_everything(4)  # what a checkpoint of the module-level generators (an older coevo's) held
    old = rng_state()
    again = Generators()
    with using(again):
        set_rng_state(old)
    assert draws(again) == first


def test_the_current_generators_are_the_runs_only_inside_its_context() -> None:
    own = Generators()
    assert current() is GLOBAL
    with using(own):
        assert current() is own and rng.python_rng() is own.python
        seen = []
        thread = threading.Thread(target=lambda: seen.append(current()))  # another thread: not the run's
        thread.start()
        thread.join()
        assert seen == [GLOBAL]
    assert current() is GLOBAL


def test_modules_built_in_a_run_draw_from_its_generator_and_leave_torchs_alone() -> None:
    torch.manual_seed(2)
    expected = nn.Linear(4, 3).weight.detach().clone()
    torch.manual_seed(123)
    before = torch.get_rng_state()
    own = Generators()
    own.seed(2)
    with using(own), module_init():
        built = nn.Linear(4, 3)
    assert torch.equal(built.weight.detach(), expected)
    assert torch.equal(torch.get_rng_state(), before)
    assert torch.equal(own.torch.get_state(), (torch.manual_seed(2), nn.Linear(4, 3), torch.get_rng_state())[2])


def play(folder: Path, artist: str, critic: str, global_seed: int, **options: object) -> dict[str, bytes]:
    """A short run in ``folder`` with the module-level generators seeded ``global_seed``; its result files, and
    the module-level generators' states must be as they were."""
    random.seed(global_seed)
    np.random.seed(global_seed)
    torch.manual_seed(global_seed)
    before = global_states()
    config = toy_config(artist=artist, critic=critic, rounds=2, **options)
    Trainer(bar=False).fit(RunProgram(), config, folder)
    assert same_states(global_states(), before), "the run drew from a module-level generator"
    kept = (".png", ".json", ".jsonl")
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.suffix in kept and p.name != "done.json"}


KINDS = {  # artist, critic, options: every artist kind against the critic it is played with
    "toy": ("tests.toys:ToyGenetics", "tests.toys:TinyCritic", {}),
    "gp": ("gp", "cnn", {"size": 16, "pop": 6}),
}
SLOW_KINDS = {
    "dcgan": ("dcgan", "cnn", {"size": 28, "fakes": "latest"}),
    "cppn": ("cppn", "cnn", {"size": 16, "pop": 6}),
    "lines": ("lines", "cnn", {"size": 16, "pop": 6}),
    "ants": ("ants", "cnn", {"size": 16, "pop": 6}),
    "evoeco": ("evoeco", "cnn", {"size": 16, "pop": 6}),
    "biomorph": ("biomorph", "cnn", {"size": 16, "pop": 6}),
    "hercl-function": ("hercl-function", "cnn", {"size": 16, "pop": 6}),
    "hercl-lines": ("hercl-lines", "cnn", {"size": 16, "pop": 6}),
    "vae": ("vae", "cnn", {"size": 16, "fakes": "latest"}),
    "cdcgan": ("cdcgan", "ccnn", {"size": 28, "fakes": "latest"}),
    "gp-features": ("gp", "features", {"size": 16, "pop": 6}),
    "cppn-novelty": ("cppn", "novelty", {"size": 16, "pop": 6, "data": "none"}),
    "gp-wgan-gp-sharing": ("gp", "cnn", {"size": 16, "pop": 6, "loss": "wgan-gp", "diversity": 0.5}),
    "mlpgan-minibatch": ("mlpgan", "cnn", {"size": 28, "fakes": "latest", "critic_options": {"minibatch": 100}}),
    "cdcgan-augment": ("cdcgan", "ccnn", {"size": 28, "fakes": "latest", "artist_options": {"augment": True}}),
    "mlpgan-egan": ("mlpgan", "cnn", {"size": 28, "fakes": "latest", "artist_options": {"egan": True}}),
    "gp-phases-remember": ("gp", "cnn", {"size": 16, "pop": 6, "schedule": "phases", "phase_remember": True,
                                         "phase_generations": 1}),
}


def check_kind(tmp_path: Path, kind: tuple) -> None:
    artist, critic, options = kind
    one = play(tmp_path / "one", artist, critic, 1, **options)
    other = play(tmp_path / "other", artist, critic, 77, **options)
    assert one.keys() == other.keys() and one
    for name in one:
        assert one[name] == other[name], name


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_a_run_is_the_same_whatever_the_module_level_generators_hold_and_leaves_them_alone(
        kind: str, tmp_path: Path) -> None:
    check_kind(tmp_path, KINDS[kind])


@pytest.mark.slow
@pytest.mark.parametrize("kind", sorted(SLOW_KINDS))
def test_every_artist_kind_draws_only_from_its_run(kind: str, tmp_path: Path) -> None:
    check_kind(tmp_path, SLOW_KINDS[kind])


def test_a_folder_whose_checkpoint_holds_the_module_level_generators_resumes_as_it_ran(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Folders written before runs owned their generators checkpointed the module-level ones (same fields): one
    played that way (the trainer handing the run the module-level generators) and cut at round 3 continues with
    generators of its own to the same files as a run never cut."""
    from coevo.training import trainer

    whole = Trainer(bar=False).fit(RunProgram(), toy_config(rounds=6, checkpoint_seconds=0.0), tmp_path / "whole")
    monkeypatch.setattr(trainer, "Generators", lambda: GLOBAL)  # as an older coevo played: module-level generators
    Trainer(bar=False).fit(RunProgram(), toy_config(rounds=3, checkpoint_seconds=0.0), tmp_path / "old")
    monkeypatch.undo()
    random.seed(55)  # whatever the module-level generators hold now changes nothing
    Trainer(bar=False).resume(RunProgram(), tmp_path / "old", rounds=6)
    for path in sorted(whole.path.rglob("*")):
        if path.suffix in (".png", ".jsonl") or path.parent.name == "genomes":
            assert (tmp_path / "old" / path.relative_to(whole.path)).read_bytes() == path.read_bytes(), path.name


def test_a_grid_is_the_same_whatever_the_module_level_generators_hold_and_leaves_them_alone(tmp_path: Path) -> None:
    """Each cell draws from generators of its own (their state travels with it), the driver from the grid's."""
    from coevo.programs.grid import GridConfig, GridProgram

    config = GridConfig(side=2, iterations=1, steps=1, batch=8, score_samples=16, size=28)
    results = []
    for seed in (1, 77):
        random.seed(seed)
        np.random.seed(seed)
        torch.manual_seed(seed)
        before = global_states()
        folder = Trainer(bar=False).fit(GridProgram(), config, tmp_path / f"grid-{seed}")
        assert same_states(global_states(), before), "the grid drew from a module-level generator"
        results.append({str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
                        if p.suffix in (".png", ".json", ".jsonl")})
    assert results[0] == results[1] and results[0]
