"""The comparison report: sample grids side by side, a metrics table, curves over time and the settings,
as ``report.html`` (for a browser) and ``report.md`` (for a repository), with PNGs beside them."""

from __future__ import annotations

import html
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import torch

from coevo.atomic import atomic_write_bytes, atomic_write_text
from coevo.data import ImageSet
from coevo.images import grid, save_png
from coevo.plots import plot_series

if TYPE_CHECKING:
    from coevo.programs.compare import CompareSettings, Entrant

COLUMNS = (  # metric key, table heading, how to print it
    ("images_seen", "images seen", "{:.0f}"), ("round", "rounds", "{:.0f}"), ("seconds", "seconds", "{:.0f}"),
    ("fid", "FID ↓", "{:.2f}"), ("kid", "KID ↓", "{:.4f}"), ("precision", "precision ↑", "{:.3f}"),
    ("recall", "recall ↑", "{:.3f}"), ("coverage", "class coverage ↑", "{:.2f}"),
    ("class_tv", "class TV ↓", "{:.3f}"), ("critic_accuracy", "critic accuracy", "{:.3f}"),
    ("samples", "samples", "{:.0f}"),
)
SETTINGS = ("artist", "critic", "data", "size", "loss", "pop", "batch", "critic_steps", "fakes", "warmup", "seed",
            "device")


def write_report(out: Path, entrants: list[tuple[Entrant, torch.Tensor]], data: ImageSet,
                 settings: CompareSettings, features: str, floor: dict[str, float] | None = None) -> Path:
    """Write the PNGs, ``report.md`` and ``report.html`` into ``out``; returns the HTML's path.

    ``floor`` is the metrics of held-out real images, shown as the row a perfect artist would reach.
    """
    from coevo.programs.compare import real_sample

    out = Path(out)
    save_png(grid(real_sample(data), 8), out / "real.png")
    grids = []
    for entrant, images in entrants:
        name = f"samples-{safe(entrant.label)}.png"
        save_png(grid(images[:64], 8) if len(images) else torch.ones(1, 8, 8), out / name)
        grids.append((entrant.label, name))
    curves = plot_curves(out / "curves.png", [e for e, _ in entrants])
    played = len(settings.artists)
    header = {"data": data.name, "image shape": "×".join(map(str, data.shape)),
              "budget": settings.budget.describe() if played else "— (finished runs, each evaluated once)",
              "metric features": f"{features} trained on the data set itself (no downloaded weights)",
              "evaluations": (f"{settings.evals} per played artist, " if played else "") +
              f"{settings.samples} samples each (an evolutionary artist: its population)",
              "written": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())}
    table = [(e.label, e.evals[-1] if e.evals else {}) for e, _ in entrants]
    if floor is not None:
        table.append(("real data (held out)", floor))
    configs = [(e.label, {k: getattr(e.config, k) for k in SETTINGS}) for e, _ in entrants]
    atomic_write_text(out / "report.md", markdown(header, grids, table, curves, configs))
    path = out / "report.html"
    atomic_write_text(path, page(header, grids, table, curves, configs))
    return path


def safe(label: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in label)


def _cell(row: dict[str, Any], key: str, form: str) -> str:
    return form.format(row[key]) if isinstance(row.get(key), (int, float)) else "—"


def plot_curves(path: Path, entrants: list[Entrant]) -> str | None:
    """FID, precision, recall and the critic's mean score against images seen, one line per artist."""
    panels = (("fid", "FID (own features) ↓"), ("precision", "precision ↑"), ("recall", "recall ↑"),
              ("score_mean", "critic's mean score of the artist's images"))
    series = [(title, {e.label: [(seen(row, e), row[key]) for row in (e.rounds if key == "score_mean" else e.evals)
                                 if key in row] for e in entrants}) for key, title in panels]
    atomic_write_bytes(path, plot_series(series, "images seen"))
    return path.name


def seen(row: dict[str, Any], entrant: Entrant) -> float:
    """Images the artist had shown by this row (older run folders record only the round)."""
    return float(row["images_seen"]) if "images_seen" in row else (row["round"] + 1) * entrant.config.pop


def markdown(header: dict[str, str], grids: list[tuple[str, str]], table: list[tuple[str, dict[str, Any]]],
             curves: str | None, configs: list[tuple[str, dict[str, Any]]]) -> str:
    lines = ["# coevo comparison", "", *[f"- **{k}**: {v}" for k, v in header.items()], "", "## Samples", "",
             "| real | " + " | ".join(label for label, _ in grids) + " |",
             "|---" * (len(grids) + 1) + "|",
             "| ![real](real.png) | " + " | ".join(f"![{label}]({name})" for label, name in grids) + " |",
             "", "## Metrics (last evaluation)", "",
             "| artist | " + " | ".join(h for _, h, _ in COLUMNS) + " |", "|---" * (len(COLUMNS) + 1) + "|"]
    lines += [f"| {label} | " + " | ".join(_cell(row, k, f) for k, _, f in COLUMNS) + " |" for label, row in table]
    if curves:
        lines += ["", "## Curves over time", "", f"![curves]({curves})"]
    lines += ["", "## Settings", "", "| setting | " + " | ".join(label for label, _ in configs) + " |",
              "|---" * (len(configs) + 1) + "|"]
    lines += [f"| {key} | " + " | ".join(str(c[key]) for _, c in configs) + " |" for key in SETTINGS]
    return "\n".join(lines) + "\n"


STYLE = """body{font-family:system-ui,sans-serif;margin:2em;color:#222;background:#fff}
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 10px;text-align:right}
th:first-child,td:first-child{text-align:left}.grids{display:flex;flex-wrap:wrap;gap:1.5em}
figure{margin:0}figure img{width:260px;image-rendering:pixelated;border:1px solid #ccc}
img.curves{max-width:100%}"""


def page(header: dict[str, str], grids: list[tuple[str, str]], table: list[tuple[str, dict[str, Any]]],
         curves: str | None, configs: list[tuple[str, dict[str, Any]]]) -> str:
    e = html.escape
    figures = [("real data", "real.png"), *grids]
    parts = ["<!doctype html><html lang='en'><head><meta charset='utf-8'><title>coevo comparison</title>",
             f"<style>{STYLE}</style></head><body><h1>coevo comparison</h1><ul>",
             *[f"<li><b>{e(k)}</b>: {e(v)}</li>" for k, v in header.items()], "</ul><h2>Samples</h2>",
             "<div class='grids'>",
             *[f"<figure><img src='{e(name)}' alt='{e(label)} samples'><figcaption>{e(label)}</figcaption></figure>"
               for label, name in figures], "</div><h2>Metrics (last evaluation)</h2><table><tr><th>artist</th>",
             *[f"<th>{e(h)}</th>" for _, h, _ in COLUMNS], "</tr>"]
    for label, row in table:
        parts += [f"<tr><td>{e(label)}</td>", *[f"<td>{_cell(row, k, f)}</td>" for k, _, f in COLUMNS], "</tr>"]
    parts.append("</table>")
    if curves:
        parts.append(f"<h2>Curves over time</h2><img class='curves' src='{e(curves)}' alt='metric curves'>")
    parts += ["<h2>Settings</h2><table><tr><th>setting</th>", *[f"<th>{e(label)}</th>" for label, _ in configs],
              "</tr>"]
    for key in SETTINGS:
        parts += [f"<tr><td>{e(key)}</td>", *[f"<td>{e(str(c[key]))}</td>" for _, c in configs], "</tr>"]
    parts.append("</table></body></html>")
    return "\n".join(parts) + "\n"
