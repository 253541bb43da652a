"""A grid cell: neighbourhoods on a torus, tournament selection, learning-rate mutation, one deterministic step."""

from __future__ import annotations

import io

import pytest
import torch

from coevo.programs.cells import MIN_LR, cell_seed, mutate_lr, neighbours, play_cell, start_cell, tournament
from coevo.rng import Generators, using


def test_neighbourhoods_on_a_torus():
    assert neighbours(0, 1) == [0]  # alone
    assert neighbours(0, 2) == [0, 2, 1]  # north is south, east is west on 2 x 2
    assert neighbours(3, 2) == [3, 1, 2]
    assert neighbours(4, 3) == [4, 1, 7, 5, 3]  # the centre: N, S, E, W
    assert neighbours(0, 3) == [0, 6, 3, 1, 2]  # a corner wraps both ways
    for side in (1, 2, 3, 4):  # every cell is in as many neighbourhoods as it has neighbours (symmetry)
        for i in range(side * side):
            for j in neighbours(i, side):
                assert i in neighbours(j, side)


def test_tournament_picks_the_lowest_loss_of_its_entrants():
    fitness = {4: 0.9, 1: 0.1, 7: 0.5}
    with using(Generators()) as generators:
        generators.seed(0)
        wins = [tournament(fitness, 2) for _ in range(3000)]
        assert tournament(fitness, 50) == 1  # with many entrants the best is always drawn
    shares = {k: wins.count(k) / len(wins) for k in fitness}
    # size 2 with replacement: the best wins 1 - (2/3)^2 = 5/9, the worst only when drawn twice: 1/9
    assert shares[1] == pytest.approx(5 / 9, abs=0.03) and shares[4] == pytest.approx(1 / 9, abs=0.02)
    with using(Generators()) as generators:
        generators.seed(0)
        assert [tournament(fitness, 2) for _ in range(3000)] == wins  # the cell's generator decides


def test_learning_rate_mutation_is_gaussian_clipped_and_optional():
    net = torch.nn.Linear(2, 2)
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    with using(Generators()) as generators:
        generators.seed(1)
        steps = []
        for _ in range(2000):
            before = opt.param_groups[0]["lr"] = 1e-3
            steps.append(mutate_lr(opt, 1e-4, 0.5) - before)
    moved = [s for s in steps if s != 0]
    assert 0.45 < len(moved) / len(steps) < 0.55  # the mutation probability
    assert torch.tensor(moved).std().item() == pytest.approx(1e-4, rel=0.1)  # sigma
    opt.param_groups[0]["lr"] = 1e-6
    with using(Generators()):
        assert all(mutate_lr(opt, 1.0, 1.0) >= MIN_LR for _ in range(50))
    assert mutate_lr(None, 1.0, 1.0) is None  # an evolutionary artist has no learning rate


def saved(state: dict) -> bytes:
    buffer = io.BytesIO()
    torch.save(state, buffer)
    return buffer.getvalue()


def test_a_cell_step_is_a_pure_function_of_its_neighbourhood_and_trains_it():
    from coevo.programs.grid import GridConfig

    config = GridConfig(side=2, steps=2, batch=8, score_samples=32, size=28)
    cells = [start_cell(config, i, (1, 28, 28)) for i in range(4)]
    assert cell_seed(0, 1) != cell_seed(0, 2) and cell_seed(1, 0) != cell_seed(0, 0)
    assert saved(cells[0]["artist"]) != saved(cells[1]["artist"])  # each cell draws its own networks
    hood = neighbours(0, 2)
    given = [saved(cells[j]) for j in hood]
    first = play_cell(config, 0, 0, *[cells[j] for j in hood])
    assert [saved(cells[j]) for j in hood] == given  # the neighbourhood's states are read, never changed
    again = play_cell(config, 0, 0, *[cells[j] for j in hood])
    assert saved(first) == saved(again)
    assert first["iteration"] == 1 and set(first["metrics"]) >= {"artist_loss", "critic_loss", "mixture_fid",
                                                                  "own_fid", "artist_lr", "critic_lr"}
    assert saved(first["artist"]["net"]) != saved(cells[0]["artist"]["net"])  # trained
    assert len(first["weights"]) == 3 and sum(first["weights"]) == pytest.approx(1)
    assert first["metrics"]["mixture_fid"] <= first["metrics"]["own_fid"] or len(hood) > 1
    with pytest.raises(ValueError, match="needs 3 neighbour states"):
        play_cell(config, 0, 0, cells[0])


@pytest.mark.parametrize("opponents", ["selected", "random"])
def test_the_chosen_pair_trains_against_each_other_or_against_random_neighbours(monkeypatch, opponents):
    """Lipizzaner's scheme (``selected``): the chosen artist learns only from the chosen critic and the critic only
    from the artist's images; ``random`` plays a random neighbour's frozen network at each step."""
    from coevo.programs import cells as module
    from coevo.programs.grid import GridConfig

    judges, painters = [], []
    judge, images_of = module.judge, module.images_of

    def spy_judge(critic, proposal):  # a training step's proposal carries its latents; the fitness rating's not
        if "z" in (proposal.extra or {}):
            judges.append(id(critic))
        return judge(critic, proposal)

    def spy_images(artist):
        painters.append(id(artist))
        return images_of(artist)

    monkeypatch.setattr(module, "judge", spy_judge)
    monkeypatch.setattr(module, "images_of", spy_images)
    config = GridConfig(side=2, steps=12, batch=8, score_samples=0, size=28, opponents=opponents)
    cells = [start_cell(config, i, (1, 28, 28)) for i in range(4)]
    hood = neighbours(0, 2)
    played = play_cell(config, 0, 0, *[cells[j] for j in hood])
    rating, training = painters[:len(hood)], painters[len(hood):]  # each neighbour's images rated once, first
    assert len(judges) == len(training) == 12
    if opponents == "selected":
        assert len(set(judges)) == 1 and len(set(training)) == 1 and training[0] not in rating  # the trained copy
    else:
        assert len(set(judges)) > 1 and len(set(training)) > 1
    assert played["metrics"]["artist_loss"] == played["metrics"]["artist_loss"]  # trained to a number


def test_the_default_learning_rate_mutation_drifts_as_little_as_lipizzaners():
    """Lipizzaner's mutation (alpha 1e-4 times N(-lr/10, lr), chance 0.5 per batch) moves a 2e-4 learning rate by
    about 1e-6 over its 200 iterations; the default must not walk it to the floor (the old default, 1e-4, did)."""
    from coevo.programs.grid import GridConfig

    config = GridConfig()
    opt = torch.optim.Adam(torch.nn.Linear(2, 2).parameters(), lr=2e-4)
    with using(Generators()) as generators:
        generators.seed(0)
        rates = [mutate_lr(opt, config.lr_sigma, config.lr_mutation) for _ in range(200)]
    assert max(abs(rate - 2e-4) for rate in rates) < 2e-4 * 0.05
    opt.param_groups[0]["lr"] = 2e-4
    with using(Generators()) as generators:
        generators.seed(0)
        old = [mutate_lr(opt, 1e-4, config.lr_mutation) for _ in range(200)]
    assert min(old) == MIN_LR  # the old default reached the floor, where a network stops learning


FIRST_CELL = """
import pickle, torch
from coevo.programs.cells import neighbours, run_cell, start_cell
from coevo.programs.gridconfig import GridConfig
config = GridConfig(artist="gp", side=2, pop=8, batch=8, size=16)
cells = [start_cell(config, i, (1, 16, 16)) for i in range(4)]
plays = [pickle.loads(run_cell(config, 0, 0, *[cells[j] for j in neighbours(0, 2)])) for _ in range(3)]

def same(a, b):
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return torch.equal(a, b) if torch.is_tensor(a) else a == b

print(same(plays[0], plays[1]) and same(plays[1], plays[2]))
"""


def test_a_processs_first_cell_plays_the_same_bytes_as_its_later_cells():
    """In a fresh process (a resumed grid, a Dask worker) the first cell once trained its critic in other bytes:
    Numba's thread pool started inside it and reset torch's thread count."""
    import subprocess
    import sys

    from tests.conftest import ROOT

    done = subprocess.run([sys.executable, "-c", FIRST_CELL], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "True"
