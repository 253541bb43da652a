"""The colour Chinese characters of vickers2017: drawn from a Debian CJK font, read back by ``--data DIR``."""

import colorsys
from pathlib import Path

import numpy as np
import pytest

from coevo.data import load_data
from coevo.data.make_cjk import FONTS, characters, ink, main, make
from coevo.errors import CoevoError

FONT = next((Path(p) for p in FONTS if Path(p).is_file()), None)
needs_font = pytest.mark.skipif(FONT is None, reason="no CJK font installed (apt-get install fonts-wqy-zenhei)")


def test_colours_step_the_hue_by_the_golden_ratio_at_one_lightness_and_saturation() -> None:
    first = [ink(i) for i in range(200)]
    assert len(set(first)) == 200 and ink(0) == (189, 15, 15)  # hue 0: R = L(1 + S) = 0.74, G = B = 2L - 0.74 = 0.06
    for i in (1, 17, 199):
        h, light, sat = colorsys.rgb_to_hls(*(v / 255 for v in ink(i)))
        assert light == pytest.approx(0.4, abs=0.003) and sat == pytest.approx(0.85, abs=0.01)
        assert h == pytest.approx((i * 0.6180339887498949) % 1, abs=0.005)
    assert characters(3) == ["的", "一", "是"] and len(set(characters(200))) == 200


@needs_font
def test_the_folder_loads_as_colour_ink_on_white_and_is_made_the_same_twice(tmp_path: Path) -> None:
    files = make(tmp_path / "a", count=6, size=48)
    assert [p.name for p in files][:2] == ["000-U+7684.png", "001-U+4E00.png"]
    again = make(tmp_path / "b", count=6, size=48)
    assert [p.read_bytes() for p in files] == [p.read_bytes() for p in again]
    data = load_data(str(tmp_path / "a"), 48, 3)
    images = data.images.numpy()  # (6, 3, 48, 48) in [-1, 1]
    assert images.shape == (6, 3, 48, 48)
    for k, image in enumerate(images):
        rgb = np.round((image + 1) / 2 * 255).astype(int)
        white = (rgb == 255).all(axis=0)
        assert 0.4 < white.mean() < 0.98  # mostly paper, some ink
        darkest = np.unravel_index(rgb.sum(axis=0).argmin(), white.shape)
        assert tuple(rgb[:, darkest[0], darkest[1]]) == ink(k)  # solid strokes are the character's ink


def test_bad_requests_are_refused_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(CoevoError, match="--count lies in"):
        make(tmp_path, count=0)
    assert main(["--out", str(tmp_path / "x"), "--font", str(tmp_path / "no-font.ttc")]) == 2
    assert "install one (apt-get install fonts-wqy-zenhei)" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()
