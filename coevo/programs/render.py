"""``coevo render``: a stored genome (a file, an imported format or ``gallery:ID``) drawn at any size, as PNG or
JPEG and, for line drawings, SVG. Torch-free for artists that draw with PIL alone (``PixelArrays``)."""

from __future__ import annotations

from pathlib import Path

from coevo.errors import CoevoError
from coevo.programs.genomes import load_genome
from coevo.protocols import Catalog, PixelArrays, VectorDrawing
from coevo.store.atomic import atomic_write_text
from coevo.store.imagefiles import picture, save_picture

MAX_SIZE = 16384  # pixels a side: a 16384² RGB image is 768 MiB in memory


def render(spec: Path, size: int, catalog: Catalog, out: Path | None = None, svg: bool = False) -> list[Path]:
    """Draw the genome ``spec`` at ``size`` into ``out`` (default: beside the genome file, or
    ``gallery-ID.png``), and its SVG beside it with ``svg``; returns the files written."""
    if not 1 <= size <= MAX_SIZE:
        raise CoevoError(f"--size must be between 1 and {MAX_SIZE} pixels (got {size})")
    artist, genetics, genome, _ = load_genome(spec, catalog)
    if svg and not isinstance(genetics, VectorDrawing):
        raise CoevoError(f"artist {artist!r} has no SVG form (only line-drawing artists such as biomorph); drop --svg")
    text = str(spec)
    out = out or (Path(f"gallery-{text.rpartition(':')[2]}.png") if text.startswith("gallery:")
                  else Path(spec).with_suffix(".png"))
    if out.is_dir():
        raise CoevoError(f"--out {out} is a folder; name the image file, e.g. --out {out / 'image.png'}")
    if isinstance(genetics, PixelArrays):  # drawn with PIL alone: no torch to import
        save_picture(picture(genetics.render_pixels([genome], size)[0]), out)
    else:
        from coevo.images import to_pil

        save_picture(to_pil(genetics.render([genome], size)[0]), out)
    if not svg:
        return [out]
    atomic_write_text(out.with_suffix(".svg"), genetics.svg(genome, size))
    return [out, out.with_suffix(".svg")]
