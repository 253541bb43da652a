"""``coevo compare``: every artist against a fresh copy of the same critic, on the same data, seeds and budget.

Each artist × seed is an ordinary run (``OUT/ARTIST/seed-S``) that the trainer plays until the budget (its config's
stop), with two more hooks that evaluate it; the runs are independent, so they run one by one or on a Dask cluster
(``coevo.programs.sweep``) with identical bytes. Evaluations land in each run's ``evals.jsonl``, all at the same n
images, and ``done.json`` marks a finished run, so a killed comparison continues where it stopped (an unfinished
run from its last checkpoint).
``coevo.programs.report`` turns the folder into report.html and report.md.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import time
from collections import OrderedDict
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

import torch

from coevo.data import ImageSet, load_data
from coevo.errors import CoevoError
from coevo.images import grid, save_png, to_uint8
from coevo.loop import Hook, Progress, Round, Stop
from coevo.metrics import Evaluator
from coevo.programs.build import build
from coevo.programs.comparison import BUDGETS, CompareSettings, Entrant, SeedRun
from coevo.programs.report import enlarge, write_report
from coevo.programs.run import RunProgram, RunRecorder
from coevo.programs.sweep import Task, run_tasks
from coevo.protocols import Sampler
from coevo.rng import rng_state, set_rng_state
from coevo.store.atomic import atomic_write_text
from coevo.store.jsonl import append_jsonl, read_jsonl, write_jsonl
from coevo.store.runfolder import RunFolder, check_kind, default_folder, folder_lock, mark_kind
from coevo.store.untrusted import read_text
from coevo.training import registry
from coevo.training.config import RunConfig, load_config
from coevo.training.trainer import Game, Trainer

EVALS, DONE, SETTINGS = "evals.jsonl", "done.json", "compare.json"


def artist_config(base: RunConfig, artist: str, seed: int, budget: Stop) -> RunConfig:
    """One artist's run config on one seed: the shared settings plus its paradigm's defaults (GAN or evolution),
    played until ``budget``. Its contact sheets are written at the end only; the champion sheet holds every round."""
    limits = {name: 0 for name in BUDGETS} | budget.limits()
    shared = replace(base, artist=artist, seed=seed, artist_options={}, sheet_every=0, **limits)
    if registry.is_evolutionary(registry.artist_entry(artist)):
        return replace(shared, fakes="champions")
    return replace(shared, fakes="latest", warmup=0, pop=base.batch)


class RecentImages(Hook):
    """The last ``n`` distinct images an artist showed: an evolutionary artist's n-image sample (its population
    is smaller than n, so the latest generations' individuals stand in for it). With ``near`` > 0 a newer image
    replaces every kept one within ``near`` of it (mean absolute pixel difference), so the kept images are pairwise
    at least that far apart: near-copies from one lineage count once, and fewer than n may remain."""

    def __init__(self, n: int, near: float = 0.0) -> None:
        self.n, self.near = n, near
        self.kept: OrderedDict[bytes, torch.Tensor] = OrderedDict()  # near == 0: by exact pixels, oldest first
        self.bank = torch.zeros(0)  # near > 0: the kept images, oldest first

    def on_round_end(self, played: Round, progress: Progress) -> None:
        self.add(played.proposal.images)

    def add(self, images: torch.Tensor) -> None:
        """Keep these images (a repeat, or with ``near`` a near-copy, replaces the kept one and moves to the
        newest place), forgetting the oldest past ``n``."""
        images = images.detach().float().cpu()
        if self.near > 0:
            self.add_apart(images)
            return
        for image, pixels in zip(images, to_uint8(images)):
            key = hashlib.sha1(pixels.tobytes()).digest()
            self.kept.pop(key, None)
            self.kept[key] = image
        while len(self.kept) > self.n:
            self.kept.popitem(last=False)

    def add_apart(self, images: torch.Tensor) -> None:
        """``add`` with ``near`` > 0: each new image, in order, drops the kept and earlier new images near it."""
        new = images.flatten(1)
        old = self.bank.flatten(1) if len(self.bank) else new[:0]
        far_old = torch.cdist(new, old, p=1) / new.shape[1] >= self.near  # (new, old)
        far_new = torch.cdist(new, new, p=1) / new.shape[1] >= self.near  # (new, new)
        keep_old = torch.ones(len(old), dtype=torch.bool)
        keep_new = torch.ones(len(new), dtype=torch.bool)
        for i in range(len(new)):
            keep_old &= far_old[i]
            keep_new[:i] &= far_new[i, :i]
        self.bank = torch.cat([self.bank.reshape(-1, *images.shape[1:])[keep_old], images[keep_new]])[-self.n:]

    def images(self) -> torch.Tensor:
        return self.bank if self.near > 0 else torch.stack(list(self.kept.values()))

    def state_dict(self) -> dict[str, torch.Tensor]:
        return {"images": self.images() if len(self) else torch.zeros(0)}

    def load_state_dict(self, state: dict[str, torch.Tensor]) -> None:
        self.kept.clear()
        self.bank = torch.zeros(0)
        if len(state["images"]):
            self.add(state["images"])

    def __len__(self) -> int:
        return len(self.bank) if self.near > 0 else len(self.kept)


def sample(game: Game, recent: RecentImages) -> torch.Tensor:
    """``recent.n`` images: fresh samples from a generator, else the latest distinct individuals shown."""
    if isinstance(game.artist, Sampler):
        return game.artist.sample(recent.n).detach().float().cpu()
    return recent.images()


def evaluate(game: Game, evaluator: Evaluator, images: torch.Tensor) -> dict[str, Any]:
    """The metrics of ``images``; leaves every random generator as it found it."""
    state = rng_state()
    try:
        wasserstein = game.config.loss in ("wgan", "wgan-gp")
        return {**evaluator.evaluate(images, game.critic, None if wasserstein else 0.0), "samples": len(images)}
    finally:
        set_rng_state(state)


class Evaluations(Hook):
    """Evaluates the artist ``evals`` times, evenly over its stop, into ``evals.jsonl``; it remembers the last
    evaluation's samples (for ``samples.png``)."""

    def __init__(self, path: Path, game: Game, evals: int, evaluator: Evaluator, recent: RecentImages) -> None:
        self.path, self.game, self.evals, self.evaluator, self.recent = path, game, evals, evaluator, recent
        self.images = torch.zeros(0)  # the last evaluation's samples
        self.done = 0  # evaluations made

    def due(self, spent: float) -> int:
        """How many evaluations are due once ``spent`` of the stop is played (marks at 1/evals, 2/evals, ...)."""
        return sum(spent >= (i + 1) / self.evals - 1e-9 for i in range(self.evals))

    def on_start(self, progress: Progress) -> None:
        """Keep the evaluations of the rounds the game has played (a resume plays the later ones again)."""
        recorded = read_jsonl(self.path)
        rows = [row for row in recorded if row["round"] <= progress.rounds]
        if len(rows) != len(recorded):
            atomic_write_text(self.path, write_jsonl(rows))

    def on_round_end(self, played: Round, progress: Progress) -> None:
        due = self.due(self.game.stop.spent(progress))
        if due <= self.done:
            return
        self.done = due
        self.images = sample(self.game, self.recent)
        row = {"round": progress.rounds, "images_seen": progress.images, "critic_updates": progress.critic_updates,
               "seconds": round(progress.seconds, 3), **evaluate(self.game, self.evaluator, self.images)}
        append_jsonl(self.path, {k: round(v, 6) if isinstance(v, float) else v for k, v in row.items()})

    def state_dict(self) -> dict[str, Any]:
        return {"images": self.images, "done": self.done}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.images, self.done = state["images"], int(state["done"])


class CompareRun(RunProgram):
    """One artist on one seed of a comparison: a run that plays until its budget, evaluated ``evals`` times over
    it at ``samples`` images; at the end ``samples.png`` and ``done.json`` (what it spent)."""

    def __init__(self, folder: Path, evaluator: Evaluator, evals: int, samples: int, near_copy: float) -> None:
        super().__init__()
        self.folder, self.evaluator, self.evals, self.samples = folder, evaluator, evals, samples
        self.near_copy = near_copy
        self.cpu = time.process_time()

    def build(self, config: RunConfig) -> Game:
        game = super().build(config)
        recent = RecentImages(self.samples, 0.0 if isinstance(game.artist, Sampler) else self.near_copy)
        evaluations = Evaluations(self.folder / EVALS, game, self.evals, self.evaluator, recent)
        game.hooks += [recent, evaluations]
        game.parts |= {"recent": recent, "evaluations": evaluations}
        game.label = f"{config.artist} seed {config.seed}"
        return game

    def recorders(self, folder: RunFolder, game: Game) -> list[Hook]:
        return [RunRecorder(folder, game, self.catalog, counted=True)]

    def finish(self, folder: RunFolder, game: Game) -> dict[str, float]:
        images = game.parts["evaluations"].images
        save_png(grid(enlarge(images[:64]), 8), folder.path / "samples.png")
        spent = {"images": game.progress.images, "critic_updates": game.progress.critic_updates,
                 "rounds": game.progress.rounds, "seconds": round(game.progress.seconds, 3),
                 "cpu_seconds": round(time.process_time() - self.cpu, 3), "samples": len(images)}
        atomic_write_text(folder.path / DONE, json.dumps(spent) + "\n")
        return spent


def play_task(base: dict[str, Any], artist: str, seed: int, folder: str, budget: dict[str, Any], evals: int,
              samples: int, features: str, yardstick: str = "", near_copy: float = 0.0) -> dict[str, float]:
    """Play one artist on one seed into ``folder`` (a Dask task: plain arguments), or continue it from its last
    checkpoint; returns what it spent (CPU seconds: of this process's part)."""
    config = artist_config(RunConfig(**base), artist, seed, Stop(**budget))
    evaluator = Evaluator(load_data(config.data, config.size), kind=features, yardstick=yardstick or None)
    program = CompareRun(Path(folder), evaluator, evals, samples, near_copy)
    if resumable(RunFolder(Path(folder))):
        return Trainer().resume(program, Path(folder))
    shutil.rmtree(folder, ignore_errors=True)  # nothing to continue from (or damaged): it plays again
    return Trainer().fit(program, config, Path(folder))


def resumable(run: RunFolder) -> bool:
    """Whether a killed comparison's run can continue: a readable checkpoint and every round before it recorded."""
    try:
        state = run.load_checkpoint() if run.config_path.exists() else None
    except CoevoError:
        return False
    return state is not None and run.holds_rounds(int(state["round"]))


def evaluate_run(path: Path, evaluator: Evaluator, samples: int, near_copy: float) -> Entrant:
    """An existing run folder's latest checkpoint, evaluated once (its folder is left untouched)."""
    folder = RunFolder(path)
    state = folder.played_checkpoint()
    game = build(RunProgram().read_config(folder.config_path))  # settings added since: as the run played
    game.load_state_dict({k: v for k, v in state.items() if k != "rng"})
    recent = RecentImages(samples, 0.0 if isinstance(game.artist, Sampler) else near_copy)
    with torch.no_grad():
        proposal = game.artist.ask()
    recent.add(proposal.images)
    images = sample(game, recent)
    row = {"round": game.progress.rounds, "images_seen": game.progress.images,
           "critic_updates": game.progress.critic_updates, **evaluate(game, evaluator, images)}
    spent = {k: float(getattr(game.progress, k)) for k in ("images", "critic_updates", "rounds", "seconds")}
    return Entrant(path.name, game.config, [SeedRun(game.config.seed, path, [row], folder.metrics(),
                                                    {**spent, "samples": len(images)})], played=False)


def folder_name(artist: str) -> str:
    """A file-system-safe folder name for an artist (plugin paths contain ':' and '.')."""
    return artist.replace(":", "_").replace("/", "_")


def same_settings(saved: dict[str, Any], wanted: dict[str, Any]) -> bool:
    """Whether a saved fingerprint matches; a run setting added to coevo since (absent there) must be its default,
    and a comparison made before near-copies were dropped kept exact repeats only."""
    saved = {"near_copy": 0.0} | saved
    defaults = asdict(RunConfig())
    base = {k: v for k, v in wanted["base"].items() if k in saved.get("base", {}) or v != defaults.get(k)}
    normal = json.loads(json.dumps({**wanted, "base": base}, default=str))
    return saved == normal


def holds_comparison(out: Path, settings: CompareSettings) -> bool:
    """Whether ``out`` holds a comparison with exactly these settings (so running it again continues it)."""
    path = out / SETTINGS
    if not path.is_file():
        return False
    try:
        saved = json.loads(read_text(path, "comparison settings", 2**24))
    except ValueError:
        raise CoevoError(f"{path} is damaged; move the comparison aside, or choose another --out") from None
    return isinstance(saved, dict) and same_settings(saved, settings.fingerprint())


def default_out(settings: CompareSettings, root: Path = Path("runs")) -> Path:
    """``runs/compare``, numbered ``compare-2``, ... while another comparison (or anything else) holds it; the one
    holding these settings is taken again, so the same command continues a killed comparison."""
    settings.validate()  # the budget as the comparison records it
    return default_folder("compare", root, reuse=lambda path: holds_comparison(path, adopt_rule(path, settings)))


def adopt_rule(out: Path, settings: CompareSettings) -> CompareSettings:
    """``settings`` with the sampling rule of the comparison in ``out``: one made before near-copies were dropped
    continues with exact repeats only, as it was played."""
    try:
        saved = json.loads(read_text(out / SETTINGS, "comparison settings", 2**24)) if (out / SETTINGS).is_file() \
            else {}
    except (ValueError, CoevoError):
        return settings
    if isinstance(saved, dict) and saved and "near_copy" not in saved:
        return replace(settings, near_copy=0.0)
    return settings


def check_given_run(path: Path, settings: CompareSettings) -> None:
    """Refuse a ``--runs`` folder that cannot be evaluated beside the others, before anything is written."""
    folder = RunFolder(path)
    folder.played_checkpoint()  # there, a run, with a checkpoint
    config = load_config(folder.config_path)
    if (config.data, config.size) != (settings.base.data, settings.base.size):
        raise CoevoError(f"run {path} played on {config.data} at {config.size} px, not {settings.base.data} at "
                         f"{settings.base.size} px; pass the same --data and --size")


def open_comparison(out: Path, settings: CompareSettings) -> None:
    """Create ``out`` with its settings, or continue a comparison there that has exactly the same settings."""
    path = out / SETTINGS
    wanted = json.dumps(settings.fingerprint(), sort_keys=True, default=str)
    if path.is_file():
        if not holds_comparison(out, settings):
            raise CoevoError(f"{out} holds a comparison with other settings; pass the same ones to continue it, "
                             "or choose another --out")
        return
    if out.exists() and any(not p.name.startswith(".") for p in out.iterdir()):
        raise CoevoError(f"{out} is not empty and holds no comparison; choose another --out")
    out.mkdir(parents=True, exist_ok=True)
    atomic_write_text(path, wanted + "\n")


def compare(settings: CompareSettings, out: Path) -> Path:
    """Play every artist on every seed into ``out/ARTIST/seed-S`` and write the report; returns its path."""
    settings.validate()
    out = Path(out)
    check_kind(out, "compare")
    settings = adopt_rule(out, settings)
    for artist in settings.artists:  # bad input fails before anything is written
        build(artist_config(settings.base, artist, settings.base.seed, settings.budget))
    for path in settings.runs:
        check_given_run(Path(path), settings)
    data = load_data(settings.base.data, settings.base.size)
    evaluator = Evaluator(data, kind=settings.features,  # trains (and caches) the feature network once, here
                          yardstick=settings.yardstick or None)
    n = evaluator.matched(settings.samples)
    with folder_lock(out):
        open_comparison(out, settings)
        mark_kind(out, "compare")
        return play_all(settings, out, data, evaluator, n)


def play_all(settings: CompareSettings, out: Path, data: ImageSet, evaluator: Evaluator, n: int) -> Path:
    """``compare`` with its folder locked: play the unfinished runs, evaluate given ones, write the report."""
    tasks, places = [], []
    for artist in settings.artists:
        for seed in settings.seed_list():
            folder = out / folder_name(artist) / f"seed-{seed}"
            places.append((artist, seed, folder))
            if not (folder / DONE).is_file():
                tasks.append(Task(play_task, {"base": asdict(settings.base), "artist": artist, "seed": seed,
                                              "folder": str(folder), "budget": settings.budget.limits(),
                                              "evals": settings.evals, "samples": n, "features": settings.features,
                                              "yardstick": settings.yardstick,
                                              "near_copy": settings.near_copy},
                                  f"{artist} seed {seed}"))
    run_tasks(tasks, settings.workers, settings.scheduler)
    entrants = [Entrant(artist, load_config(out / folder_name(artist) / f"seed-{settings.base.seed}" /
                                            "config.toml"),
                        [seed_run(folder, seed) for a, seed, folder in places if a == artist])
                for artist in settings.artists]
    for path in settings.runs:
        entrants.append(evaluate_run(Path(path), evaluator, n, settings.near_copy))
    return write_report(out, entrants, data, settings, evaluator, n)


def seed_run(folder: Path, seed: int) -> SeedRun:
    run = RunFolder(folder)
    spent = json.loads((folder / DONE).read_text(encoding="utf-8"))
    return SeedRun(seed, folder, read_jsonl(folder / EVALS), run.metrics(), spent)
