"""``coevo latent``: sample sheets, interpolation strips and vector arithmetic from a saved DCGAN run."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from coevo.commands.main import main
from coevo.data import load_data
from coevo.programs.latent import arithmetic, latents, load_generator, parse_expression


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two GAN rounds of a small DCGAN against the CNN critic on real digits."""
    root = tmp_path_factory.mktemp("latent")
    digits = load_data("digits", 28)
    np.savez(root / "digits.npz", images=((digits.images[:64, 0].numpy() + 1) * 127.5).astype(np.uint8))
    code = main(["run", "--artist", "dcgan", "--critic", "cnn", "--data", str(root / "digits.npz"), "--size", "28",
                 "--fakes", "latest", "--rounds", "2", "--pop", "8", "--batch", "8", "--warmup", "0",
                 "--device", "cpu", "--artist-option", "ngf=8", "--out", str(root / "run")])
    assert code == 0
    return root / "run"


def cells(path: Path, columns: int, side: int = 28, pad: int = 2) -> list[np.ndarray]:
    """The images of a contact sheet, row-major."""
    sheet = np.asarray(Image.open(path))
    rows = (sheet.shape[0] - pad) // (side + pad)
    return [sheet[pad + r * (side + pad): pad + r * (side + pad) + side, pad + c * (side + pad):
                  pad + c * (side + pad) + side] for r in range(rows) for c in range(columns)]


def test_interpolation_strips_run_between_sheet_images(run: Path, tmp_path: Path) -> None:
    assert main(["latent", str(run), "sheet", "--count", "16", "--out", str(tmp_path / "sheet.png")]) == 0
    assert main(["latent", str(run), "interpolate", "--count", "16", "--pairs", "3,12", "--steps", "6",
                 "--out", str(tmp_path / "strip.png")]) == 0
    sheet, strip = cells(tmp_path / "sheet.png", 8, side=56), cells(tmp_path / "strip.png", 6)
    assert len(strip) == 6
    for index, end in ((3, strip[0]), (12, strip[-1])):  # the sheet is 2x, in RGB, numbered in the top-left corner
        shown = sheet[index][::2, ::2, 0].astype(int)
        assert np.abs(shown[8:] - end[8:]).max() <= 1
    assert not np.array_equal(strip[2], strip[0])


def test_arithmetic_adds_and_subtracts_latents(run: Path, tmp_path: Path) -> None:
    assert main(["latent", str(run), "arithmetic", "3,4-7+12", "--out", str(tmp_path / "sum.png")]) == 0
    assert len(cells(tmp_path / "sum.png", 8)) == 16
    z = latents(16, 100, 0)
    result = arithmetic(z, parse_expression("3,4-7+12", 16), 2, 0)
    assert torch.allclose(result[3], (z[3] + z[4]) / 2 - z[7] + z[12])
    assert load_generator(run).generate(result).shape == (6, 1, 28, 28)


@pytest.mark.parametrize("argv", [["arithmetic", "3-x"], ["arithmetic", "99+1"], ["arithmetic"],
                                  ["interpolate", "--pairs", "1-2"]])
def test_bad_requests_name_the_fix(run: Path, argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["latent", str(run), *argv]) == 2
    assert "coevo: error:" in capsys.readouterr().err


def test_a_run_without_a_generator_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["latent", str(tmp_path), "sheet"]) == 2
    assert "no run" in capsys.readouterr().err


def test_a_runaway_sheet_is_refused_naming_the_limit(run: Path, tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["latent", str(run), "sheet", "--count", "1000000", "--out", str(tmp_path / "s.png")]) == 2
    err = capsys.readouterr().err
    assert "at most 1024" in err and len(err.splitlines()) == 1
    assert not (tmp_path / "s.png").exists()


def test_the_sheet_numbers_its_images(run: Path, tmp_path: Path) -> None:
    """Each sample carries its index (red on white, top-left), the numbers interpolate and arithmetic take."""
    assert main(["latent", str(run), "sheet", "--count", "16", "--out", str(tmp_path / "sheet.png")]) == 0
    sheet = cells(tmp_path / "sheet.png", 8, side=56)
    corner = sheet[5][:10, :10]
    assert (corner == [255, 255, 255]).all(axis=-1).any() and ((corner[..., 0] > 150) & (corner[..., 1] < 80)).any()
