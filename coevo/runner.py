"""Builds a run from its config and plays it into a run folder, checkpointing so a killed run resumes."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import torch
from tqdm import tqdm

from coevo import registry
from coevo.atomic import atomic_write_bytes, atomic_write_text
from coevo.champions import ChampionSheet
from coevo.config import RunConfig, dump_config, load_config
from coevo.data import ImageSet, load_data
from coevo.diversity import SharedFitness
from coevo.errors import CoevoError
from coevo.evolution import EvolutionaryArtist, EvolutionConfig
from coevo.fakes import FakePool
from coevo.images import save_png
from coevo.loop import LoopConfig, play_round, warm_up
from coevo.protocols import Artist, Critic, Genetics, Proposal
from coevo.rng import rng_state, seed_everything, set_rng_state
from coevo.scoreboard import Scoreboard, split_real
from gallery.curves import plot_curves
from gallery.genomes import GenomeFile, read_genome
from gallery.runs import RunFolder
from gallery.store import Store, parse_spec


def resolve_device(name: str) -> torch.device:
    """``auto`` picks CUDA when present, else the CPU."""
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name.startswith("cuda") and not torch.cuda.is_available():
        raise CoevoError(f"device {name!r} asked for but no CUDA GPU is available; use --device cpu or auto")
    return torch.device(name)


def build_genetics(name: str, options: dict[str, Any], channels: int | None = None) -> tuple[registry.Entry, Genetics]:
    """The genetics of an evolutionary artist, by registry name or plugin path."""
    entry = registry.artist_entry(name)
    cls = registry.load(entry)
    provided = {} if channels is None else {"channels": channels}
    genetics = registry.construct(cls, f"artist {name!r}", provided, options)
    if not isinstance(genetics, Genetics):
        raise CoevoError(f"artist {name!r} is not evolutionary (it has no genome); pick an evolutionary artist")
    return entry, genetics


def load_genome(spec: str | Path) -> tuple[str, Genetics, Any, dict[str, Any]]:
    """Any genome file: artist name, its genetics, the genome and its metadata.

    ``.json`` is a coevo genome file; other suffixes go to the importer registered for them;
    ``gallery:ID`` (or ``gallery:ROOT:ID``) is a stored individual, its meta naming ``gallery_id`` and ``gallery_root``.
    """
    if str(spec).startswith("gallery:"):
        root, individual = parse_spec(str(spec))
        with Store(root, create=False) as store:
            row = store.get(individual)
        _, genetics = build_genetics(row.artist, row.options)
        meta = {"gallery_id": row.id, "gallery_root": str(store.root), "round": row.round, "score": row.score,
                "title": row.title}
        return row.artist, genetics, genetics.from_json(row.genome), meta
    path = Path(spec)
    importer = registry.IMPORTERS.get(path.suffix.lower())
    if importer is not None:
        artist, target = importer
        return artist, *registry.load(registry.Entry(artist, target, "importer"))(path)
    record = read_genome(path)
    _, genetics = build_genetics(record.artist, record.options)
    return record.artist, genetics, genetics.from_json(record.genome), record.meta


def build_artist(config: RunConfig, shape: tuple[int, int, int], device: torch.device) -> Artist:
    """An artist making images of ``shape`` = (C, H, W)."""
    entry = registry.artist_entry(config.artist)
    cls = registry.load(entry)
    provided = {"channels": shape[0], "size": config.size, "shape": shape, "batch": config.pop, "device": device,
                "loss": config.loss}
    built = registry.construct(cls, f"artist {config.artist!r}", provided, dict(config.artist_options))
    if isinstance(built, Genetics):
        evolution = EvolutionConfig(pop=config.pop, size=config.size, elite=config.elite,
                                    tournament=config.tournament, cxpb=config.cxpb, mutpb=config.mutpb)
        return EvolutionaryArtist(built, evolution)
    if not isinstance(built, Artist):
        raise CoevoError(f"{config.artist!r} is neither an Artist nor Genetics; see coevo.protocols")
    return built


def build_critic(config: RunConfig, shape: tuple[int, int, int], device: torch.device) -> Critic:
    """A critic judging images of ``shape`` = (C, H, W)."""
    cls = registry.load(registry.critic_entry(config.critic))
    provided = {"shape": shape, "device": device, "loss": config.loss}
    critic = registry.construct(cls, f"critic {config.critic!r}", provided, dict(config.critic_options))
    if not isinstance(critic, Critic):
        raise CoevoError(f"{config.critic!r} is not a Critic (score, learn, state_dict); see coevo.protocols")
    return critic


@dataclass
class Game:
    """Everything one run plays with."""

    config: RunConfig
    data: ImageSet | None  # the real images the critic trains on (without the held-out part)
    artist: Artist
    critic: Critic  # what scores the artist: the critic, or a fitness-sharing wrapper around it
    fakes: FakePool
    loop: LoopConfig
    board: Scoreboard  # per-round measures against the held-out real images
    origin: dict[str, Any] = field(default_factory=dict)  # meta of the genome the population was seeded from


def build(config: RunConfig) -> Game:
    """Seed every generator, then load the data and build artist, critic and fake pool from the config."""
    config.validate()
    seed_everything(config.seed)
    data, held_out = (None, None) if config.data == "none" else split_real(load_data(config.data, config.size))
    shape = data.shape if data is not None else (int(config.artist_options.get("channels", 1)), config.size,
                                                   config.size)
    device = resolve_device(config.device)
    artist = build_artist(config, shape, device)
    critic = build_critic(config, shape, device)
    judge = SharedFitness(critic, config.diversity) if config.diversity > 0 else critic
    fakes = FakePool(config.fakes, config.replay, config.champions)
    loop = LoopConfig(critic_steps=config.critic_steps, batch=config.batch, warmup=config.warmup)
    origin = seed_population(artist, config) if config.start_from else {}
    return Game(config, data, artist, judge, fakes, loop, Scoreboard(critic, held_out), origin)


def seed_population(artist: Artist, config: RunConfig) -> dict[str, Any]:
    """Start an evolutionary artist from a stored genome (a branch); returns the genome's meta."""
    name, genetics, genome, meta = load_genome(config.start_from)
    if not isinstance(artist, EvolutionaryArtist):
        raise CoevoError(f"--from needs an evolutionary artist; {config.artist!r} has no genomes")
    if name != config.artist:
        raise CoevoError(f"{config.start_from} is a {name!r} genome but the run's artist is {config.artist!r}; "
                         f"pass --artist {name} or leave --artist out")
    artist.seed([artist.genetics.from_json(genetics.to_json(genome))])
    return meta


class RunRecorder:
    """Writes each round into the run folder (a metrics line, contact sheets, curves, the champion's genome and
    image) and indexes the run, its ancestry and its champions in the gallery (``Store.for_run``)."""

    def __init__(self, folder: RunFolder, game: Game, first: int = 0) -> None:
        self.folder, self.game = folder, game
        self.champions = ChampionSheet(folder)
        self.store = Store.for_run(folder.path)
        cfg = game.config
        self.run_id = self.store.add_run(folder.path, artist=cfg.artist, critic=cfg.critic, data=cfg.data,
                                         settings=asdict(cfg), source=cfg.start_from,
                                         origin=self.store.origin_of(game.origin, cfg.start_from))
        self.store.forget_rounds(self.run_id, first)

    def record(self, round_index: int, metrics: dict[str, float], proposal: Proposal,
               scores: torch.Tensor) -> None:
        cfg = self.game.config
        self.folder.append_metrics({"round": round_index, **{k: round(float(v), 6) for k, v in metrics.items()}})
        order = torch.argsort(scores.detach().float().cpu(), descending=True)
        last = round_index == cfg.rounds - 1
        self.champions.add(round_index, proposal.images[int(order[0])])
        if proposal.genomes is not None:
            if proposal.ids is not None and proposal.parents is not None:
                self.store.record_population(self.run_id, round_index, proposal.ids, proposal.parents)
            self._save_champion(round_index, proposal, scores, int(order[0]))
        if round_index % cfg.sheet_every == 0 or last:
            self.folder.save_sheet(f"round-{round_index:04d}", proposal.images.detach()[order])
            self.champions.save(round_index + 1)
            title = f"{cfg.artist} vs {cfg.critic} on {cfg.data}, seed {cfg.seed}"
            atomic_write_bytes(self.folder.path / "curves.png", plot_curves(self.folder.metrics(), title))

    def _save_champion(self, round_index: int, proposal: Proposal, scores: torch.Tensor, best: int) -> None:
        artist = self.game.artist
        genetics = artist.genetics if isinstance(artist, EvolutionaryArtist) else None
        if genetics is None or proposal.genomes is None:
            return
        meta = {"id": proposal.ids[best] if proposal.ids else None,
                "parents": list(proposal.parents[best]) if proposal.parents else [],
                "round": round_index, "score": round(float(scores[best].detach()), 6)}
        record = GenomeFile(self.game.config.artist, genetics.options(), genetics.to_json(proposal.genomes[best]),
                            meta)
        self.folder.save_genome(f"champion-{round_index:04d}", record)
        self.folder.save_genome("best", record)
        image_path = self.folder.path / "images" / f"champion-{round_index:04d}.png"
        image = save_png(proposal.images.detach()[best], image_path)
        self.store.add_individual(self.run_id, artist=record.artist, genome=record.genome, options=record.options,
                                  round_index=round_index, local_id=meta["id"], local_parents=meta["parents"],
                                  score=meta["score"], image=image)


def checkpoint(folder: RunFolder, game: Game, next_round: int) -> None:
    """Everything needed to continue from ``next_round``, written atomically."""
    folder.save_checkpoint({"round": next_round, "artist": game.artist.state_dict(),
                            "critic": game.critic.state_dict(), "fakes": game.fakes.state_dict(),
                            "rng": rng_state()})


def play(folder: RunFolder, game: Game, first: int) -> None:
    """Play rounds ``first`` .. ``rounds - 1``, checkpointing as configured, with a progress bar."""
    cfg = game.config
    real = game.data.sample if game.data is not None else None
    recorder = RunRecorder(folder, game, first)
    bar = tqdm(range(first, cfg.rounds), initial=first, total=cfg.rounds, desc=f"{cfg.artist} vs {cfg.critic}",
               unit="round", leave=False, dynamic_ncols=True)
    for index in bar:
        proposal, scores, metrics = play_round(game.artist, game.critic, real, game.fakes, game.loop,
                                               game.board.before_learning)
        metrics.update(game.board.after_scoring(proposal, scores, raw=game.critic is game.board.critic))
        recorder.record(index, metrics, proposal, scores)
        bar.set_postfix(best=f"{metrics.get('score_max', 0.0):.3f}")
        if (index + 1) % cfg.checkpoint_every == 0 or index + 1 == cfg.rounds:
            checkpoint(folder, game, index + 1)
    bar.close()
    recorder.store.close()


def start(config: RunConfig, out: Path) -> RunFolder:
    """Create the run folder, warm the critic up and play the whole run."""
    game = build(config)  # fails on bad input before anything is written
    folder = RunFolder(out)
    folder.create(dump_config(config))
    if game.data is not None:
        warm_up(game.artist, game.critic, game.data.sample, game.fakes, game.loop)
    play(folder, game, 0)
    return folder


def resume(out: Path, rounds: int | None = None) -> RunFolder:
    """Continue a killed or finished run from its last checkpoint, optionally to a new round count."""
    folder = RunFolder(out)
    if not folder.config_path.exists():
        raise CoevoError(f"{out} holds no run (no {folder.config_path.name}); start one with `coevo run --out {out}`")
    config = load_config(folder.config_path)
    if rounds is not None:
        config.rounds = rounds
    folder.remove_partial_writes()
    state = folder.load_checkpoint()
    game = build(config)
    if state is None:
        folder.keep_metrics(0)
        if game.data is not None:
            warm_up(game.artist, game.critic, game.data.sample, game.fakes, game.loop)
        first = 0
    else:
        game.artist.load_state_dict(state["artist"])
        game.critic.load_state_dict(state["critic"])
        game.fakes.load_state_dict(state["fakes"])
        set_rng_state(state["rng"])
        first = int(state["round"])
        folder.keep_metrics(first)
    if rounds is not None:
        atomic_write_text(folder.config_path, dump_config(config))
    play(folder, game, first)
    return folder
