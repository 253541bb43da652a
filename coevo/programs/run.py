"""``coevo run`` and ``coevo resume``: play a game into a run folder through ``coevolve``, recording every round
and checkpointing so that a killed run resumes byte-identical."""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import asdict, dataclass
from functools import partial
from pathlib import Path
from typing import Any, Protocol

import torch
from tqdm import tqdm

from coevo.errors import CoevoError
from coevo.evolution.ga import EvolutionaryArtist
from coevo.images import save_png
from coevo.loop import Hook, Progress, Round, Stop, coevolve, warm_up
from coevo.programs.agreement import write_agreement
from coevo.programs.build import Game, build
from coevo.programs.champions import ChampionSheet
from coevo.protocols import BatchedRunIndex, Catalog, CriticPictures, PersonModel, Proposal
from coevo.rng import rng_state
from coevo.store.atomic import atomic_write_bytes, atomic_write_text
from coevo.store.genomefile import GenomeFile
from coevo.store.plots import plot_curves
from coevo.store.runfolder import RunFolder, check_kind, folder_contents, folder_lock, remove_started
from coevo.training.config import RunConfig, dump_config, load_config

CURVES_EVERY = 25  # rounds between rewrites of curves.png (and at the last round)


@dataclass
class Pending:
    """One round's files and gallery rows, kept until the next flush (before a checkpoint, and at the end)."""

    round_index: int
    sheet: torch.Tensor | None = None  # the population, best first, when a contact sheet is due
    population: tuple[Any, Any] | None = None  # (ids, parents) for the gallery's ancestry
    champion: GenomeFile | None = None  # the champion's genome file (evolutionary artists)
    image: torch.Tensor | None = None  # the champion's image (C, H, W)


class RunRecorder(Hook):
    """Writes each round into the run folder (a metrics line, contact sheets, curves, the champion's genome and
    image) and indexes the run, its ancestry and its champions in the game's catalog (the gallery).

    The metrics line is written at once (a resume checks it against the checkpoint); sheets, genomes and gallery
    rows wait in memory until ``flush``, which the checkpointer calls before each checkpoint and ``close`` at the
    end, so a kill loses only rounds the resume plays again, and the files end byte-identical."""

    def __init__(self, folder: RunFolder, game: Game, stop: Stop, counted: bool = False) -> None:
        self.folder, self.game, self.stop, self.counted = folder, game, stop, counted
        self.champions = ChampionSheet(folder)
        cfg = game.config
        self.index = game.catalog.open_run(folder.path, kind="run", artist=cfg.artist, critic=cfg.critic,
                                           data=cfg.data, settings=asdict(cfg), source=cfg.start_from,
                                           origin=game.origin)
        self.index.forget_rounds(game.progress.rounds)
        self.rows = folder.metrics()  # every recorded round, kept here so the curves never re-read the file
        self.pending: list[Pending] = []
        if isinstance(game.board.critic, PersonModel):  # learned before the run, fixed through it: written once
            write_agreement(folder.path, game.board.critic.agreement_report(), "critic-agreement")

    def on_round_end(self, played: Round, progress: Progress) -> None:
        metrics = dict(played.metrics)
        if self.counted:  # a comparison's budgets (deterministic counts: wall time stays out of the metrics)
            metrics.update(images_seen=progress.images, critic_updates=progress.critic_updates)
        self.record(played.index, metrics, played.proposal, played.scores, last=self.stop.reached(progress))

    def record(self, round_index: int, metrics: dict[str, float], proposal: Proposal, scores: torch.Tensor,
               last: bool = False) -> None:
        cfg = self.game.config
        row = {"round": round_index, **{k: round(float(v), 6) for k, v in metrics.items()}}
        self.folder.append_metrics(row)
        self.rows.append(row)
        if scores.ndim == 2:  # per-class scores: rank by each image's best class
            scores = scores.max(dim=1).values
        order = torch.argsort(scores.detach().float().cpu(), descending=True)
        self.champions.add(round_index, proposal.images[int(order[0])])
        pending = Pending(round_index)
        if proposal.genomes is not None:
            if proposal.ids is not None and proposal.parents is not None:
                pending.population = (proposal.ids, proposal.parents)
            pending.champion = self._champion(round_index, proposal, scores, int(order[0]))
        pending.image = proposal.images.detach()[int(order[0])].clone()
        if round_index % cfg.sheet_every == 0 or last:
            pending.sheet = proposal.images.detach()[order]
            self.save_critic_pictures()  # the critic's state now: it cannot wait
        self.pending.append(pending)
        if (round_index + 1) % CURVES_EVERY == 0 or last:  # plotting costs a fixed ~0.3 s: now and then, and at the end
            title = f"{cfg.artist} vs {cfg.critic} on {cfg.data}, seed {cfg.seed}"
            atomic_write_bytes(self.folder.path / "curves.png", plot_curves(self.rows, title))

    def flush(self) -> None:
        """Write the kept rounds' sheets, champions and gallery rows, in round order (the gallery rows in one
        batch where the index takes one); the champion sheet and ``best.json`` once."""
        pending, self.pending = self.pending, []
        rows: list[Callable[[], object]] = []
        for kept in pending:
            if kept.population is not None:
                rows.append(partial(self.index.record_population, kept.round_index, *kept.population))
            if kept.champion is not None and kept.image is not None:
                rows.append(self._save_champion(kept.champion, kept.image))
            elif kept.image is not None:  # a generator's best sample: kept so the champion sheet survives a resume
                save_png(kept.image, self._champion_image(kept.round_index))
            if kept.sheet is not None:
                self.folder.save_sheet(f"round-{kept.round_index:04d}", kept.sheet)
        if any(kept.sheet is not None for kept in pending):
            self.champions.save(pending[-1].round_index + 1)
        champions = [kept.champion for kept in pending if kept.champion is not None]
        if champions:
            self.folder.save_genome("best", champions[-1])
        with self.index.batch() if isinstance(self.index, BatchedRunIndex) else nullcontext():
            for row in rows:
                row()

    def save_critic_pictures(self) -> None:
        """The critic's pictures of its own state (``CriticPictures``: a SOM's map) as ``critic-NAME.png``."""
        critic = self.game.board.critic
        if isinstance(critic, CriticPictures):
            for name, image in critic.pictures().items():
                save_png(image, self.folder.path / f"critic-{name}.png")

    def close(self) -> None:
        self.flush()
        self.index.close()

    def _champion(self, round_index: int, proposal: Proposal, scores: torch.Tensor, best: int) -> GenomeFile | None:
        """The round's champion as a genome file, or None for an artist without genomes."""
        artist = self.game.artist
        genetics = artist.genetics if isinstance(artist, EvolutionaryArtist) else None
        if genetics is None or proposal.genomes is None:
            return None
        meta = {"id": proposal.ids[best] if proposal.ids else None,
                "parents": list(proposal.parents[best]) if proposal.parents else [],
                "round": round_index, "score": round(float(scores[best].detach()), 6)}
        return GenomeFile(self.game.config.artist, genetics.options(), genetics.to_json(proposal.genomes[best]),
                          meta)

    def _champion_image(self, round_index: int) -> Path:
        return self.folder.path / "images" / f"champion-{round_index:04d}.png"

    def _save_champion(self, record: GenomeFile, image: torch.Tensor) -> Callable[[], object]:
        """Write the champion's genome file and image; returns its gallery row, to add with the others."""
        round_index = record.meta["round"]
        self.folder.save_genome(f"champion-{round_index:04d}", record)
        path = save_png(image, self._champion_image(round_index))
        return partial(self.index.add_individual, artist=record.artist, genome=record.genome, options=record.options,
                       round_index=round_index, local_id=record.meta["id"], local_parents=record.meta["parents"],
                       score=record.meta["score"], image=path)


class Stateful(Protocol):
    """What a checkpoint holds: a game's whole state but the random generators'."""

    def state_dict(self) -> dict[str, Any]: ...


class Checkpointer(Hook):
    """Saves the game and every random generator's state atomically every ``every`` rounds, but at most once per
    ``seconds`` (0: no limit), and at the end; ``before`` runs first (the recorder's flush: every file of the
    rounds a checkpoint accounts for is written before it)."""

    def __init__(self, folder: RunFolder, game: Stateful, stop: Stop, every: int = 1, seconds: float = 0.0,
                 before: Callable[[], None] | None = None) -> None:
        self.folder, self.game, self.stop, self.every, self.seconds = folder, game, stop, every, seconds
        self.before = before
        self.saved = time.monotonic()

    def on_round_end(self, played: Round, progress: Progress) -> None:
        due = progress.rounds % self.every == 0 and time.monotonic() - self.saved >= self.seconds
        if due or self.stop.reached(progress):
            self.save()

    def save(self) -> None:
        if self.before is not None:
            self.before()
        self.folder.save_checkpoint({**self.game.state_dict(), "rng": rng_state()})
        self.saved = time.monotonic()


class ProgressBar(Hook):
    """A tqdm bar over rounds, showing the best score."""

    def __init__(self, total: int | None, initial: int, desc: str) -> None:
        self.bar = tqdm(total=total, initial=initial, desc=desc, unit="round", leave=False, dynamic_ncols=True)

    def on_round_end(self, played: Round, progress: Progress) -> None:
        self.bar.update(1)
        self.bar.set_postfix(best=f"{played.metrics.get('score_max', 0.0):.3f}")

    def close(self) -> None:
        self.bar.close()


def play(folder: RunFolder, game: Game) -> None:
    """Play from the game's progress to ``config.rounds``, recording, checkpointing and showing progress."""
    cfg = game.config
    stop = Stop(rounds=cfg.rounds)
    recorder = RunRecorder(folder, game, stop)
    checkpointer = Checkpointer(folder, game, stop, cfg.checkpoint_every, cfg.checkpoint_seconds, recorder.flush)
    bar = ProgressBar(cfg.rounds, game.progress.rounds, f"{cfg.artist} vs {cfg.critic}")
    try:
        coevolve(game.players, game.schedule, stop, game.progress, [recorder, checkpointer, bar])
    finally:
        bar.close()
        recorder.close()


def start(config: RunConfig, out: Path, catalog: Catalog | None = None) -> RunFolder:
    """Create the run folder, warm the critic up and play the whole run."""
    game = build(config, catalog)  # fails on bad input before anything is written
    folder = RunFolder(out)
    check_kind(out, "run")
    folder.check_new()
    before = folder_contents(out)
    with folder_lock(out):
        try:
            folder.create(dump_config(config), kind="run")
            warm_up(game.players, game.progress)
            play(folder, game)
        except BaseException:
            if folder.load_checkpoint() is None:  # nothing to resume: leave nothing that blocks the rerun
                remove_started(out, before)
            raise
    return folder


def resume(out: Path, rounds: int | None = None, catalog: Catalog | None = None, force: bool = False) -> RunFolder:
    """Continue a killed or finished run from its last checkpoint, optionally to a new round count; shortening
    the run or continuing with metrics lost needs ``force``."""
    folder = RunFolder(out)
    if not folder.config_path.exists():
        raise CoevoError(f"{out} holds no run (no {folder.config_path.name}); start one with `coevo run --out {out}`")
    check_kind(out, "run")
    with folder_lock(out):
        return _resume(folder, rounds, catalog, force)


def _resume(folder: RunFolder, rounds: int | None, catalog: Catalog | None, force: bool) -> RunFolder:
    """``resume`` with the folder locked."""
    out = folder.path
    config = load_config(folder.config_path)
    folder.remove_partial_writes()
    state = folder.load_checkpoint()
    played = 0 if state is None else int(state["round"])
    if rounds is not None:
        if rounds < played and not force:
            raise CoevoError(f"{out} has played {played} rounds; --rounds {rounds} would shorten it: pass a larger "
                             "--rounds, or --force to mark it shorter (its rounds stay on disk)")
        config.rounds = rounds
    recorded = folder.metrics_before(played)
    if played and (not recorded or int(recorded[-1].get("round", -1)) != played - 1) and not force:
        raise CoevoError(f"{out}/metrics.jsonl holds {len(recorded)} of the {played} rounds its checkpoint played; "
                         "restore the file, or pass --force to continue with those rounds missing")
    game = build(config, catalog)
    if state is None:
        warm_up(game.players, game.progress)
    else:
        game.load_state_dict(state)
    folder.keep_metrics(game.progress.rounds)
    if rounds is not None:
        atomic_write_text(folder.config_path, dump_config(config))
    play(folder, game)
    return folder
