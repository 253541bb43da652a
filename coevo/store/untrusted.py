"""Files are never trusted: the one place that checks what a path is before coevo reads it.

Every reader of a file a user or another process could have put there goes through here: only regular files are
read (a FIFO or a device would block or never end), opened without blocking; a folder's files may not lead out of
it by a symlink (a run whose image links to /etc/passwd publishes nothing); images and arrays are sized from their
headers before anything is decoded (decompression bombs, a ``.npy`` header claiming a huge shape, a zip bomb)."""

from __future__ import annotations

import io
import os
import stat
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coevo.errors import CoevoError

if TYPE_CHECKING:  # numpy and Pillow load only where an image or array is read (config readers stay quick)
    import numpy as np
    from PIL import Image

MAX_PIXELS = 2**26  # pixels an image file may decode to (8192 x 8192): data, champions and thumbnails are far smaller
MAX_IMAGE_BYTES = 2**28  # bytes an image file may have on disk (256 MiB)
MAX_ELEMENTS = 2**26  # values an array file may hold (all of MNIST is 55 million); as float32 that is 256 MiB
ARRAY_KINDS = "biuf"  # numpy dtype kinds an image or label array may have: bool, signed, unsigned, float
KINDS = {stat.S_IFIFO: "a FIFO (named pipe)", stat.S_IFCHR: "a character device", stat.S_IFBLK: "a block device",
         stat.S_IFSOCK: "a socket", stat.S_IFDIR: "a folder", stat.S_IFLNK: "a symlink"}


def what_is(mode: int) -> str:
    """A file mode in words: 'a FIFO (named pipe)', 'a folder', ... ('a regular file' for a regular one)."""
    return "a regular file" if stat.S_ISREG(mode) else KINDS.get(stat.S_IFMT(mode), "not a regular file")


def check_regular(path: Path, what: str = "file") -> os.stat_result:
    """The status of ``path`` (links followed); ``CoevoError`` when it is missing or is not a regular file."""
    try:
        status = os.stat(path)
    except FileNotFoundError:
        raise CoevoError(f"{what} {path} does not exist; check the path") from None
    except OSError as exc:
        raise CoevoError(f"cannot read {what} {path} ({exc.strerror}); check the path") from None
    if not stat.S_ISREG(status.st_mode):
        raise CoevoError(f"{what} {path} is {what_is(status.st_mode)}, not a regular file; pass a regular file")
    return status


def read_bytes(path: Path, what: str = "file", limit: int | None = None) -> bytes:
    """The bytes of a regular file, at most ``limit`` of them: opened without blocking, so a FIFO put in its place
    after the check is refused instead of waited on."""
    check_regular(path, what)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as exc:
        raise CoevoError(f"cannot read {what} {path} ({exc.strerror}); check the path") from None
    with os.fdopen(fd, "rb") as handle:
        status = os.fstat(fd)
        if not stat.S_ISREG(status.st_mode):
            raise CoevoError(f"{what} {path} is {what_is(status.st_mode)}, not a regular file; pass a regular file")
        if limit is not None and status.st_size > limit:
            raise CoevoError(f"{what} {path} is {status.st_size:,} bytes; coevo reads at most {limit:,} bytes here: "
                             "pass a smaller file")
        try:
            data = handle.read() if limit is None else handle.read(limit + 1)
        except OSError as exc:
            raise CoevoError(f"cannot read {what} {path} ({exc.strerror}); check the file") from None
    if limit is not None and len(data) > limit:
        raise CoevoError(f"{what} {path} is over {limit:,} bytes; pass a smaller file")
    return data


def read_text(path: Path, what: str = "file", limit: int | None = None) -> str:
    """``read_bytes`` as UTF-8 text; text that is not UTF-8 is one ``CoevoError``."""
    try:
        return read_bytes(path, what, limit).decode("utf-8")
    except UnicodeDecodeError:
        raise CoevoError(f"{what} {path} is not UTF-8 text; pass a text file") from None


def inside(path: Path, root: Path) -> bool:
    """Whether ``path``, every symlink on its way followed, lies in ``root`` (itself resolved)."""
    try:
        return Path(path).resolve().is_relative_to(Path(root).resolve())
    except (OSError, RuntimeError):  # a symlink loop
        return False


def contained_file(path: Path | None, root: Path) -> bool:
    """Whether ``path`` is a regular file inside ``root`` (symlinks followed only as far as they stay inside)."""
    if path is None or not inside(path, root):
        return False
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False


def check_contained(folder: Path, noun: str = "folder") -> None:
    """Refuse a folder holding a symlink that leads out of it, or a FIFO, device or socket: one line naming the
    first such entry. Links to folders are not walked into (their target is checked like any other)."""
    folder = Path(folder)
    for base, folders, files in os.walk(folder):
        for name in [*folders, *files]:
            entry = Path(base) / name
            try:
                mode = os.lstat(entry).st_mode
            except OSError:
                continue
            if stat.S_ISLNK(mode) and not inside(entry, folder):
                raise CoevoError(f"{noun} {folder} holds {entry}, a symlink leading out of it (to "
                                 f"{os.readlink(entry)}); replace it with the file itself or remove it")
            if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode) or stat.S_ISLNK(mode)):
                raise CoevoError(f"{noun} {folder} holds {entry}, {what_is(mode)}; remove it")


@contextmanager
def open_image(path: Path, max_pixels: int = MAX_PIXELS) -> Iterator[Image.Image]:
    """An image file opened for reading, its size checked from the header before any pixel is decoded."""
    from PIL import Image, UnidentifiedImageError

    data = read_bytes(path, "image", MAX_IMAGE_BYTES)
    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
            if width * height > max_pixels:
                raise CoevoError(f"image {path} is {width}x{height} pixels; coevo reads images of at most "
                                 f"{max_pixels:,} pixels: shrink it or remove it")
            yield image
    except Image.DecompressionBombError:
        raise CoevoError(f"image {path} would decode to over {max_pixels:,} pixels (a decompression bomb?); "
                         "shrink it or remove it") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise CoevoError(f"cannot read image {path} ({type(exc).__name__}); remove or replace the file") from None


def check_npz(path: Path, max_elements: int = MAX_ELEMENTS) -> dict[str, tuple[tuple[int, ...], np.dtype]]:
    """Every array of a ``.npz`` file by name, its shape and dtype read from its header, before anything is loaded:
    a member whose stored size or header shape is over ``max_elements`` values, or whose values are not real
    numbers (complex, text, objects), is one ``CoevoError``."""
    import numpy as np

    check_regular(path, "data file")
    if not zipfile.is_zipfile(path):
        raise CoevoError(f"cannot read data file {path}: it is not a .npz archive; save it with "
                         "np.savez(path, images=...)")
    arrays: dict[str, tuple[tuple[int, ...], np.dtype]] = {}
    try:
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                name = info.filename.removesuffix(".npy")
                if info.file_size > 16 * max_elements + 2**16:  # 16 bytes per value at most, plus the header
                    raise CoevoError(f"{path}: array {name!r} unpacks to {info.file_size:,} bytes; coevo reads at "
                                     f"most {max_elements:,} values: pass a smaller data set")
                with archive.open(info) as member:
                    shape, dtype = _npy_header(member, f"{path}: array {name!r}")
                count = int(np.prod(shape, dtype=object))
                if count > max_elements:
                    raise CoevoError(f"{path}: array {name!r} claims shape {shape} ({count:,} values); coevo reads "
                                     f"at most {max_elements:,}: pass a smaller data set")
                if dtype.kind not in ARRAY_KINDS:
                    raise CoevoError(f"{path}: array {name!r} holds {dtype} values; images and labels must be "
                                     "real numbers (integers or floats): convert it, e.g. with .real or .astype")
                arrays[name] = (shape, dtype)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, NotImplementedError) as exc:
        raise CoevoError(f"cannot read {path} as .npz ({exc or type(exc).__name__}); save it with np.savez"
                         ) from None
    return arrays


def _npy_header(member: Any, name: str) -> tuple[tuple[int, ...], np.dtype]:
    """The shape and dtype in a ``.npy`` header (its magic checked), without reading the array."""
    from numpy.lib import format as npy

    try:
        version = npy.read_magic(member)
        reader = npy.read_array_header_1_0 if version == (1, 0) else npy.read_array_header_2_0
        shape, _, dtype = reader(member)
    except (ValueError, SyntaxError, TypeError) as exc:
        raise CoevoError(f"{name} is not a NumPy array ({exc}); save it with np.savez") from None
    return tuple(int(n) for n in shape), dtype
