"""Builds a run's game from its config: data, artist, critic, fake pool, schedule and measures."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import torch

from coevo.data import ImageSet, load_data
from coevo.devices import resolve_device
from coevo.errors import CoevoError
from coevo.evolution.ga import EvolutionaryArtist, EvolutionConfig
from coevo.evolution.pastjury import PastJury
from coevo.evolution.sharing import SharedFitness
from coevo.fakes import FakePool
from coevo.loop import LoopConfig, Players
from coevo.metrics.scoreboard import Scoreboard, split_real
from coevo.programs.genomes import load_genome
from coevo.protocols import (
    Artist,
    Catalog,
    ConditionalGenerator,
    Critic,
    Genetics,
    LabelledCritic,
    SchoolingArtist,
)
from coevo.rng import seed_everything
from coevo.schedules import make_schedule
from coevo.store.catalog import NoCatalog
from coevo.threads import use_threads
from coevo.training import registry
from coevo.training.config import RunConfig
from coevo.training.settings import subset
from coevo.training.trainer import Game


def classes_of(data: ImageSet | None) -> dict[str, int]:
    """``{"classes": K}`` for labelled data (given to artists and critics that take it), else nothing."""
    if data is None or data.labels is None or not len(data.labels):
        return {}
    return {"classes": int(data.labels.max()) + 1}


def build_artist(config: RunConfig, shape: tuple[int, int, int], device: torch.device,
                 extra: dict[str, Any] | None = None) -> Artist:
    """An artist making images of ``shape`` = (C, H, W); ``extra``: more provided arguments (``classes``, and
    ``real``, the real-image sampler, for artists that learn from the data)."""
    entry = registry.artist_entry(config.artist)
    cls = registry.load(entry)
    provided = {"channels": shape[0], "size": config.size, "shape": shape, "batch": config.pop, "device": device,
                "loss": config.loss, **(extra or {})}
    built = registry.construct(cls, f"artist {config.artist!r}", provided, dict(config.artist_options))
    if isinstance(built, Genetics):
        return EvolutionaryArtist(built, subset(EvolutionConfig, config))
    if not isinstance(built, Artist):
        raise CoevoError(f"{config.artist!r} is neither an Artist nor Genetics; see coevo.protocols")
    return built


def build_critic(config: RunConfig, shape: tuple[int, int, int], device: torch.device,
                 extra: dict[str, Any] | None = None) -> Critic:
    """A critic judging images of ``shape`` = (C, H, W); ``extra``: more provided arguments (``classes``). One that
    holds other critics (a jury) is handed ``make_critic(name, options)``, which builds them the same way."""
    cls = registry.load(registry.critic_entry(config.critic))

    def make_critic(name: str, options: dict[str, Any]) -> Critic:
        return build_critic(replace(config, critic=name, critic_options=dict(options)), shape, device, extra)

    provided = {"shape": shape, "device": device, "loss": config.loss, "make_critic": make_critic,
                "channels_last": config.channels_last, "full_width": config.critic_full_width, **(extra or {})}
    critic = registry.construct(cls, f"critic {config.critic!r}", provided, dict(config.critic_options))
    if not isinstance(critic, Critic):
        raise CoevoError(f"{config.critic!r} is not a Critic (score, learn, state_dict); see coevo.protocols")
    return critic


def build(config: RunConfig, catalog: Catalog | None = None) -> Game:
    """Set torch's threads and seed every generator, then load the data and build artist, critic and fake pool
    from the config; ``meta`` holds the held-out measures' critic (``critic``), the genome a branch started from
    (``origin``) and the real images the critic trains on (``data``)."""
    config.validate()
    use_threads(config.threads)
    seed_everything(config.seed)
    channels = artist_channels(config)
    data, judged = judge_split(config, None if config.data == "none" else load_data(config.data, config.size,
                                                                                       channels))
    data, held_out = (None, None) if data is None else split_real(data)
    shape = data.shape if data is not None else (channels or 1, config.size, config.size)
    device = resolve_device(config.device)
    classes = classes_of(data)
    real = {} if data is None else {"real": data.sample}  # for artists that learn from the data (vae)
    artist = build_artist(config, shape, device, classes | real)
    if isinstance(artist, SchoolingArtist) and config.schedule != "phases":
        raise CoevoError(f"the artist {config.artist!r} runs a whole school of searches a phase; pass --schedule "
                         "phases (as --config vickers2017 does)")
    critic = build_critic(config, shape, device, classes)
    if isinstance(artist, ConditionalGenerator) and isinstance(critic, LabelledCritic) and not classes:
        raise CoevoError(f"the conditional artist {config.artist!r} needs labelled data (digits, mnist:DIR, a .npz "
                         f"with labels); {config.data!r} has none")
    judge = SharedFitness(critic, config.diversity) if config.diversity > 0 else critic
    if config.phase_jury:
        if config.schedule != "phases":
            raise CoevoError("--phase-jury judges by the critics of earlier phases: pass --schedule phases, or "
                             "--phase-jury 0")
        judge = PastJury(judge, config.phase_jury, bare=critic)
    board = Scoreboard(critic, held_out, config.measure_every)
    players = Players(artist, judge, None if data is None else data.sample,
                      FakePool(config.fakes, config.replay, config.champions), subset(LoopConfig, config), board,
                      None if data is None or data.labels is None else data.sample_labelled)
    catalog = catalog or NoCatalog()
    origin = seed_population(artist, config, catalog) if config.start_from else {}
    schedule = make_schedule(config)
    parts = {"schedule": schedule, "artist": artist, "critic": judge, "fakes": players.fakes}
    return Game(config, players, schedule, config.stop(), parts, [board.clock()],
                checkpoint_every=config.checkpoint_every,
                checkpoint_seconds=config.checkpoint_seconds, label=f"{config.artist} vs {config.critic}",
                meta={"critic": critic, "origin": origin, "data": data, "judge_data": judged})


def judge_split(config: RunConfig, data: ImageSet | None) -> tuple[ImageSet | None, ImageSet | None]:
    """The real images the game plays with, and the independent judge's split (``--judge``: about that share,
    every k-th image), which the critic and the artist never see; ``(data, None)`` without a judge."""
    if config.judge <= 0:
        return data, None
    if data is None:
        raise CoevoError("--judge needs real data to set a split aside; pass --data (digits, mnist:DIR, ...) or "
                         "--judge 0")
    return data.split(config.judge)


def artist_channels(config: RunConfig) -> int | None:
    """The channels an artist option asks for (``channels=3`` draws colour), so that the real data is converted to
    match (grey digits as RGB); ``None`` when the artist follows the data."""
    value = config.artist_options.get("channels")
    if value is None:
        return None
    if isinstance(value, bool) or value not in (1, 3):
        raise CoevoError(f"--artist-option channels={value!r}: channels must be 1 (grey) or 3 (colour)")
    return int(value)


def seed_population(artist: Artist, config: RunConfig, catalog: Catalog) -> dict[str, Any]:
    """Start an evolutionary artist from a stored genome (a branch); returns the genome's meta."""
    name, genetics, genome, meta = load_genome(config.start_from, catalog)
    if not isinstance(artist, EvolutionaryArtist):
        raise CoevoError(f"--from needs an evolutionary artist; {config.artist!r} has no genomes")
    if name != config.artist:
        raise CoevoError(f"{config.start_from} is a {name!r} genome but the run's artist is {config.artist!r}; "
                         f"pass --artist {name} or leave --artist out")
    artist.seed([artist.genetics.from_json(genetics.to_json(genome))])
    return meta


