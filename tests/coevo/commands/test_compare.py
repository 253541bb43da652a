"""``coevo compare``: artists played under one budget, evaluated, and a report a browser can show."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from coevo.cli import main
from coevo.data import load_data


@pytest.fixture(scope="module")
def compared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small comparison of the DCGAN and an evolutionary (toy) artist on 64 real digits."""
    root = tmp_path_factory.mktemp("compare")
    digits = load_data("digits", 28)
    np.savez(root / "digits.npz", images=((digits.images[:64, 0].numpy() + 1) * 127.5).astype(np.uint8))
    patch = pytest.MonkeyPatch()
    patch.setenv("COEVO_CACHE", str(root / "cache"))
    try:
        code = main(["compare", "--artists", "dcgan,tests.toys:ToyGenetics", "--data", str(root / "digits.npz"),
                     "--size", "28", "--batch", "16", "--pop", "16", "--warmup", "2", "--images", "96", "--evals", "2",
                     "--samples", "48", "--device", "cpu", "--out", str(root / "out")])
    finally:
        patch.undo()
    assert code == 0
    return root / "out"


def test_each_artist_plays_the_same_budget_and_is_evaluated(compared: Path) -> None:
    for name in ("dcgan", "tests.toys_ToyGenetics"):
        evals = [json.loads(line) for line in (compared / name / "evals.jsonl").read_text().splitlines()]
        assert len(evals) == 2 and evals[-1]["images_seen"] == 96
        assert evals[-1]["fid"] > 0 and 0 <= evals[-1]["precision"] <= 1
        rounds = (compared / name / "metrics.jsonl").read_text().splitlines()
        assert len(rounds) == 6  # 96 images / 16 per round
    toy = (compared / "tests.toys_ToyGenetics" / "config.toml").read_text()
    assert 'fakes = "champions"' in toy and "rounds = 6" in toy
    assert 'fakes = "latest"' in (compared / "dcgan" / "config.toml").read_text()


def test_report_names_every_artist_and_metric(compared: Path) -> None:
    text = (compared / "report.md").read_text()
    assert "| dcgan |" in text and "| tests.toys:ToyGenetics |" in text and "FID" in text
    for image in re.findall(r"\]\(([^)]+\.png)\)", text):
        Image.open(compared / image).verify()


def test_finished_runs_are_evaluated_into_a_report(compared: Path, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COEVO_CACHE", str(compared.parent / "cache"))
    before = sorted(p.name for p in (compared / "dcgan").iterdir())
    assert main(["compare", "--runs", str(compared / "dcgan"), "--size", "28", "--samples", "48",
                 "--out", str(tmp_path / "again")]) == 0
    assert "| dcgan | 96 | 6 |" in (tmp_path / "again" / "report.md").read_text()
    assert sorted(p.name for p in (compared / "dcgan").iterdir()) == before  # the run folder is left alone


def test_an_existing_comparison_is_not_overwritten(compared: Path) -> None:
    assert main(["compare", "--artists", "dcgan", "--out", str(compared), "--images", "16"]) == 2


CHECK = """<!doctype html><html><body><pre id="result">pending</pre>
<iframe id="report" src="{src}" width="1200" height="900"></iframe><script>
document.getElementById('report').onload = function () {{
  const images = Array.from(this.contentDocument.images);
  const broken = images.filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.getAttribute('src'));
  document.getElementById('result').textContent =
    'images=' + images.length + ' broken=' + JSON.stringify(broken) + ' title=' + this.contentDocument.title;
}};</script></body></html>"""


def chromium(*args: str) -> str:
    result = subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                             *args], capture_output=True, text=True, timeout=120)
    return result.stdout


def test_report_loads_in_headless_chromium(compared: Path, tmp_path: Path) -> None:
    if shutil.which("chromium") is None:
        pytest.skip("Debian's chromium is not installed (apt-get install chromium); .ci/run installs it")
    page = tmp_path / "check.html"
    page.write_text(CHECK.format(src=(compared / "report.html").as_uri()))
    dom = chromium("--allow-file-access-from-files", "--virtual-time-budget=10000", "--dump-dom", page.as_uri())
    found = re.search(r"images=(\d+) broken=(\[.*?\]) title=([^<]*)", dom)
    assert found, dom[-2000:]
    assert int(found.group(1)) == 4 and found.group(2) == "[]" and found.group(3) == "coevo comparison"
    shot = tmp_path / "shot.png"
    chromium(f"--screenshot={shot}", "--window-size=1200,900", (compared / "report.html").as_uri())
    pixels = np.asarray(Image.open(shot).convert("L"), dtype=np.float64)
    assert pixels.std() > 10 and len(np.unique(pixels)) > 20  # text, tables and sample grids, not a blank page


def test_budgets_count_images_or_seconds(capsys: pytest.CaptureFixture[str]) -> None:
    from coevo.programs.compare import Budget

    assert Budget(images=200).fraction(50, 99.0) == 0.25
    assert Budget(images=None, seconds=4.0).fraction(10**6, 1.0) == 0.25
    for argv in (["--images", "0"], ["--seconds", "-1"]):
        assert main(["compare", *argv]) == 2
        assert "budget must be positive" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_info:  # one budget at a time: argparse refuses both
        main(["compare", "--images", "5", "--seconds", "5"])
    assert exit_info.value.code == 2
