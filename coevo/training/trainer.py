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
from coevo.training.cancel import watches
from coevo.training.config import dump_config


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


class Checkpointer(Hook):
    """Saves the game and every random generator's state atomically every ``game.checkpoint_every`` rounds, at
    most once per ``game.checkpoint_seconds``, and when the game stops; every hook's ``on_checkpoint`` runs first
    (recorders write the files of the rounds the checkpoint accounts for)."""

    def __init__(self, folder: RunFolder, game: Game, hooks: Sequence[Hook]) -> None:
        self.folder, self.game, self.hooks = folder, game, hooks
        self.saved = time.monotonic()

    def on_round_end(self, played: Round, progress: Progress) -> None:
        every, seconds = self.game.checkpoint_every, self.game.checkpoint_seconds
        due = progress.rounds % every == 0 and time.monotonic() - self.saved >= seconds
        if due or self.game.stop.reached(progress):
            self.save()

    def save(self) -> None:
        for hook in self.hooks:
            hook.on_checkpoint()
        self.folder.save_checkpoint({**self.game.state_dict(), "rng": rng_state()})
        self.saved = time.monotonic()


class ProgressBar(Hook):
    """A tqdm bar over rounds, with the round's headline figures."""

    SHOWN = ("score_max", "critic_loss", "artist_loss", "target_confidence_mean")

    def __init__(self, game: Game) -> None:
        self.bar = tqdm(total=game.stop.rounds, initial=game.progress.rounds, desc=game.label, unit="round",
                        leave=False, dynamic_ncols=True)

    def on_round_end(self, played: Round, progress: Progress) -> None:
        self.bar.update(1)
        shown = {k: f"{played.metrics[k]:.3f}" for k in self.SHOWN if k in played.metrics}
        self.bar.set_postfix(shown, refresh=False)

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
                folder.create(dump_config(game.config), kind=program.kind)
                program.begin(game)
                return self.play(program, folder, game)
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
        with folder_lock(out):
            config = program.read_config(folder.config_path)
            folder.remove_partial_writes()
            state = folder.load_checkpoint()
            played = 0 if state is None else int(state["round"])
            if rounds is not None:
                self._lengthen(program, config, out, played, rounds, force)
            if not folder.holds_rounds(played) and not force:
                raise CoevoError(f"{out}/metrics.jsonl holds {len(folder.metrics_before(played))} of the {played} "
                                 "rounds its checkpoint played; restore the file, or pass --force to continue with "
                                 "those rounds missing")
            game = program.build(config)
            if state is None:
                program.begin(game)
            else:
                game.load_state_dict(state)
            folder.keep_metrics(game.progress.rounds)
            return self.play(program, folder, game, rewrite_config=rounds is not None)

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
        setattr(config, program.length, rounds)

    def play(self, program: Program, folder: RunFolder, game: Game, rewrite_config: bool = False) -> Any:
        """Play from the game's progress to its stop with the program's hooks, then let the program finish."""
        hooks: list[Hook] = [*watches(), *game.hooks, *program.recorders(folder, game)]  # watches: a let-go task
        if rewrite_config:  # after the recorders opened what they write to: a refused resume changes nothing
            atomic_write_text(folder.config_path, dump_config(game.config))
        checkpointer = Checkpointer(folder, game, list(hooks))
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
