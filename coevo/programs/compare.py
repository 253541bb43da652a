"""Plays several artists against the same critic on the same data under the same budget, measuring as it goes.

Each artist plays an ordinary run folder (``OUT/ARTIST``), so ``coevo resume`` and ``coevo latent`` work on it;
evaluations land in its ``evals.jsonl``. ``coevo.programs.report`` turns the folder into report.html and report.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import torch

from coevo import registry
from coevo.atomic import atomic_write_text
from coevo.config import RunConfig, dump_config, load_config
from coevo.data import ImageSet, load_data
from coevo.errors import CoevoError
from coevo.jsonl import append_jsonl, read_jsonl
from coevo.loop import Hook, Progress, Round, Stop, coevolve, warm_up
from coevo.metrics import Evaluator
from coevo.programs.build import Game, build
from coevo.programs.run import Checkpointer, RunRecorder
from coevo.protocols import Artist, Sampler
from coevo.rng import rng_state, set_rng_state
from coevo.runfolder import RunFolder, check_kind, folder_lock, mark_kind

DEFAULT_ARTISTS = ("dcgan", "gp", "cppn")  # the automated artists compared by default, when registered
EVALS = "evals.jsonl"


@dataclass
class Budget:
    """How much each artist may play: images shown to the critic, or wall-clock seconds (whichever is set)."""

    images: int | None = 20000  # images the artist shows the critic in all
    seconds: float | None = None  # wall-clock seconds of play (evaluation time excluded)

    def __post_init__(self) -> None:
        if (self.images is None) == (self.seconds is None):
            raise CoevoError("give exactly one budget: --images N or --seconds S")
        if (self.images is not None and self.images < 1) or (self.seconds is not None and self.seconds <= 0):
            raise CoevoError("the budget must be positive")

    def fraction(self, images: int, seconds: float) -> float:
        """How much of the budget is spent (1.0 = all)."""
        return images / self.images if self.images is not None else seconds / float(self.seconds or 1)

    def stop(self) -> Stop:
        return Stop(images=self.images, seconds=self.seconds)

    def describe(self) -> str:
        return f"{self.images} images seen" if self.images is not None else f"{self.seconds:g} s of play"


@dataclass
class CompareSettings:
    """What every compared artist shares."""

    base: RunConfig  # critic, data, size, seed, loss, device, critic steps: shared by all artists
    artists: list[str] = field(default_factory=lambda: default_artists())  # registry names or plugin paths
    budget: Budget = field(default_factory=Budget)
    evals: int = 5  # evaluations per artist, evenly spread over the budget
    samples: int = 1000  # generated images per evaluation (artists that can sample; else their population)
    features: str = "auto"  # metric features: auto (classifier when labelled), classifier, autoencoder
    runs: list[Path] = field(default_factory=list)  # existing run folders to evaluate and report beside them


@dataclass
class Entrant:
    """One column of the report: a played artist or an existing run, with its evaluations and round metrics."""

    label: str  # the artist's name, or the run folder's name
    folder: Path  # its run folder
    config: RunConfig  # its settings
    evals: list[dict[str, Any]]  # evaluations over time (images_seen, seconds, fid, ...)
    rounds: list[dict[str, Any]]  # metrics.jsonl rows


def default_artists() -> list[str]:
    """The automated artists registered here, in ``DEFAULT_ARTISTS`` order."""
    names = {entry.name for entry in registry.ARTISTS}
    return [name for name in DEFAULT_ARTISTS if name in names]


def artist_config(base: RunConfig, artist: str) -> RunConfig:
    """One artist's run config: the shared settings plus its paradigm's defaults (GAN or evolution)."""
    entry = registry.artist_entry(artist)
    if registry.is_evolutionary(entry):
        return replace(base, artist=artist, fakes="champions", artist_options={})
    return replace(base, artist=artist, fakes="latest", warmup=0, pop=base.batch, artist_options={})


def sample_images(artist: Artist, n: int, last: torch.Tensor) -> torch.Tensor:
    """``n`` fresh images from an artist that can sample (a generator), else its latest proposal."""
    if isinstance(artist, Sampler):
        return artist.sample(n)
    return last.detach().float().cpu()


def evaluate(game: Game, evaluator: Evaluator, samples: int, last: torch.Tensor) -> tuple[dict[str, float],
                                                                                     torch.Tensor]:
    """The metrics of the artist's current images; leaves every random generator as it found it."""
    state = rng_state()
    try:
        images = sample_images(game.artist, samples, last)
        wasserstein = game.config.loss in ("wgan", "wgan-gp")
        metrics = evaluator.evaluate(images, game.critic, None if wasserstein else 0.0)
    finally:
        set_rng_state(state)
    return {**metrics, "samples": float(len(images))}, images


class Evaluations(Hook):
    """Evaluates the artist ``settings.evals`` times, evenly over the budget, into ``evals.jsonl``."""

    def __init__(self, folder: RunFolder, game: Game, settings: CompareSettings, evaluator: Evaluator) -> None:
        self.folder, self.game, self.settings, self.evaluator = folder, game, settings, evaluator
        self.marks = [(i + 1) / settings.evals for i in range(settings.evals)]
        self.images = torch.zeros(0)  # the last evaluation's samples

    def on_round_end(self, played: Round, progress: Progress) -> None:
        spent = self.settings.budget.fraction(progress.images, progress.seconds)
        if not self.marks or spent < self.marks[0] - 1e-9:
            return
        while self.marks and spent >= self.marks[0] - 1e-9:
            self.marks.pop(0)
        result, self.images = evaluate(self.game, self.evaluator, self.settings.samples, played.proposal.images)
        append_eval(self.folder.path, {"round": progress.rounds, "images_seen": progress.images,
                                       "seconds": round(progress.seconds, 3), **result})


def play_artist(folder: RunFolder, game: Game, settings: CompareSettings, evaluator: Evaluator) -> torch.Tensor:
    """Play one artist until the budget is spent, evaluating ``settings.evals`` times; returns its last samples."""
    assert game.data is not None
    folder.create(dump_config(game.config), kind="run")
    warm_up(game.players, game.progress)
    stop = settings.budget.stop()
    recorder = RunRecorder(folder, game, stop, timed=True)
    evaluations = Evaluations(folder, game, settings, evaluator)
    try:
        coevolve(game.players, game.schedule, stop, game.progress, [recorder, evaluations])
    finally:
        recorder.close()
    game.config.rounds = game.progress.rounds
    atomic_write_text(folder.config_path, dump_config(game.config))
    Checkpointer(folder, game, stop).save()
    return evaluations.images


def append_eval(folder: Path, row: dict[str, Any]) -> None:
    append_jsonl(folder / EVALS, {k: round(v, 6) if isinstance(v, float) else v for k, v in row.items()})


def evaluate_run(path: Path, evaluator: Evaluator, samples: int) -> tuple[Entrant, torch.Tensor]:
    """An existing run folder's latest checkpoint, evaluated once (its folder is left untouched)."""
    folder = RunFolder(path)
    state = folder.played_checkpoint()
    game = build(load_config(folder.config_path))
    game.load_state_dict({k: v for k, v in state.items() if k != "rng"})
    rounds = game.progress.rounds
    with torch.no_grad():
        last = game.artist.ask().images
    result, images = evaluate(game, evaluator, samples, last)
    row = {"round": rounds, "images_seen": rounds * len(last), **result}
    return Entrant(path.name, path, game.config, [row], folder.metrics()), images


def compare(settings: CompareSettings, out: Path) -> Path:
    """Play every artist into ``out/ARTIST`` and write the report; returns the report's path."""

    if not settings.artists and not settings.runs:
        raise CoevoError("nothing to compare; pass --artists dcgan,gp or --runs DIR ...")
    if settings.evals < 1 or settings.samples < 8:
        raise CoevoError("need --evals >= 1 and --samples >= 8")
    out = Path(out)
    check_kind(out, "compare")
    taken = [a for a in settings.artists if (out / folder_name(a) / "config.toml").exists()]
    if taken:
        raise CoevoError(f"{out} already holds a comparison (a run of {taken[0]!r}); choose another --out")
    games = [build(artist_config(settings.base, artist)) for artist in settings.artists]  # bad input fails early
    if settings.base.data == "none":
        raise CoevoError("a comparison needs real data; pass --data digits, mnist:DIR, a folder or a .npz")
    data = load_data(settings.base.data, settings.base.size)  # all of it: the metrics' features learn from it
    evaluator = Evaluator(data, kind=settings.features)
    with folder_lock(out):
        mark_kind(out, "compare")
        return _compare(settings, out, games, data, evaluator)


def _compare(settings: CompareSettings, out: Path, games: list[Game], data: ImageSet, evaluator: Evaluator) -> Path:
    """``compare`` with its folder locked: play every artist, evaluate the finished runs, write the report."""
    from coevo.programs.report import write_report

    entrants: list[tuple[Entrant, torch.Tensor]] = []
    for artist, game in zip(settings.artists, games):
        game = build(game.config)  # rebuilt right before play: each artist starts from the same seeded state
        folder = RunFolder(out / folder_name(artist))
        images = play_artist(folder, game, settings, evaluator)
        entrants.append((Entrant(artist, folder.path, game.config, load_evals(folder.path), folder.metrics()),
                         images))
    for path in settings.runs:
        config = load_config(Path(path) / "config.toml") if (Path(path) / "config.toml").exists() else None
        if config is not None and (config.data, config.size) != (settings.base.data, settings.base.size):
            raise CoevoError(f"run {path} played on {config.data} at {config.size} px, not {settings.base.data} at "
                             f"{settings.base.size} px; pass the same --data and --size")
        entrants.append(evaluate_run(path, evaluator, settings.samples))
    return write_report(out, entrants, data, settings, evaluator.net.kind, evaluator.real_floor(settings.samples))


def folder_name(artist: str) -> str:
    """A file-system-safe folder name for an artist (plugin paths contain ':' and '.')."""
    return artist.replace(":", "_").replace("/", "_")


def load_evals(folder: Path) -> list[dict[str, Any]]:
    """The evaluations an artist's run folder holds, in order."""
    return read_jsonl(Path(folder) / EVALS)


def real_sample(data: ImageSet, n: int = 64) -> torch.Tensor:
    """A fixed, seed-independent sample of real images for the report."""
    return data.images[:: max(1, len(data) // n)][:n]

