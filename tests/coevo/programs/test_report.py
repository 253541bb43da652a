"""The comparison report's two pages, rendered from one ``Report``: the same facts in report.html and report.md, the
HTML escaped, the shared stylesheet beside them."""

from __future__ import annotations

from pathlib import Path

import pytest

from coevo.errors import CoevoError
from coevo.loop import Stop
from coevo.programs.comparison import CompareSettings, Entrant, SeedRun
from coevo.programs.report import Report, Table, budget_line, render_report, sample_rule, verdicts
from coevo.store.pages import STYLESHEET
from coevo.training.config import RunConfig

LABEL = "<script>alert('x')</script> & co"


def report(labels: list[str], histograms: bool = True) -> Report:
    """A report as ``write_report`` makes one, for the artists ``labels``, without playing anything."""
    return Report(
        header={"data": "digits, 1×28×28", "command": "coevo compare --artists " + ",".join(labels)},
        verdict=["ranking by mean KID (lower is better): " + ", ".join(labels)],
        samples=[("real data", "real.png"), *[(label, f"samples-{i}.png") for i, label in enumerate(labels)]],
        champions=[(labels[-1], "champions-last.png")],
        metrics=Table(["artist", "KID ↓"], [[label, f"0.0{i} ± 0.01"] for i, label in enumerate(labels)]),
        budgets=Table(["artist", "images shown"], [[label, "96 ± 0"] for label in labels]),
        histograms=Table(["artist", "0", "1"], [[label, "0.50", "0.25"] for label in labels]) if histograms else None,
        curves="curves.png",
        settings=Table(["setting", *labels], [["pop", *["16" for _ in labels]]]))


def test_report_html_escapes_a_label_and_report_md_shows_it_as_written(tmp_path: Path) -> None:
    html = render_report(tmp_path, report(["dcgan", LABEL])).read_text()
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; co" in html
    markdown = (tmp_path / "report.md").read_text()
    assert f"| {LABEL} | 0.01 ± 0.01 |" in markdown and f"![{LABEL}](samples-1.png)" in markdown


def test_both_pages_show_every_fact_of_the_report(tmp_path: Path) -> None:
    shown = report(["dcgan", "tests.toys:ToyGenetics"])
    html = render_report(tmp_path, shown).read_text()
    markdown = (tmp_path / "report.md").read_text()
    facts = [*shown.header.values(), *shown.verdict, *[name for _, name in shown.samples + shown.champions],
             shown.curves]
    for table in (shown.metrics, shown.budgets, shown.histograms, shown.settings):
        assert table is not None
        facts += table.head + [value for row in table.rows for value in row]
    assert all(fact in html and fact in markdown for fact in facts)
    assert "| artist | KID ↓ |\n|---|---|\n| dcgan | 0.00 ± 0.01 |" in markdown
    assert "<th>KID ↓</th>" in html and "Confident class histogram" in html and "Champions of every round" in html


def test_a_report_without_histograms_leaves_the_section_out(tmp_path: Path) -> None:
    html = render_report(tmp_path, report(["seed-0"], histograms=False)).read_text()
    assert "Confident class histogram" not in html
    assert "Confident class histogram" not in (tmp_path / "report.md").read_text()


def test_the_report_links_the_one_stylesheet_beside_it(tmp_path: Path) -> None:
    html = render_report(tmp_path, report(["dcgan"])).read_text()
    assert f'<link rel="stylesheet" href="{STYLESHEET}">' in html and "<style" not in html
    assert "font-family" in (tmp_path / STYLESHEET).read_text()


def test_a_cell_clips_to_the_metric_range_and_kid_is_shown_in_whole_units() -> None:
    from coevo.programs.report import cell, heading, kid_exponent

    assert cell([0.02, 1.0], 3, "recall") == "0.510 [0.000–1.000]"
    assert cell([0.40, 0.50, 0.60], 3, "recall") == "0.500 ± 0.248"
    assert cell([2.0, 12.0], 0, "cpu_seconds") == "7 [0–71]"  # a budget is never negative
    assert kid_exponent([0.0123, 0.0125, -0.0004]) == 3 and kid_exponent([122.4, 0.3]) == 0
    assert kid_exponent([0.0004]) == 6 and kid_exponent([]) == 0
    assert cell([0.0123, 0.0125], 2, "kid", 3) == "12.40 ± 1.27"  # KID may fall below 0: not clipped
    assert heading("kid", "KID ↓", 3) == "KID ×10³ ↓" and heading("kid", "KID ↓", 0) == "KID ↓"


def entrant(label: str, updates: list[float], kid: list[float]) -> Entrant:
    runs = [SeedRun(seed, Path(f"seed-{seed}"), [{"kid": k}], [], {"critic_updates": u})
            for seed, (u, k) in enumerate(zip(updates, kid))]
    return Entrant(label, RunConfig(), runs)


def test_the_verdict_leads_with_critic_updates_that_differ_and_says_nothing_when_equal() -> None:
    equal = verdicts([entrant("dcgan", [800, 800], [0.1, 0.2]), entrant("gp", [800, 802], [0.3, 0.4])])
    assert equal[0].startswith("ranking by mean KID") and not any("budgets differ" in line for line in equal)
    unequal = verdicts([entrant("dcgan", [312, 312], [0.1, 0.2]), entrant("gp", [2000, 2000], [0.3, 0.4])])
    assert unequal[0].startswith("budgets differ") and "dcgan 312" in unequal[0] and "gp 2000" in unequal[0]


def test_the_budget_line_names_equal_critic_updates_and_quick_mode() -> None:
    default = CompareSettings(RunConfig(), ["dcgan"]).validate()
    assert default.budget.critic_updates == 800 and "the same for every artist" in budget_line(default)
    quick = CompareSettings(RunConfig(), ["dcgan"], quick=True).validate()
    assert quick.budget.critic_updates == 100 and "QUICK MODE" in budget_line(quick)
    assert "may differ" in budget_line(CompareSettings(RunConfig(), ["dcgan"], Stop(images=640)).validate())
    with pytest.raises(CoevoError, match="--quick is its own budget"):
        CompareSettings(RunConfig(), ["dcgan"], Stop(images=640), quick=True).validate()
    assert "pairwise by at least 0.05" in sample_rule(0.05) and "last n distinct" in sample_rule(0.0)
