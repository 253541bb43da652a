"""Does the GP-vs-CNN arms race escalate? ``--schedule phases`` on the bundled digits, several seeds, with and
without each remedy (a critic that remembers, a jury of past critics, a growing margin, wider search, fitness
sharing, all of the first four; a bar set by the data, ``real*``, and one that relaxes while a phase drags,
``*relax*``, also with a longer generation cap, ``*cap100``, ``*cap150``; a critic that keeps learning after it
recovers, ``floor25``, or learns every image, ``archive``; a search that restarts each phase from random genomes,
``restart*``), each run with the master tournament and the independent judge. Prints one row per run and, per
variant, the mean and 95% interval over seeds of what ``coevo.metrics.armsrace`` reports (the numbers in
docs/coevolution.md come from here). Every variant names all its phase settings, so the rows mean the same
whatever the defaults.

    PYTHONPATH=. python bench/arms_race.py [--rounds 200] [--seeds 0,1,2] [--workers 2] [--out runs/arms-race]
        [--variants phases,margin,...] [--artist gp] [--data digits] [--figure docs/arms-race-ciao.png]

A finished run in ``--out`` is read back, or resumed to a larger ``--rounds`` (CPU seconds add up).
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

# the phases schedule without remedies
PLAIN: dict[str, Any] = {"phase_remember": False, "phase_jury": 0, "phase_margin": 0.0, "phase_widen": 1,
                         "phase_real_bar": 0.0, "phase_relax": False, "phase_restart": False, "phase_critic_min": 0,
                         "phase_generations": 50, "fakes": "champions", "diversity": 0.0}
ESCALATE: dict[str, Any] = {"phase_remember": True, "phase_jury": 4, "phase_margin": 0.02, "phase_widen": 4}
VARIANTS: dict[str, dict[str, Any]] = {
    "phases": PLAIN,
    "remember": PLAIN | {"phase_remember": True},
    "jury4": PLAIN | {"phase_jury": 4},
    "remember+jury4": PLAIN | {"phase_remember": True, "phase_jury": 4},
    "margin": PLAIN | {"phase_margin": 0.02},
    "widen4": PLAIN | {"phase_widen": 4},
    "diversity": PLAIN | {"diversity": 0.5},
    "all": PLAIN | ESCALATE,
    "real10": PLAIN | {"phase_real_bar": 0.1},
    "real25": PLAIN | {"phase_real_bar": 0.25},
    "real50": PLAIN | {"phase_real_bar": 0.5},
    "real90": PLAIN | {"phase_real_bar": 0.9},
    "margin+relax": PLAIN | {"phase_margin": 0.02, "phase_relax": True},
    "margin01+relax": PLAIN | {"phase_margin": 0.01, "phase_relax": True},
    "margin01+relax+real10": PLAIN | {"phase_margin": 0.01, "phase_relax": True, "phase_real_bar": 0.1},
    "all+relax": PLAIN | ESCALATE | {"phase_relax": True},
    "margin+relax+widen4": PLAIN | {"phase_margin": 0.02, "phase_relax": True, "phase_widen": 4},
    "real50+jury4": PLAIN | {"phase_real_bar": 0.5, "phase_jury": 4},
    "real50+remember": PLAIN | {"phase_real_bar": 0.5, "phase_remember": True},
    "real50+widen4": PLAIN | {"phase_real_bar": 0.5, "phase_widen": 4},
    "margin02+relax+diversity": PLAIN | {"phase_margin": 0.02, "phase_relax": True, "diversity": 0.5},
    "margin01+relax+cap100": PLAIN | {"phase_margin": 0.01, "phase_relax": True, "phase_generations": 100},
    "margin01+relax+cap150": PLAIN | {"phase_margin": 0.01, "phase_relax": True, "phase_generations": 150},
    "margin005+relax+cap150": PLAIN | {"phase_margin": 0.005, "phase_relax": True, "phase_generations": 150},
    "margin03+relax": PLAIN | {"phase_margin": 0.03, "phase_relax": True},
    "margin005+relax+cap150+acc90": PLAIN | {"phase_margin": 0.005, "phase_relax": True, "phase_generations": 150,
                                             "phase_accuracy": 0.9},
    "margin03+relax+cap100": PLAIN | {"phase_margin": 0.03, "phase_relax": True, "phase_generations": 100},
    "margin03+relax+cap100+acc90": PLAIN | {"phase_margin": 0.03, "phase_relax": True, "phase_generations": 100,
                                            "phase_accuracy": 0.9},
    "margin03+relax+cap100+real50": PLAIN | {"phase_margin": 0.03, "phase_relax": True, "phase_generations": 100,
                                             "phase_real_bar": 0.5},
    "margin05+relax": PLAIN | {"phase_margin": 0.05, "phase_relax": True},
    "floor25": PLAIN | {"phase_critic_min": 25},
    "archive": PLAIN | {"fakes": "archive"},
    "restart": PLAIN | {"phase_restart": True},
    "restart150": PLAIN | {"phase_restart": True, "phase_generations": 150},
}
SHOWN = ("rounds", "phases", "stalled", "generations_to_fool_median", "generations_to_fool_spearman",
         "critic_steps_to_recover_median", "critic_steps_to_recover_min", "ciao_progress", "judge_fid_first",
         "judge_fid_last", "judge_fid_spearman", "judge_fid_real", "judge_confident_late")


def play(variant: str, seed: int, rounds: int, out: Path, artist: str = "gp", data: str = "digits") -> dict[str, Any]:
    """One run (or its summary, if a finished one is in ``out``; a shorter finished one is resumed to ``rounds``)
    and its CPU seconds, over every start and resume."""
    from coevo.programs.run import resume, start
    from coevo.training.config import RunConfig

    folder = out / f"{variant}-seed{seed}"
    summary_file, cpu_file = folder / "arms-race.json", folder / "cpu-seconds.txt"
    done = json.loads(summary_file.read_text())["rounds"] if summary_file.is_file() else None
    if done is None or done < rounds:
        began = time.process_time()
        before = float(cpu_file.read_text()) if done is not None and cpu_file.is_file() else 0.0
        if done is None:
            config = RunConfig(schedule="phases", rounds=rounds, seed=seed, judge=0.25, device="cpu", artist=artist,
                               data=data, **VARIANTS[variant])
            start(config, folder)
        else:
            resume(folder, rounds)
        cpu_file.write_text(f"{before + time.process_time() - began:.1f}\n")
    summary = json.loads(summary_file.read_text())
    summary["cpu_s"] = float(cpu_file.read_text()) if cpu_file.exists() else float("nan")
    return {"variant": variant, "seed": seed, **summary}


def arguments(description: str, rounds: int, variants: Iterable[str]) -> argparse.ArgumentParser:
    """The options of a bench that plays these runs (this one's and ``bench/arms_remedies.py``'s)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--rounds", type=int, default=rounds)
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--variants", default=",".join(variants))
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", type=Path, default=Path("runs/arms-race"))
    parser.add_argument("--artist", default="gp")
    parser.add_argument("--data", default="digits")
    return parser


def play_all(args: argparse.Namespace) -> tuple[list[tuple[str, int]], list[dict[str, Any]]]:
    """Every (variant, seed) run the options name, on ``--workers`` processes: the jobs and their summaries."""
    seeds = [int(s) for s in args.seeds.split(",")]
    jobs = [(variant, seed) for seed in seeds for variant in args.variants.split(",")]
    fixed = [[value] * len(jobs) for value in (args.rounds, args.out, args.artist, args.data)]
    with ProcessPoolExecutor(args.workers) as pool:
        return jobs, list(pool.map(play, *zip(*jobs), *fixed))


def main() -> None:
    parser = arguments(__doc__.splitlines()[0], 200, VARIANTS)
    parser.add_argument("--figure", type=Path, help="copy the first variant's first seed's ciao.png here")
    args = parser.parse_args()
    jobs, results = play_all(args)
    from coevo.metrics.stats import estimate

    if args.figure:
        first = args.out / f"{jobs[0][0]}-seed{jobs[0][1]}" / "ciao.png"
        args.figure.write_bytes(first.read_bytes())

    print("| variant | seed | " + " | ".join(SHOWN) + " | CPU s |")
    print("|" + "---|" * (len(SHOWN) + 3))
    for row in results:
        cells = [cell_text(row.get(key)) for key in SHOWN]
        print(f"| {row['variant']} | {row['seed']} | " + " | ".join(cells) + f" | {row['cpu_s']:.0f} |")
    print()
    for variant in args.variants.split(","):
        rows = [row for row in results if row["variant"] == variant]
        print(f"{variant} over seeds {args.seeds}, {args.rounds} rounds: " + "; ".join(
            f"{key} {estimate([r[key] for r in rows if r.get(key) is not None])}" for key in SHOWN))


def cell_text(value: Any) -> str:
    """A table cell: n/a for a missing value, three significant digits for a float."""
    if value is None:
        return "n/a"
    return f"{value:.3g}" if isinstance(value, float) else str(value)


if __name__ == "__main__":
    main()
