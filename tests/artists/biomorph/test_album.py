"""Dawkins' saved albums (../shared/data/dawkins-albums): import, contact sheet, breeding from one."""

from __future__ import annotations

from pathlib import Path

import pytest

from artists.biomorph.album import COLOUR_RECORD, AlbumSheet, album_bytes, decode, encode, import_album, read_album
from artists.biomorph.genome import Biomorph
from coevo.commands.main import main
from coevo.errors import CoevoError
from coevo.programs.genomes import load_genome

ALBUMS = Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "dawkins-albums"
needs_albums = pytest.mark.skipif(not (ALBUMS / "Exhibition zoo").exists(),
                                  reason=f"Dawkins' albums not found in {ALBUMS} (shared data of the project)")

SAME, SWELL, SHRINK = "same", "swell", "shrink"


@needs_albums
def test_albums_load_to_the_genes_of_their_bytes() -> None:
    # Chinese character: fff0 fff0 0012 fff8 0006 fff8 0012 0010 0003 | 01 01 01 00 00 00 01 01 00 01 |
    # 0005 0005 | 00 00 | 0005 0002 0005
    assert read_album(ALBUMS / "Chinese character") == [Biomorph(
        genes=(-16, -16, 18, -8, 6, -8, 18, 16, 3),
        gradients=(SAME, SAME, SAME, SWELL, SWELL, SWELL, SAME, SAME, SWELL, SAME), segments=5,
        segment_distance=5, completeness="single", spokes="north", trickle=5, mutation_size=2, mutation_rate=5)]
    # Handkerchief with bows: 0012 ffee fff4 0006 000a fff4 ffee fffc 0004 | 01 01 01 01 02 01 01 00 02 01 |
    # 0004 0006 | 01 02 | 0002 0002 0005
    assert read_album(ALBUMS / "Handkerchief with bows") == [Biomorph(
        genes=(18, -18, -12, 6, 10, -12, -18, -4, 4),
        gradients=(SAME, SAME, SAME, SAME, SHRINK, SAME, SAME, SWELL, SHRINK, SAME), segments=4,
        segment_distance=6, completeness="double", spokes="radial", trickle=2, mutation_size=2, mutation_rate=5)]
    zoo = read_album(ALBUMS / "Exhibition zoo")
    assert len(zoo) == 60
    # Exhibition zoo, 14th (bytes 520-559): 000a ffba 001e ffe2 001e 0032 0032 fff6 0005 |
    # 01 01 01 02 00 00 02 02 01 01 | 0001 0046 | 01 00 | 000a 0005 0005
    assert zoo[13] == Biomorph(
        genes=(10, -70, 30, -30, 30, 50, 50, -10, 5),
        gradients=(SAME, SAME, SAME, SHRINK, SWELL, SWELL, SHRINK, SHRINK, SAME, SAME), segments=1,
        segment_distance=70, completeness="double", spokes="north", trickle=10, mutation_size=5, mutation_rate=5)


def test_bad_albums_raise_one_clear_error(tmp_path: Path) -> None:
    truncated = tmp_path / "Truncated"
    truncated.write_bytes(bytes(40 + 17))
    with pytest.raises(CoevoError, match=r"57 bytes, not a whole number of 40-byte biomorphs.*give an album"):
        read_album(truncated)
    garbage = tmp_path / "Garbage"
    garbage.write_bytes(b"\x7f" * 40)
    with pytest.raises(CoevoError, match="biomorph 1 is not a Blind Watchmaker biomorph"):
        read_album(garbage)
    with pytest.raises(CoevoError, match=r"biomorph album .* does not exist; check the path"):
        read_album(tmp_path / "Missing")


@needs_albums
def test_album_spec_loads_one_biomorph_or_the_sheet() -> None:
    artist, genetics, genome, meta = load_genome(ALBUMS / "Exhibition zoo#14")
    assert artist == "biomorph" and genome == read_album(ALBUMS / "Exhibition zoo")[13]
    assert meta["index"] == 14 and genetics.colour is False
    artist, sheet, album, meta = load_genome(ALBUMS / "Exhibition zoo")
    assert isinstance(sheet, AlbumSheet) and len(album) == 60 and meta["count"] == 60
    with pytest.raises(CoevoError, match=r"ALBUM#K' with K in 1..60"):
        sheet.mutate(album)
    with pytest.raises(CoevoError, match="holds 60 biomorphs, so #61 does not exist"):
        load_genome(ALBUMS / "Exhibition zoo#61")


@needs_albums
def test_render_writes_a_contact_sheet(tmp_path: Path) -> None:
    out = tmp_path / "zoo.png"
    assert main(["render", str(ALBUMS / "Exhibition zoo"), "--out", str(out), "--size", "160", "--svg"]) == 0
    from PIL import Image

    image = Image.open(out).convert("L")
    assert image.size == (160, 160)
    cell = 160 // 8  # 60 biomorphs: 8 columns of 20 pixels
    inked = [image.crop((c * cell, r * cell, (c + 1) * cell, (r + 1) * cell)).getextrema()[0] < 128
             for r in range(8) for c in range(8)]
    assert inked == [True] * 60 + [False] * 4
    assert (tmp_path / "zoo.svg").read_text().count("<line") > 60


@needs_albums
def test_breed_from_one_biomorph_of_an_album(tmp_path: Path, window) -> None:
    from coevo.programs.breed import configure
    from tests.helpers import session_of

    named = {"size": 64, "export_size": 64, "grid": "3x3", "origin": str(ALBUMS / "Exhibition zoo#3")}
    session = session_of(configure(named), tmp_path / "s", window)
    assert session.artist_name == "biomorph"
    assert session.artist.population[0].genome == read_album(ALBUMS / "Exhibition zoo")[2]  # the parent
    session.close()
    with pytest.raises(CoevoError, match="only renders as a contact sheet"):
        configure({**named, "origin": str(ALBUMS / "Exhibition zoo")})


@needs_albums
def test_albums_written_back_are_their_files_byte_for_byte() -> None:
    for name in ("Chinese character", "Handkerchief with bows", "Exhibition zoo"):
        data = (ALBUMS / name).read_bytes()
        assert album_bytes(read_album(ALBUMS / name)) == data


def test_colour_records_convert_their_colour_indices_and_write_back_the_same(tmp_path: Path) -> None:
    """A colour record: the 40 bytes, trickle again, 8 colours (1..256 in the file, 256 as byte 0), the
    background, limb shape and fill, thickness (uint16)."""
    head = bytes.fromhex("000a ffba 001e ffe2 001e 0032 0032 fff6 0005 01010102000002020101 0001 0046 0100"
                         "000a 0005 0005")
    tail = bytes.fromhex("000a" "01 02 80 ff 00 10 20 30" "d8" "01" "00" "0009")
    record = head + tail
    assert len(record) == COLOUR_RECORD
    b = decode(record, "test")
    assert b.colours == (0, 1, 127, 254, 255, 15, 31, 47) and b.background == 215  # byte 216: white
    assert (b.limb_shape, b.limb_fill, b.thickness) == ("oval", "open", 9)
    assert encode(b, colour=True) == record
    album = tmp_path / "colours"
    album.write_bytes(record * 3)
    assert read_album(album) == [b] * 3 and album_bytes(read_album(album), colour=True) == record * 3
    with pytest.raises(CoevoError, match="trickle"):
        decode(head + bytes.fromhex("0009") + tail[2:], "test")
    genetics, genome, _ = import_album(Path(f"{album}#2"))
    assert genome == b and genetics.options()["colour"]  # bred as the colour species
