"""Latent-space tools for a saved generator: a numbered sample sheet, interpolation strips, vector arithmetic.

Any artist with ``nz`` and ``generate(z) -> images`` qualifies (dcgan, cdcgan, vae); it is rebuilt from a
run folder's config and checkpoint. A conditional generator (cdcgan) also draws per-class sheets. ``explore`` is
what ``coevo latent`` does: one picture of one action.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import torch

from coevo.errors import CoevoError
from coevo.images import grid, numbered, save_png
from coevo.programs.build import build_artist
from coevo.protocols import ConditionalGenerator, LatentGenerator
from coevo.store.runfolder import RunFolder
from coevo.training.config import load_config

MAX_COUNT = 1024  # images on a latent sheet: each is a generator forward pass held in memory
MAX_STEPS = 256  # images per interpolation strip


def check_sheet(count: int, steps: int, columns: int) -> None:
    """A latent sheet's sizes: at least 2 images and steps and a column, at most what fits memory."""
    if count < 2 or steps < 2 or columns < 1:
        raise CoevoError("--count and --steps must be at least 2, --columns at least 1")
    if count > MAX_COUNT or steps > MAX_STEPS:
        raise CoevoError(f"--count is at most {MAX_COUNT} images and --steps at most {MAX_STEPS} "
                         f"(got {count} and {steps}); more would not fit memory: pass a smaller value")


def load_generator(run: Path) -> Any:
    """The artist of a run folder at its last checkpoint, on the CPU; it must have a latent space."""
    folder = RunFolder(run)
    state = folder.played_checkpoint()
    config = load_config(folder.config_path)
    saved = state["artist"]
    artist = None
    if isinstance(saved, dict) and "shape" in saved:
        extra = {"classes": int(saved["classes"])} if "classes" in saved else {}
        artist = build_artist(config, tuple(saved["shape"]), torch.device("cpu"), extra)
    if not isinstance(artist, LatentGenerator):
        raise CoevoError(f"the artist of {run} ({config.artist}) has no latent space; latent tools need a "
                         "generator such as dcgan")
    artist.load_state_dict(saved)
    return artist


def latents(n: int, nz: int, seed: int) -> torch.Tensor:
    """``n`` standard normal latents fixed by ``seed`` (the caller's RNG state is left as it was)."""
    return torch.randn(n, nz, generator=torch.Generator().manual_seed(seed))


def class_rows(generator: ConditionalGenerator, columns: int, seed: int) -> torch.Tensor:
    """One row per class, ``columns`` latents shared by every row (a column keeps its style across classes)."""
    z = latents(columns, generator.nz, seed).repeat(generator.classes, 1)
    labels = torch.arange(generator.classes).repeat_interleave(columns)
    return generator.generate_labelled(z, labels)


def slerp(a: torch.Tensor, b: torch.Tensor, steps: int) -> torch.Tensor:
    """``steps`` points on the great circle from ``a`` to ``b`` (spherical interpolation, White 2016)."""
    t = torch.linspace(0.0, 1.0, steps)[:, None]
    cos = torch.dot(a / a.norm(), b / b.norm()).clamp(-1.0, 1.0)
    omega = torch.arccos(cos)
    if omega.abs() < 1e-6:
        return (1 - t) * a + t * b
    return (torch.sin((1 - t) * omega) * a + torch.sin(t * omega) * b) / torch.sin(omega)


def interpolation(z: torch.Tensor, pairs: list[tuple[int, int]], steps: int) -> torch.Tensor:
    """One row of ``steps`` latents per pair of sheet indices, row after row."""
    return torch.cat([slerp(z[i], z[j], steps) for i, j in pairs])


def parse_expression(text: str, count: int) -> list[tuple[int, list[int]]]:
    """``"3,4-7+12"`` -> [(+1, [3, 4]), (-1, [7]), (+1, [12])]: signed groups of sheet indices, each averaged."""
    if not re.fullmatch(r"\s*\d+(\s*,\s*\d+)*(\s*[-+]\s*\d+(\s*,\s*\d+)*)*\s*", text):
        raise CoevoError(f"cannot read {text!r}; write sheet indices joined by + and -, commas averaging a "
                         "group, e.g. 3,4,5-7+12")
    terms = []
    for sign, group in re.findall(r"([-+]?)\s*(\d+(?:\s*,\s*\d+)*)", text):
        indices = [int(i) for i in group.split(",")]
        bad = [i for i in indices if i >= count]
        if bad:
            raise CoevoError(f"sheet index {bad[0]} is out of range; the sheet has {count} images (0..{count - 1})")
        terms.append((-1 if sign == "-" else 1, indices))
    return terms


def arithmetic(z: torch.Tensor, terms: list[tuple[int, list[int]]], variations: int, seed: int) -> torch.Tensor:
    """Each term's mean latent, then their signed sum, then ``variations`` nearby latents of the result."""
    means = [z[indices].mean(0) for _, indices in terms]
    result = sum((sign * mean for (sign, _), mean in zip(terms, means)), torch.zeros_like(z[0]))
    nearby = result + 0.25 * latents(variations, z.shape[1], seed + 1)
    return torch.cat([torch.stack(means), result[None], nearby])


ACTIONS = ("sheet", "classes", "interpolate", "arithmetic")


def explore(run: Path, action: str, expression: str | None = None, count: int = 64, seed: int = 0,
            pairs: list[str] | None = None, steps: int = 10, columns: int = 10, label: int | None = None,
            out: Path | None = None) -> tuple[Path, int]:
    """Draw ``action`` (a numbered sheet, one row per class, interpolation strips or vector arithmetic) from the
    generator of ``run`` into ``out`` (default ``RUN/latent-ACTION.png``); returns the file and its image count."""
    check_sheet(count, steps, columns)
    if action not in ACTIONS:
        raise CoevoError(f"unknown latent action {action!r}; use one of {', '.join(ACTIONS)}")
    if action == "arithmetic" and not expression:
        raise CoevoError("arithmetic needs an expression of sheet indices, e.g. coevo latent DIR arithmetic 3-7+12")
    walks = [pair(text, count) for text in pairs or []] or [(i, i + 1) for i in range(0, 8, 2)]
    artist = load_generator(run)
    conditional = isinstance(artist, ConditionalGenerator)
    if label is not None and not (conditional and 0 <= label < artist.classes):
        raise CoevoError(f"--label needs a conditional generator (cdcgan) and a class of it; {run} has "
                         + (f"classes 0..{artist.classes - 1}" if conditional else "no classes"))
    if action == "classes" and not conditional:
        raise CoevoError(f"the generator of {run} has no classes; per-class sheets need a conditional generator "
                         "(--artist cdcgan --critic ccnn)")

    def draw(z: torch.Tensor) -> torch.Tensor:
        if label is None:
            return artist.generate(z)
        return artist.generate_labelled(z, torch.full((len(z),), label, dtype=torch.long))

    z = latents(count, artist.nz, seed)
    if action == "sheet":
        images, width = draw(z), 8
    elif action == "classes":
        images, width = class_rows(artist, columns, seed), columns
    elif action == "interpolate":
        images, width = draw(interpolation(z, walks, steps)), steps
    else:
        terms = parse_expression(expression or "", count)
        images, width = draw(arithmetic(z, terms, 15 - len(terms), seed)), 8
    out = out or Path(run) / f"latent-{action}.png"
    save_png(numbered(images, width) if action == "sheet" else grid(images, width), out)
    return out, len(images)


def pair(text: str, count: int) -> tuple[int, int]:
    """``"I,J"``: two indices of a sheet of ``count`` images."""
    try:
        i, j = (int(v) for v in text.split(","))
    except ValueError:
        raise CoevoError(f"--pairs takes I,J sheet indices, got {text!r}") from None
    if not (0 <= i < count and 0 <= j < count):
        raise CoevoError(f"--pairs {text}: indices must lie in 0..{count - 1}")
    return i, j
