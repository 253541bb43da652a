"""The comparison report: the verdict with its tests, sample grids, metrics over seeds with 95% intervals at one
matched n, budgets, class histograms, a memorisation check, curves with bands, settings and provenance, as
``report.html`` (for a browser) and ``report.md`` (for a repository), with PNGs and the shared stylesheet beside
them. Both are rendered from one ``Report`` by the templates in ``coevo/programs/templates``."""

from __future__ import annotations

import math
import platform
import shutil
import subprocess
import time
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path
from typing import TYPE_CHECKING, Any

import torch

from coevo.data import ImageSet
from coevo.images import grid, save_png
from coevo.metrics import Evaluator
from coevo.metrics.evaluator import CONFIDENT
from coevo.metrics.stats import CLIPPED, estimate, verdict
from coevo.store.atomic import atomic_write_bytes, atomic_write_text
from coevo.store.pages import templates, write_stylesheet
from coevo.store.plots import plot_series

if TYPE_CHECKING:
    from coevo.programs.comparison import CompareSettings, Entrant

METRICS = (  # key, heading, lower is better, digits
    ("kid", "KID ↓", True, 2), ("fid", "FID ↓", True, 2), ("precision", "precision ↑", False, 3),
    ("recall", "recall ↑", False, 3), ("density", "density (1: as real)", False, 3),
    ("knn_coverage", "k-NN coverage ↑", False, 3), ("coverage", f"coverage (p ≥ {CONFIDENT}) ↑", False, 2),
    ("confident", "confidently a digit ↑", False, 2), ("class_tv", "class TV ↓", True, 3),
    ("nn_distance", "nearest training image (RMS)", False, 3), ("critic_accuracy", "critic accuracy", True, 3),
)
SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
RANGES = {  # the values a metric can take, so that an interval over few seeds is clipped to them (KID may be < 0)
    "fid": (0.0, None), "precision": (0.0, 1.0), "recall": (0.0, 1.0), "coverage": (0.0, 1.0), "density": (0.0, None),
    "knn_coverage": (0.0, 1.0), "lipizzaner_fid": (0.0, None), "lipizzaner_tvd": (0.0, 1.0),
    "confident": (0.0, 1.0), "class_tv": (0.0, 1.0), "nn_distance": (0.0, None), "critic_accuracy": (0.0, 1.0),
    **{budget: (0.0, None) for budget in ("images", "critic_updates", "rounds", "seconds", "cpu_seconds")},
}
YARDSTICK = (("lipizzaner_fid", "Lipizzaner FID ↓", True, 2), ("lipizzaner_tvd", "Lipizzaner TVD ↓", True, 3))
PUBLISHED = ("Lipizzaner's ten shipped MNIST generators score FID 34.1–48.9 and TVD 0.108–0.140 on this net "
             "(n = 2,500, reference: MNIST's training images)")
BUDGETS = (("images", "images shown"), ("critic_updates", "critic updates"),
           ("rounds", "rounds (generations / steps)"), ("seconds", "wall s of play"), ("cpu_seconds", "CPU s"))
SETTINGS = ("artist", "critic", "data", "size", "loss", "pop", "batch", "critic_steps", "fakes", "warmup", "device")
SHOWN = 64  # pixels per sample on the report's grids (small images are enlarged, nearest neighbour)
HEADLINE = "kid"  # unbiased at small n, so the ranking uses it; FID stands beside it at the same n


def final(entrant: Entrant, key: str) -> list[float]:
    """The metric's value at each seed's last evaluation."""
    last = [run.evals[-1] for run in entrant.runs if run.evals]
    return [row[key] for row in last if isinstance(row.get(key), float | int)]


def short_label(entrant: Entrant, n: int) -> str:
    """The entrant's label, flagged when its last evaluation had fewer than ``n`` images (a finished evolutionary
    run shows only its final population), because KID and FID at a smaller n do not compare with the others."""
    counts = [run.evals[-1].get("samples", n) for run in entrant.runs if run.evals]
    fewest = min(counts, default=n)
    return entrant.label if fewest >= n else f"{entrant.label} (on {fewest} of {n} images: not matched)"


def kid_exponent(values: list[float]) -> int:
    """The power of ten (a multiple of 3) that KID is shown multiplied by, so its largest value reads in whole
    units: ×10³ for the ~0.001-0.1 of well-trained features (as Bińkowski et al.'s tables); 0 for KID >= 1."""
    largest = max((abs(v) for v in values if math.isfinite(v)), default=0.0)
    if largest == 0 or largest >= 1:
        return 0
    return min(9, 3 * math.ceil(-math.log10(largest) / 3))


def heading(key: str, text: str, exponent: int) -> str:
    """A metric's column heading, with the factor its values are shown multiplied by."""
    return text.replace("KID", f"KID ×10{str(exponent).translate(SUPERSCRIPT)}") if key == "kid" and exponent else text


def cell(values: list[float], digits: int, key: str = "", exponent: int = 0) -> str:
    """Mean ± 95% interval over seeds of a metric (or a budget; KID ×10^``exponent``), clipped to the metric's
    range and then said so."""
    e = estimate([v * 10.0**exponent for v in values], *RANGES.get(key, (None, None)))
    return "—" if math.isnan(e.mean) else e.text(digits)


def provenance(settings: CompareSettings, device: str) -> dict[str, str]:
    """Where the numbers came from: the command, versions, commit, machine and date."""
    import numba

    import coevo

    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=Path(coevo.__file__).parent,
                                capture_output=True, text=True, timeout=10).stdout.strip() or "unknown"
    except (OSError, subprocess.SubprocessError):
        commit = "unknown"
    return {"command": settings.command or "(library call)", "coevo": f"{coevo.__version__} (git {commit})",
            "python / torch / numba": f"{platform.python_version()} / {torch.__version__} / {numba.__version__}",
            "device": device, "machine": f"{platform.machine()} {platform.processor() or ''}, "
                                         f"{torch.get_num_threads()} torch threads here, 1 per run",
            "written": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())}


def verdicts(entrants: list[Entrant]) -> list[str]:
    """The ranking on the headline metric, and a paired test for every pair of played artists."""
    played = [e for e in entrants if e.played]
    ranked = sorted(played, key=lambda e: estimate(final(e, HEADLINE)).mean)
    lines = [differing] if (differing := differing_updates(played)) else []
    lines += ["ranking by mean KID (lower is better): " + ", ".join(e.label for e in ranked)]
    lines += [verdict(a.label, final(a, HEADLINE), b.label, final(b, HEADLINE)) + " on KID"
              for a, b in combinations(ranked, 2)]
    return lines


def differing_updates(entrants: list[Entrant]) -> str:
    """A warning when the artists' critics learned unequally (mean critic updates over seeds differ by over 5%),
    since a critic that learned more judges its artist harder; empty when the budgets match."""
    spent = {e.label: sum(float(r.spent.get("critic_updates", 0)) for r in e.runs) / len(e.runs) for e in entrants}
    if len(spent) < 2 or max(spent.values()) <= 1.05 * min(spent.values()):
        return ""
    listed = ", ".join(f"{label} {value:.0f}" for label, value in spent.items())
    return (f"budgets differ: the critic updates each artist faced were {listed} (mean over seeds); the comparison "
            "is fair only in the budget it was given (pass --critic-updates N for equal critic learning)")


def curves(path: Path, entrants: list[Entrant]) -> str:
    """KID, FID, precision and recall against images shown: the mean over seeds with its 95% band."""
    panels = []
    for key, title, _, _ in METRICS[:4]:
        lines = {}
        for entrant in entrants:
            count = min(len(run.evals) for run in entrant.runs)
            points = []
            for i in range(count):
                rows = [run.evals[i] for run in entrant.runs]
                e = estimate([r[key] for r in rows if key in r], *RANGES.get(key, (None, None)))
                low, high = (e.mean, e.mean) if math.isnan(e.half_width) else (e.low, e.high)
                points.append((sum(r["images_seen"] for r in rows) / len(rows), e.mean, low, high))
            lines[entrant.label] = points
        panels.append((title, lines))
    atomic_write_bytes(path, plot_series(panels, "images shown"))
    return path.name


Captioned = list[tuple[str, str]]  # (label, PNG file name beside the report)


def pictures(out: Path, entrants: list[Entrant], data: ImageSet) -> tuple[Captioned, Captioned]:
    """Sample grids (the first seed's last evaluation) and champion sheets of evolutionary runs, copied beside
    the report."""
    save_png(grid(enlarge(real_sample(data.images)), 8), out / "real.png")
    samples, champions = [("real data", "real.png")], []
    for entrant in entrants:
        run = entrant.runs[0]
        name = f"samples-{safe(entrant.label)}.png"
        if (run.folder / "samples.png").is_file():
            shutil.copyfile(run.folder / "samples.png", out / name)
            samples.append((entrant.label, name))
        sheet = run.folder / "sheets" / "champions.png"
        if sheet.is_file() and entrant.config.fakes == "champions":
            shutil.copyfile(sheet, out / f"champions-{safe(entrant.label)}.png")
            champions.append((entrant.label, f"champions-{safe(entrant.label)}.png"))
    return samples, champions


@dataclass(frozen=True)
class Table:
    """A table of text cells under its headings, as both report.html and report.md show it."""

    head: list[str]
    rows: list[list[str]]


@dataclass(frozen=True)
class Report:
    """Everything the report says: report.html and report.md are rendered from the same one."""

    header: dict[str, str]  # what was compared and how, and where the numbers came from
    verdict: list[str]
    samples: Captioned
    champions: Captioned
    metrics: Table
    budgets: Table
    histograms: Table | None  # None when no artist's samples were classified
    curves: str  # the curves' PNG beside the report
    settings: Table


def write_report(out: Path, entrants: list[Entrant], data: ImageSet, settings: CompareSettings,
                 evaluator: Evaluator, n: int) -> Path:
    """Write the PNGs, ``report.md``, ``report.html`` and the stylesheet into ``out``; returns the HTML's path."""
    out = Path(out)
    floor = evaluator.real_floor(n)
    samples, champions = pictures(out, entrants, data)
    report = Report(header=header(data, settings, evaluator, n), verdict=verdicts(entrants), samples=samples,
                    champions=champions, metrics=metrics_table(entrants, floor, n, evaluator.yardstick is not None),
                    budgets=budgets_table(entrants),
                    histograms=histogram_table(entrants, floor), curves=curves(out / "curves.png", entrants),
                    settings=settings_table(entrants))
    return render_report(out, report)


def render_report(out: Path, report: Report) -> Path:
    """Write ``report.md``, ``report.html`` and the stylesheet into ``out``; returns the HTML's path."""
    pages = templates("coevo.programs")
    for name in ("report.md", "report.html"):
        atomic_write_text(out / name, pages.get_template(name).render(report=report))
    write_stylesheet(out)
    return out / "report.html"


def header(data: ImageSet, settings: CompareSettings, evaluator: Evaluator, n: int) -> dict[str, str]:
    """What was compared on which data, at which n, by which features, and where the numbers came from."""
    accuracy = "" if evaluator.accuracy is None else f", {evaluator.accuracy:.1%} accurate on the held-out half"
    return {
        "data": f"{data.name}, {'×'.join(map(str, data.shape))}",
        "budget": budget_line(settings),
        "seeds": ", ".join(map(str, settings.seed_list())) + f" (intervals: mean ± 95% Student t over seeds; "
                 f"{CLIPPED})",
        "units": "KID: the unbiased squared MMD of the metric features (cubic polynomial kernel; it can dip below 0 "
                 "near a perfect match), shown ×10³ or ×10⁶ where its heading says so; FID in squared feature "
                 "units; precision, recall, coverage and accuracies are fractions of 1",
        "matched n": f"every metric on {n} images per artist and evaluation, and the real floor at the same n; "
                     f"{sample_rule(settings.near_copy)}",
        "metric features": f"{evaluator.net.kind} trained on a fixed half of the data (no downloaded weights)"
                           f"{accuracy}; the reference and floor images come from the other half",
        "coverage": f"share of classes that at least a tenth of their fair share of all images is confidently "
                    f"(p ≥ {CONFIDENT}) classified as",
        "density / k-NN coverage": "Naeem et al. 2020 over the reference's 5-NN balls in the same features: "
                                   "density counts the balls each sample lies in (/5; real data about 1), coverage "
                                   "the share of reference images with a sample in their ball",
        "memorisation": "nearest training image: median RMS pixel distance of each sample to its closest "
                        "training image (the floor row: held-out real images), a copy scores 0",
        **yardstick_header(evaluator, n),
        **provenance(settings, settings.base.device),
    }


def sample_rule(near_copy: float) -> str:
    """How an evolutionary artist's n images were chosen, in words."""
    if near_copy <= 0:
        return ("a generator samples n fresh images, an evolutionary artist shows the last n distinct individuals "
                "of its latest generations")
    return ("a generator samples n fresh images; an evolutionary artist shows the last individuals it showed that "
            f"differ pairwise by at least {near_copy} mean absolute pixel difference (of the [-1, 1] range; a newer "
            "near-copy replaces the older one), so one lineage's near-copies count once: fewer than n when its run "
            "showed fewer such images, and the table says so")


def budget_line(settings: CompareSettings) -> str:
    """The budget in words, and what it is for: equal critic updates by default, a quick mode named as such."""
    if not settings.artists:
        return "— (finished runs, each evaluated once)"
    said = settings.budget.describe()
    if settings.quick:
        return (f"{said}, per artist and seed — QUICK MODE, a smoke test: a DCGAN still draws noise at this budget; "
                "draw no conclusions (the default is 800 critic updates)")
    if settings.budget.critic_updates:
        return f"{said}, the same for every artist and seed (each artist's critic learns equally)"
    return f"{said}, per artist and seed (critic updates may differ between artists: see the budgets table)"


def yardstick_header(evaluator: Evaluator, n: int) -> dict[str, str]:
    """Which numbers sit beside published work: the Lipizzaner columns (at its data, size and n), and no other."""
    if evaluator.yardstick is None:
        return {"comparable with published work": "none: every number is on coevo's own feature network; pass "
                                                  "--yardstick PATH (Lipizzaner's mnist_cnn.pkl) on MNIST at 28 px"}
    stick = evaluator.yardstick
    where = (f"Lipizzaner FID and TVD: MNISTCnn of ALFA-group/lipizzaner-gan on its 10 output logits and its "
             f"predicted-label frequencies, reference {len(stick.real_logits)} real images of the first half")
    if stick.comparable and n == 2500:
        verdict = (f"the Lipizzaner FID and TVD columns ({where}; here from MNIST's t10k split, not its training "
                   f"split). {PUBLISHED}. Every other column is coevo's own")
    else:
        why = "the data are not mnist:DIR at 1×28×28" if not stick.comparable else f"n is {n}, not 2,500"
        verdict = (f"none ({why}): the Lipizzaner columns ({where}) are coevo's own measure here, comparable with "
                   f"published work only on MNIST at 28 px with --samples 2500. {PUBLISHED}")
    return {"comparable with published work": verdict}


def metrics_table(entrants: list[Entrant], floor: dict[str, Any] | None, n: int,
                  yardstick: bool = False) -> Table:
    """Each artist's metrics at its last evaluation (mean ± 95% over seeds), and the real floor's at the same n;
    with ``yardstick``, Lipizzaner's FID and TVD as well."""
    shown = METRICS + YARDSTICK if yardstick else METRICS
    kids = [v for e in entrants for v in final(e, "kid")] + ([floor["kid"]] if floor and "kid" in floor else [])
    exponent = kid_exponent(kids)
    scale = {k: (exponent if k == "kid" else 0) for k, _, _, _ in shown}
    rows = [[short_label(e, n), *[cell(final(e, k), d, k, scale[k]) for k, _, _, d in shown]] for e in entrants]
    if floor is not None:
        rows.append(["real data (held out)", *[cell([floor[k]], d, k, scale[k]) if k in floor else "—"
                                               for k, _, _, d in shown]])
    return Table(["artist", *[heading(k, text, exponent) for k, text, _, _ in shown]], rows)


def budgets_table(entrants: list[Entrant]) -> Table:
    """What each artist spent, the mean over its seeds."""
    rows = [[e.label, *[cell([float(r.spent.get(k, math.nan)) for r in e.runs], 0, k) for k, _ in BUDGETS]]
            for e in entrants]
    return Table(["artist", *[heading for _, heading in BUDGETS]], rows)


def histogram_table(entrants: list[Entrant], floor: dict[str, Any] | None) -> Table | None:
    """The share of samples confidently classified as each class, the mean over seeds (and the real floor's);
    None when nothing was classified."""
    histograms = [(e.label, [estimate(values).mean for values in zip(*[r.evals[-1]["class_hist"] for r in e.runs
                                                                       if "class_hist" in r.evals[-1]])])
                  for e in entrants]
    if floor is not None and "class_hist" in floor:
        histograms.append(("real data (held out)", floor["class_hist"]))
    histograms = [(label, shares) for label, shares in histograms if shares]
    if not histograms:
        return None
    classes = len(histograms[0][1])
    return Table(["artist", *map(str, range(classes))],
                 [[label, *[f"{v:.2f}" for v in shares]] for label, shares in histograms])


def settings_table(entrants: list[Entrant]) -> Table:
    """The run settings that matter for the comparison, one column per artist."""
    return Table(["setting", *[e.label for e in entrants]],
                 [[key, *[str(getattr(e.config, key)) for e in entrants]] for key in SETTINGS])


def safe(label: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in label)


def enlarge(images: torch.Tensor) -> torch.Tensor:
    """Images at least ``SHOWN`` pixels wide (nearest neighbour), so a person can see them on the report."""
    if len(images) == 0:
        return torch.ones(1, 1, SHOWN, SHOWN)
    scale = max(1, -(-SHOWN // images.shape[-1]))
    return torch.nn.functional.interpolate(images.float(), scale_factor=scale, mode="nearest")


def real_sample(images: torch.Tensor, n: int = 64) -> torch.Tensor:
    """A fixed, seed-independent sample of real images for the report."""
    return images[:: max(1, len(images) // n)][:n]
