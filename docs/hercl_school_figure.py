"""Makes docs/hercl-school-phases.png: every artist's drawing of every phase of a ``vickers2017`` run (the paper's
art school), a row a phase, from the run's checkpoint (the school keeps each phase's drawings as its crossover
library), and prints the phase table of docs/hercl-vickers.md from metrics.jsonl.

    coevo run --config vickers2017 --out runs/vickers
    python docs/hercl_school_figure.py runs/vickers
"""

from __future__ import annotations

import argparse
import json
import tomllib
from pathlib import Path

from matplotlib.figure import Figure

from coevo.programs.genomes import build_genetics
from coevo.store.runfolder import RunFolder
from coevo.toolkits.imagefeatures import jpeg_complexity


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run", type=Path)
    parser.add_argument("--out", type=Path, default=Path(__file__).with_name("hercl-school-phases.png"))
    args = parser.parse_args()
    state = RunFolder(args.run).played_checkpoint()
    config = tomllib.loads(state["config"])
    options = {k: v for k, v in config["artist_options"].items()
               if k not in ("artists", "evaluations", "children", "transgenic", "workers")}
    _, genetics = build_genetics("hercl-lines", options)
    library = [genetics.from_json(g) for g in state["artist"]["library"]]
    per = int(config["artist_options"].get("artists", 10))
    phases = [library[i:i + per] for i in range(0, len(library), per)]
    rows = [json.loads(line) for line in (args.run / "metrics.jsonl").read_text().splitlines() if line.strip()]
    ends = [r for r in rows if "school_evaluations" in r]
    figure = Figure(figsize=(1.2 * per, 1.3 * len(phases)), dpi=80)
    axes = figure.subplots(len(phases), per, squeeze=False)
    print("| phase | artists fooling | evaluations (all artists) | most by one artist | next phase's critics solved | "
          "mean JPEG size |")
    print("|---|---|---|---|---|---|")
    for p, (drawings, row) in enumerate(zip(phases, ends)):
        images = genetics.render(drawings, 128)
        jpeg = jpeg_complexity((images + 1) / 2)["jpeg_size"]
        for k, ax in enumerate(axes[p]):
            ax.imshow(((images[k].permute(1, 2, 0) + 1) / 2).clamp(0, 1).numpy())
            ax.set_xticks([])
            ax.set_yticks([])
            if k == 0:
                ax.set_ylabel(f"phase {p + 1}", fontsize=8)
        solved = sum(v for key, v in row.items() if key.startswith("retrain_") and key.endswith("critic_solved"))
        print(f"| {p + 1} | {int(row['school_fooled'])}/{per} | {int(row['school_evaluations'])} | "
              f"{int(row['school_evaluations_max'])} | {int(solved)}/3 | {float(jpeg.mean()):.4f} |")
    figure.tight_layout()
    figure.savefig(args.out, metadata={"Software": None})
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
