"""Dawkins' saved albums (Blind Watchmaker, Mac): 40 bytes per biomorph, big-endian, in the field order
of his Pascal ``person`` record (documented by the HTML5 port's monochrome serialization); colour albums
(Colour Watchmaker) 55 bytes, the same 40 then trickle again, 8 line colours, background, limb shape and fill
and thickness (the port's colour serialization). Colour indices are 1..256 in the file (256 stored as the byte
0) and 0..255 here. The gradient bytes are read in Dawkins' Pascal order (Swell, Same, Shrink), under which
the Alphabet zoo reads as clean letters; the HTML5 port reads them one step shifted. ``encode`` writes a
biomorph back, so an album read and written again is byte for byte the file.

``ALBUM`` loads the whole album as a contact sheet (render it); ``ALBUM#K`` loads its K-th biomorph
(counting from 1, in reading order of the sheet) to render or breed.
"""

from __future__ import annotations

import math
import struct
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from artists.biomorph import draw
from artists.biomorph.genetics import BiomorphGenetics
from artists.biomorph.genome import COMPLETENESS, LIMB_FILLS, LIMB_SHAPES, SPOKES, Biomorph, check
from coevo.errors import CoevoError
from coevo.store.genomefile import MAX_BYTES as MAX_ALBUM_BYTES
from coevo.store.genomefile import check_genome_file
from coevo.store.untrusted import read_bytes

if TYPE_CHECKING:
    import torch

RECORD = 40  # bytes per biomorph
# genes 1-9, 10 gradients, segments, distance, completeness, spokes, trickle, mutation size and rate
LAYOUT = struct.Struct(">9h10b2h2b3h")
SWELLS = ("swell", "same", "shrink")  # his SwellType (Swell, Same, Shrink), stored as its ordinal
COLOUR_RECORD = 55  # bytes per colour biomorph
# after the 40: trickle (again), 8 line colours, background, limb shape, limb fill, thickness
COLOUR_TAIL = struct.Struct(">H8B3BH")


def colour_from_file(byte: int) -> int:
    """A colour index as the album stores it (1..256, 256 as 0) to the palette index here (0..255)."""
    return (byte - 1) % 256


def colour_to_file(index: int) -> int:
    return (index + 1) % 256


def encode(b: Biomorph, colour: bool = False) -> bytes:
    """One biomorph as its album record (40 bytes, or 55 with its colour genes)."""
    head = LAYOUT.pack(*b.genes, *(SWELLS.index(g) for g in b.gradients), b.segments, b.segment_distance,
                       COMPLETENESS.index(b.completeness), SPOKES.index(b.spokes), b.trickle, b.mutation_size,
                       b.mutation_rate)
    if not colour:
        return head
    return head + COLOUR_TAIL.pack(b.trickle, *(colour_to_file(c) for c in b.colours), colour_to_file(b.background),
                                   LIMB_SHAPES.index(b.limb_shape), LIMB_FILLS.index(b.limb_fill), b.thickness)


def decode(record: bytes, where: str) -> Biomorph:
    """One 40-byte (or 55-byte colour) record as a biomorph; ``CoevoError`` naming ``where`` if a field is out
    of range."""
    fields = LAYOUT.unpack(record[:RECORD])
    genes, swells, (segments, distance, completeness, spokes, trickle, size, rate) = \
        fields[:9], fields[9:19], fields[19:]
    if any(not 0 <= s < 3 for s in swells) or not 0 <= completeness < 2 or not 0 <= spokes < 3:
        raise CoevoError(f"{where} is not a Blind Watchmaker biomorph (gradient, completeness or spokes byte "
                         "out of range); give an album saved by the Mac program or the HTML5 port")
    colours: dict[str, Any] = {}
    if len(record) == COLOUR_RECORD:
        trickle2, *tail, shape, fill, thickness = COLOUR_TAIL.unpack(record[RECORD:])
        if trickle2 != trickle or shape >= len(LIMB_SHAPES) or fill >= len(LIMB_FILLS):
            raise CoevoError(f"{where} is not a Colour Watchmaker biomorph (its two trickle fields differ, or a "
                             "limb byte is out of range); give an album saved by the Mac program or the HTML5 port")
        colours = {"colours": tuple(colour_from_file(c) for c in tail[:8]), "background": colour_from_file(tail[8]),
                   "limb_shape": LIMB_SHAPES[shape], "limb_fill": LIMB_FILLS[fill], "thickness": thickness}
    b = Biomorph(genes=tuple(genes), gradients=tuple(SWELLS[s] for s in swells), segments=segments,
                 segment_distance=distance, completeness=COMPLETENESS[completeness], spokes=SPOKES[spokes],
                 trickle=trickle, mutation_size=size, mutation_rate=rate, **colours)
    try:
        check(b)
    except CoevoError as exc:
        raise CoevoError(f"{where}: {exc}; give an album saved by the Mac program or the HTML5 port") from None
    return b


def is_colour(nbytes: int) -> bool:
    """Whether an album of ``nbytes`` holds colour records (55 bytes) rather than monochrome ones (40); a length
    both divide is taken as monochrome."""
    return nbytes % RECORD != 0 and nbytes % COLOUR_RECORD == 0


def read_album(path: Path, colour: bool | None = None) -> list[Biomorph]:
    """Every biomorph of the album file at ``path``: monochrome (40-byte records) or colour (55), as ``colour``
    says, or by the file's length when it is None (a length both divide is read as monochrome)."""
    data = read_bytes(path, "biomorph album", MAX_ALBUM_BYTES)  # a FIFO or a device is refused, not waited on
    if colour is None:
        colour = is_colour(len(data))
    size = COLOUR_RECORD if colour else RECORD
    if not data or len(data) % size:
        raise CoevoError(f"{path} is not a Blind Watchmaker album: {len(data)} bytes, not a whole number of "
                         f"{size}-byte biomorphs (truncated or another file?); give an album saved by the "
                         "Mac program or the HTML5 port")
    return [decode(data[i:i + size], f"{path}, biomorph {i // size + 1}") for i in range(0, len(data), size)]


def album_bytes(biomorphs: list[Biomorph], colour: bool = False) -> bytes:
    """An album file's bytes: each biomorph's record in turn (see ``encode``)."""
    return b"".join(encode(b, colour) for b in biomorphs)


def split_spec(path: Path) -> tuple[Path, int | None]:
    """``ALBUM#K`` as the album's path and K (from 1); a plain path (even one with '#') as the whole album."""
    head, hash_, index = str(path).rpartition("#")
    if not hash_ or path.exists() or not index.isdigit():
        return path, None
    return Path(head), int(index)


class AlbumSheet:
    """A whole album as one genome: it renders as a contact sheet, and breeds not at all."""

    def __init__(self, biomorphs: BiomorphGenetics, count: int) -> None:
        self.biomorphs = biomorphs
        self.count = count

    def layout(self, n: int, size: int) -> tuple[int, int]:
        """Columns and cell side: a near-square grid filling ``size`` pixels."""
        cols = math.ceil(math.sqrt(n))
        return cols, size // cols

    def render(self, genomes: list[tuple[Biomorph, ...]], size: int) -> torch.Tensor:
        return draw.to_unit(self.render_pixels(genomes, size))

    def render_pixels(self, genomes: list[tuple[Biomorph, ...]], size: int) -> np.ndarray:
        """uint8 contact sheets: each album's biomorphs in a near-square grid on white."""
        sheets = np.full((len(genomes), self.biomorphs.channels, size, size), 255, dtype=np.uint8)
        for sheet, album in zip(sheets, genomes):
            cols, cell = self.layout(len(album), size)
            cells = self.biomorphs.render_pixels(list(album), max(cell, 1))
            for i, image in enumerate(cells):
                top, left = (i // cols) * cell, (i % cols) * cell
                sheet[:, top:top + cell, left:left + cell] = image
        return sheets

    def svg(self, album: tuple[Biomorph, ...], size: int) -> str:
        """The sheet as SVG: each biomorph's own SVG nested in its cell."""
        cols, cell = self.layout(len(album), size)
        parts = [f'<svg x="{(i % cols) * cell}" y="{(i // cols) * cell}" '
                 + self.biomorphs.svg(b, cell).removeprefix("<svg ") for i, b in enumerate(album)]
        return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}">\n'
                + "".join(parts) + "</svg>\n")

    def _refuse(self, *_: Any, **__: Any) -> Any:
        raise CoevoError(f"a whole album ({self.count} biomorphs) only renders as a contact sheet; to breed, "
                         f"pick one biomorph as 'ALBUM#K' with K in 1..{self.count}")

    random_genome = mutate = crossover = from_json = _refuse

    def options(self) -> dict[str, Any]:
        return self.biomorphs.options()

    def to_json(self, album: tuple[Biomorph, ...]) -> Any:
        return [self.biomorphs.to_json(b) for b in album]


def import_album(spec: Path) -> tuple[Any, Any, dict[str, Any]]:
    """The coevo importer (see coevo.training.registry.IMPORTERS): an album, or one biomorph of it as ``ALBUM#K``,
    as monochrome biomorphs (his albums hold no colour genes) or colour ones (a colour album's)."""
    path, index = split_spec(Path(spec))
    check_genome_file(path)
    album = read_album(path)
    genetics = BiomorphGenetics(channels=3, colour=is_colour(path.stat().st_size))
    meta: dict[str, Any] = {"album": str(path), "title": path.name}
    if index is None:
        return AlbumSheet(genetics, len(album)), tuple(album), meta | {"count": len(album)}
    if not 1 <= index <= len(album):
        raise CoevoError(f"{path} holds {len(album)} biomorphs, so #{index} does not exist; "
                         f"pick #1..#{len(album)}")
    return genetics, album[index - 1], meta | {"index": index, "title": f"{path.name} #{index}"}


MAX_EXPORT = 100_000  # biomorphs an exported album holds at most (4 MB of colour records)


def export_album(genomes: list[tuple[Any, Any]], colour: bool | None = None) -> bytes:
    """The coevo exporter (see coevo.training.registry.EXPORTERS): the album bytes of ``(genetics, genome)``
    pairs, each one biomorph or a whole imported album (a contact sheet's tuple), in order. Colour records when
    ``colour`` says so, else when any genetics varies colour genes (a colour album imports that way)."""
    biomorphs: list[Biomorph] = []
    wants_colour = False
    for genetics, genome in genomes:
        members = genome if isinstance(genome, tuple) and all(isinstance(b, Biomorph) for b in genome) else (genome,)
        if not all(isinstance(b, Biomorph) for b in members):
            raise CoevoError("only biomorphs go into a Blind Watchmaker album; pass biomorph genomes or albums")
        biomorphs += members
        inner = genetics.biomorphs if isinstance(genetics, AlbumSheet) else genetics
        wants_colour |= bool(getattr(inner, "colour", False))
    if not biomorphs or len(biomorphs) > MAX_EXPORT:
        raise CoevoError(f"an album holds 1 to {MAX_EXPORT} biomorphs, got {len(biomorphs)}; pass fewer genomes")
    return album_bytes(biomorphs, wants_colour if colour is None else colour)
