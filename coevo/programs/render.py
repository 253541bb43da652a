"""``coevo render``: a stored genome (a file, an imported format or ``gallery:ID``) drawn at any size, as PNG or
JPEG and, for line drawings, SVG. Torch-free for artists that draw with PIL alone (``PixelArrays``)."""

from __future__ import annotations

from pathlib import Path

from coevo.errors import CoevoError
from coevo.programs.genomes import load_genome
from coevo.protocols import Catalog, PixelArrays, VectorDrawing
from coevo.store.atomic import atomic_write_text
from coevo.store.imagefiles import picture, save_picture
from coevo.training.settings import DEFAULT_BYTES_PER_PIXEL, largest_side

MAX_SIZE = 16384  # pixels a side at most; an artist's own bound (its render memory per pixel) is often lower


def render(spec: Path, size: int, catalog: Catalog, out: Path | None = None, svg: bool = False) -> list[Path]:
    """Draw the genome ``spec`` at ``size`` into ``out`` (default: beside the genome file, or
    ``gallery-ID.png``), and its SVG beside it with ``svg``; returns the files written."""
    if not 1 <= size <= MAX_SIZE:
        raise CoevoError(f"--size must be between 1 and {MAX_SIZE} pixels (got {size})")
    artist, genetics, genome, _ = load_genome(spec, catalog)
    check_render_size(artist, genetics, size)
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


def max_size(genetics: object) -> int:
    """The largest side ``genetics`` can render within the memory bound: from the bytes a pixel its renderer was
    measured to hold per channel (``RENDER_BYTES``, declared by the artist; a cautious default otherwise)."""
    return min(MAX_SIZE, largest_side(render_bytes(genetics)))


def render_bytes(genetics: object) -> int:
    """The memory one pixel of ``genetics``'s images holds while rendering (its ``RENDER_BYTES`` per channel)."""
    declared = getattr(genetics, "RENDER_BYTES", None)
    return DEFAULT_BYTES_PER_PIXEL if declared is None else declared * getattr(genetics, "channels", 3)


def check_render_size(artist: str, genetics: object, size: int, flag: str = "--size") -> None:
    """Refuse a side the artist cannot draw within the memory bound, naming that artist's largest."""
    largest = max_size(genetics)
    if size > largest:
        raise CoevoError(f"{flag} {size} is over the largest image artist {artist!r} draws within 2 GB of memory "
                         f"({largest} pixels a side); pass e.g. {flag} {largest}")
