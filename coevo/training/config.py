"""A run's settings: one flat dataclass, read from and written to TOML."""

from __future__ import annotations

import tomllib
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coevo.errors import CoevoError
from coevo.threads import DEFAULT_THREADS, machine_cores
from coevo.training.kernel import (
    FAKE_POLICIES,
    FAKE_RENAMED,
    LOSSES,
    MAX_BATCH,
    SIZES,
    EvolutionConfig,
    LoopConfig,
    PhaseRules,
)
from coevo.training.settings import (
    DEFAULT_BYTES_PER_PIXEL,
    Settings,
    borrow,
    check,
    check_memory,
    number_problem,
    setting,
)

if TYPE_CHECKING:
    from coevo.loop import Stop

IMAGE_BYTES_PER_PIXEL = 12  # a kept image: float32 RGB (a replay buffer, kept samples)
SCHEDULES = ("round", "phases")  # how artist and critic take turns (coevo.schedules)
MAX_SEED = 2**63 - 1  # TOML integers (config.toml) are 64-bit
MAX_STEPS = 1_000_000  # training or sampling steps of one network or chain: hours on a CPU already
MAX_CHAINS = 10_000  # PPGN chains per class (their memory is checked as well)
FOOL_RATES = ("nguyen", "artist")  # a fooling run's mutation rates: the paper's, or the artist's defaults
DEVICES = ("auto", "cpu", "cuda")  # or cuda:N
PRIORS = ("dae", "encoder")  # a PPGN sampling's prior on h
PPGN_CLASSES = 10  # classes a PPGN sampling is sized for when --classes names none (the digits' and MNIST's)


@dataclass
class RunConfig:
    """Everything that determines a run; saved as ``config.toml`` in its folder (in this order of fields)."""

    artist: str = setting("gp", "artist: a registry name (see `coevo list`) or a plugin module:Class")
    critic: str = setting("cnn", "critic: a registry name (see `coevo list`) or a plugin module:Class")
    data: str = setting("digits", "real images: digits (bundled), mnist:DIR, an image folder, FILE.npz, or none")
    rounds: int = setting(30, "rounds to play (generations / GAN steps); 0: no limit, another one ends the run", low=0)
    images: int = setting(0, "or stop once the artist has shown the critic this many images (0: no limit)", low=0)
    critic_updates: int = setting(0, "or stop once the critic has taken this many updates, warm-up included "
                                  "(0: no limit)", low=0)
    seconds: float = setting(0.0, "or stop after this many seconds of play (0: no limit; not reproducible)", low=0.0)
    pop: int = borrow(EvolutionConfig, "pop")
    size: int = borrow(EvolutionConfig, "size")
    seed: int = setting(0, "seeds Python, NumPy and Torch; the same seed gives the same run on the same machine",
                        low=0, high=MAX_SEED)
    critic_steps: int = borrow(LoopConfig, "critic_steps")
    batch: int = borrow(LoopConfig, "batch")
    warmup: int = borrow(LoopConfig, "warmup")
    loss: str = setting("nonsaturating", "GAN loss of the critic and of gradient artists: minimax, nonsaturating, "
                        "wgan, wgan-gp, hinge", choices=LOSSES)
    schedule: str = setting("round", "round (one generation per k critic steps) or phases (the artist evolves until "
                            "it fools the frozen critic, then the critic trains until it is not fooled; Machado 2008, "
                            "Vickers 2017)", choices=SCHEDULES)
    phase_generations: int = borrow(PhaseRules, "generations")
    phase_threshold: float = borrow(PhaseRules, "threshold")
    phase_accuracy: float = borrow(PhaseRules, "accuracy")
    phase_critic_steps: int = borrow(PhaseRules, "critic_steps")
    phase_critic_min: int = borrow(PhaseRules, "critic_min")
    phase_check_every: int = borrow(PhaseRules, "check_every")
    phase_remember: bool = borrow(PhaseRules, "remember")
    phase_jury: int = borrow(PhaseRules, "jury")
    phase_margin: float = borrow(PhaseRules, "margin")
    phase_widen: int = borrow(PhaseRules, "widen")
    phase_real_bar: float = borrow(PhaseRules, "real_bar")
    phase_relax: bool = borrow(PhaseRules, "relax")
    phase_restart: bool = borrow(PhaseRules, "restart")
    ciao_keep: int = setting(32, "master tournament: critics and champions kept, each phase's (or every "
                             "--ciao-every rounds'), thinned evenly past this; every champion plays every critic "
                             "(tournament.json, ciao.png; 0: off)", low=0, high=64)
    ciao_every: int = setting(10, "master tournament, round schedule: keep the critic and champions every N rounds",
                              low=1)
    judge: float = setting(0.0, "independent judge: set about this share of the real images aside, never seen by "
                           "critic or artist, to train a network that scores each phase's champions (judge_fid, "
                           "judge_kid, judge_confident: read as a class with p >= 0.9); 0: off", low=0.0, high=0.5)
    fakes: str = setting("champions", "what the critic learns against: latest (a GAN), champions (every round's best, "
                         "kept), replay, archive (every image), negatives (a blank image, then each phase's "
                         "champions; Vickers 2017)", choices=FAKE_POLICIES)
    replay: int = setting(512, "replay buffer size for --fakes replay", low=0)
    champions: int = setting(1, "champions per round added to the fake set and the gallery", low=1)
    diversity: float = setting(0.0, "fitness sharing strength in the critic's feature space (0 = off), against mode "
                               "collapse", low=0.0)
    elite: int = borrow(EvolutionConfig, "elite")
    tournament: int = borrow(EvolutionConfig, "tournament")
    cxpb: float = borrow(EvolutionConfig, "cxpb")
    mutpb: float = borrow(EvolutionConfig, "mutpb")
    measure_every: int = setting(10, "take the critic's held-out accuracy and feature diversity every N rounds "
                                 "(from round 0; a pass as costly as a critic update)", low=1, high=10**9)
    sheet_every: int = setting(5, "write a contact sheet every N rounds and at the last (0: at the last only)", low=0)
    sheet_compression: int = setting(1, "zlib level of the contact sheets' PNG files, 0-9 (1: a sheet encodes ~4x "
                                     "faster than at 6, in ~15% more bytes; the same pixels)", low=0, high=9)
    tensorboard: bool = setting(True, "write a live view for TensorBoard into the run folder's tensorboard/ (every "
                                "round's metrics; champion and samples when a sheet is due): tensorboard --logdir runs")
    checkpoint_every: int = setting(1, "write a checkpoint every N rounds (and at the last)", low=1)
    checkpoint_seconds: float = setting(10.0, "but at most one checkpoint per S seconds (0: every N rounds); a resume "
                                        "replays the rounds after the last, so the files end the same", low=0.0)
    device: str = setting("auto", "torch device for networks: auto (CUDA when present), cpu, cuda or cuda:N")
    threads: int = setting(DEFAULT_THREADS, "torch CPU threads (1 is fastest on a shared 2-core machine; results can "
                           "depend on it, so a resume keeps the run's; at most the machine's cores)", low=1,
                           high=machine_cores)
    channels_last: bool = setting(True, "CNN critics compute channels-last (NHWC): 1.4-1.7x faster on CPU at 32 to 128 "
                                  "px; results differ in the last bits, so a run keeps the layout it started with")
    critic_full_width: int = setting(64, "CNN critics: the largest image side whose first stage has the full width; "
                                     "above it the first stage's channels halve per doubling of the side (ProGAN's "
                                     "rule: the 128-px critic is the 64-px one with a 16-channel stage in front); 0: "
                                     "full width at every side, as runs made before this setting", low=0, high=65536)
    start_from: str = setting("", "branch: seed the population from gallery:ID (see `coevo gallery list`), "
                              "gallery:ROOT:ID or a genome file; the artist defaults to the genome's (\"\": random)",
                              aliases=["--from"])
    artist_options: dict[str, Any] = setting(None, "extra artist option, e.g. channels=3", factory=dict)
    critic_options: dict[str, Any] = setting(None, "extra critic option, e.g. members=features,cnn", factory=dict)
    yardstick: str = setting("", "Lipizzaner's MNIST classifier weights (mnist_cnn.pkl of ALFA-group/lipizzaner-gan): "
                             "record its FID and TVD of 2,500 samples in metrics.jsonl (\"\": off)")
    yardstick_every: int = setting(100, "rounds between --yardstick measures (and at the last round)", low=1,
                                   high=10**9)

    def validate(self) -> RunConfig:
        """Check every setting's declaration and the run's own rules; raise ``CoevoError`` with the fix."""
        self.fakes = FAKE_RENAMED.get(self.fakes, self.fakes)
        check(self)
        if not any((self.rounds, self.images, self.critic_updates, self.seconds)):
            raise CoevoError("the run has no end: pass --rounds N (or --images N, --critic-updates N, --seconds S)")
        if self.elite > self.pop:
            raise CoevoError(f"elite ({self.elite}) cannot exceed pop ({self.pop}); lower --elite or raise --pop")
        check_device(self.device)
        widest = self.pop * (self.phase_widen if self.schedule == "phases" else 1)  # --phase-widen grows the population
        if widest > MAX_BATCH:
            raise CoevoError(f"--pop {self.pop} times --phase-widen {self.phase_widen} is over {MAX_BATCH} images a "
                             f"round; lower --phase-widen or --pop")
        shown = max(widest, self.batch)
        check_memory(f"a round of {shown} images of {self.size}x{self.size}",
                     shown * self.size**2 * DEFAULT_BYTES_PER_PIXEL,
                     "lower --pop, --phase-widen, --batch or --size" if widest > self.pop else
                     "lower --pop, --batch or --size")
        if self.fakes == "replay":
            check_memory(f"a replay buffer of {self.replay} images of {self.size}x{self.size}",
                         self.replay * self.size**2 * IMAGE_BYTES_PER_PIXEL, "lower --replay or --size")
        if self.yardstick:
            check_yardstick(self.yardstick)
        return self

    def stop(self) -> Stop:
        """When the run ends: the first of its limits reached (0 = no such limit)."""
        from coevo.loop import Stop  # imported here: reading a config needs no torch

        return Stop(rounds=self.rounds or None, images=self.images or None,
                    critic_updates=self.critic_updates or None, seconds=self.seconds or None)


# A comparison's base run differs from a run's defaults here: a longer warm-up, so that every evolutionary artist meets
# a critic that already tells real from random (a GAN's runs start at once: coevo.programs.compare).
COMPARED = {"warmup": 50}


def check_device(device: str) -> str:
    """A torch device name: auto, cpu, cuda or cuda:N."""
    if device not in DEVICES and not device.startswith("cuda:"):
        raise CoevoError(f"unknown device {device!r}; use auto, cpu or cuda")
    return device


def check_yardstick(path: str) -> None:
    """Lipizzaner's weights at ``path`` exist (checked before a run or comparison writes anything; they are read,
    name by name, when first measured)."""
    if not Path(path).is_file():
        raise CoevoError(f"no yardstick weights at {path}; pass the mnist_cnn.pkl of ALFA-group/lipizzaner-gan")


@dataclass
class FoolConfig:
    """Settings of a fooling run; saved as ``config.toml`` in its folder. Defaults as Nguyen et al.'s MNIST runs
    (sferes: 200 children a generation, each a mutated copy of a random elite, their mutation rates): measured
    (README), all 10 digits at >= 99.99% within 50 generations on seeds 0-19, where 100 children, crossover 0.1 and
    the cppn artist's own rates gave 9.4 of 10 on seeds 0-9."""

    data: str = setting("digits", "labelled data the classifier learns: digits (bundled), mnist:DIR, .npz")
    artist: str = setting("cppn", "evolutionary artist for MAP-Elites, or pixels (gradient fooling, FGSM, PGD)")
    critic: str = setting("classifier", "fixed classifier critic with confidences(images) -> (N, classes)")
    generations: int = setting(50, "MAP-Elites generations", low=1)
    batch: int = setting(200, "children bred and scored per generation (as Nguyen et al.)", low=1, high=MAX_BATCH)
    elites: int = setting(1, "individuals kept per class; runners-up breed as well", low=1)
    size: int = setting(28, "image side the classifier sees (MNIST: 28)", low=16, high=SIZES[1])
    seed: int = setting(0, "random seed; the same seed gives the same fooling run", low=0, high=MAX_SEED)
    cxpb: float = setting(0.0, "chance a child comes from crossing two elites (sferes' DnnFF cross copies a parent)",
                          low=0.0, high=1.0)
    strength: float = borrow(EvolutionConfig, "strength")
    rates: str = setting("nguyen", "mutation rates: nguyen (Nguyen et al.'s MNIST runs; cppn only) or artist (its "
                         "own)", choices=FOOL_RATES)
    steps: int = setting(3000, "classifier training steps, to convergence as the paper's LeNet (trained once, then "
                         "cached)", low=1, high=MAX_STEPS)
    device: str = setting("auto", "torch device for the classifier and the renderer: auto, cpu, cuda or cuda:N")
    threads: int = setting(DEFAULT_THREADS, "torch CPU threads of the fooling run (at most the machine's cores)",
                          low=1, high=machine_cores)
    tensorboard: bool = borrow(RunConfig, "tensorboard")
    artist_options: dict[str, Any] = setting(None, "extra genetics option, e.g. add_node=0.05", factory=dict)
    critic_options: dict[str, Any] = setting(None, "extra classifier option", factory=dict)

    def validate(self) -> FoolConfig:
        """Check every setting's declaration and the memory a generation needs; raise ``CoevoError`` with the fix."""
        check(self)
        check_memory(f"a generation of {self.batch} images of {self.size}x{self.size}",
                     self.batch * self.size**2 * DEFAULT_BYTES_PER_PIXEL, "lower --batch or --size")
        check_memory(f"{self.elites} elites of {self.size}x{self.size} for each of {PPGN_CLASSES} classes",
                     self.elites * PPGN_CLASSES * self.size**2 * IMAGE_BYTES_PER_PIXEL, "lower --elites or --size")
        return self


@dataclass
class PPGNConfig:
    """One Plug & Play sampling session's settings (``coevo.programs.ppgn``; written beside its results)."""

    run: str = setting("", "generator run folder (dcgan, vae); \"\": no generator, h is the image (pixel space)")
    data: str = setting("", "the classifier's labelled data, and the DAE's codes (\"\": the run's data)")
    size: int = setting(28, "image side without a generator", low=8, high=1024)
    classes: list[int] = setting(None, "classes to sample (none given: all)", factory=list)
    chains: int = setting(4, "chains per class, each from its own random start", low=1, high=MAX_CHAINS)
    steps: int = setting(400, "steps per chain", low=1, high=MAX_STEPS)
    keep_every: int = setting(20, "keep a sample every N steps after the burn-in (chain diversity)", low=1)
    burn_in: int = setting(-1, "steps before samples are kept (-1: half the steps)", low=-1)
    eps1: float = setting(3e-2, "prior weight (0: DGN-AM; a large one ignores the class)")
    eps2: float = setting(1.0, "class-gradient weight")
    eps3: float = setting(0.35, "noise standard deviation at the first step", low=0.0)
    eps3_end: float = setting(0.0, "noise at the last step, decayed linearly from --eps3 (-1: --eps3 throughout)",
                              low=-1.0)
    normalise: bool = setting(False, "scale each step to lr / mean|d_h| (sampler.py)")
    lr: float = setting(1.0, "normalised step size")
    lr_end: float = setting(1.0, "normalised step size at the last step")
    prior: str = setting("dae", "R: a DAE on codes (dae) or E(G(h)) through a VAE's encoder (encoder; sampler.py)",
                         choices=PRIORS)
    sigma: float = setting(0.5, "the DAE's training noise")
    dae_steps: int = setting(2000, "DAE training steps", low=1, high=MAX_STEPS)
    classifier_steps: int = setting(3000, "the cached LeNet's training steps (as coevo fool)", low=1, high=MAX_STEPS)
    evaluate: bool = setting(False, "also measure the kept samples in the metrics' LeNet features and against real "
                             "images")
    seed: int = setting(0, "random seed of the chains", low=0, high=MAX_SEED)
    checkpoint_every: int = setting(25, "steps between checkpoints (coevo resume DIR continues a killed one)", low=1)
    judge: float = setting(0.3, "independent judge: a classifier of another architecture on a split neither the "
                           "LeNet nor the generator saw scores the final samples (top pick, p >= 0.99, FID vs the "
                           "generator's own); the split is a generator run's --judge, without a run this share of "
                           "--data; 0: no judge", low=0.0, high=0.5)
    judge_steps: int = setting(1500, "the judge's training steps", low=1, high=MAX_STEPS)

    def kept_after(self) -> int:
        return self.steps // 2 if self.burn_in < 0 else self.burn_in

    def validate(self) -> PPGNConfig:
        """Check every setting's declaration and the burn-in and noise rules; raise ``CoevoError`` with the fix."""
        check(self)
        if self.eps3_end < 0 and self.eps3_end != -1:
            raise CoevoError(f"--eps3-end must be -1 (the noise stays --eps3) or at least 0, not {self.eps3_end}")
        if not -1 <= self.burn_in < self.steps:
            raise CoevoError(f"--burn-in must be -1 (half the steps) or 0..{self.steps - 1} (fewer than --steps)")
        chains = self.chains * (len(self.classes) or PPGN_CLASSES)
        kept = (self.steps - self.kept_after()) // self.keep_every + 1
        check_memory(f"{chains} chains of {self.size}x{self.size} images keeping {kept} samples each",
                     chains * self.size**2 * (DEFAULT_BYTES_PER_PIXEL + kept * IMAGE_BYTES_PER_PIXEL),
                     "lower --chains, --steps or --size, or raise --keep-every")
        return self


@dataclass
class BreedConfig:
    """A breeding session's settings (``coevo breed``; saved as ``config.toml`` in its folder): the artist and its
    full options as resolved at the start (``--from`` names where the first parent came from), the window, and what
    "breed for me" (the A key) does. The population is the grid's boxes."""

    artist: str = setting("biomorph", "any evolutionary artist (see `coevo list`); with --from, the genome's")
    artist_options: dict[str, Any] = setting(None, "artist option, e.g. start=Insect or mutation=pc for biomorphs",
                                             factory=dict)
    origin: str = setting("", "start from a genome: a file (a run's genomes/*.json, a saved one, an import) or "
                          "gallery:ID; or a generator's run folder (dcgan, cdcgan, vae) to breed its latent space "
                          "(\"\": a random parent)", aliases=["--from"])
    grid: str = setting("5x3", "boxes as COLUMNSxROWS (Dawkins' 15: the parent in the centre)")
    size: int = setting(256, "pixels per box image", low=16, high=4096)
    export_size: int = setting(2048, "pixels of images exported with E", low=16, high=16384)
    seed: int = setting(0, "random seed", low=0, high=MAX_SEED)
    threads: int = setting(DEFAULT_THREADS, "torch CPU threads (at most the machine's cores)", low=1,
                          high=machine_cores)
    auto: int = setting(10, "generations the A key hands to your learned critic (breed for me)", low=1, high=100000)
    auto_delay: float = setting(0.5, "seconds each of the critic's picks shows before it breeds", low=0.0, high=60.0)
    sessions: str = setting("", "your other breeding sessions the learned critic also learns from (DIR[,DIR...]; "
                            "A key, --agreement)")

    def validate(self) -> BreedConfig:
        """Check every setting's declaration and the grid; raise ``CoevoError`` with the fix."""
        from coevo.toolkits.interactive import parse_grid  # imported here: reading a config needs no torch

        check(self)
        parse_grid(self.grid)
        return self

    def others(self) -> list[str]:
        """The other sessions, one path each."""
        return [part.strip() for part in self.sessions.split(",") if part.strip()]


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
            example = "" if expected is dict else f"; write e.g. {key} = {_toml_value(getattr(defaults, key))}"
            raise CoevoError(f"{source}: {key} must be {_KIND[expected]}, got {value!r}{example}")
        kwargs[key] = value
    return cls(**kwargs)


_KIND = {int: "an integer", float: "a number", str: "a string", bool: "true or false", dict: "a table"}


MAX_CONFIG_BYTES = 2**20  # a settings file is a few hundred bytes; a larger one is not a config

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
    from coevo.store.untrusted import read_text

    try:
        values = tomllib.loads(read_text(path, "config file", MAX_CONFIG_BYTES))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise CoevoError(f"config file {path} is not valid TOML ({exc}); fix the syntax") from None
    except RecursionError:  # tomllib recurses once per nested array or table
        raise CoevoError(f"config file {path} nests arrays or tables too deep to read; flatten it") from None
    problem = number_problem(values)
    if problem:
        raise CoevoError(f"config file {path}: a value {problem}; give finite real numbers only") from None
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
