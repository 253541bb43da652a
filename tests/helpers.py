"""Shared test helpers: tiny run settings, run-folder readers, posted Pygame events, scripted sessions, CPPN parts.

Test modules import what they need from here (fixtures live in ``tests/conftest.py``, toy players in
``tests/toys.py``), so a helper is written once."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pygame
import pytest
import torch

from tests.conftest import ROOT, patience

if TYPE_CHECKING:
    from artists.cppn.genome import ConnectionGene
    from coevo.loop import Round
    from coevo.programs.breed import BreedingSession
    from coevo.training.config import BreedConfig, RunConfig
    from critics.human import HumanCritic

TOY_GENETICS = "tests.toys:ToyGenetics"

TOY = ["--artist", TOY_GENETICS, "--critic", "tests.toys:TinyCritic", "--size", "8", "--pop", "8",
       "--warmup", "2", "--batch", "16"]
"""Command-line settings of a toy run that takes about a second (add ``--rounds`` and ``--out``)."""


def toy_config(**overrides: object) -> RunConfig:
    """A run that takes about a second: the toy artist against a logistic critic on 8-pixel digits."""
    from coevo.training.config import RunConfig

    values = {"artist": TOY_GENETICS, "critic": "tests.toys:TinyCritic", "size": 8, "pop": 6,
              "rounds": 4, "warmup": 1, "batch": 8, "seed": 3, "device": "cpu"} | overrides
    return RunConfig(**values)  # type: ignore[arg-type]


class Killed(Exception):
    """What ``start_killed`` raises where a kill -9 would end the process."""


def start_killed(config: RunConfig, folder: Path, at: int = 10) -> None:
    """Start ``config`` into ``folder`` and let it die as a kill -9 would, at the start of round ``at``: nothing
    after the last checkpoint is flushed."""
    from coevo.loop import Hook, Progress
    from coevo.programs.run import RunRecorder, start
    from coevo.training import trainer

    class KillAt(Hook):
        def on_round_start(self, progress: Progress) -> None:
            if progress.rounds == at:
                raise Killed

    original = trainer.coevolve

    def coevolve(players, schedule, stop, progress, hooks):  # type: ignore[no-untyped-def]
        [recorder] = [hook for hook in hooks if isinstance(hook, RunRecorder)]
        recorder.on_exception = lambda error: recorder.index.close()  # a kill -9 flushes nothing
        return original(players, schedule, stop, progress, [*hooks, KillAt()])

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(trainer, "coevolve", coevolve)
        with pytest.raises(Killed):
            start(config, folder)


# --- the command line and run folders ---------------------------------------------------------------------------


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """``coevo ARGS`` in this process: the exit code, stdout and stderr."""
    from coevo.commands.main import main

    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def coevo(*args: str, errors: Path | None = None) -> subprocess.Popen:
    """Start ``python -m coevo ARGS``; its stderr goes to ``errors`` when given."""
    stderr = open(errors, "w") if errors else subprocess.DEVNULL
    return subprocess.Popen([sys.executable, "-m", "coevo", *args], cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=stderr)


def checkpointed_before_settings(folder: Path) -> None:
    """Make a folder's checkpoint as coevo wrote them before checkpoints kept the settings (no ``config``), so an
    edit to config.toml stands for a file written by an older coevo, not for damage."""
    state = torch.load(folder / "checkpoint.pt", weights_only=True)
    del state["config"]
    torch.save(state, folder / "checkpoint.pt")


def snapshot(folder: Path) -> dict[str, str]:
    """Every file below ``folder`` by its SHA-256."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def lines(path: Path) -> int:
    """How many lines ``path`` holds (0 when it does not exist)."""
    return len(path.read_text().splitlines()) if path.exists() else 0


def outputs(folder: Path, images: bool = True) -> dict[str, bytes]:
    """A run folder's recorded outputs (metrics, curves, genomes, sheets and, if asked, images) by name."""
    files = [folder / "metrics.jsonl", folder / "curves.png", *sorted((folder / "genomes").iterdir()),
             *sorted((folder / "sheets").iterdir()), *(sorted((folder / "images").iterdir()) if images else [])]
    return {str(p.relative_to(folder)): p.read_bytes() for p in files}


def check_images(images: torch.Tensor, channels: int, size: int) -> None:
    """A loaded data set's images: float32, ``channels`` x ``size`` x ``size``, in [-1, 1] and using the range."""
    assert images.dtype == torch.float32
    assert images.shape[1:] == (channels, size, size)
    assert images.min() >= -1.0 and images.max() <= 1.0
    assert images.min() < -0.9 and images.max() > 0.5


# --- posting real Pygame events to a window (the package makes windows headless) --------------------------------


def click(pos: tuple[int, int], shift: bool = False, button: int = 1) -> None:
    """A mouse click at ``pos``, with the shift key held if asked."""
    if shift:
        pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_LSHIFT, mod=pygame.KMOD_LSHIFT,
                                             unicode=""))
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=pos, button=button))
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONUP, pos=pos, button=button))
    if shift:
        pygame.event.post(pygame.event.Event(pygame.KEYUP, key=pygame.K_LSHIFT, mod=0, unicode=""))


def press(key: int, text: str = "") -> None:
    """A key press (down and up)."""
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=key, mod=0, unicode=text))
    pygame.event.post(pygame.event.Event(pygame.KEYUP, key=key, mod=0, unicode=text))


def breeding_window(size: int) -> Iterator[HumanCritic]:
    """A real headless breeding window with session keys on, events cleared; closed afterwards (for fixtures)."""
    from critics.human import HumanCritic

    window = HumanCritic(box=size, timeout=patience(10))
    window.session_keys = True
    pygame.event.clear()
    yield window
    window.close()


def choose(session: BreedingSession, critic: HumanCritic, box: int, key: int = pygame.K_RETURN) -> Round | None:
    """Click box ``box`` in the window, press ``key`` (Enter), and let the session take the step (the round)."""
    click(critic.box_centre(box))
    press(key)
    return session.step(critic)


def picks(*boxes: int) -> list[Callable[[HumanCritic], None]]:
    """Script steps (``script``) that choose each box in turn and breed from it."""
    return [lambda w, box=box: (click(w.box_centre(box)), press(pygame.K_RETURN)) for box in boxes]


def keys(*pressed: int) -> list[Callable[[HumanCritic], None]]:
    """Script steps (``script``) that press each key in turn."""
    return [lambda w, key=key: press(key) for key in pressed]


def plays(window: HumanCritic, *steps: Callable[[HumanCritic], None]) -> None:
    """Let ``window`` (an instance, not the class) perform one scripted step per wait, as ``script`` does."""
    run = script(*steps)
    window.idle = lambda: run(window)  # type: ignore[method-assign]


def session_of(config: BreedConfig, folder: Path, window: HumanCritic) -> BreedingSession:
    """A new session of ``config`` in ``folder`` built by the breeding program but stepped by hand (no trainer)."""
    from coevo.programs.breed import BreedingSession, BreedProgram
    from coevo.store.runfolder import RunFolder

    program = BreedProgram(window=window)
    game = program.build(config)
    program.begin(game)
    program.recorders(RunFolder(folder), game)
    assert isinstance(game.schedule, BreedingSession)
    return game.schedule


def script(*steps: Callable[[HumanCritic], None]) -> Callable[[HumanCritic], None]:
    """An idle hook that performs one scripted step (posting events) per wait of the window."""
    queue = list(steps)

    def idle(window: HumanCritic) -> None:
        if queue:
            queue.pop(0)(window)

    return idle


def scripted_session(folder: Path, generations: int = 40, seed: int = 0) -> Path:
    """A synthetic person who always chooses the brightest of 15 images (and restarts now and then)."""
    import random

    from coevo.programs.breed import BreedingSession
    from tests.toys import ToyGenetics

    random.seed(seed)
    torch.manual_seed(seed)
    genetics = ToyGenetics()
    session = BreedingSession.start(TOY_GENETICS, genetics, genetics.random_genome(), 15, 16, folder)
    for g in range(generations):
        session.history.append(session.artist.state_dict())
        if g % 8 == 7:  # a restart: no judgement, and fresh variety
            session.artist.seed([genetics.random_genome()])
            continue
        proposal = session.artist.ask()
        scores = torch.zeros(len(proposal))
        scores[int(proposal.images.mean(dim=(1, 2, 3)).argmax())] = 1.0
        session.artist.tell(proposal, scores)
    session.save()
    return folder


# --- CPPN genomes built by hand ----------------------------------------------------------------------------------


def input_nodes() -> tuple[Any, ...]:
    """The four CPPN input nodes (x, y, d, bias), ids 0 to 3."""
    from artists.cppn.genome import NodeGene

    return tuple(NodeGene(i, "in", "identity", label) for i, label in enumerate(("x", "y", "d", "bias")))


def link(source: int, target: int, weight: float, enabled: bool = True) -> ConnectionGene:
    """A CPPN connection gene with its deterministic innovation number."""
    from artists.cppn.genome import ConnectionGene, innovation

    return ConnectionGene(innovation(source, target), source, target, weight, enabled)


def evolved_cppns(genetics: Any, n: int = 6, steps: int = 25, strength: float = 1.0) -> list[Any]:
    """``n`` random CPPN genomes, each mutated ``steps`` times at ``strength``: grown, hidden nodes and all."""
    population = [genetics.random_genome() for _ in range(n)]
    for _ in range(steps):
        population = [genetics.mutate(g, strength=strength) for g in population]
    return population


# --- the drawing artists' genomes -------------------------------------------------------------------------------

EVOECO_PALETTE = ((255,), (128,), (0,))
"""An EvoEco palette: colour 0 (the grid's start) white, 1 grey, 2 black."""


def ant(x: float, y: float, heading: int, paint: tuple[int, ...], follow: tuple[int, ...], tolerance: int = 0,
        alpha: int = 256, turns: tuple[int, int, int] = (0, 1, 0)) -> Any:
    """A Greenfield ant (artists/ants/genome.py) with the usual turns, alpha and tolerance unless given."""
    from artists.ants.genome import Ant

    return Ant(x, y, heading, turns, paint, alpha, follow, tolerance)
