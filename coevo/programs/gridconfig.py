"""The settings of ``coevo grid`` (``coevo.programs.grid``), apart from it: reading them, and the command's help,
need no torch."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from coevo.training import registry
from coevo.training.config import RunConfig, check_yardstick
from coevo.training.settings import borrow, check, setting

MAX_SIDE = 8  # 64 cells: each is a task per iteration holding two networks
OPPONENTS = ("selected", "random")
# Lipizzaner adds alpha x N(-lr/10, lr) (alpha 1e-4) to a learning rate with chance 0.5 at every batch: about 2e-8
# a step at lr 2e-4, so about 1.4e-7 over its 100-batch iteration. (An older default, 1e-4, took alpha for the
# step itself: a few iterations walked learning rates of 2e-4 to the floor or past 5e-4.)
LR_SIGMA = 1e-7
PLAYED_BEFORE = {"opponents": "random"}  # what a grid saved before a setting existed played (read_config)


@dataclass
class GridConfig:
    """What determines a grid; saved as its ``config.toml`` (where the cells run is not part of it)."""

    artist: str = setting("mlpgan", "each cell's artist: a generator (mlpgan, dcgan) or an evolutionary artist (gp)")
    critic: str = setting("cnn", "each cell's critic (see `coevo list`)")
    data: str = setting("digits", "real images: digits (bundled), mnist:DIR, an image folder, FILE.npz")
    side: int = setting(2, "cells per side of the torus (side x side cells)", low=1, high=MAX_SIDE)
    iterations: int = setting(10, "iterations: each cell plays its neighbourhood once per iteration", low=1)
    steps: int = setting(10, "artist updates (generator steps or generations) per cell and iteration", low=1,
                         high=100_000)
    size: int = borrow(RunConfig, "size")
    seed: int = borrow(RunConfig, "seed")
    batch: int = borrow(RunConfig, "batch")
    pop: int = borrow(RunConfig, "pop")
    critic_steps: int = borrow(RunConfig, "critic_steps")
    loss: str = borrow(RunConfig, "loss")
    opponents: str = setting("selected", "whom the chosen artist and critic train against: selected (each other, "
                             "as Lipizzaner) or random (a random neighbour's frozen critic / artist each step)",
                             choices=OPPONENTS)
    selection: int = setting(2, "tournament size of the selection among the neighbourhood's artists and critics",
                             low=1, high=16)
    lr_mutation: float = setting(0.5, "chance an iteration mutates a network's learning rate", low=0.0, high=1.0)
    lr_sigma: float = setting(LR_SIGMA, "standard deviation of a learning-rate mutation (added; at least 1e-6 "
                              "after)", low=0.0, high=1.0)
    mixture_sigma: float = setting(0.01, "standard deviation of the mixture weights' (1+1)-ES step", low=0.0,
                                   high=10.0)
    score_samples: int = setting(500, "samples scoring a mixture's weights (FID on the data's classifier; 0: no "
                                 "mixture)", low=0, high=10_000)
    yardstick: str = borrow(RunConfig, "yardstick")
    judge: float = setting(0.0, "independent judge: set about this share of the real images aside, never seen by a "
                           "cell, to train a network that scores all cells' images each iteration (judge_fid, "
                           "judge_confident: read as a class with p >= 0.9); 0: off", low=0.0, high=0.5)
    artist_options: dict[str, Any] = borrow(RunConfig, "artist_options")
    critic_options: dict[str, Any] = borrow(RunConfig, "critic_options")

    def validate(self) -> GridConfig:
        check(self)
        self.cell_config()
        if self.yardstick:
            check_yardstick(self.yardstick)
        return self

    def evolutionary(self) -> bool:
        return registry.is_evolutionary(registry.artist_entry(self.artist))

    def cell_config(self) -> RunConfig:
        """The run settings every cell's artist and critic are built from (a GAN's pop is its batch)."""
        pop = self.pop if self.evolutionary() else self.batch
        return replace(RunConfig(), artist=self.artist, critic=self.critic, data=self.data, size=self.size,
                       seed=self.seed, batch=self.batch, pop=pop, critic_steps=self.critic_steps, loss=self.loss,
                       warmup=0, fakes="latest", device="cpu", threads=1, artist_options=dict(self.artist_options),
                       critic_options=dict(self.critic_options)).validate()
