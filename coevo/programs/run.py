"""``coevo run``: a run is a game of an artist against a critic (``coevo.programs.build``), played into a run folder
by the trainer, which checkpoints it so that a killed run resumes byte-identical; ``RunRecorder`` writes each
round's metrics, sheets, champions and gallery rows."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import torch

from coevo.errors import CoevoError
from coevo.evolution.ga import EvolutionaryArtist
from coevo.evolution.school import ArtSchool
from coevo.images import save_png
from coevo.loop import Hook, Progress, Round, warm_up
from coevo.metrics.armsrace import summarise
from coevo.metrics.yardstick import YardstickHook, is_lipizzaner_data, load_yardstick
from coevo.programs import judge, tournament
from coevo.programs.agreement import write_agreement
from coevo.programs.build import build
from coevo.programs.champions import ChampionSheet
from coevo.protocols import BatchedRunIndex, Catalog, CriticPictures, PersonModel, Proposal
from coevo.store.atomic import atomic_write_bytes, atomic_write_text, synced_once
from coevo.store.catalog import NoCatalog
from coevo.store.genomefile import GenomeFile
from coevo.store.plots import plot_curves
from coevo.store.runfolder import RunFolder
from coevo.training.config import RunConfig, load_config
from coevo.training.trainer import Game, Trainer

CURVES_SECONDS = 30.0  # curves.png is drawn at the last round, and at a checkpoint when older than this (a drawing
# costs ~0.6 s of matplotlib: drawn every 25 rounds it was a third of a small round's time)
# what a config.toml written before these settings ran with
OLDER = {"phase_check_every": 10, "ciao_keep": 0, "measure_every": 1, "channels_last": False,
         "sheet_compression": 6, "critic_full_width": 0}


@dataclass
class Pending:
    """One round's files and gallery rows, kept until the next flush (before a checkpoint, and at the end)."""

    round_index: int
    sheet: torch.Tensor | None = None  # the population, best first, when a contact sheet is due
    population: tuple[Any, Any] | None = None  # (ids, parents) for the gallery's ancestry
    champion: GenomeFile | None = None  # the champion's genome file (evolutionary artists)
    image: torch.Tensor | None = None  # the champion's image (C, H, W)
    captions: list[str] = field(default_factory=list)  # the sheet's, one per image


def captions(scores: torch.Tensor, classes: torch.Tensor | None = None) -> list[str]:
    """A sheet's caption per image: its score, after its best class where the critic scores classes."""
    values = scores.detach().float().cpu().tolist()
    if classes is None:
        return [f"{v:.3f}" for v in values]
    return [f"{c}: {v:.3f}" for c, v in zip(classes.tolist(), values)]


class RunRecorder(Hook):
    """Writes each round into the run folder (a metrics line, contact sheets, curves, the champion's genome and
    image) and indexes the run, its ancestry and its champions in the game's catalog (the gallery).

    The metrics line is written at once (a resume checks it against the checkpoint); sheets, genomes and gallery
    rows wait in memory until ``flush``, which the checkpointer calls before each checkpoint and ``close`` at the
    end, so a kill loses only rounds the resume plays again, and the files end byte-identical."""

    def __init__(self, folder: RunFolder, game: Game, catalog: Catalog, counted: bool = False) -> None:
        self.folder, self.game, self.stop, self.counted = folder, game, game.stop, counted
        self.critic = game.meta["critic"]  # the bare critic, under any wrapper that changes its scores
        cfg = game.config
        self.level = getattr(cfg, "sheet_compression", None)  # the sheets' PNG zlib level (older runs: 6)
        self.champions = ChampionSheet(folder, self.level)
        self.index = catalog.open_run(folder.path, kind="run", artist=cfg.artist, critic=cfg.critic,
                                      data=cfg.data, settings=asdict(cfg), source=cfg.start_from,
                                      origin=game.meta["origin"])
        self.index.forget_rounds(game.progress.rounds)
        self.rows = folder.metrics()  # every recorded round, kept here so the curves never re-read the file
        self.pending: list[Pending] = []
        self.plotted = time.monotonic()  # when curves.png was last drawn ...
        self.drawn = len(self.rows)  # ... and of how many rounds
        if isinstance(self.critic, PersonModel):  # learned before the run, fixed through it: written once
            write_agreement(folder.path, self.critic.agreement_report(), "critic-agreement")

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
        classes = None
        if scores.ndim == 2:  # per-class scores: rank by each image's best class
            scores, classes = scores.max(dim=1)
        order = torch.argsort(scores.detach().float().cpu(), descending=True)
        self.champions.add(round_index, proposal.images[int(order[0])])
        pending = Pending(round_index)
        if proposal.genomes is not None:
            if proposal.ids is not None and proposal.parents is not None:
                pending.population = (proposal.ids, proposal.parents)
            pending.champion = self._champion(round_index, proposal, scores, int(order[0]))
        pending.image = proposal.images.detach()[int(order[0])].clone()
        if (cfg.sheet_every and round_index % cfg.sheet_every == 0) or last:
            pending.sheet = proposal.images.detach()[order]
            pending.captions = captions(scores[order], classes[order] if classes is not None else None)
            self.save_critic_pictures()  # the critic's state now: it cannot wait
        self.pending.append(pending)
        if last:
            self.plot()

    def plot(self) -> None:
        """``curves.png`` of every recorded round."""
        cfg = self.game.config
        title = f"{cfg.artist} vs {cfg.critic} on {cfg.data}, seed {cfg.seed}"
        atomic_write_bytes(self.folder.path / "curves.png", plot_curves(self.rows, title))
        self.plotted, self.drawn = time.monotonic(), len(self.rows)

    def flush(self) -> None:
        """Write the kept rounds' sheets, champions and gallery rows, in round order (the gallery rows in one
        batch where the index takes one); the champion sheet and ``best.json`` once; and the curves, where none
        were drawn for ``CURVES_SECONDS`` (a long run's curves are never much older). The files are made durable
        together at the end (``synced_once``: one sync, not one per file), before the checkpoint that follows."""
        with synced_once():
            self._flush()

    def _flush(self) -> None:
        if self.pending and time.monotonic() - self.plotted >= CURVES_SECONDS:
            self.plot()
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
                self.folder.save_sheet(f"round-{kept.round_index:04d}", kept.sheet, captions=kept.captions,
                                       title=f"round {kept.round_index}: the population, best first "
                                             f"({'class: ' if ':' in kept.captions[0] else ''}critic score)",
                                       level=self.level)
        if any(kept.sheet is not None for kept in pending):
            recorded = {row["round"]: row["score_max"] for row in self.rows if "score_max" in row}
            self.champions.save(pending[-1].round_index + 1, recorded)
        champions = [kept.champion for kept in pending if kept.champion is not None]
        if champions:
            self.folder.save_genome("best", champions[-1])
        with self.index.batch() if isinstance(self.index, BatchedRunIndex) else nullcontext():
            for row in rows:
                row()

    def save_critic_pictures(self) -> None:
        """The critic's pictures of its own state (``CriticPictures``: a SOM's map) as ``critic-NAME.png``."""
        critic = self.critic
        if isinstance(critic, CriticPictures):
            for name, image in critic.pictures().items():
                save_png(image, self.folder.path / f"critic-{name}.png")

    def on_checkpoint(self) -> None:
        self.flush()

    def on_end(self, progress: Progress) -> None:
        self.close()

    def on_exception(self, error: BaseException) -> None:
        self.close()

    def close(self) -> None:
        if self.drawn != len(self.rows):  # a game stopped early (a person quits): its curves as far as it went
            self.plot()
        self.flush()
        self.index.close()

    def _champion(self, round_index: int, proposal: Proposal, scores: torch.Tensor, best: int) -> GenomeFile | None:
        """The round's champion as a genome file, or None for an artist without genomes."""
        artist = self.game.artist
        genetics = artist.genetics if isinstance(artist, (EvolutionaryArtist, ArtSchool)) else None
        if genetics is None or proposal.genomes is None:
            return None
        meta = {"id": proposal.ids[best] if proposal.ids else None,
                "parents": list(proposal.parents[best]) if proposal.parents else [],
                "round": round_index, "score": round(float(scores[best].detach()), 6)}
        name = (artist.genome_artist if isinstance(artist, ArtSchool) else "") or self.game.config.artist
        return GenomeFile(name, genetics.options(), genetics.to_json(proposal.genomes[best]), meta)

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


class RunProgram:
    """``coevo run``: an artist against a critic, indexed in ``catalog`` (the gallery, wired by the CLI)."""

    kind, length = "run", "rounds"

    def __init__(self, catalog: Catalog | None = None) -> None:
        self.catalog = catalog or NoCatalog()

    def read_config(self, path: Path) -> RunConfig:
        return load_config(path, absent=OLDER)

    def build(self, config: RunConfig) -> Game:
        game = build(config, self.catalog)
        tournament.attach(game)
        judge.attach(game)
        if config.yardstick:  # before the recorder: it adds to the round's metrics that the recorder writes
            game.hooks.insert(0, yardstick_hook(config, game))
        return game

    def begin(self, game: Game) -> None:
        warm_up(game.players, game.progress)

    def recorders(self, folder: RunFolder, game: Game) -> list[Hook]:
        hooks: list[Hook] = [RunRecorder(folder, game, self.catalog)]
        played = game.parts.get("tournament")
        if isinstance(played, tournament.MasterTournament):
            title = f"{game.config.artist} vs {game.config.critic}, seed {game.config.seed}"
            hooks.append(tournament.TournamentRecorder(folder, played, title))
        return hooks

    def finish(self, folder: RunFolder, game: Game) -> RunFolder:
        summary = summarise(folder.metrics())
        if len(summary) > 1:  # phases, a tournament or a judge: the arms race in numbers
            atomic_write_text(folder.path / "arms-race.json", json.dumps(summary, indent=1) + "\n")
        return folder


def yardstick_hook(config: RunConfig, game: Game) -> YardstickHook:
    """Lipizzaner's yardstick over the run's real images (a fixed order, independent of the seed)."""
    data = game.meta["data"]
    if data is None:
        raise CoevoError("--yardstick needs real data to compare with; pass --data mnist:DIR")
    order = torch.randperm(len(data), generator=torch.Generator().manual_seed(1))
    stick = load_yardstick(Path(config.yardstick), data.images[order], is_lipizzaner_data(data.name, data.shape))
    return YardstickHook(stick, game.artist, game.stop, config.yardstick_every)


def start(config: RunConfig, out: Path, catalog: Catalog | None = None) -> RunFolder:
    """Create the run folder, warm the critic up and play the whole run."""
    return Trainer().fit(RunProgram(catalog), config, out)


def resume(out: Path, rounds: int | None = None, catalog: Catalog | None = None, force: bool = False) -> RunFolder:
    """Continue a killed or finished run from its last checkpoint, optionally to a new round count; shortening
    the run or continuing with metrics lost needs ``force``."""
    return Trainer().resume(RunProgram(catalog), out, rounds, force)
