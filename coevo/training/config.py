"""A run's settings: one flat dataclass, read from and written to TOML."""

from __future__ import annotations

import tomllib
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from coevo.errors import CoevoError
from coevo.threads import DEFAULT_THREADS, check_threads

if TYPE_CHECKING:
    from coevo.loop import Stop

SCHEDULES = ("round", "phases")  # how artist and critic take turns (coevo.schedules)
Settings = TypeVar("Settings")  # a settings dataclass: RunConfig, or a program's own (FoolConfig)
SIZES = (8, 1024)  # image side in pixels: the CNN critic needs 8 to convolve, and a round's images must fit memory
MAX_BATCH = 65536  # images per round or per critic update
MAX_SEED = 2**63 - 1  # TOML integers (config.toml) are 64-bit
FOOL_RATES = ("nguyen", "artist")  # a fooling run's mutation rates: the paper's, or the artist's defaults


@dataclass
class RunConfig:
    """Everything that determines a run; saved as ``config.toml`` in its folder."""

    artist: str = "gp"  # registry name (see `coevo list`) or a plugin "module:Class"
    critic: str = "cnn"  # registry name or plugin "module:Class"
    data: str = "digits"  # data spec: digits, mnist:DIR, an image folder, or a .npz file
    rounds: int = 30  # rounds (generations / GAN steps) to play; 0: no limit (another limit ends the run)
    images: int = 0  # ... or stop once the artist has shown the critic this many images (0: no limit)
    critic_updates: int = 0  # ... or once the critic has taken this many updates, warm-up included (0: no limit)
    seconds: float = 0.0  # ... or after this many seconds of play (0: no limit; not reproducible)
    pop: int = 32  # images the artist shows per round (population or batch size)
    size: int = 32  # image side in pixels
    seed: int = 0  # seeds Python, NumPy and Torch; same seed, same run on the same machine
    critic_steps: int = 1  # critic updates per round
    batch: int = 64  # real and fake images per critic update
    warmup: int = 30  # critic updates before round 0 (the CNN tells digits from random GP images in ~15)
    loss: str = "nonsaturating"  # GAN loss (critic and gradient artists): minimax, nonsaturating, wgan, wgan-gp, hinge
    schedule: str = "round"  # round (one generation per k critic steps) or phases (fool, then recover)
    phase_generations: int = 50  # phases: artist generations per phase at most (then the phase is stalled)
    phase_threshold: float = 0.0  # phases: the champion fools the critic once it scores above this
    phase_accuracy: float = 0.95  # phases: the critic trains until its held-out accuracy reaches this
    phase_critic_steps: int = 500  # phases: critic updates per phase at most
    fakes: str = "champions"  # fake-set policy: latest (GAN), champions, replay, archive (all), negatives (Vickers)
    replay: int = 512  # replay buffer size for fakes = "replay"
    champions: int = 1  # champions per round added to the gallery
    diversity: float = 0.0  # fitness sharing in the critic's feature space against mode collapse (0 = off)
    elite: int = 1  # evolutionary artists: individuals kept unchanged
    tournament: int = 3  # evolutionary artists: tournament size
    cxpb: float = 0.5  # evolutionary artists: crossover probability per pair
    mutpb: float = 0.9  # evolutionary artists: mutation probability per child
    sheet_every: int = 5  # write a contact sheet every n rounds (and at the last; 0: at the last only)
    checkpoint_every: int = 1  # write a checkpoint every n rounds (and at the last)
    checkpoint_seconds: float = 10.0  # ... but at most one per this many seconds (0: every n rounds); a resume
    # replays the rounds after the last checkpoint, so the files end the same whenever checkpoints fall
    device: str = "auto"  # torch device for networks: auto (CUDA when present), cpu, cuda
    threads: int = DEFAULT_THREADS  # torch CPU threads (results can depend on it, so a resume keeps the run's)
    start_from: str = ""  # seed the population from a genome: gallery:ID, gallery:ROOT:ID or a file ("" = random)
    artist_options: dict[str, Any] = field(default_factory=dict)  # extra keyword options for the artist
    critic_options: dict[str, Any] = field(default_factory=dict)  # extra keyword options for the critic

    def validate(self) -> RunConfig:
        """Check ranges; raise ``CoevoError`` with the fix."""
        from coevo.fakes import POLICIES, RENAMED  # imported here: reading a config needs no torch
        from coevo.losses import LOSSES

        for name in ("pop", "size", "batch", "checkpoint_every", "champions", "phase_generations"):
            if getattr(self, name) < 1:
                raise CoevoError(f"{name} must be at least 1 (got {getattr(self, name)}); pass a positive value")
        check_threads(self.threads)
        for name in ("rounds", "images", "critic_updates", "seconds", "critic_steps", "warmup", "elite", "diversity",
                     "phase_critic_steps", "sheet_every", "checkpoint_seconds"):
            if not getattr(self, name) >= 0:  # NaN fails too
                raise CoevoError(f"{name} must be >= 0 (got {getattr(self, name)})")
        if not any((self.rounds, self.images, self.critic_updates, self.seconds)):
            raise CoevoError("the run has no end: pass --rounds N (or --images N, --critic-updates N, --seconds S)")
        if not SIZES[0] <= self.size <= SIZES[1]:
            raise CoevoError(f"size must lie in {SIZES[0]}..{SIZES[1]} pixels (got {self.size}); pass e.g. --size 32 "
                             "(render a champion larger with `coevo render GENOME.json --size N`)")
        for name in ("pop", "batch"):
            if getattr(self, name) > MAX_BATCH:
                raise CoevoError(f"{name} must be at most {MAX_BATCH} images (got {getattr(self, name)}); lower it")
        if self.tournament < 1:
            raise CoevoError(f"tournament must be at least 1 (got {self.tournament}); pass e.g. --tournament 3")
        if not 0 <= self.seed <= MAX_SEED:
            raise CoevoError(f"seed must lie in 0..{MAX_SEED} (got {self.seed}); pass a smaller --seed")
        if self.elite > self.pop:
            raise CoevoError(f"elite ({self.elite}) cannot exceed pop ({self.pop}); lower --elite or raise --pop")
        for name in ("cxpb", "mutpb"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise CoevoError(f"{name} is a probability and must lie in [0, 1] (got {getattr(self, name)})")
        self.fakes = RENAMED.get(self.fakes, self.fakes)
        if self.fakes not in POLICIES:
            raise CoevoError(f"unknown fake-set policy {self.fakes!r}; use {', '.join(POLICIES)}")
        if self.schedule not in SCHEDULES:
            raise CoevoError(f"unknown schedule {self.schedule!r}; use {' or '.join(SCHEDULES)}")
        if not 0.0 < self.phase_accuracy <= 1.0:
            raise CoevoError(f"phase_accuracy is a share in (0, 1] (got {self.phase_accuracy})")
        if self.loss not in LOSSES:
            raise CoevoError(f"unknown loss {self.loss!r}; use one of {', '.join(LOSSES)}")
        if self.device not in ("auto", "cpu", "cuda") and not self.device.startswith("cuda:"):
            raise CoevoError(f"unknown device {self.device!r}; use auto, cpu or cuda")
        return self

    def stop(self) -> Stop:
        """When the run ends: the first of its limits reached (0 = no such limit)."""
        from coevo.loop import Stop  # imported here: reading a config needs no torch

        return Stop(rounds=self.rounds or None, images=self.images or None,
                    critic_updates=self.critic_updates or None, seconds=self.seconds or None)


@dataclass
class FoolConfig:
    """Settings of a fooling run; saved as ``config.toml`` in its folder."""

    data: str = "digits"  # labelled data the classifier is trained on (digits, mnist:DIR, .npz)
    artist: str = "cppn"  # evolutionary artist (MAP-Elites over its genomes) or a gradient fooler (pixels)
    critic: str = "classifier"  # fixed classifier critic with confidences(images) -> (N, classes)
    generations: int = 50  # MAP-Elites generations
    # Defaults as Nguyen et al.'s MNIST runs (sferes: 200 children a generation, each a mutated copy of a random
    # elite, their mutation rates): measured (README), all 10 digits at >= 99.99% within 50 generations on seeds
    # 0-19, where 100 children, crossover 0.1 and the cppn artist's own rates gave 9.4 of 10 on seeds 0-9
    batch: int = 200  # children bred and scored per generation
    elites: int = 1  # individuals kept per class (the best, then runners-up that breed as well)
    size: int = 28  # image side the classifier sees (MNIST: 28)
    seed: int = 0  # seeds Python, NumPy and Torch
    cxpb: float = 0.0  # chance a child comes from crossing two elites (sferes' DnnFF "cross" copies a parent)
    strength: float = 1.0  # mutation strength
    rates: str = "nguyen"  # mutation rates: nguyen (Nguyen et al.'s MNIST runs, cppn only) or the artist's own
    steps: int = 3000  # classifier training steps, to convergence as the paper's LeNet (trained once, then cached)
    device: str = "auto"  # torch device for the classifier and the renderer
    threads: int = DEFAULT_THREADS  # torch CPU threads
    artist_options: dict[str, Any] = field(default_factory=dict)  # extra genetics options (mutation rates, ...)
    critic_options: dict[str, Any] = field(default_factory=dict)  # extra classifier options

    def validate(self) -> FoolConfig:
        for name in ("generations", "batch", "elites", "size", "steps"):
            if getattr(self, name) < 1:
                raise CoevoError(f"{name} must be at least 1 (got {getattr(self, name)})")
        if self.size < 16:
            raise CoevoError(f"--size must be at least 16 pixels for the classifier (got {self.size})")
        if not 0.0 <= self.cxpb <= 1.0:
            raise CoevoError(f"cxpb is a probability in [0, 1] (got {self.cxpb})")
        check_threads(self.threads)
        if self.rates not in FOOL_RATES:
            raise CoevoError(f"--rates must be {' or '.join(FOOL_RATES)} (got {self.rates!r})")
        return self



def from_mapping(values: dict[str, Any], source: str, cls: type[Settings] = RunConfig,
                 absent: dict[str, Any] | None = None) -> Settings:
    """Build a settings dataclass (a run's by default) from a parsed mapping, naming any unknown key or wrong type.
    ``absent`` gives the value of a key the mapping lacks where it is not the default (a file older than the key)."""
    known = {f.name: f for f in fields(cls)}
    defaults = cls()
    kwargs: dict[str, Any] = {k: v for k, v in (absent or {}).items() if k not in values}
    for key, value in values.items():
        if key not in known:
            raise CoevoError(f"{source}: unknown setting {key!r}; valid settings: {', '.join(known)}")
        expected = type(getattr(defaults, key))
        if expected is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            raise CoevoError(f"{source}: {key} must be {_KIND[expected]}, got {value!r}")
        kwargs[key] = value
    return cls(**kwargs)


_KIND = {int: "an integer", float: "a number", str: "a string", bool: "true or false", dict: "a table"}


BUNDLED = Path(__file__).parent.parent / "configs"  # configs shipped with coevo: `coevo run --config NAME`


def bundled_names() -> list[str]:
    return sorted(p.stem for p in BUNDLED.glob("*.toml"))


def config_file(path: Path) -> Path:
    """``path`` itself when it exists, else the bundled config of that name (``vickers2017`` or
    ``vickers2017.toml``); ``CoevoError`` naming both when neither exists."""
    if path.exists():
        return path
    bundled = BUNDLED / (path.name if path.suffix == ".toml" else f"{path.name}.toml")
    if len(path.parts) == 1 and bundled.is_file():
        return bundled
    raise CoevoError(f"config file {path} does not exist; check the path, or name a bundled config: "
                     f"{', '.join(bundled_names()) or 'none'}")


def load_config(path: Path, cls: type[Settings] = RunConfig, absent: dict[str, Any] | None = None) -> Settings:
    """Read a TOML settings file (a run's ``config.toml`` by default); ``absent`` as in ``from_mapping``."""
    try:
        values = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CoevoError(f"config file {path} does not exist; check the path") from None
    except OSError as exc:
        raise CoevoError(f"cannot read config file {path} ({exc.strerror}); pass a TOML file") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise CoevoError(f"config file {path} is not valid TOML ({exc}); fix the syntax") from None
    return from_mapping(values, str(path), cls, absent)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):  # inside a table: an inline table (a jury's member_options)
        return "{" + ", ".join(f"{k} = {_toml_value(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"cannot write {type(value).__name__} to TOML")


def dump_toml(values: dict[str, Any]) -> str:
    """Flat TOML: plain values first, then each dict value as a ``[table]`` (the one TOML writer)."""
    tables = {k: v for k, v in values.items() if isinstance(v, dict)}
    lines = [f"{key} = {_toml_value(value)}" for key, value in values.items() if key not in tables]
    for name, table in tables.items():
        lines += ["", f"[{name}]"] + [f"{key} = {_toml_value(value)}" for key, value in table.items()]
    return "\n".join(lines) + "\n"


def dump_config(config: Any) -> str:
    """A settings dataclass as TOML text that ``load_config`` reads back to an equal one."""
    return dump_toml(asdict(config))
