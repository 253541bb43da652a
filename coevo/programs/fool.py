"""Fooling images (Nguyen, Yosinski & Clune 2015): an evolutionary artist evolves one elite per class of a fixed
classifier (MAP-Elites), scored by the classifier's confidence for that class, into a run folder."""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import torch
from tqdm import tqdm

from coevo import registry
from coevo.errors import CoevoError
from coevo.genomefile import GenomeFile
from coevo.images import grid, save_png
from coevo.mapelites import MapElites
from coevo.rng import seed_everything
from coevo.runfolder import RunFolder


@dataclass
class FoolConfig:
    """Settings of a fooling run; saved as ``config.toml`` in its folder."""

    data: str = "mnist:../shared/data/mnist"  # labelled data the classifier is trained on (digits, mnist:DIR, .npz)
    artist: str = "cppn"  # evolutionary artist (registry name or plugin)
    critic: str = "classifier"  # fixed classifier critic with confidences(images) -> (N, classes)
    generations: int = 50  # MAP-Elites generations
    batch: int = 100  # children bred and scored per generation
    size: int = 28  # image side the classifier sees (MNIST: 28)
    seed: int = 0  # seeds Python, NumPy and Torch
    cxpb: float = 0.1  # chance a child comes from crossing two elites
    strength: float = 1.0  # mutation strength
    steps: int = 3000  # classifier training steps, to convergence as the paper's LeNet (trained once, then cached)
    device: str = "auto"  # torch device for the classifier and the renderer
    artist_options: dict[str, Any] = field(default_factory=dict)  # extra genetics options (mutation rates, ...)

    def validate(self) -> FoolConfig:
        for name in ("generations", "batch", "size", "steps"):
            if getattr(self, name) < 1:
                raise CoevoError(f"{name} must be at least 1 (got {getattr(self, name)})")
        if self.size < 16:
            raise CoevoError(f"--size must be at least 16 pixels for the classifier (got {self.size})")
        if not 0.0 <= self.cxpb <= 1.0:
            raise CoevoError(f"cxpb is a probability in [0, 1] (got {self.cxpb})")
        return self


def _toml(config: FoolConfig) -> str:
    values = asdict(config)
    options = values.pop("artist_options")
    lines = [f"{k} = {json.dumps(v)}" for k, v in values.items()]
    lines += ["", "[artist_options]"] + [f"{k} = {json.dumps(v)}" for k, v in options.items()]
    return "\n".join(lines) + "\n"


def _device(name: str) -> str:
    if name == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if name.startswith("cuda") and not torch.cuda.is_available():
        raise CoevoError(f"device {name!r} asked for but no CUDA GPU is available; use --device cpu or auto")
    return name


def build(config: FoolConfig) -> tuple[Any, Any]:
    """The artist's genetics (grey or colour to match the data) and the classifier critic."""
    device = _device(config.device)
    critic_cls = registry.load(registry.critic_entry(config.critic))
    from coevo.data import load_data

    shape = load_data(config.data, config.size).shape
    critic = registry.construct(critic_cls, f"critic {config.critic!r}",
                                {"shape": shape, "device": device}, {"data": config.data, "steps": config.steps})
    if not hasattr(critic, "confidences"):
        raise CoevoError(f"critic {config.critic!r} has no confidences(images); use the classifier critic")
    genetics_cls = registry.load(registry.artist_entry(config.artist))
    genetics = registry.construct(genetics_cls, f"artist {config.artist!r}", {"channels": shape[0], "device": device},
                                  dict(config.artist_options))
    return genetics, critic


def plot_curves(rows: list[dict[str, Any]], classes: int, path: Path) -> None:
    """Confidence per class per generation, and 1 - confidence on a log scale."""
    import io

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from coevo.atomic import atomic_write_bytes

    figure, (top, bottom) = plt.subplots(2, 1, figsize=(7, 7), sharex=True)
    generations = [r["generation"] for r in rows]
    for c in range(classes):
        values = [r[f"confidence_{c}"] for r in rows]
        top.plot(generations, values, label=str(c))
        bottom.plot(generations, [max(1.0 - v, 1e-12) for v in values], label=str(c))
    top.set_ylabel("confidence")
    top.legend(ncol=5, fontsize=8, title="class")
    bottom.set_yscale("log")
    bottom.axhline(1e-4, color="k", linestyle="--", linewidth=0.8)
    bottom.set_ylabel("1 - confidence (dashed: 99.99%)")
    bottom.set_xlabel("generation")
    figure.suptitle("Fooling images: the elite's classifier confidence per class")
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100)
    plt.close(figure)
    atomic_write_bytes(path, buffer.getvalue())


def run(config: FoolConfig, out: Path) -> tuple[RunFolder, list[float]]:
    """Evolve the fooling images into ``out``; returns the folder and the final confidence per class."""
    config.validate()
    seed_everything(config.seed)
    genetics, critic = build(config)
    folder = RunFolder(out)
    folder.create(_toml(config))
    archive = MapElites(genetics, critic.classes, config.batch, config.size, config.cxpb, config.strength)
    rows: list[dict[str, Any]] = []
    bar = tqdm(range(config.generations), desc="fooling", unit="gen", leave=False, dynamic_ncols=True)
    for generation in bar:
        scores = archive.step(critic.confidences).tolist()
        row: dict[str, Any] = {"generation": generation}
        row.update({f"confidence_{c}": round(s, 8) for c, s in enumerate(scores)})
        row.update(confidence_min=round(min(scores), 8), confidence_mean=round(sum(scores) / len(scores), 8))
        folder.append_metrics(row)
        rows.append(row)
        bar.set_postfix(min=f"{min(scores):.5f}")
    bar.close()
    save(folder, archive, genetics, config, critic.classes, rows)
    return folder, archive.scores().tolist()


def save(folder: RunFolder, archive: MapElites, genetics: Any, config: FoolConfig, classes: int,
         rows: list[dict[str, Any]]) -> None:
    """Curve, elite grids (as the classifier sees them and large) and one genome file per class."""
    plot_curves(rows, classes, folder.path / "confidence.png")
    elites = [e for e in archive.elites() if e is not None]
    genomes = [e.genome for e in elites]
    save_png(grid(genetics.render(genomes, config.size), columns=len(genomes)), folder.path / "elites.png")
    save_png(grid(genetics.render(genomes, 8 * config.size), columns=len(genomes), pad=8),
             folder.path / "elites-large.png")
    for cell, elite in enumerate(archive.elites()):
        if elite is None:
            continue
        meta = {"class": cell, "confidence": elite.score, "generation": elite.generation, "id": elite.id,
                "parents": list(elite.parents)}
        record = GenomeFile(config.artist, genetics.options(), genetics.to_json(elite.genome), meta)
        folder.save_genome(f"class-{cell}", record)


def reached(scores: list[float], threshold: float = 0.9999) -> bool:
    return all(math.isfinite(s) and s >= threshold for s in scores)
