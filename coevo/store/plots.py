"""The one plotting module: a run's learning curves, and a fooling run's confidences, as PNG bytes."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.figure import Figure

DPI = 150  # every plot: readable when opened full size
PANELS = (  # (title, [(metric, label)])
    ("fitness (critic score)", [("fitness_best", "best"), ("fitness_mean", "mean")]),
    ("critic vs. artist", [("critic_accuracy", "held-out accuracy (before learning)"),
                           ("fooling_rate", "fooling rate")]),
    ("critic loss", [("critic_loss", "loss")]),
    ("fake set", [("fakes", "images kept")]),
    ("population diversity", [("diversity_pixels", "pixels"), ("diversity_features", "critic features")]),
    ("artist loss", [("artist_loss", "loss")]),
    ("phases: generations to fool", [("generations_to_fool", "generations"), ("phase_stalled", "stalled (1)")]),
    ("phases: critic steps to recover", [("critic_steps_to_recover", "critic updates")]),
    ("master tournament progress", [("ciao_progress", "newer beat older minus older beat newer")]),
    ("independent judge: FID to real", [("judge_fid", "champions"), ("judge_fid_real", "real images, same n")]),
    ("independent judge: read as a class (p >= 0.9)", [("judge_confident", "champions"),
                                                         ("judge_confident_real", "real images, same n")]),
)


def plot_confidences(rows: list[dict[str, Any]], classes: int) -> bytes:
    """PNG bytes of a fooling run's elite confidence per class per generation, and 1 - confidence on a log scale."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(7, 7), dpi=DPI)
    top, bottom = figure.subplots(2, 1, sharex=True)
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
    figure.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


Band = list[tuple[float, float, float, float]]  # (x, mean, low, high) points of a line with its interval


def plot_series(panels: list[tuple[str, dict[str, Band]]], xlabel: str) -> bytes:
    """PNG bytes of one row of panels, each a title and its labelled lines with shaded intervals (a comparison's
    curves over seeds; a line without spread shows no band)."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(4 * len(panels), 3.6), dpi=DPI, layout="constrained")
    axes = figure.subplots(1, len(panels), squeeze=False)[0]
    for axis, (title, lines) in zip(axes, panels):
        for label, points in lines.items():
            if points:
                xs, means, lows, highs = zip(*points)
                line = axis.plot(xs, means, marker="o" if len(points) < 30 else None, label=label)[0]
                axis.fill_between(xs, lows, highs, color=line.get_color(), alpha=0.2, linewidth=0)
        axis.set_title(title)
        axis.set_xlabel(xlabel)
        axis.grid(alpha=0.3)
    axes[0].legend()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


PHASE_KEYS = ("generations_to_fool", "phase_stalled", "critic_steps_to_recover")  # one value per phase, at its end
BOUNDARIES = 60  # phase boundaries drawn as lines on every panel, at most (a long run's would hide the curves)


def phase_ends(rows: list[dict[str, Any]]) -> list[int]:
    """The rounds at which a phase ended (the phases schedule records its per-phase figures there)."""
    return [row["round"] for row in rows if "generations_to_fool" in row]


def curve_panels(rows: list[dict[str, Any]]) -> list[tuple[str, list[tuple[str, str]]]]:
    """The panels ``plot_curves`` draws: those of ``PANELS`` with a line that is not zero throughout."""
    panels = [(name, [(k, label) for k, label in lines if any(row.get(k) for row in rows)])
              for name, lines in PANELS]
    return [(name, lines) for name, lines in panels if lines]


def plot_curves(rows: list[dict[str, Any]], title: str = "") -> bytes:
    """PNG bytes of ``curves_figure``."""
    buffer = io.BytesIO()
    curves_figure(rows, title).savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


def curves_figure(rows: list[dict[str, Any]], title: str = "") -> Figure:
    """Every panel that has data in ``rows`` (metrics.jsonl lines), against the round; a panel whose values are all
    zero (a GAN's fake set) is left out, a phase's figures are drawn as a level across its rounds, phase boundaries
    as dotted lines; a panel names its lines in a legend, or its one line on the y axis."""
    from matplotlib.figure import Figure  # a bare Figure renders with Agg, no GUI backend or pyplot state

    panels = curve_panels(rows)
    ends = phase_ends(rows)
    columns = 3 if len(panels) > 4 else 2 if len(panels) > 1 else 1
    grid_rows = max(1, -(-len(panels) // columns))
    figure = Figure(figsize=(4.2 * columns, 3 * grid_rows + 0.4), dpi=DPI, layout="constrained")
    for index, (name, lines) in enumerate(panels):
        axes = figure.add_subplot(grid_rows, columns, index + 1)
        if len(ends) <= BOUNDARIES:
            for end in ends:
                axes.axvline(end + 0.5, color="0.6", linestyle=":", linewidth=0.8)
        for key, label in lines:
            points = [(row["round"], row[key]) for row in rows if key in row]
            if key in PHASE_KEYS:  # a level from the phase's first round to its last
                starts = [0, *[end + 1 for end in ends][: len(points) - 1]]
                line = axes.hlines([v for _, v in points], [s - 0.5 for s in starts], [r + 0.5 for r, _ in points],
                                   label=label, linewidth=2)
                axes.plot([r + 0.5 for r, _ in points], [v for _, v in points], "o", markersize=3,
                          color=line.get_color()[0])
            else:
                axes.plot(*zip(*points), label=label, linewidth=1.2)
        axes.set_title(name, fontsize=10)
        axes.set_xlabel("round" + (" (dotted: phase ends)" if ends and len(ends) <= BOUNDARIES else ""), fontsize=8)
        axes.tick_params(labelsize=7)
        if len(lines) > 1:
            axes.legend(fontsize=7)
        else:
            axes.set_ylabel(lines[0][1], fontsize=8)
    if title:
        figure.suptitle(title, fontsize=11)
    return figure


def plot_agreement(report: dict[str, Any]) -> bytes:
    """PNG bytes of a person model's held-out pairwise agreement with the person, per held-out generation and
    overall, against the 50% chance line (``coevo.protocols.PersonModel.agreement_report``)."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(5, 3), dpi=DPI)
    axis = figure.subplots()
    held = report.get("held_out") or []
    xs = list(range(1, len(held) + 1))
    axis.plot(xs, [h["agreement"] for h in held], "o", color="tab:blue", markersize=4, label="held-out generation")
    if report.get("agreement") is not None:
        axis.axhline(report["agreement"], color="tab:blue", label=f"held-out agreement {report['agreement']:.2f}")
    axis.axhline(report["chance"], color="tab:red", linestyle="--", label=f"chance {report['chance']:.0%}")
    axis.set_ylim(0, 1.05)
    axis.set_xlim(0, max(xs, default=0) + 1)
    axis.set_xlabel(f"held-out generation (every {report.get('holdout', '?')}th judged one)", fontsize=8)
    axis.set_ylabel("pairs ordered as the person did", fontsize=8)
    axis.set_title(f"{report.get('pairs_test', 0)} held-out pairs; training agreement "
                   f"{report.get('train_agreement', float('nan')):.2f} on {report.get('pairs_train', 0)}", fontsize=9)
    axis.legend(fontsize=7, loc="lower right")
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


def plot_ciao(fool: Any, generations: list[int], unit: str, title: str = "") -> bytes:
    """PNG bytes of a CIAO plot (Cliff & Miller 1995): rows the critic of each kept generation, columns its
    champions, colour the share of the champions that critic takes for real; above the diagonal newer champions
    meet older critics (bright there and dark below: an arms race that escalates)."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(5.6, 5), dpi=80)
    axis = figure.subplots()
    n = len(generations)
    image = axis.imshow([[float(v) for v in row] for row in fool], cmap="viridis", vmin=0.0, vmax=1.0,
                        origin="upper", interpolation="nearest")
    ticks = list(range(0, n, max(1, n // 8)))
    axis.set_xticks(ticks, [str(generations[i]) for i in ticks], fontsize=7)
    axis.set_yticks(ticks, [str(generations[i]) for i in ticks], fontsize=7)
    axis.set_xlabel(f"champions of {unit}", fontsize=8)
    axis.set_ylabel(f"critic of {unit}", fontsize=8)
    figure.colorbar(image, ax=axis, label="share of champions taken for real")
    if title:
        axis.set_title(title, fontsize=9)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()
