"""``coevo fool``: fooling images (Nguyen, Yosinski & Clune 2015) played through ``coevolve``.

A MAP-Elites artist (``coevo.evolution.mapelites``) keeps one elite per class of a fixed classifier critic
(``elites``: more) and is scored by the classifier's confidence for each class; by default it breeds as the
paper's MNIST runs do (200 mutated copies of random elites a generation, their mutation rates for the cppn
artist: ``NGUYEN_RATES``).
A gradient artist (``pixels``: gradient ascent on the image, or FGSM / PGD perturbing real images) plays the same
loop with the same per-class scores, metrics and sheets; it keeps the best image per class as scored (a
``GradientFooler``). The run folder gets ``metrics.jsonl`` (one line
per generation), a checkpoint after every generation (``coevo resume`` continues a killed run byte-identical),
``confidence.png``, ``elites.png`` (and 8x larger) and, for MAP-Elites, ``genomes/class-K.json``, its elites
indexed in the catalog (the gallery) like any run's champions; a gradient fooler's images have no genomes, and
its attacks (FGSM, PGD) add ``attacks.png`` (real images above, perturbed below).
"""

from __future__ import annotations

import math
from dataclasses import asdict
from pathlib import Path
from typing import Any

import torch
import torch.nn.functional as F

from coevo.data import load_data
from coevo.devices import resolve_device
from coevo.errors import CoevoError
from coevo.evolution.mapelites import MapElites
from coevo.fakes import FakePool
from coevo.images import grid, save_png, to_uint8
from coevo.loop import Hook, Players, Progress, Round, Stop
from coevo.protocols import Artist, Catalog, ClassConfidences, GradientFooler, RunIndex
from coevo.rng import seed_everything
from coevo.schedules import EveryRound
from coevo.store.atomic import atomic_write_bytes
from coevo.store.catalog import NoCatalog
from coevo.store.genomefile import GenomeFile
from coevo.store.imagefiles import contact_sheet, save_picture
from coevo.store.plots import plot_confidences
from coevo.store.runfolder import RunFolder
from coevo.threads import use_threads
from coevo.training import registry
from coevo.training.config import FoolConfig, load_config
from coevo.training.trainer import Game, Trainer

KIND = "fool"  # the catalog's name for such runs
BEFORE = {"rates": "artist"}  # what a config.toml written before ``rates`` existed ran with
# Nguyen et al.'s MNIST mutation (Evolving-AI-Lab/fooling, sferes dl_map_elites_images_mnist.cpp) in the cppn
# artist's terms: every weight mutated with p 0.1 (polynomial, eta 15, on [-10, 10]: a step of sd 1.62),
# add-neuron and add-connection 0.5, an activation change per neuron 0.1 (about 0.3 per genome early on); the
# paper's delete-connection 0.3 and delete-neuron 0.2 have no counterpart here
NGUYEN_RATES = {"cppn": {"weight": 1.0, "per_weight": 0.1, "sigma": 1.62, "replace": 0.0, "add_node": 0.5,
                         "add_connection": 0.5, "activation": 0.3, "limit": 10.0}}


def build(config: FoolConfig) -> Game:
    """Set torch's threads and seed every generator; the classifier critic and the MAP-Elites artist (grey or colour
    as the data)."""
    config.validate()
    use_threads(config.threads)
    seed_everything(config.seed)
    device = resolve_device(config.device)
    data = load_data(config.data, config.size)
    shape = data.shape
    critic = registry.construct(registry.load(registry.critic_entry(config.critic)), f"critic {config.critic!r}",
                                {"shape": shape, "device": device},
                                {"data": config.data, "steps": config.steps, **config.critic_options})
    if not isinstance(critic, ClassConfidences):
        raise CoevoError(f"critic {config.critic!r} has no confidences(images); use the classifier critic")
    entry = registry.artist_entry(config.artist)
    if not registry.is_evolutionary(entry):
        provided = {"shape": shape, "device": device, "classes": critic.classes, "batch": config.batch,
                    "real_labelled": data.sample_labelled if data.labels is not None else None}
        fooler = registry.construct(registry.load(entry), f"artist {config.artist!r}", provided,
                                    dict(config.artist_options))
        if not (isinstance(fooler, Artist) and isinstance(fooler, GradientFooler)):
            raise CoevoError(f"artist {config.artist!r} can neither evolve genomes for MAP-Elites nor fool by "
                             "gradient; use cppn, gp or pixels")
        return game(config, fooler, critic)
    rates = NGUYEN_RATES.get(config.artist, {}) if config.rates == "nguyen" else {}
    genetics = registry.construct(registry.load(entry), f"artist {config.artist!r}",
                                  {"channels": shape[0], "device": device}, {**rates, **config.artist_options})
    artist = MapElites(genetics, critic.classes, config.batch, config.size, config.cxpb, config.strength,
                       config.elites)
    return game(config, artist, critic)


def game(config: FoolConfig, artist: MapElites | GradientFooler, critic: ClassConfidences) -> Game:
    """A fooling game: the artist against the fixed classifier, every generation checkpointed."""
    players = Players(artist, critic, None, FakePool("latest"))
    return Game(config, players, EveryRound(), Stop(rounds=config.generations), {"artist": artist}, label="fooling")


class FoolRecorder(Hook):
    """A metrics line per generation and the population's ancestry, indexed in the catalog."""

    def __init__(self, folder: RunFolder, game: Game, index: RunIndex) -> None:
        self.folder, self.game, self.index = folder, game, index
        index.forget_rounds(game.progress.rounds)

    def on_round_end(self, played: Round, progress: Progress) -> None:
        row: dict[str, Any] = {"round": played.index, "generation": played.index}  # every run's rows have a round
        row.update({k: round(v, 8) for k, v in self.game.artist.metrics().items()})
        self.folder.append_metrics(row)
        proposal = played.proposal
        if proposal.ids is not None and proposal.parents is not None:
            self.index.record_population(played.index, proposal.ids, proposal.parents)

    def on_end(self, progress: Progress) -> None:
        save(self.folder, self.game, self.index)
        self.index.close()

    def on_exception(self, error: BaseException) -> None:
        self.index.close()


def save(folder: RunFolder, game: Game, index: RunIndex) -> None:
    """Curve, elite grids (as the classifier sees them and large), one genome file per class, catalog entries."""
    rows = folder.metrics()
    artist = game.artist
    atomic_write_bytes(folder.path / "confidence.png", plot_confidences(rows, len(artist.scores())))
    if not isinstance(artist, MapElites):
        save_images(folder, artist)
        return
    config, genetics = game.config, artist.genetics
    elites = [(cell, e) for cell, e in enumerate(game.artist.elites()) if e is not None]
    genomes = [e.genome for _, e in elites]
    small = genetics.render(genomes, config.size)
    labels = [label(cell, elite.score) for cell, elite in elites]
    save_elites(folder, small, genetics.render(genomes, 8 * config.size), labels)
    for (cell, elite), image in zip(elites, small):
        meta = {"class": cell, "confidence": elite.score, "generation": elite.generation, "id": elite.id,
                "parents": list(elite.parents)}
        record = GenomeFile(config.artist, genetics.options(), genetics.to_json(elite.genome), meta)
        folder.save_genome(f"class-{cell}", record)
        picture = save_png(image, folder.path / "images" / f"class-{cell}.png")
        index.add_individual(artist=config.artist, genome=record.genome, options=record.options,
                             round_index=elite.generation, local_id=elite.id, local_parents=elite.parents,
                             score=elite.score, image=picture)


def label(cell: int, confidence: float) -> str:
    """An elite's caption: the class it fools the classifier into, and how confidently."""
    return f"class {cell}: {confidence:.2%}"


def save_elites(folder: RunFolder, small: torch.Tensor, large: torch.Tensor, labels: list[str]) -> None:
    """``elites.png`` (as the classifier sees them, enlarged to at least 96 px) and ``elites-large.png``, each
    elite captioned with its class and the classifier's confidence."""
    title = "the elite of each class (the classifier's confidence in that class)"
    for images, name in ((small, "elites.png"), (large, "elites-large.png")):
        save_picture(contact_sheet(to_uint8(images), labels, columns=len(labels), title=title), folder.path / name)


def save_images(folder: RunFolder, artist: GradientFooler) -> None:
    """A gradient fooler's elite grids and per-class images; ``attacks.png`` (real above, perturbed below)."""
    elites = [(cell, image) for cell, image in enumerate(artist.elites()) if image is not None]
    small = torch.stack([image for _, image in elites])
    confidences = artist.scores()
    labels = [label(cell, float(confidences[cell])) for cell, _ in elites]
    save_elites(folder, small, F.interpolate(small, scale_factor=8, mode="nearest"), labels)
    for (cell, _), image in zip(elites, small):
        save_png(image, folder.path / "images" / f"class-{cell}.png")
    pairs = artist.pairs()
    if pairs is not None:
        real, perturbed = (images[:10] for images in pairs)
        save_png(grid(torch.cat([real, perturbed]), columns=len(real)), folder.path / "attacks.png")


class FoolProgram:
    """``coevo fool``: the fooling images of every class, indexed in ``catalog`` (the gallery, wired by the CLI)."""

    kind, length = KIND, "generations"

    def __init__(self, catalog: Catalog | None = None) -> None:
        self.catalog = catalog or NoCatalog()

    def read_config(self, path: Path) -> FoolConfig:
        return read_config(path)

    def build(self, config: FoolConfig) -> Game:
        return build(config)

    def begin(self, game: Game) -> None:
        pass

    def recorders(self, folder: RunFolder, game: Game) -> list[Hook]:
        config = game.config
        index = self.catalog.open_run(folder.path, kind=KIND, artist=config.artist, critic=config.critic,
                                      data=config.data, settings=asdict(config))
        return [FoolRecorder(folder, game, index)]

    def finish(self, folder: RunFolder, game: Game) -> tuple[RunFolder, list[float]]:
        """The folder and the final confidence per class."""
        return folder, game.artist.scores().tolist()


def configure(named: dict[str, Any]) -> FoolConfig:
    """A fooling run's settings from those the command line named, the rest their defaults; naming ``rates =
    "nguyen"`` for an artist without Nguyen et al.'s rates is an error, where by default it means the artist's own."""
    config = FoolConfig(**named)
    if named.get("rates") == "nguyen" and config.artist not in NGUYEN_RATES:
        raise CoevoError(f"--rates nguyen holds Nguyen et al.'s rates for {', '.join(NGUYEN_RATES)} only, not "
                         f"{config.artist!r}; drop --rates or pass --rates artist")
    return config


def run(config: FoolConfig, out: Path, catalog: Catalog | None = None) -> tuple[RunFolder, list[float]]:
    """Evolve the fooling images into ``out``; returns the folder and the final confidence per class."""
    return Trainer().fit(FoolProgram(catalog), config, out)


def resume(out: Path, generations: int | None = None,
           catalog: Catalog | None = None) -> tuple[RunFolder, list[float]]:
    """Continue a killed fooling run from its last checkpoint (or extend a finished one)."""
    return Trainer().resume(FoolProgram(catalog), out, generations)


def read_config(path: Path) -> FoolConfig:
    """A fooling run's ``config.toml``; one written before ``rates`` existed reads as it ran."""
    return load_config(path, FoolConfig, BEFORE)


def reached(scores: list[float], threshold: float = 0.9999) -> bool:
    return all(math.isfinite(s) and s >= threshold for s in scores)
