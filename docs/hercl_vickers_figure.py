"""Makes docs/hercl-vickers-phases.png: each phase's champion of a Vickers co-evolution run, in a row, with its
complexity: distinct strokes (a stroke drawn again over itself counts once), turtle commands, the share of
the canvas inked, JPEG compression size and Machado's JPEG complexity (``coevo.toolkits.imagefeatures``).

    coevo run --config vickers2017-small --out runs/vickers
    python docs/hercl_vickers_figure.py runs/vickers
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from matplotlib.figure import Figure

from coevo.programs.genomes import load_genome
from coevo.toolkits.imagefeatures import jpeg_complexity


def phase_ends(folder: Path) -> list[dict[str, float]]:
    """The metrics row of every round that ended a phase."""
    rows = [json.loads(line) for line in (folder / "metrics.jsonl").read_text().splitlines() if line.strip()]
    return [r for r in rows if "generations_to_fool" in r]


def champions(folder: Path) -> list[dict]:
    """Per phase: its champion's image and complexity figures."""
    out = []
    for row in phase_ends(folder):
        _, genetics, genome, _ = load_genome(folder / "genomes" / f"champion-{int(row['round']):04d}.json")
        image = genetics.render([genome], 128)
        jpeg = jpeg_complexity((image + 1) / 2)
        strokes = {(round(s.x0), round(s.y0), round(s.x1), round(s.y1), s.size) for s in genetics.strokes(genome)}
        out.append({"phase": int(row["phase"]) + 1, "fooled": not row["phase_stalled"],
                    "generations": int(row["generations_to_fool"]), "strokes": len(strokes),
                    "ink": float((image < 0).float().mean()),
                    "commands": len(genetics.turtle(genome)), "jpeg_size": float(jpeg["jpeg_size"][0]),
                    "jpeg_complexity": float(jpeg["jpeg_complexity"][0]), "image": image[0, 0].numpy()})
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run", type=Path)
    parser.add_argument("--out", type=Path, default=Path(__file__).with_name("hercl-vickers-phases.png"))
    args = parser.parse_args()
    found = champions(args.run)
    if not found:
        raise SystemExit(f"{args.run} has no finished phase yet; run it longer (coevo resume {args.run} --rounds N)")
    figure = Figure(figsize=(1.6 * len(found), 2.1), dpi=80)
    for ax, c in zip(figure.subplots(1, len(found), squeeze=False)[0], found):
        ax.imshow(c["image"], cmap="gray", vmin=-1, vmax=1)
        ax.set_title(f"phase {c['phase']}{'' if c['fooled'] else ' (stalled)'}\n{c['strokes']} strokes, "
                     f"JPEG {c['jpeg_size']:.3f}", fontsize=7)
        ax.set_xticks([])
        ax.set_yticks([])  # the frame shows the canvas edge
    figure.tight_layout()
    figure.savefig(args.out, metadata={"Software": None})
    print("| phase | fooled after (generations) | distinct strokes | turtle commands | ink | JPEG size | "
          "JPEG complexity |")
    print("|---|---|---|---|---|---|---|")
    for c in found:
        print(f"| {c['phase']} | {c['generations'] if c['fooled'] else 'stalled'} | {c['strokes']} | "
              f"{c['commands']} | {c['ink']:.1%} | {c['jpeg_size']:.4f} | {c['jpeg_complexity']:.5f} |")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
