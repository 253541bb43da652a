"""Makes docs/schedules.png: how long the artist needs to fool the critic under the two schedules, same seed.

    coevo run --schedule phases --rounds 120 --seed 0 --out runs/phases
    coevo run --rounds 120 --seed 0 --out runs/round
    python docs/schedules_figure.py runs/phases runs/round

Prints the numbers docs/coevolution.md quotes.
"""

from __future__ import annotations

import argparse
import json
import statistics
from pathlib import Path

from matplotlib.figure import Figure

from coevo.metrics.armsrace import summarise


def rows(folder: Path) -> list[dict[str, float]]:
    return [json.loads(line) for line in (folder / "metrics.jsonl").read_text().splitlines() if line.strip()]


def since_fooled(metrics: list[dict[str, float]]) -> list[int]:
    """Per round, generations since the champion last fooled the critic (round schedule: after it learned)."""
    out, last = [], -1
    for row in metrics:
        if row["score_max"] > 0:
            last = int(row["round"])
        out.append(int(row["round"]) - last)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("phases", type=Path)
    parser.add_argument("round", type=Path)
    parser.add_argument("--out", type=Path, default=Path(__file__).with_name("schedules.png"))
    args = parser.parse_args()
    phases, rounds = rows(args.phases), rows(args.round)
    ends = [r for r in phases if "generations_to_fool" in r]
    figure = Figure(figsize=(9, 5.5), dpi=90)
    top, bottom = figure.subplots(2, 1, sharex=True)
    top.bar([r["round"] for r in ends], [r["generations_to_fool"] for r in ends], width=0.8,
            color=["tab:red" if r["phase_stalled"] else "tab:blue" for r in ends])
    top.set_title(f"--schedule phases: generations to fool the frozen critic, per phase ({len(ends)} phases, "
                  f"{sum(int(r['phase_stalled']) for r in ends)} stalled)", fontsize=10)
    top.set_ylabel("generations")
    bottom.plot([r["round"] for r in rounds], since_fooled(rounds), color="tab:orange")
    bottom.set_title("--schedule round: generations since the champion last fooled the critic", fontsize=10)
    bottom.set_ylabel("generations")
    bottom.set_xlabel("artist generation (GP vs CNN on the bundled digits, pop 32, seed 0)")
    figure.tight_layout()
    figure.savefig(args.out, metadata={"Software": None})
    print(f"wrote {args.out}")
    generations = [int(r["generations_to_fool"]) for r in ends]
    steps = [int(r["critic_steps_to_recover"]) for r in ends]
    summary = summarise(phases)
    print(f"phases: {len(ends)} phases in {len(phases)} generations, "
          f"{sum(int(r['phase_stalled']) for r in ends)} stalled, generations to fool {min(generations)}-"
          f"{max(generations)} (median {statistics.median(generations):g}, Spearman vs phase "
          f"{summary['generations_to_fool_spearman']}), critic steps to recover {min(steps)}-{max(steps)} "
          f"(median {statistics.median(steps):g})")
    gaps = since_fooled(rounds)
    fooling = sum(1 for r in rounds if r["score_max"] > 0)
    print(f"round: {fooling} of {len(rounds)} generations fool the critic, longest gap {max(gaps)} generations")


if __name__ == "__main__":
    main()
