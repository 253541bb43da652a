"""Does the arms race escalate? A run's diagnostics in a few numbers, from its metrics lines.

Phases: how many, the share stalled, generations to fool (median, and Spearman's rho against the phase: rising
means each critic is harder to fool), the critic's steps to recover; the master tournament's last progress
(``coevo.programs.tournament``); the independent judge's FID trend (Spearman against the round: falling means the
champions move toward the data) and the share of late champions read as a class with p >= 0.9.
"""

from __future__ import annotations

import math
import statistics
from typing import Any


def spearman(xs: list[float], ys: list[float]) -> float | None:
    """Spearman's rho, or None with fewer than three points or a constant series."""
    if len(xs) < 3 or len(set(xs)) < 2 or len(set(ys)) < 2:
        return None
    from scipy import stats  # here: a run with no phases or judge never needs SciPy (~0.5 s to import)

    rho = float(stats.spearmanr(xs, ys).statistic)
    return None if math.isnan(rho) else round(rho, 4)


def summarise(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The arms race's numbers from ``metrics.jsonl`` rows; keys only for what the run measured."""
    summary: dict[str, Any] = {"rounds": len(rows)}
    ends = [row for row in rows if "generations_to_fool" in row]
    if ends:
        generations = [row["generations_to_fool"] for row in ends]
        steps = [row["critic_steps_to_recover"] for row in ends]
        summary.update(phases=len(ends), stalled=round(sum(row["phase_stalled"] for row in ends) / len(ends), 4),
                       generations_to_fool_median=statistics.median(generations),
                       generations_to_fool_spearman=spearman([row["phase"] for row in ends], generations),
                       critic_steps_to_recover_median=statistics.median(steps),
                       critic_steps_to_recover_min=min(steps),
                       critic_recovered=round(sum(row["critic_recovered"] for row in ends) / len(ends), 4))
    progress = [row["ciao_progress"] for row in rows if "ciao_progress" in row]
    if progress:
        summary.update(ciao_progress=progress[-1], ciao_kept=[r for r in rows if "ciao_kept" in r][-1]["ciao_kept"])
    judged = [row for row in rows if "judge_fid" in row]
    if judged:
        late = judged[len(judged) - max(1, len(judged) // 4):]  # the last quarter of the judged generations
        summary.update(judge_fid_first=judged[0]["judge_fid"], judge_fid_last=judged[-1]["judge_fid"],
                       judge_fid_spearman=spearman([row["round"] for row in judged], [r["judge_fid"] for r in judged]),
                       judge_fid_real=judged[-1].get("judge_fid_real"))
        if "judge_confident" in judged[-1]:
            summary["judge_confident_late"] = round(statistics.fmean(row["judge_confident"] for row in late), 4)
    return summary


def describe(summary: dict[str, Any]) -> str:
    """One line of the numbers that say whether the race escalates."""
    parts = []
    if "phases" in summary:
        parts.append(f"{summary['phases']} phases, {summary['stalled']:.0%} stalled, generations to fool median "
                     f"{summary['generations_to_fool_median']:g} (Spearman vs phase "
                     f"{_signed(summary['generations_to_fool_spearman'])}), critic steps to recover median "
                     f"{summary['critic_steps_to_recover_median']:g}")
    if "ciao_progress" in summary:
        parts.append(f"master tournament progress {summary['ciao_progress']:+.3f}")
    if "judge_fid_last" in summary:
        parts.append(f"judge FID {summary['judge_fid_first']:.0f} -> {summary['judge_fid_last']:.0f} (Spearman "
                     f"{_signed(summary['judge_fid_spearman'])})")
    return "; ".join(parts)


def _signed(value: float | None) -> str:
    return "n/a" if value is None else f"{value:+.2f}"
