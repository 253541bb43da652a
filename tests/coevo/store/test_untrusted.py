"""Files are never trusted: FIFOs and devices refused without blocking, symlinks out of a folder refused,
decompression bombs, huge ``.npy`` headers, zip bombs and complex arrays refused before anything is decoded."""

from __future__ import annotations

import io
import os
import struct
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path

import numpy as np
import pytest

from coevo.data import load_data
from coevo.errors import CoevoError
from coevo.store.untrusted import check_contained, check_npz, contained_file, inside, open_image, read_bytes, read_text
from tests.conftest import ROOT


def one_line(done: subprocess.CompletedProcess) -> str:
    """The stderr of a refused command: exit 2, one line, no traceback."""
    assert done.returncode == 2, (done.returncode, done.stderr[-2000:])
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr, done.stderr
    return done.stderr


def bomb_png(path: Path, side: int) -> Path:
    """A valid grey PNG ``side`` x ``side`` of zeros: a few kilobytes that decode to ``side``² bytes."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    packer = zlib.compressobj(9)
    rows = b"\0" * (side + 1) * 500  # 500 rows (filter byte and pixels) at a time
    body = b"".join(packer.compress(rows) for _ in range(side // 500)) + packer.flush()
    header = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b""))
    return path


def test_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "config.toml"
    os.mkfifo(fifo)
    for reader in (read_bytes, read_text):
        with pytest.raises(CoevoError, match="FIFO"):
            reader(fifo, "config file")
    done = subprocess.run([sys.executable, "-m", "coevo", "run", "--config", str(fifo), "--out",
                           str(tmp_path / "never")], cwd=ROOT, capture_output=True, text=True)  # no hang to time out
    assert "is a FIFO (named pipe), not a regular file" in one_line(done) and not (tmp_path / "never").exists()


def test_a_device_and_a_folder_are_refused_as_files(tmp_path: Path) -> None:
    with pytest.raises(CoevoError, match="character device"):
        read_bytes(Path("/dev/zero"), "data file")  # would never end
    with pytest.raises(CoevoError, match="a folder"):
        read_text(tmp_path, "genome file")
    with pytest.raises(CoevoError, match="does not exist"):
        read_text(tmp_path / "absent", "config file")


def test_a_file_over_the_limit_is_refused(tmp_path: Path) -> None:
    (tmp_path / "big").write_bytes(b"x" * 100)
    with pytest.raises(CoevoError, match="at most 99 bytes"):
        read_bytes(tmp_path / "big", "config file", 99)
    assert read_bytes(tmp_path / "big", "config file", 100) == b"x" * 100


def test_a_symlink_out_of_a_folder_is_outside_it(tmp_path: Path) -> None:
    run = tmp_path / "run"
    (run / "images").mkdir(parents=True)
    (run / "images" / "real.png").write_bytes(b"png")
    (run / "images" / "inner.png").symlink_to(run / "images" / "real.png")
    (run / "images" / "outer.png").symlink_to("/etc/passwd")
    assert inside(run / "images" / "inner.png", run) and contained_file(run / "images" / "inner.png", run)
    assert not inside(run / "images" / "outer.png", run) and not contained_file(run / "images" / "outer.png", run)
    assert not contained_file(run / "images", run)  # a folder is not a file
    with pytest.raises(CoevoError, match="symlink leading out of it"):
        check_contained(run, "run")
    (run / "images" / "outer.png").unlink()
    os.mkfifo(run / "images" / "pipe.png")
    with pytest.raises(CoevoError, match="FIFO"):
        check_contained(run, "run")
    (run / "images" / "pipe.png").unlink()
    check_contained(run, "run")  # links that stay inside are fine


def test_a_decompression_bomb_png_is_refused_before_decoding(tmp_path: Path) -> None:
    large = bomb_png(tmp_path / "large.png", 9000)  # 81 million pixels: below Pillow's own limit, above coevo's
    with pytest.raises(CoevoError, match="9000x9000 pixels"):
        with open_image(large):
            pass
    bomb = bomb_png(tmp_path / "bomb.png", 14000)  # 196 million pixels (over twice Pillow's limit) in 200 KB
    assert bomb.stat().st_size < 2**20
    with pytest.raises(CoevoError, match="decompression bomb"):
        with open_image(bomb):
            pass
    images = tmp_path / "images"
    images.mkdir()
    bomb.rename(images / "bomb.png")
    with pytest.raises(CoevoError, match=r"bomb\.png"):
        load_data(str(images), 16)
    done = subprocess.run([sys.executable, "-m", "coevo", "run", "--data", str(images), "--out",
                           str(tmp_path / "never")], cwd=ROOT, capture_output=True, text=True, env={
                               **os.environ, "COEVO_CACHE": str(tmp_path / "cache")})
    assert "pixels" in one_line(done) and not (tmp_path / "never").exists()


def npy_bytes(shape: tuple[int, ...], dtype: str = "<u1", body: bytes = b"") -> bytes:
    """A version 1.0 ``.npy`` file whose header claims ``shape`` (the body may be shorter)."""
    header = repr({"descr": dtype, "fortran_order": False, "shape": shape}).encode()
    header += b" " * ((64 - (10 + len(header) + 1) % 64) % 64) + b"\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header + body


def test_an_npy_header_claiming_a_huge_shape_is_refused_before_loading(tmp_path: Path) -> None:
    path = tmp_path / "huge.npz"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("images.npy", npy_bytes((10**6, 10**6, 3)))
    with pytest.raises(CoevoError, match="claims shape"):
        check_npz(path)
    with pytest.raises(CoevoError, match="claims shape"):
        load_data(str(path))


def test_a_zip_bomb_npz_is_refused_by_its_members_sizes(tmp_path: Path) -> None:
    path = tmp_path / "bomb.npz"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:  # 64 MiB of zeros in about 64 KB
        with archive.open("images.npy", "w", force_zip64=True) as member:
            member.write(npy_bytes((2**26,)))
            for _ in range(16):
                member.write(bytes(2**22))
    assert path.stat().st_size < 2**20
    with pytest.raises(CoevoError, match="unpacks to 67,108,9"):  # the limit scaled down, so the test is quick
        check_npz(path, max_elements=2**20)
    with pytest.raises(CoevoError, match="claims shape"):  # the header's count, also under the stored size
        check_npz(path, max_elements=2**24)


def test_complex_and_text_arrays_are_refused(tmp_path: Path) -> None:
    np.savez(tmp_path / "complex.npz", images=np.zeros((4, 8, 8), np.complex64))
    with pytest.raises(CoevoError, match="complex64 values"):
        load_data(str(tmp_path / "complex.npz"))
    np.savez(tmp_path / "labels.npz", images=np.zeros((4, 8, 8), np.uint8), labels=np.array(["a"] * 4))
    with pytest.raises(CoevoError, match="'labels' holds <U1 values"):
        load_data(str(tmp_path / "labels.npz"))
    np.savez(tmp_path / "fine.npz", images=np.zeros((4, 8, 8), np.uint8), labels=np.arange(4))
    assert check_npz(tmp_path / "fine.npz") == {"images": ((4, 8, 8), np.dtype(np.uint8)),
                                                 "labels": ((4,), np.arange(4).dtype)}
    assert len(load_data(str(tmp_path / "fine.npz"), 8)) == 4


def test_a_gzip_bomb_idx_file_is_refused(tmp_path: Path) -> None:
    import gzip

    from coevo.data.mnist import MAX_BYTES, read_idx

    with gzip.open(tmp_path / "t10k-images-idx3-ubyte.gz", "wb", compresslevel=1) as handle:
        handle.write(struct.pack(">IIII", 2051, 10**5, 28, 28))
        piece = bytes(2**24)
        for _ in range(MAX_BYTES // len(piece) + 1):
            handle.write(piece)
    with pytest.raises(CoevoError, match="unpacks to over"):
        read_idx(tmp_path / "t10k-images-idx3-ubyte.gz", 2051)


def test_a_real_image_still_opens(tmp_path: Path) -> None:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (5, 3), (255, 0, 0)).save(buffer, format="PNG")
    (tmp_path / "x.png").write_bytes(buffer.getvalue())
    with open_image(tmp_path / "x.png") as image:
        assert image.size == (5, 3) and image.convert("RGB").getpixel((0, 0)) == (255, 0, 0)


def test_every_reader_of_a_named_file_refuses_a_fifo_without_blocking(tmp_path: Path) -> None:
    from artists.biomorph.album import read_album
    from artists.cppn.picbreeder import read_picbreeder
    from coevo.store.genomefile import read_genome
    from coevo.store.jsonl import read_jsonl
    from coevo.toolkits.choices import read_session
    from coevo.training.config import load_config

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    for reader in (read_album, read_picbreeder, read_genome, read_jsonl, read_session, load_config):
        with pytest.raises(CoevoError):  # each would wait for a writer for ever
            reader(fifo)
    os.mkfifo(tmp_path / "data.npz")
    os.mkfifo(tmp_path / "t10k-images-idx3-ubyte")
    for spec in (f"{tmp_path / 'data.npz'}", f"mnist:{tmp_path}"):
        with pytest.raises(CoevoError):
            load_data(spec)
