"""``coevo run`` and ``coevo resume``: play a game into a run folder through ``coevolve``, recording every round
and checkpointing so that a killed run resumes byte-identical."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Any, Protocol

import torch
from tqdm import tqdm

from coevo.atomic import atomic_write_bytes, atomic_write_text
from coevo.config import RunConfig, dump_config, load_config
from coevo.errors import CoevoError
from coevo.evolution import EvolutionaryArtist
from coevo.genomefile import GenomeFile
from coevo.images import save_png
from coevo.loop import Hook, Progress, Round, Stop, coevolve, warm_up
from coevo.plots import plot_curves
from coevo.programs.agreement import write_agreement
from coevo.programs.build import Game, build
from coevo.programs.champions import ChampionSheet
from coevo.protocols import Catalog, CriticPictures, PersonModel, Proposal
from coevo.rng import rng_state
from coevo.runfolder import RunFolder, check_kind, folder_contents, folder_lock, remove_started

CURVES_EVERY = 25  # rounds between rewrites of curves.png (and at the last round)


class RunRecorder(Hook):
    """Writes each round into the run folder (a metrics line, contact sheets, curves, the champion's genome and
    image) and indexes the run, its ancestry and its champions in the game's catalog (the gallery)."""

    def __init__(self, folder: RunFolder, game: Game, stop: Stop, counted: bool = False) -> None:
        self.folder, self.game, self.stop, self.counted = folder, game, stop, counted
        self.champions = ChampionSheet(folder)
        cfg = game.config
        self.index = game.catalog.open_run(folder.path, kind="run", artist=cfg.artist, critic=cfg.critic,
                                           data=cfg.data, settings=asdict(cfg), source=cfg.start_from,
                                           origin=game.origin)
        self.index.forget_rounds(game.progress.rounds)
        self.rows = folder.metrics()  # every recorded round, kept here so the curves never re-read the file
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
        if proposal.genomes is not None:
            if proposal.ids is not None and proposal.parents is not None:
                self.index.record_population(round_index, proposal.ids, proposal.parents)
            self._save_champion(round_index, proposal, scores, int(order[0]))
        if round_index % cfg.sheet_every == 0 or last:
            self.folder.save_sheet(f"round-{round_index:04d}", proposal.images.detach()[order])
            self.champions.save(round_index + 1)
            self.save_critic_pictures()
        if (round_index + 1) % CURVES_EVERY == 0 or last:  # plotting costs a fixed ~0.3 s: now and then, and at the end
            title = f"{cfg.artist} vs {cfg.critic} on {cfg.data}, seed {cfg.seed}"
            atomic_write_bytes(self.folder.path / "curves.png", plot_curves(self.rows, title))

    def save_critic_pictures(self) -> None:
        """The critic's pictures of its own state (``CriticPictures``: a SOM's map) as ``critic-NAME.png``."""
        critic = self.game.board.critic
        if isinstance(critic, CriticPictures):
            for name, image in critic.pictures().items():
                save_png(image, self.folder.path / f"critic-{name}.png")

    def close(self) -> None:
        self.index.close()

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
        self.index.add_individual(artist=record.artist, genome=record.genome, options=record.options,
                                  round_index=round_index, local_id=meta["id"], local_parents=meta["parents"],
                                  score=meta["score"], image=image)



class Stateful(Protocol):
    """What a checkpoint holds: a game's whole state but the random generators'."""

    def state_dict(self) -> dict[str, Any]: ...


class Checkpointer(Hook):
    """Saves the game and every random generator's state atomically every ``every`` rounds and at the end."""

    def __init__(self, folder: RunFolder, game: Stateful, stop: Stop, every: int = 1) -> None:
        self.folder, self.game, self.stop, self.every = folder, game, stop, every

    def on_round_end(self, played: Round, progress: Progress) -> None:
        if progress.rounds % self.every == 0 or self.stop.reached(progress):
            self.save()

    def save(self) -> None:
        self.folder.save_checkpoint({**self.game.state_dict(), "rng": rng_state()})


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
    bar = ProgressBar(cfg.rounds, game.progress.rounds, f"{cfg.artist} vs {cfg.critic}")
    try:
        coevolve(game.players, game.schedule, stop, game.progress,
                 [recorder, Checkpointer(folder, game, stop, cfg.checkpoint_every), bar])
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
