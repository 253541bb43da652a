"""The arms race in numbers: Spearman trends, stalled share and the tournament's and judge's last figures."""

from __future__ import annotations

import pytest

from coevo.metrics.armsrace import describe, spearman, summarise


def phase_end(phase: int, generations: float, stalled: float = 0.0) -> dict[str, float]:
    return {"phase": phase, "generations_to_fool": generations, "phase_stalled": stalled,
            "critic_steps_to_recover": 3.0 + phase, "critic_recovered": 1.0}


def test_rising_generations_to_fool_and_a_falling_judge_fid_read_as_escalation() -> None:
    rows = [{"round": 0}]
    for phase in range(8):
        rows.append({"round": len(rows), **phase_end(phase, 2.0 + phase, stalled=float(phase == 7)),
                     "ciao_progress": 0.1 * phase, "ciao_kept": phase + 1.0,
                     "judge_fid": 100.0 - phase, "judge_fid_real": 10.0, "judge_confident": 0.1 * phase})
    summary = summarise(rows)
    assert summary["phases"] == 8 and summary["stalled"] == 0.125
    assert summary["generations_to_fool_spearman"] == 1.0 and summary["judge_fid_spearman"] == -1.0
    assert summary["generations_to_fool_median"] == 5.5 and summary["critic_steps_to_recover_min"] == 3.0
    assert summary["ciao_progress"] == pytest.approx(0.7) and summary["ciao_kept"] == 8.0
    assert summary["judge_confident_late"] == pytest.approx(0.65)  # the last quarter: phases 6 and 7
    line = describe(summary)
    assert "8 phases, 12% stalled" in line and "+1.00" in line and "judge FID 100 -> 93 (Spearman -1.00)" in line


def test_flat_or_short_series_have_no_trend() -> None:
    assert spearman([0, 1], [3, 4]) is None
    assert spearman([0, 1, 2], [5, 5, 5]) is None
    assert summarise([{"round": 0, "score_max": 1.0}]) == {"rounds": 1}
