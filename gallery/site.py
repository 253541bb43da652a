"""The gallery as a static web site: front page, one page per run and per individual, images copied beside.

Every page is plain HTML from a template in ``gallery/templates`` (every value escaped) with relative links and the
shared stylesheet beside it, so the folder can be opened from disk, served by ``coevo gallery serve`` or copied
anywhere. Pages are rebuilt from the store each time.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2

from coevo.errors import CoevoError
from coevo.metrics.armsrace import describe, summarise
from coevo.store.atomic import atomic_write_bytes, atomic_write_text
from coevo.store.genomefile import GenomeFile, write_genome
from coevo.store.pages import templates, write_stylesheet
from coevo.store.plots import plot_curves
from coevo.store.runfolder import RunFolder
from coevo.store.untrusted import contained_file, read_bytes
from gallery.lineage import draw_lineage
from gallery.store import IndividualRow, RunRow, Store, no_parents

DEFAULT_ROOT = "runs"  # the gallery root that commands may leave unnamed (gallery:ID)
OWN_CURVES = ("curves.png", "confidence.png")  # a run that plotted either needs no curves plotted here
TOURNAMENT_BYTES = 16 * 2**20  # tournament.json of the largest kept matrix is far smaller
TOURNAMENT = "ciao.png"  # a run's master tournament (coevo.programs.tournament), shown under "Arms race"


def score_text(score: float | None) -> str:
    return "—" if score is None else f"{score:.4f}"


def date_text(created: float) -> str:
    """When a run started, in UTC (the same on every machine that builds the site)."""
    return time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(created))


def page_templates() -> jinja2.Environment:
    """The site's page templates (``gallery/templates``, every value escaped), with ``score`` and ``date``
    filters."""
    pages = templates("gallery")
    pages.filters["score"] = score_text
    pages.filters["date"] = date_text
    return pages


@dataclass(frozen=True)
class Picture:
    """An individual's image on a page: its link in the site, or, when its file is missing, the path the store
    recorded and the command that renders it again."""

    id: int
    link: str | None
    recorded: str = ""
    render: str = ""


@dataclass(frozen=True)
class Summary:
    """A run's line in the front page's table: rounds played, best score and a thumbnail link."""

    rounds: int
    best: float | None
    thumb: str | None


Card = tuple[Picture, str]  # an individual's thumbnail and its caption, linking to its page


@dataclass
class Site:
    """Builds the site of one store into ``out``; ``spec_root`` is how commands on the pages name the gallery."""

    store: Store
    out: Path
    spec_root: str = ""  # "" for the default root (gallery:ID), else the root as the user wrote it
    pages: jinja2.Environment = field(default_factory=page_templates, repr=False)

    def build(self) -> Path:
        """Write every page and the stylesheet; returns the front page."""
        self.out.mkdir(parents=True, exist_ok=True)
        write_stylesheet(self.out)
        runs = self.store.runs()
        for run in runs:
            self._write(f"run-{run.id}.html", self.run_page(run))
        for row in self.store.individuals():
            self._write(f"individual-{row.id}.html", self.individual_page(row))
        self._write("index.html", self.front_page(runs))
        return self.out / "index.html"

    def _write(self, name: str, text: str) -> None:
        atomic_write_text(self.out / name, text)

    def render(self, template: str, **context: Any) -> str:
        """One page from its template; every value in ``context`` is escaped."""
        return self.pages.get_template(template).render(**context)

    def copy(self, source: Path | None, name: str) -> str | None:
        """Copy a file into the site (when changed) and return its relative link, or None if it is missing, not a
        regular file, or leads out of the gallery's folder (a symlink to a system file publishes nothing)."""
        if not contained_file(source, self.store.root):
            return None
        assert source is not None
        target = self.out / "files" / name
        stat = source.stat()
        if not target.exists() or target.stat().st_size != stat.st_size or target.stat().st_mtime < stat.st_mtime:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
        return f"files/{name}"

    def spec(self, individual: int) -> str:
        return f"gallery:{self.spec_root + ':' if self.spec_root else ''}{individual}"

    # ---- pieces

    def picture(self, row: IndividualRow) -> Picture:
        """The individual's image copied into the site, or what to show instead when its file is missing."""
        link = self.copy(row.image, f"individual-{row.id}.png")
        if link is not None:
            return Picture(row.id, link)
        run = self.store.run(row.run)
        size = run.settings.get("size", 256) if run else 256
        out = f" --out {self.shown(row.image)}" if row.image else ""
        return Picture(row.id, None, self.shown(row.image) if row.image else "none recorded",
                       f"coevo render {self.spec(row.id)} --size {size}{out}")

    def shown(self, path: Path) -> str:
        """A path as a page shows it: from the gallery root's own folder (``runs/quickstart``), never the machine's
        absolute path (a site is copied and published); outside the root, the folder's name alone."""
        root = self.store.root
        try:
            return (Path(root.name) / Path(path).resolve().relative_to(root)).as_posix()
        except ValueError:
            return Path(path).name

    def run_summary(self, run: RunRow) -> Summary:
        """Rounds played, best score and a thumbnail link for the runs table."""
        metrics = read_metrics(run.path)
        rows = self.store.individuals(run=run.id)
        maxima = [m["score_max"] for m in metrics if isinstance(m.get("score_max"), (int, float))]
        scores = [r.score for r in rows if r.score is not None]
        best = max(maxima or scores) if (maxima or scores) else None
        rounds = len(metrics) or (max(r.round for r in rows) + 1 if rows else 0)
        thumb = next((self.copy(r.image, f"individual-{r.id}.png") for r in reversed(rows)
                      if contained_file(r.image, self.store.root)), None)
        if thumb is None:
            sheets = contact_sheets(run)
            thumb = self.copy(sheets[-1], f"run-{run.id}/sheets/{sheets[-1].name}") if sheets else None
        return Summary(rounds, best, thumb)

    def curves(self, run: RunRow) -> list[str]:
        """Links to the run's own plots (curves.png, confidence.png, critic pictures, ...); an older run that has
        none gets its learning curves plotted here, once."""
        own = sorted(p for p in run.path.glob("*.png") if p.name != TOURNAMENT)
        links = [self.copy(p, f"run-{run.id}/curves/{p.name}") for p in own]
        if not any(p.name in OWN_CURVES for p in own):
            plotted = curve_png(run, self.out / "files" / f"run-{run.id}" / "metrics.png")
            links = ([f"files/run-{run.id}/metrics.png"] if plotted else []) + links
        return [link for link in links if link]

    def arms_race(self, run: RunRow) -> tuple[str, str | None]:
        """The run's arms race: its numbers in a line (``coevo.metrics.armsrace``, from its metrics) and the link
        to its master tournament picture; ("", None) for a run that measured neither."""
        try:
            line = describe(summarise(read_metrics(run.path)))
        except (TypeError, ValueError, KeyError, IndexError):  # a damaged metrics file: no line, the page still
            line = ""
        picture = run.path / TOURNAMENT
        if not picture.is_file() or kept_generations(run.path) < 2:  # one cell is no tournament yet
            return line, None
        return line, self.copy(picture, f"run-{run.id}/arms-race/{TOURNAMENT}")

    def lineage(self, row: IndividualRow) -> tuple[str, list[int]]:
        """The link to the individual's lineage picture, and its ancestors' ids, nearest first."""
        lineage = self.store.lineage(row.id)
        names = {run.id: run.name for run in self.store.runs()}
        labels = {r.id: f"#{r.id} {names.get(r.run, '')}:{r.round}" for r in lineage}
        picture = self.lineage_png(row.id, lineage, labels)
        return f"files/{picture.name}", [r.id for r in lineage[1:]]

    # ---- pages

    def front_page(self, runs: list[RunRow]) -> str:
        published: list[Card] = [(self.picture(r), r.title or f"#{r.id}")
                                 for r in self.store.individuals(published=True)]
        newest = sorted(runs, key=lambda run: (run.created, run.id), reverse=True)
        listed = [(run, summary) for run in newest if not empty(summary := self.run_summary(run))]
        return self.render("index.html", title="coevo gallery", published=published, runs=listed,
                           hidden=len(runs) - len(listed))

    def run_page(self, run: RunRow) -> str:
        champions: list[Card] = [(self.picture(r), f"#{r.id} round {r.round} · {score_text(r.score)}")
                                 for r in self.store.individuals(run=run.id)]
        sheets = [(sheet.stem, link) for sheet in contact_sheets(run)
                  if (link := self.copy(sheet, f"run-{run.id}/sheets/{sheet.name}"))]
        settings = [(key, json.dumps(value) if isinstance(value, (dict, list)) else value)
                    for key, value in run.settings.items()]
        race, tournament = self.arms_race(run)
        return self.render("run.html", title=f"Run {run.id}: {run.name}", run=run, folder=self.shown(run.path),
                           folder_missing=not run.path.is_dir(), champions=champions, curves=self.curves(run),
                           race=race, tournament=tournament, sheets=sheets, settings=settings)

    def individual_page(self, row: IndividualRow) -> str:
        run = self.store.run(row.run)
        genome_link = self.export_genome(row, run)
        lineage, ancestors = self.lineage(row)
        scores = ", ".join(f"round {k}: {v:.4f}" for k, v in row.scores.items() if v is not None)
        return self.render("individual.html", title=row.title or f"Individual #{row.id}", row=row,
                           image=self.picture(row), spec=self.spec(row.id), run_name=run.name if run else row.run,
                           options=json.dumps(row.options), no_parents=no_parents(run),
                           children=[child.id for child in self.store.children(row.id)], genome_link=genome_link,
                           genome_name=Path(genome_link).name, lineage=lineage, ancestors=ancestors, scores=scores,
                           genome=json.dumps(row.genome, indent=1))

    def lineage_png(self, individual: int, lineage: list[IndividualRow], labels: dict[int, str]) -> Path:
        """Draw the lineage picture unless one drawn from the same ancestors, images and labels is there."""
        out = self.out / "files" / f"lineage-{individual}.png"
        drawn = [(r.id, r.parents, str(r.image), r.image.stat().st_mtime if r.image and r.image.is_file() else None,
                  labels.get(r.id)) for r in lineage]
        key = hashlib.sha1(json.dumps(drawn).encode()).hexdigest()
        stamp = out.with_suffix(".key")
        if out.is_file() and stamp.is_file() and stamp.read_text() == key:
            return out
        draw_lineage(lineage, out, labels, self.store.root)
        atomic_write_text(stamp, key)
        return out

    def export_genome(self, row: IndividualRow, run: RunRow | None) -> str:
        """Write the individual as a genome file into the site; returns its link."""
        meta = {"gallery_id": row.id, "parents": row.parents, "round": row.round, "score": row.score,
                "run": run.name if run else None, "title": row.title}
        record = GenomeFile(row.artist, row.options, row.genome, meta)
        write_genome(self.out / "files" / f"genome-{row.id}.json", record)
        return f"files/genome-{row.id}.json"


def empty(summary: Summary) -> bool:
    """A run or session with nothing to show: no round played, nothing kept (a breeding window closed at once)."""
    return summary.rounds == 0 and summary.thumb is None


def contact_sheets(run: RunRow) -> list[Path]:
    """The run's contact sheets (``sheets/*.png``), oldest name first."""
    folder = run.path / "sheets"
    return sorted(folder.glob("*.png")) if folder.is_dir() else []


def read_metrics(folder: Path) -> list[dict[str, Any]]:
    """A run folder's metrics, or none when the file is absent or damaged."""
    try:
        return RunFolder(folder).metrics()
    except CoevoError:
        return []


def kept_generations(folder: Path) -> int:
    """How many generations a run's master tournament kept (``tournament.json``); 0 when absent or damaged."""
    try:
        summary = json.loads(read_bytes(folder / "tournament.json", "tournament file", TOURNAMENT_BYTES))
    except (CoevoError, ValueError, RecursionError):
        return 0
    kept = summary.get("kept") if isinstance(summary, dict) else None
    return kept if isinstance(kept, int) else 0


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
