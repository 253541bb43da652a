"""Builds a game from a run's config: data, artist, critic, fake pool, schedule and measures."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import torch

from coevo.data import ImageSet, load_data
from coevo.devices import resolve_device
from coevo.errors import CoevoError
from coevo.evolution.ga import EvolutionaryArtist, EvolutionConfig
from coevo.evolution.sharing import SharedFitness
from coevo.fakes import FakePool
from coevo.loop import LoopConfig, Players, Progress, Schedule
from coevo.metrics.scoreboard import Scoreboard, split_real
from coevo.programs.genomes import load_genome
from coevo.protocols import Artist, Catalog, ConditionalGenerator, Critic, Genetics, LabelledCritic
from coevo.rng import seed_everything, set_rng_state
from coevo.schedules import make_schedule
from coevo.store.catalog import NoCatalog
from coevo.threads import use_threads
from coevo.training import registry
from coevo.training.config import RunConfig


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
        evolution = EvolutionConfig(pop=config.pop, size=config.size, elite=config.elite,
                                    tournament=config.tournament, cxpb=config.cxpb, mutpb=config.mutpb)
        return EvolutionaryArtist(built, evolution)
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

    provided = {"shape": shape, "device": device, "loss": config.loss, "make_critic": make_critic, **(extra or {})}
    critic = registry.construct(cls, f"critic {config.critic!r}", provided, dict(config.critic_options))
    if not isinstance(critic, Critic):
        raise CoevoError(f"{config.critic!r} is not a Critic (score, learn, state_dict); see coevo.protocols")
    return critic


@dataclass
class Game:
    """Everything one run plays with: its players, schedule and progress, and where it indexes itself."""

    config: RunConfig
    data: ImageSet | None  # the real images the critic trains on (without the held-out part)
    players: Players
    schedule: Schedule
    board: Scoreboard  # per-round measures against the held-out real images
    progress: Progress = field(default_factory=Progress)
    origin: dict[str, Any] = field(default_factory=dict)  # meta of the genome the population was seeded from
    catalog: Catalog = field(default_factory=NoCatalog)  # where the run indexes itself (the gallery, from the CLI)

    @property
    def artist(self) -> Artist:
        return self.players.artist

    @property
    def critic(self) -> Critic:
        """What scores the artist: the critic, or a fitness-sharing wrapper around it."""
        return self.players.critic

    @property
    def fakes(self) -> FakePool:
        return self.players.fakes

    def state_dict(self) -> dict[str, Any]:
        """The game's whole state but the random generators' (``coevo.rng``)."""
        return {"round": self.progress.rounds, "progress": self.progress.state_dict(),
                "schedule": self.schedule.state_dict(), "artist": self.artist.state_dict(),
                "critic": self.critic.state_dict(), "fakes": self.fakes.state_dict()}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restore a checkpoint, wave-1 ones (without progress or schedule) too."""
        self.artist.load_state_dict(state["artist"])
        self.critic.load_state_dict(state["critic"])
        self.fakes.load_state_dict(state["fakes"])
        self.progress = Progress(rounds=int(state["round"]))
        self.progress.load_state_dict(state.get("progress", {}))
        self.schedule.load_state_dict(state.get("schedule") or self.schedule.state_dict())
        if "rng" in state:
            set_rng_state(state["rng"])


def build(config: RunConfig, catalog: Catalog | None = None) -> Game:
    """Set torch's threads and seed every generator, then load the data and build artist, critic and fake pool
    from the config."""
    config.validate()
    use_threads(config.threads)
    seed_everything(config.seed)
    channels = artist_channels(config)
    data, held_out = ((None, None) if config.data == "none"
                      else split_real(load_data(config.data, config.size, channels)))
    shape = data.shape if data is not None else (channels or 1, config.size, config.size)
    device = resolve_device(config.device)
    classes = classes_of(data)
    real = {} if data is None else {"real": data.sample}  # for artists that learn from the data (vae)
    artist = build_artist(config, shape, device, classes | real)
    critic = build_critic(config, shape, device, classes)
    if isinstance(artist, ConditionalGenerator) and isinstance(critic, LabelledCritic) and not classes:
        raise CoevoError(f"the conditional artist {config.artist!r} needs labelled data (digits, mnist:DIR, a .npz "
                         f"with labels); {config.data!r} has none")
    judge = SharedFitness(critic, config.diversity) if config.diversity > 0 else critic
    board = Scoreboard(critic, held_out)
    loop = LoopConfig(critic_steps=config.critic_steps, batch=config.batch, warmup=config.warmup)
    players = Players(artist, judge, None if data is None else data.sample,
                      FakePool(config.fakes, config.replay, config.champions), loop, board,
                      None if data is None or data.labels is None else data.sample_labelled)
    catalog = catalog or NoCatalog()
    origin = seed_population(artist, config, catalog) if config.start_from else {}
    return Game(config, data, players, make_schedule(config), board, origin=origin, catalog=catalog)


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


