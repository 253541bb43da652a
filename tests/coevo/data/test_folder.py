"""Image folders (coevo/data/folder.py): recursive, grey and RGB, unreadable images named."""

from pathlib import Path

import pytest
from PIL import Image

from coevo.data import load_data
from coevo.errors import CoevoError


def test_image_folder_recursive_grey_and_rgb(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    Image.new("RGB", (40, 30), (255, 0, 0)).save(tmp_path / "a.png")
    Image.new("L", (20, 20), 0).save(tmp_path / "sub" / "b.jpg")
    (tmp_path / "notes.txt").write_text("not an image")
    rgb = load_data(str(tmp_path), 12)
    assert rgb.images.shape == (2, 3, 12, 12) and rgb.labels is None
    assert rgb.images[0, 0].mean() > 0.9 and rgb.images[0, 1].mean() < -0.9
    grey = load_data(f"folder:{tmp_path}", 12, channels=1)
    assert grey.images.shape == (2, 1, 12, 12)


def test_image_folder_errors(tmp_path: Path) -> None:
    with pytest.raises(CoevoError, match="no PNG or JPEG"):
        load_data(str(tmp_path))
    (tmp_path / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\nnot really")
    with pytest.raises(CoevoError, match=r"cannot read image .*broken\.png"):
        load_data(str(tmp_path))
