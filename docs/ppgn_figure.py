"""Makes docs/ppgn.png: the first chains' final samples of two ``coevo ppgn`` runs side by side (a black bar
between), twice the size: PPGN on the left, DGN-AM on the right.

    coevo ppgn runs/vae --chains 10 --steps 400 --burn-in 200 --keep-every 10 --out runs/ppgn
    coevo ppgn runs/vae --chains 10 --steps 400 --burn-in 200 --keep-every 10 --eps1 0 --eps3 0 --out runs/dgn-am
    python docs/ppgn_figure.py runs/ppgn runs/dgn-am --columns 4
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
from PIL import Image

PAD = 2  # coevo.images.grid's padding between cells


def first_columns(folder: Path, columns: int) -> np.ndarray:
    """The left ``columns`` cells of every row of ``folder/ppgn.png`` (one row per class, a column per chain)."""
    sheet = np.asarray(Image.open(folder / "ppgn.png").convert("L"))
    chains = json.loads((folder / "ppgn.json").read_text())["settings"]["chains"]
    cell = (sheet.shape[1] - PAD) // chains - PAD
    return sheet[:, : PAD + columns * (cell + PAD)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("left", type=Path)
    parser.add_argument("right", type=Path)
    parser.add_argument("--columns", type=int, default=4)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "ppgn.png")
    args = parser.parse_args()
    left, right = (first_columns(folder, args.columns) for folder in (args.left, args.right))
    bar = np.zeros((left.shape[0], 6), dtype=np.uint8)
    joined = np.concatenate([left, bar, right], axis=1)
    Image.fromarray(joined).resize((2 * joined.shape[1], 2 * joined.shape[0]), Image.NEAREST).save(args.out)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
