"""Each arms-race remedy alone against none (issue 24): GP vs CNN, ``--schedule phases``, several seeds, the same
generations; one table of mean ± 95% Student-t interval over seeds (``coevo.metrics.stats.estimate``).

Runs (or reuses, from ``--out``) ``bench/arms_race.py``'s runs of the variants ``phases`` (no remedy), ``remember``
(the critic retrains on the hall of fame of fooling images), ``jury4`` (the last 4 phases' critics judge too),
``widen4`` (the population grows to 4x while a phase drags), ``diversity`` (fitness sharing 0.5 inside a phase) and
``margin`` (phase k's champion must beat the threshold by k x 0.02), each with the master tournament and the
independent judge (``--judge 0.25``), and prints: phases, % stalled, generations-to-fool Spearman vs phase,
master-tournament progress, the judge's FID Spearman vs round and late confident share, CPU seconds.

    PYTHONPATH=. python bench/arms_remedies.py [--rounds 300] [--seeds 0,1,2] [--workers 2] [--out runs/arms-race]
        [--artist gp] [--data digits]
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from arms_race import arguments, play_all  # the runs themselves, shared with bench/arms_race.py

VARIANTS = ("phases", "remember", "jury4", "widen4", "diversity", "margin")
COLUMNS = (("phases", "phases", 1.0, "{:.0f}"), ("% stalled", "stalled", 100.0, "{:.1f}"),
           ("gens-to-fool Spearman", "generations_to_fool_spearman", 1.0, "{:+.2f}"),
           ("tournament progress", "ciao_progress", 1.0, "{:+.2f}"),
           ("judge FID Spearman", "judge_fid_spearman", 1.0, "{:+.2f}"),
           ("late p≥0.9 share %", "judge_confident_late", 100.0, "{:.0f}"), ("CPU s", "cpu_s", 1.0, "{:.0f}"))


def _estimate(rows: list[dict[str, Any]], key: str, scale: float, form: str) -> str:
    from coevo.metrics.stats import estimate

    values = [row[key] * scale for row in rows if row.get(key) is not None]
    found = estimate(values)
    if found.n == 0:
        return "n/a"
    if found.n < 2:
        return form.format(found.mean)
    text = f"{form.format(found.mean)} ± {form.format(found.half_width).lstrip('+')}"
    return text + ("" if found.n == len(rows) else f" (n={found.n})")


def main() -> None:
    args = arguments(__doc__.splitlines()[0], 300, VARIANTS).parse_args()
    variants = args.variants.split(",")
    _, results = play_all(args)
    print(f"{args.artist} vs cnn on {args.data}, --schedule phases, {args.rounds} generations, seeds {args.seeds}: "
          "mean ± 95% t interval over seeds")
    print("| remedy | " + " | ".join(name for name, *_ in COLUMNS) + " |")
    print("|" + "---|" * (len(COLUMNS) + 1))
    for variant in variants:
        rows = [row for row in results if row["variant"] == variant]
        print(f"| {variant} | " + " | ".join(_estimate(rows, key, scale, form) for _, key, scale, form in COLUMNS)
              + " |")
    print()
    print("per seed: " + "; ".join(f"{row['variant']} s{row['seed']}: {row.get('phases')} phases, "
                                    f"{_show(row.get('generations_to_fool_spearman'))} / "
                                    f"{_show(row.get('ciao_progress'))} / {_show(row.get('judge_fid_spearman'))}"
                                    for row in results))


def _show(value: float | None) -> str:
    return "n/a" if value is None else f"{value:+.2f}"


if __name__ == "__main__":
    main()
