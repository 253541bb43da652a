"""The trainer: plays a program into a folder through ``coevolve`` and owns everything around the loop.

As Lightning's ``Trainer.fit``: it creates or reopens the folder (lock, kind mark, ``config.toml``), has the program
build its game, plays it with the program's hooks, a checkpointer and a progress bar, calls every hook's
``on_start`` / ``on_checkpoint`` / ``on_end`` / ``on_exception``, checkpoints the game's parts (artist, critic,
fake pool, schedule, hooks that hold state), its progress and every random generator atomically, and resumes
after a kill -9 so that the folder ends byte-identical to an uninterrupted run. A game ended on request
(``coevo.loop.StopGame``: a person quits) gets a last checkpoint before its hooks hear the end. A program
(``Program``) writes only how to build its game, what its recorders write, and what it leaves at the end.
"""

from __future__ import annotations

import time
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from tqdm import tqdm

from coevo.errors import CoevoError
from coevo.loop import Hook, Players, Progress, Round, Schedule, Stop, coevolve
from coevo.rng import Generators, rng_state, set_rng_state, using
from coevo.store.atomic import atomic_write_text
from coevo.store.runfolder import KINDS, NOUNS, RunFolder, check_kind, folder_contents, folder_lock, remove_started
from coevo.store.tensorboard import FOLDER, TensorBoardHook
from coevo.store.untrusted import check_contained, read_text
from coevo.training.cancel import watches
from coevo.training.config import MAX_CONFIG_BYTES, dump_config
from coevo.training.settings import MAX_INT, value_problem


@runtime_checkable
class Stateful(Protocol):
    """Anything a checkpoint holds: an artist, a critic, a fake pool, a schedule, a hook with memory."""

    def state_dict(self) -> Any: ...

    def load_state_dict(self, state: Any) -> None: ...


@dataclass
class Game:
    """What a program plays: its players, how a round is played, when it stops, and the named parts a checkpoint
    holds beside the progress (a part added to a program since a checkpoint was written keeps its fresh state)."""

    config: Any  # the program's settings, as written to config.toml
    players: Players
    schedule: Schedule
    stop: Stop
    parts: dict[str, Stateful]
    hooks: list[Hook] = field(default_factory=list)  # the program's hooks that need no folder (they may be parts)
    progress: Progress = field(default_factory=Progress)
    checkpoint_every: int = 1  # rounds between checkpoints (and one when the game stops) ...
    checkpoint_seconds: float = 0.0  # ... but at most one per this many seconds (0: no limit)
    label: str = ""  # what the progress bar calls the game
    meta: dict[str, Any] = field(default_factory=dict)  # how it was built, for the program's recorders

    @property
    def artist(self) -> Any:
        return self.players.artist

    @property
    def critic(self) -> Any:
        """What scores the artist: the critic, or a wrapper around it (fitness sharing)."""
        return self.players.critic

    def state_dict(self) -> dict[str, Any]:
        """The game's whole state but the random generators'."""
        return {"round": self.progress.rounds, "progress": self.progress.state_dict(),
                **{name: part.state_dict() for name, part in self.parts.items()}}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restore a checkpoint, older ones (without progress or a part) too, and the random generators in it."""
        for name, part in self.parts.items():
            if name in state:
                part.load_state_dict(state[name])
        self.progress = Progress(rounds=int(state["round"]))
        self.progress.load_state_dict(state.get("progress", {}))
        if "rng" in state:
            set_rng_state(state["rng"])


class Program(Protocol):
    """What a program (run, fool, ppgn, breed, ...) tells the trainer; everything else the trainer does. A program
    may also have ``upgrade(folder)``, which ``resume`` calls on a folder without ``config.toml`` (``upgrade``)."""

    kind: str  # the folder's kind mark (``coevo.store.runfolder.KINDS``)
    length: str | None  # the setting ``coevo resume --rounds`` changes; None where the length is fixed

    def read_config(self, path: Path) -> Any:
        """The settings in a folder's ``config.toml`` (older files read as they ran)."""
        ...

    def build(self, config: Any) -> Game:
        """The game at round 0, random generators seeded; fails on bad input before anything is written."""
        ...

    def begin(self, game: Game) -> None:
        """What a fresh game does before its first round (a critic's warm-up); not done again on resume."""
        ...

    def recorders(self, folder: RunFolder, game: Game) -> list[Hook]:
        """The hooks that write the game into its folder."""
        ...

    def finish(self, folder: RunFolder, game: Game) -> Any:
        """The files written once the game stops; returns the program's result."""
        ...


def upgrade(program: Program, folder: RunFolder) -> None:
    """Let a program bring a folder an older coevo wrote without ``config.toml`` / ``checkpoint.pt`` up to them
    before it resumes (its optional ``upgrade(folder)``: a breeding session that has only ``session.json``)."""
    upgrading = getattr(program, "upgrade", None)
    if upgrading is not None and folder.path.is_dir() and not folder.config_path.exists():
        with folder_lock(folder.path):
            upgrading(folder)


def check_config(folder: RunFolder) -> None:
    """Refuse a ``config.toml`` that holds no settings (0 bytes, or cut before its first line): read as defaults it
    would resume another game, and be rewritten so; the settings cannot be guessed, so the fix is a copy."""
    text = read_text(folder.config_path, "settings file", MAX_CONFIG_BYTES)
    if not any(line.strip() and not line.lstrip().startswith("#") for line in text.splitlines()):
        raise CoevoError(f"{folder.config_path} holds no settings ({len(text.encode())} bytes), so what the game "
                         "played is unknown; restore it from a copy, then resume again")


def check_played_config(folder: RunFolder, state: dict[str, Any] | None, length: str | None) -> None:
    """Refuse a ``config.toml`` that is not the settings its checkpoint played (cut at a line, edited, swapped):
    resumed, it would play another game on top of this one's rounds. Only the length (``resume --rounds``, which
    rewrites the file before its next checkpoint) may differ; checkpoints older than this check hold no settings."""
    saved = None if state is None else state.get("config")
    if not isinstance(saved, str):
        return
    text = read_text(folder.config_path, "settings file", MAX_CONFIG_BYTES)
    if text == saved:
        return
    now, then = tomllib.loads(text), tomllib.loads(saved)
    keys = [*then, *(k for k in now if k not in then)]  # in the file's order: a cut file names its first lost key
    differ = [k for k in keys if k != length and now.get(k) != then.get(k)]
    if differ:
        shown = ", ".join(differ[:6]) + (f" and {len(differ) - 6} more" if len(differ) > 6 else "")
        raise CoevoError(f"{folder.config_path} is not the settings its checkpoint played ({shown} differ or are "
                         "missing); restore it from a copy, then resume again (a new game needs a new folder)")


class Checkpointer(Hook):
    """Saves the game and every random generator's state atomically every ``game.checkpoint_every`` rounds, at
    most once per ``game.checkpoint_seconds``, and when the game stops; every hook's ``on_checkpoint`` runs first
    (recorders write the files of the rounds the checkpoint accounts for)."""

    def __init__(self, folder: RunFolder, game: Game, hooks: Sequence[Hook], config: str | None = None) -> None:
        self.folder, self.game, self.hooks = folder, game, hooks
        self.config = config  # config.toml as written for the game: kept in the checkpoint, so resume can check it
        self.saved = time.monotonic()

    def on_round_end(self, played: Round, progress: Progress) -> None:
        every, seconds = self.game.checkpoint_every, self.game.checkpoint_seconds
        due = progress.rounds % every == 0 and time.monotonic() - self.saved >= seconds
        if due or self.game.stop.reached(progress):
            self.save()

    def save(self) -> None:
        for hook in self.hooks:
            hook.on_checkpoint()
        kept = {} if self.config is None else {"config": self.config}
        self.folder.save_checkpoint({**self.game.state_dict(), "rng": rng_state(), **kept})
        self.saved = time.monotonic()


class ProgressBar(Hook):
    """A tqdm bar over rounds, with the round's headline figures: the best score and the critic's loss of an
    evolutionary game, the critic's and the generator's losses of a GAN (its best score says little)."""

    SHOWN = (("best", "score_max"), ("critic_loss", "critic_loss"), ("generator_loss", "artist_loss"),
             ("confidence", "target_confidence_mean"))

    def __init__(self, game: Game) -> None:
        self.bar = tqdm(total=game.stop.rounds, initial=game.progress.rounds, desc=game.label, unit="round",
                        leave=False, dynamic_ncols=True)

    def on_round_end(self, played: Round, progress: Progress) -> None:
        self.bar.update(1)
        self.bar.set_postfix(self.figures(played.metrics), refresh=False)

    @classmethod
    def figures(cls, metrics: dict[str, float]) -> dict[str, str]:
        """The figures the bar shows for a round's metrics, by their label."""
        gan = "artist_loss" in metrics  # a generator learns from a loss; an evolutionary artist has none
        return {label: f"{metrics[key]:.3f}" for label, key in cls.SHOWN
                if key in metrics and not (gan and key == "score_max")}

    def on_end(self, progress: Progress) -> None:
        self.bar.close()

    def on_exception(self, error: BaseException) -> None:
        self.bar.close()


class Trainer:
    """Starts and resumes programs in folders (``fit`` and ``resume``); ``bar`` turns the progress bar off."""

    def __init__(self, bar: bool = True) -> None:
        self.bar = bar

    def fit(self, program: Program, config: Any, out: Path) -> Any:
        """Play a new game into ``out`` to its stop; a start that fails before its first checkpoint leaves the
        folder as it found it. The game draws only from generators of its own (``coevo.rng.using``)."""
        with using(Generators()):
            return self._fit(program, config, out)

    def _fit(self, program: Program, config: Any, out: Path) -> Any:
        out = Path(out)
        check_kind(out, program.kind)
        folder = RunFolder(out)
        folder.check_new()
        game = program.build(config)  # fails on bad input before anything is written
        before = folder_contents(out)
        with folder_lock(out):
            try:
                text = dump_config(game.config)
                folder.create(text, kind=program.kind)
                program.begin(game)
                return self.play(program, folder, game, config=text)
            except BaseException:
                if folder.load_checkpoint() is None:  # nothing to resume: leave nothing that blocks the rerun
                    remove_started(out, before)
                raise

    def resume(self, program: Program, out: Path, rounds: int | None = None, force: bool = False) -> Any:
        """Continue a killed or finished game from its last checkpoint, optionally to a new length (shortening it,
        or continuing with recorded rounds missing, needs ``force``); the game draws from generators of its own."""
        with using(Generators()):
            return self._resume(program, out, rounds, force)

    def _resume(self, program: Program, out: Path, rounds: int | None, force: bool) -> Any:
        out = Path(out)
        folder = RunFolder(out)
        upgrade(program, folder)
        if not folder.config_path.exists():
            raise CoevoError(f"{out} holds no {NOUNS[program.kind]} (no {folder.config_path.name}); pass the folder "
                             "a `coevo` command wrote")
        check_kind(out, program.kind)
        check_contained(out, NOUNS[program.kind])  # a file linked out of the folder is never read or appended to
        with folder_lock(out):
            check_config(folder)
            config = program.read_config(folder.config_path)
            folder.remove_partial_writes()
            state = folder.load_checkpoint()
            played = 0 if state is None else int(state["round"])
            check_played_config(folder, state, program.length)
            if rounds is not None:
                self._lengthen(program, config, out, played, rounds, force)
            if not folder.holds_rounds(played) and not force:
                raise CoevoError(f"{out}/metrics.jsonl holds {len(folder.metrics_before(played))} of the {played} "
                                 f"rounds its checkpoint played ({folder.describe_gap(played)}); restore the file, "
                                 "or pass --force to continue with those rounds missing (never renumbered)")
            game = program.build(config)
            if state is None:
                program.begin(game)
            else:
                game.load_state_dict(state)
            folder.keep_metrics(game.progress.rounds)
            return self.play(program, folder, game, rewrite_config=rounds is not None,
                             config=read_text(folder.config_path, "settings file", MAX_CONFIG_BYTES))

    @staticmethod
    def _lengthen(program: Program, config: Any, out: Path, played: int, rounds: int, force: bool) -> None:
        if program.length is None:
            raise CoevoError(f"{out} holds {KINDS[program.kind]} of fixed length, so --rounds cannot "
                             "change it; resume it without --rounds")
        if rounds < 1:
            raise CoevoError(f"--rounds must be at least 1 (got {rounds})")
        if rounds < played and not force:
            raise CoevoError(f"{out} has played {played} rounds; --rounds {rounds} would shorten it: pass a larger "
                             "--rounds, or --force to mark it shorter (its rounds stay on disk)")
        problem = value_problem(rounds, 1, MAX_INT)  # a config file holds 64-bit integers
        if problem:
            raise CoevoError(f"--rounds {problem}; pass a smaller --rounds")
        setattr(config, program.length, rounds)

    def play(self, program: Program, folder: RunFolder, game: Game, rewrite_config: bool = False,
             config: str | None = None) -> Any:
        """Play from the game's progress to its stop with the program's hooks, then let the program finish;
        ``config`` is config.toml's text, which checkpoints keep."""
        hooks: list[Hook] = [*watches(), *game.hooks, *program.recorders(folder, game)]  # watches: a let-go task
        if getattr(game.config, "tensorboard", False):  # a program whose settings declare it (coevo.training.config)
            hooks.append(TensorBoardHook(folder.path / FOLDER, game.stop, getattr(game.config, "sheet_every", 5)))
        if rewrite_config:  # after the recorders opened what they write to: a refused resume changes nothing
            config = dump_config(game.config)
            atomic_write_text(folder.config_path, config)
        checkpointer = Checkpointer(folder, game, list(hooks), config)
        hooks.append(checkpointer)
        if self.bar:
            hooks.append(ProgressBar(game))
        for hook in hooks:
            hook.on_start(game.progress)
        try:
            coevolve(game.players, game.schedule, game.stop, game.progress, hooks)
            if not game.stop.reached(game.progress):  # ended on request (StopGame): keep everything done since the
                checkpointer.save()  # last checkpoint, a session's undo (no round) included
        except BaseException as error:
            for hook in hooks:
                hook.on_exception(error)
            raise
        for hook in hooks:
            hook.on_end(game.progress)
        return program.finish(folder, game)
