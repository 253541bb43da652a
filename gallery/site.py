"""The gallery as a static web site: front page, one page per run and per individual, images copied beside.

Every page is plain HTML with relative links, so the folder can be opened from disk, served by
``coevo gallery serve`` or copied anywhere. Pages are rebuilt from the store each time.
"""

from __future__ import annotations

import hashlib
import html
import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from coevo.errors import CoevoError
from coevo.store.atomic import atomic_write_bytes, atomic_write_text
from coevo.store.genomefile import GenomeFile, write_genome
from coevo.store.plots import plot_curves
from coevo.store.runfolder import RunFolder
from gallery.lineage import draw_lineage
from gallery.store import IndividualRow, RunRow, Store, no_parents

DEFAULT_ROOT = "runs"  # the gallery root that commands may leave unnamed (gallery:ID)

STYLE = """
body { font-family: sans-serif; margin: 1.5em; color: #222; max-width: 1200px; }
a { color: #1a4fa0; } table { border-collapse: collapse; } td, th { padding: 3px 8px; border-bottom: 1px solid #ddd;
text-align: left; vertical-align: middle; } img.px { image-rendering: pixelated; } .thumb { width: 64px; height: 64px; }
.big { width: 320px; height: 320px; } .grid { display: flex; flex-wrap: wrap; gap: 12px; }
.card { text-align: center; font-size: 0.85em; max-width: 160px; overflow-wrap: anywhere; }
h1, td { overflow-wrap: anywhere; } .missing, .broken { color: #a00; font-weight: bold; }
pre { background: #f4f4f4; padding: 8px; overflow-x: auto; max-height: 400px; } code { background: #f4f4f4; }
.sheet { max-width: 100%; image-rendering: pixelated; } nav { margin-bottom: 1em; }
"""

# Marks images the browser could not load (visibly, and in body's data-broken-images for tests).
CHECK_IMAGES = """
window.addEventListener('load', function () {
  var bad = Array.prototype.filter.call(document.images, function (i) { return !i.complete || i.naturalWidth === 0; });
  bad.forEach(function (i) { var s = document.createElement('span'); s.className = 'broken';
    s.textContent = 'image failed to load: ' + i.getAttribute('src'); i.replaceWith(s); });
  document.body.setAttribute('data-broken-images', String(bad.length));
});
"""


def esc(value: Any) -> str:
    return html.escape(str(value), quote=True)


def page(title: str, body: str) -> str:
    """A whole HTML page with the shared style, navigation and image check."""
    return (f"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{esc(title)}</title>"
            "<link rel=\"icon\" href=\"data:,\">"
            f"<style>{STYLE}</style><script>{CHECK_IMAGES}</script></head>\n<body>"
            f"<nav><a href=\"index.html\">coevo gallery</a></nav>\n<h1>{esc(title)}</h1>\n{body}\n</body></html>\n")


def score_text(score: float | None) -> str:
    return "—" if score is None else f"{score:.4f}"


@dataclass
class Site:
    """Builds the site of one store into ``out``; ``spec_root`` is how commands on the pages name the gallery."""

    store: Store
    out: Path
    spec_root: str = ""  # "" for the default root (gallery:ID), else the root as the user wrote it

    def build(self) -> Path:
        """Write every page; returns the front page."""
        self.out.mkdir(parents=True, exist_ok=True)
        runs = self.store.runs()
        for run in runs:
            self._write(f"run-{run.id}.html", self.run_page(run))
        for row in self.store.individuals():
            self._write(f"individual-{row.id}.html", self.individual_page(row))
        self._write("index.html", self.front_page(runs))
        return self.out / "index.html"

    def _write(self, name: str, text: str) -> None:
        atomic_write_text(self.out / name, text)

    def copy(self, source: Path | None, name: str) -> str | None:
        """Copy a file into the site (when changed) and return its relative link, or None if it is missing."""
        if source is None or not source.is_file():
            return None
        target = self.out / "files" / name
        stat = source.stat()
        if not target.exists() or target.stat().st_size != stat.st_size or target.stat().st_mtime < stat.st_mtime:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
        return f"files/{name}"

    def spec(self, individual: int) -> str:
        return f"gallery:{self.spec_root + ':' if self.spec_root else ''}{individual}"

    # ---- pieces

    def image_tag(self, row: IndividualRow, css: str) -> str:
        """The individual's image, or a visible note that its file is missing."""
        link = self.copy(row.image, f"individual-{row.id}.png")
        if link is None:
            run = self.store.run(row.run)
            size = run.settings.get("size", 256) if run else 256
            out = f" --out {row.image}" if row.image else ""
            return (f"<span class=\"missing\">image missing: {esc(row.image or 'none recorded')} — re-render it with "
                    f"<code>coevo render {esc(self.spec(row.id))} --size {esc(size)}{esc(out)}</code></span>")
        return f"<img class=\"px {css}\" src=\"{esc(link)}\" alt=\"individual {row.id}\">"

    def card(self, row: IndividualRow, caption: str) -> str:
        return (f"<div class=\"card\"><a href=\"individual-{row.id}.html\">{self.image_tag(row, 'thumb')}</a><br>"
                f"<a href=\"individual-{row.id}.html\">{esc(caption)}</a></div>")

    def run_summary(self, run: RunRow) -> dict[str, Any]:
        """Rounds played, best score and a thumbnail link for the runs table."""
        metrics = read_metrics(run.path)
        rows = self.store.individuals(run=run.id)
        maxima = [m["score_max"] for m in metrics if isinstance(m.get("score_max"), (int, float))]
        scores = [r.score for r in rows if r.score is not None]
        best = max(maxima or scores) if (maxima or scores) else None
        rounds = len(metrics) or (max(r.round for r in rows) + 1 if rows else 0)
        thumb = next((self.copy(r.image, f"individual-{r.id}.png") for r in reversed(rows)
                      if r.image is not None and r.image.is_file()), None)
        if thumb is None:
            sheets = sorted((run.path / "sheets").glob("*.png")) if (run.path / "sheets").is_dir() else []
            thumb = self.copy(sheets[-1], f"run-{run.id}/sheets/{sheets[-1].name}") if sheets else None
        return {"rounds": rounds, "best": best, "thumb": thumb}

    # ---- pages

    def front_page(self, runs: list[RunRow]) -> str:
        published = self.store.individuals(published=True)
        cards = "".join(self.card(r, r.title or f"#{r.id}") for r in published)
        body = ["<h2>Published</h2>", f"<div class=\"grid\">{cards}</div>" if cards else
                "<p>Nothing published yet: <code>coevo gallery publish ID --title TITLE</code>.</p>", "<h2>Runs</h2>"]
        if not runs:
            body.append("<p>No runs yet: start one with <code>coevo run</code>.</p>")
        else:
            body.append("<table><tr><th></th><th>run</th><th>kind</th><th>artist</th><th>critic</th><th>data</th>"
                        "<th>rounds</th><th>best score</th><th>branched from</th></tr>")
            for run in runs:
                info = self.run_summary(run)
                thumb = f"<img class=\"px thumb\" src=\"{esc(info['thumb'])}\" alt=\"\">" if info["thumb"] else ""
                origin = f"<a href=\"individual-{run.origin}.html\">#{run.origin}</a>" if run.origin else ""
                body.append(f"<tr><td><a href=\"run-{run.id}.html\">{thumb}</a></td>"
                            f"<td><a href=\"run-{run.id}.html\">{esc(run.name)}</a></td><td>{esc(run.kind)}</td>"
                            f"<td>{esc(run.artist)}</td><td>{esc(run.critic)}</td><td>{esc(run.data)}</td>"
                            f"<td>{info['rounds']}</td><td>{score_text(info['best'])}</td><td>{origin}</td></tr>")
            body.append("</table>")
        return page("coevo gallery", "\n".join(body))

    def run_page(self, run: RunRow) -> str:
        body = [f"<p>{esc(run.kind)} in <code>{esc(run.path)}</code></p>"]
        if not run.path.is_dir():
            body.append(f"<p class=\"missing\">run folder missing: {esc(run.path)}</p>")
        if run.origin:
            body.append(f"<p>Branched from <a href=\"individual-{run.origin}.html\">#{run.origin}</a></p>")
        champions = self.store.individuals(run=run.id)
        if champions:
            body.append("<h2>Champions</h2><div class=\"grid\">" + "".join(
                self.card(r, f"#{r.id} round {r.round} · {score_text(r.score)}") for r in champions) + "</div>")
        own = sorted(run.path.glob("*.png"))  # the run's curves.png (confidence.png, critic pictures, ...)
        curves = [self.copy(p, f"run-{run.id}/curves/{p.name}") for p in own]
        if not any(p.name in ("curves.png", "confidence.png") for p in own):  # an older run: plot them here, once
            plotted = curve_png(run, self.out / "files" / f"run-{run.id}" / "metrics.png")
            curves = ([f"files/run-{run.id}/metrics.png"] if plotted else []) + curves
        if any(curves):
            body.append("<h2>Curves</h2>" + "".join(f"<p><img class=\"sheet\" src=\"{esc(c)}\" alt=\"curves\"></p>"
                                                    for c in curves if c))
        sheets = sorted((run.path / "sheets").glob("*.png")) if (run.path / "sheets").is_dir() else []
        if sheets:
            body.append("<h2>Contact sheets</h2>")
            for sheet in sheets:
                link = self.copy(sheet, f"run-{run.id}/sheets/{sheet.name}")
                body.append(f"<h3>{esc(sheet.stem)}</h3><p><img class=\"sheet\" src=\"{esc(link)}\" "
                            f"alt=\"{esc(sheet.stem)}\" width=\"480\"></p>")
        body.append("<h2>Settings</h2><table>" + "".join(
            f"<tr><th>{esc(k)}</th><td>{esc(json.dumps(v) if isinstance(v, (dict, list)) else v)}</td></tr>"
            for k, v in run.settings.items()) + "</table>")
        return page(f"Run {run.id}: {run.name}", "\n".join(body))

    def individual_page(self, row: IndividualRow) -> str:
        run = self.store.run(row.run)
        title = row.title or f"Individual #{row.id}"
        genome_link = self.export_genome(row, run)
        spec = self.spec(row.id)
        body = [f"<p>{self.image_tag(row, 'big')}</p><table>",
                f"<tr><th>gallery id</th><td>{row.id} (<code>{esc(spec)}</code>)</td></tr>",
                f"<tr><th>run</th><td><a href=\"run-{row.run}.html\">{esc(run.name if run else row.run)}</a>"
                f"</td></tr><tr><th>round</th><td>{row.round}</td></tr>",
                f"<tr><th>artist</th><td>{esc(row.artist)} {esc(json.dumps(row.options))}</td></tr>",
                f"<tr><th>score</th><td>{score_text(row.score)}</td></tr>",
                f"<tr><th>published</th><td>{'yes' if row.published else 'no'}</td></tr>",
                "<tr><th>parents</th><td>" + (" ".join(f"<a href=\"individual-{p}.html\">#{p}</a>"
                                                      for p in row.parents) or esc(no_parents(run))) +
                "</td></tr>",
                "<tr><th>children</th><td>" + (" ".join(f"<a href=\"individual-{c.id}.html\">#{c.id}</a>"
                                                       for c in self.store.children(row.id)) or "none") +
                "</td></tr></table>"]
        body.append("<h2>Re-render or branch</h2><pre>"
                    f"coevo render {esc(spec)} --size 1024 --out individual-{row.id}.png\n"
                    f"coevo run --from {esc(spec)}\ncoevo breed --from {esc(spec)}</pre>"
                    f"<p>Genome file: <a href=\"{esc(genome_link)}\">{esc(Path(genome_link).name)}</a> "
                    f"(<code>coevo render {esc(Path(genome_link).name)} --size 1024</code>)</p>")
        lineage = self.store.lineage(row.id)
        names = {run.id: run.name for run in self.store.runs()}
        labels = {r.id: f"#{r.id} {names.get(r.run, '')}:{r.round}" for r in lineage}
        picture = self.lineage_png(row.id, lineage, labels)
        ancestors = " ".join(f"<a href=\"individual-{r.id}.html\">#{r.id}</a>" for r in lineage[1:]) or "none"
        body.append(f"<h2>Lineage</h2><p><img src=\"files/{esc(picture.name)}\" alt=\"lineage tree\"></p>"
                    f"<p>Ancestors, nearest first (label: #id run:round): {ancestors}</p>")
        scores = ", ".join(f"round {k}: {v:.4f}" for k, v in row.scores.items() if v is not None)
        if scores:
            body.append(f"<h2>Scores</h2><p>{esc(scores)}</p>")
        body.append(f"<h2>Genome</h2><pre>{esc(json.dumps(row.genome, indent=1))}</pre>")
        return page(title, "\n".join(body))

    def lineage_png(self, individual: int, lineage: list[IndividualRow], labels: dict[int, str]) -> Path:
        """Draw the lineage picture unless one drawn from the same ancestors, images and labels is there."""
        out = self.out / "files" / f"lineage-{individual}.png"
        drawn = [(r.id, r.parents, str(r.image), r.image.stat().st_mtime if r.image and r.image.is_file() else None,
                  labels.get(r.id)) for r in lineage]
        key = hashlib.sha1(json.dumps(drawn).encode()).hexdigest()
        stamp = out.with_suffix(".key")
        if out.is_file() and stamp.is_file() and stamp.read_text() == key:
            return out
        draw_lineage(lineage, out, labels)
        atomic_write_text(stamp, key)
        return out

    def export_genome(self, row: IndividualRow, run: RunRow | None) -> str:
        """Write the individual as a genome file into the site; returns its link."""
        meta = {"gallery_id": row.id, "parents": row.parents, "round": row.round, "score": row.score,
                "run": run.name if run else None, "title": row.title}
        record = GenomeFile(row.artist, row.options, row.genome, meta)
        write_genome(self.out / "files" / f"genome-{row.id}.json", record)
        return f"files/genome-{row.id}.json"


def read_metrics(folder: Path) -> list[dict[str, Any]]:
    """A run folder's metrics, or none when the file is absent or damaged."""
    try:
        return RunFolder(folder).metrics()
    except CoevoError:
        return []


def curve_png(run: RunRow, out: Path) -> Path | None:
    """The run's learning curves (``coevo.store.plots``, as runs plot them) for a run folder without its own; None
    without metrics."""
    source = run.path / "metrics.jsonl"
    if out.is_file() and source.is_file() and out.stat().st_mtime >= source.stat().st_mtime:
        return out  # already plotted from these metrics
    metrics = read_metrics(run.path)
    if not metrics:
        return None
    atomic_write_bytes(out, plot_curves(metrics, f"{run.artist} vs {run.critic}"))
    return out


def build_site(root: Path, out: Path | None = None) -> Path:
    """Build the site of the gallery at ``root`` into ``out`` (default ``ROOT/site``); returns the front page."""
    spec_root = "" if Path(root).resolve() == Path(DEFAULT_ROOT).resolve() else str(root)
    if out is not None and Path(out).exists() and not Path(out).is_dir():
        raise CoevoError(f"--out {out} is a file; the site is a folder of pages: name a folder, e.g. --out site")
    with Store(root, create=False) as store:
        return Site(store, Path(out) if out else store.root / "site", spec_root).build()
