"""One cell of the spatial co-evolution grid (Lipizzaner: Schmiedlechner et al. 2018; Toutouh et al. 2019) for
one iteration, as a pure function of its neighbourhood's states: a Dask task or a plain call, the same bytes.

A cell holds an artist and a critic. Each iteration it copies its neighbourhood's (itself, north, south, east,
west on a torus), rates every artist by its worst loss against the neighbourhood's critics and every critic by its
worst loss against the neighbourhood's artists, picks the artist and the critic it trains by tournament, mutates
their learning rates (Gaussian), trains them for ``steps`` updates against each other (``opponents`` "selected", as
Lipizzaner; "random": the critic against a random neighbour's images and the artist against a random neighbour's
critic each step, those neighbours' networks frozen for the iteration) and keeps them (Lipizzaner's replacement with
one individual per cell). A latent generator cell then takes one (1+1)-ES step on the weights of its
neighbourhood's mixture, scored by FID on a classifier of the data. The cell draws only from its own generators,
whose state travels with it.
"""

from __future__ import annotations

import copy
import functools
import math
import pickle
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import torch

from coevo.data import ImageSet, load_data
from coevo.loop import judge
from coevo.losses import artist_loss, critic_loss
from coevo.metrics.distances import frechet_distance
from coevo.metrics.scoreboard import split_real
from coevo.programs.mixture import normalised
from coevo.protocols import LatentGenerator
from coevo.rng import Generators, python_rng, randn, rng_state, set_rng_state, using
from coevo.training.config import RunConfig

MIN_LR = 1e-6  # a mutated learning rate never falls below this (Lipizzaner clips at 0, which stops learning)


def neighbours(index: int, side: int) -> list[int]:
    """The cell itself, then north, south, east, west on a ``side`` x ``side`` torus, each once (on a 2 x 2 torus
    north and south are the same cell; on 1 x 1 the cell is alone)."""
    row, col = divmod(index, side)
    cells = [index, ((row - 1) % side) * side + col, ((row + 1) % side) * side + col,
             row * side + (col + 1) % side, row * side + (col - 1) % side]
    return list(dict.fromkeys(cells))


def tournament(fitness: dict[int, float], size: int) -> int:
    """Tournament selection: ``size`` entrants drawn with replacement (the cell's Python generator), the one with
    the lowest loss wins (ties: the first drawn)."""
    rng = python_rng()
    keys = list(fitness)
    entrants = [keys[rng.randrange(len(keys))] for _ in range(size)]
    return min(entrants, key=lambda key: fitness[key])


def mutate_lr(optimizer: Any, sigma: float, probability: float) -> float | None:
    """With ``probability``, add N(0, sigma) to every parameter group's learning rate (at least ``MIN_LR``);
    returns the (first group's) learning rate, None for an artist without an optimiser (evolution)."""
    if not isinstance(optimizer, torch.optim.Optimizer):
        return None
    rng = python_rng()
    if rng.random() < probability:
        step = rng.gauss(0.0, sigma)
        for group in optimizer.param_groups:
            group["lr"] = max(MIN_LR, float(group["lr"]) + step)
    return float(optimizer.param_groups[0]["lr"])


@functools.lru_cache(maxsize=4)
def prepared(spec: str, size: int, channels: int | None, judge: float = 0.0) -> tuple[ImageSet, ImageSet]:
    """The training images and the held-out ones of a data set (loaded once per process: read-only after), less
    the independent judge's split (``judge`` > 0: the split ``judged`` returns, which no cell ever sees)."""
    data = load_data(spec, size, channels)
    if judge > 0:
        data = data.split(judge)[0]
    train, held = split_real(data)
    return train, held if held is not None else train


def judged(spec: str, size: int, channels: int | None, judge: float) -> ImageSet:
    """The independent judge's split of a data set: the same images a ``coevo run --judge`` sets aside."""
    return load_data(spec, size, channels).split(judge)[1]


def data_of(config: Any) -> tuple[ImageSet, ImageSet]:
    """``prepared`` for a grid config (``coevo.programs.gridconfig.GridConfig``): what its cells learn from."""
    run = config.cell_config()
    return prepared(run.data, run.size, run.artist_options.get("channels"), config.judge)


@functools.lru_cache(maxsize=4)
def scorer(spec: str, size: int, channels: int | None, n: int, judge: float = 0.0) -> tuple[Any, torch.Tensor]:
    """The mixture's score: features of the data's classifier (or autoencoder) and the first ``n`` held-out real
    images' features; built under generators of its own, so the cell's never move."""
    from coevo.metrics.features import feature_net

    train, held = prepared(spec, size, channels, judge)
    with using(Generators()):
        net = feature_net(train)
    with torch.no_grad():
        return net, net.features(held.images[:n]).double()


def build_pair(config: RunConfig, shape: tuple[int, int, int], state: dict[str, Any]) -> tuple[Any, Any]:
    """An artist and a critic holding a copy of a cell's saved state (built under throw-away generators: loading
    the state replaces every drawn weight). A copy: an optimiser keeps some saved tensors as they are (Adam's step
    counts) and steps them in place, which must never reach the state it was given."""
    from coevo.programs.build import build_artist, build_critic

    device = torch.device("cpu")
    with using(Generators()):
        artist = build_artist(config, shape, device)
        critic = build_critic(config, shape, device)
    artist.load_state_dict(copy.deepcopy(state["artist"]))
    critic.load_state_dict(copy.deepcopy(state["critic"]))
    return artist, critic


@torch.no_grad()
def images_of(artist: Any) -> torch.Tensor:
    """A batch of an artist's images, without graph."""
    return artist.ask().images.detach()


def mixture_fid(members: Sequence[Any], weights: torch.Tensor, z: torch.Tensor, net: Any,
                real: torch.Tensor) -> float:
    """FID of the mixture's images for latents ``z`` (column 0 picks the member) against ``real`` features."""
    from coevo.programs.mixture import pick

    chosen = pick(z[:, 0], weights)
    images = torch.zeros(len(z), *members[0].shape)
    for k, member in enumerate(members):
        rows = (chosen == k).nonzero().flatten()
        if len(rows):
            images[rows] = member.generate(z[rows, 1:])
    with torch.no_grad():
        return frechet_distance(real, net.features(images).double())


def play_cell(config: Any, index: int, iteration: int, *states: dict[str, Any]) -> dict[str, Any]:
    """One iteration of cell ``index`` of the grid ``config`` (``coevo.programs.grid.GridConfig``): ``states`` are
    its neighbourhood's states in ``neighbours`` order (its own first); returns its new state (``metrics`` inside).
    Deterministic: the same states give the same bytes."""
    run = config.cell_config()
    hood = neighbours(index, config.side)
    if len(states) != len(hood):
        raise ValueError(f"cell {index} needs {len(hood)} neighbour states, got {len(states)}")
    train, _ = data_of(config)
    shape = train.shape
    own = states[0]
    generators = Generators()
    with using(generators):
        set_rng_state(own["rng"])
        pairs = {j: build_pair(run, shape, state) for j, state in zip(hood, states)}
        fakes = {j: images_of(artist) for j, (artist, _) in pairs.items()}
        real = train.sample(run.batch)
        with torch.no_grad():
            judged = {k: (critic.score(real), {j: judge(critic, _plain(fakes[j])) for j in hood})
                      for k, (_, critic) in pairs.items()}
        artist_fitness = {j: max(float(artist_loss(run.loss, judged[k][1][j])) for k in hood) for j in hood}
        critic_fitness = {k: max(float(critic_loss(run.loss, judged[k][0], judged[k][1][j])) for j in hood)
                          for k in hood}
        chosen_artist = tournament(artist_fitness, config.selection)
        chosen_critic = tournament(critic_fitness, config.selection)
        artist, _ = build_pair(run, shape, states[hood.index(chosen_artist)])
        _, critic = build_pair(run, shape, states[hood.index(chosen_critic)])
        artist_lr = mutate_lr(getattr(artist, "opt", None), config.lr_sigma, config.lr_mutation)
        critic_lr = mutate_lr(getattr(critic, "opt", None), config.lr_sigma, config.lr_mutation)
        opponents = {j: a for j, (a, _) in pairs.items()}
        judges = {k: c for k, (_, c) in pairs.items()}
        artist_losses, critic_losses = [], []
        rng = python_rng()
        selected = config.opponents == "selected"  # Lipizzaner: the chosen pair trains against each other
        for _ in range(config.steps):
            for _ in range(run.critic_steps):
                other = index if selected else hood[rng.randrange(len(hood))]
                fake = images_of(opponents[other]) if other != index else images_of(artist)
                critic_losses.append(critic.learn(train.sample(run.batch), fake).get("critic_loss", math.nan))
            other = index if selected else hood[rng.randrange(len(hood))]
            proposal = artist.ask()
            scores = judge(critic if other == index else judges[other], proposal)
            told = artist.tell(proposal, scores)
            artist_losses.append(told.get("artist_loss", -told.get("fitness_best", math.nan)))
        metrics = {"artist_loss": _mean(artist_losses), "critic_loss": _mean(critic_losses),
                   "artist_from": float(chosen_artist), "critic_from": float(chosen_critic),
                   "artist_fitness": artist_fitness[chosen_artist], "critic_fitness": critic_fitness[chosen_critic]}
        if artist_lr is not None:
            metrics["artist_lr"] = artist_lr
        if critic_lr is not None:
            metrics["critic_lr"] = critic_lr
        weights = torch.as_tensor(own.get("weights", [1 / len(hood)] * len(hood)), dtype=torch.float64)
        if isinstance(artist, LatentGenerator) and config.score_samples:
            weights = mixture_step(config, run, artist, [opponents[j] for j in hood[1:]], weights, metrics)
        return {"artist": artist.state_dict(), "critic": critic.state_dict(), "rng": rng_state(),
                "weights": [float(w) for w in weights], "metrics": metrics, "iteration": iteration + 1}


def mixture_step(config: Any, run: RunConfig, artist: Any, others: list[Any], weights: torch.Tensor,
                 metrics: dict[str, float]) -> torch.Tensor:
    """One (1+1)-ES step on the neighbourhood mixture's weights (the cell's new generator first): the parent and
    a child (Gaussian step of ``mixture_sigma``, clipped at 0, normalised) are scored on the same latents; the one
    with the lower FID is kept. Records both FIDs and the cell's own generator's."""
    members = [artist, *others]
    net, real = scorer(run.data, run.size, run.artist_options.get("channels"), config.score_samples, config.judge)
    z = randn(config.score_samples, int(artist.nz) + 1)
    child = normalised(weights + config.mixture_sigma * randn(len(weights), dtype=torch.float64))
    parent_fid = mixture_fid(members, weights, z, net, real)
    child_fid = mixture_fid(members, child, z, net, real)
    own = torch.zeros_like(weights)
    own[0] = 1.0
    metrics.update(mixture_fid=min(parent_fid, child_fid), own_fid=mixture_fid(members, own, z, net, real),
                   mixture_improved=float(child_fid < parent_fid))
    return child if child_fid < parent_fid else normalised(weights)


def _plain(images: torch.Tensor) -> Any:
    from coevo.protocols import Proposal

    return Proposal(images=images)


def _mean(values: list[float]) -> float:
    finite = [v for v in values if math.isfinite(v)]
    return sum(finite) / len(finite) if finite else math.nan


def start_cell(config: Any, index: int, shape: tuple[int, int, int]) -> dict[str, Any]:
    """Cell ``index``'s state at iteration 0: an artist and a critic drawn from the cell's own generators, seeded
    from the grid's seed and the cell's index."""
    from coevo.programs.build import build_artist, build_critic

    run = replace(config.cell_config(), seed=cell_seed(config.seed, index))
    generators = Generators()
    with using(generators):
        generators.seed(run.seed)
        artist = build_artist(run, shape, torch.device("cpu"))
        critic = build_critic(run, shape, torch.device("cpu"))
        hood = neighbours(index, config.side)
        return {"artist": artist.state_dict(), "critic": critic.state_dict(), "rng": rng_state(),
                "weights": [1 / len(hood)] * len(hood), "metrics": {}, "iteration": 0}


def cell_seed(seed: int, index: int) -> int:
    """A cell's own seed: distinct for every (grid seed, cell) pair of a grid of at most 4,096 cells."""
    return (seed * 4096 + index) % 2**63


def run_cell(config: Any, index: int, iteration: int, *states: dict[str, Any]) -> bytes:
    """``play_cell`` with torch on one thread (the same arithmetic order here and on any worker), restoring the
    caller's thread count; the new state pickled, as it leaves a worker (``pickle.loads`` it). ``use_threads``
    starts Numba's thread pool first: started later, inside a process's first cell, it reset the OpenMP count
    torch reads, so that cell's convolution gradients differed in the last bits from any later cell's (a resumed
    or a worker's first cell played other bytes)."""
    from coevo.threads import use_threads

    previous = torch.get_num_threads()
    use_threads(1)
    try:  # the same bytes whichever way the cells ran: unpickled, a state shares no object with another cell's
        # (pickle writes a shared object once, so sharing would change a checkpoint's bytes, not its values)
        return pickle.dumps(play_cell(config, index, iteration, *states))
    finally:
        torch.set_num_threads(previous)
