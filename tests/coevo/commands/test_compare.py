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

from coevo.commands.main import main
from coevo.data import load_data
from coevo.training.config import load_config
from tests.conftest import patience

ARGS = ["--artists", "dcgan,tests.toys:ToyGenetics", "--size", "28", "--batch", "16", "--pop", "16", "--warmup",
        "2", "--images", "96", "--evals", "2", "--samples", "24", "--seeds", "2", "--device", "cpu"]


def tiny_digits(root: Path) -> Path:
    digits = load_data("digits", 28)
    np.savez(root / "digits.npz", images=((digits.images[:96, 0].numpy() + 1) * 127.5).astype(np.uint8))
    return root / "digits.npz"


@pytest.fixture(scope="module")
def compared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small comparison of the DCGAN and an evolutionary (toy) artist on 96 real digits, over two seeds."""
    root = tmp_path_factory.mktemp("compare")
    patch = pytest.MonkeyPatch()
    patch.setenv("COEVO_CACHE", str(root / "cache"))
    try:
        code = main(["compare", *ARGS, "--data", str(tiny_digits(root)), "--out", str(root / "out")])
    finally:
        patch.undo()
    assert code == 0
    return root / "out"


def rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_each_artist_plays_each_seed_on_the_same_budget_at_matched_n(compared: Path) -> None:
    for name in ("dcgan", "tests.toys_ToyGenetics"):
        for seed in (0, 1):
            run = compared / name / f"seed-{seed}"
            evals = rows(run / "evals.jsonl")
            assert len(evals) == 2 and evals[-1]["images_seen"] == 96
            assert [e["samples"] for e in evals] == [24, 24]  # the same n for every artist (and the floor)
            assert evals[-1]["fid"] > 0 and 0 <= evals[-1]["precision"] <= 1
            assert len(rows(run / "metrics.jsonl")) == 6  # 96 images / 16 per round
            done = json.loads((run / "done.json").read_text())
            assert done["images"] == 96 and done["critic_updates"] > 0 and done["cpu_seconds"] > 0
        assert rows(compared / name / "seed-0" / "metrics.jsonl") != rows(compared / name / "seed-1" / "metrics.jsonl")
    toy = (compared / "tests.toys_ToyGenetics" / "seed-0" / "config.toml").read_text()
    assert 'fakes = "champions"' in toy and "images = 96" in toy and "rounds = 0" in toy and "seed = 0" in toy
    assert 'fakes = "latest"' in (compared / "dcgan" / "seed-1" / "config.toml").read_text()


def test_report_has_intervals_budgets_verdict_and_provenance(compared: Path) -> None:
    text = (compared / "report.md").read_text()
    assert "| dcgan |" in text and "| tests.toys:ToyGenetics |" in text and "KID" in text and "FID" in text
    assert " ± " in text and "real data (held out)" in text  # intervals over seeds, and the floor row
    assert "critic updates" in text and "CPU s" in text and "images shown" in text
    assert "paired t-test over 2 seeds" in text and "ranking by mean KID" in text
    assert "**command**: coevo compare" in text or "**command**:" in text
    assert "git " in text and "torch" in text
    for image in re.findall(r"\]\(([^)]+\.png)\)", text):
        Image.open(compared / image).verify()
    assert Image.open(compared / "samples-dcgan.png").size[0] >= 8 * 64  # at least 64 px per sample


def test_a_killed_comparison_continues_and_a_changed_one_is_refused(compared: Path, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COEVO_CACHE", str(compared.parent / "cache"))
    copy = tmp_path / "out"
    shutil.copytree(compared, copy)
    unfinished = copy / "dcgan" / "seed-1"
    (unfinished / "done.json").unlink()
    (unfinished / "metrics.jsonl").write_text("{half a line")
    kept = (copy / "dcgan" / "seed-0" / "metrics.jsonl").stat().st_mtime_ns
    data = str(compared.parent / "digits.npz")
    assert main(["compare", *ARGS, "--data", data, "--out", str(copy)]) == 0
    assert (copy / "dcgan" / "seed-0" / "metrics.jsonl").stat().st_mtime_ns == kept  # a finished run is kept
    assert (unfinished / "metrics.jsonl").read_bytes() == (compared / "dcgan" / "seed-1" / "metrics.jsonl").read_bytes()
    assert main(["compare", *ARGS, "--data", data, "--out", str(copy), "--seeds", "3"]) == 2  # other settings


def test_a_comparison_from_before_a_new_run_setting_continues(compared: Path, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COEVO_CACHE", str(compared.parent / "cache"))
    copy = tmp_path / "out"
    shutil.copytree(compared, copy)
    saved = json.loads((copy / "compare.json").read_text())
    del saved["base"]["checkpoint_seconds"]  # as a comparison written before the setting existed
    del saved["near_copy"]  # ... and before near-copies were dropped: it continues with exact repeats only
    (copy / "compare.json").write_text(json.dumps(saved))
    data = str(compared.parent / "digits.npz")
    assert main(["compare", *ARGS, "--data", data, "--out", str(copy)]) == 0
    assert "last n distinct individuals" in (copy / "report.md").read_text()
    assert "pairwise by at least 0.05" in (compared / "report.md").read_text()


def test_dask_runs_equal_one_by_one_runs(compared: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A 2-worker LocalCluster plays the same bytes as the sequential comparison."""
    monkeypatch.setenv("COEVO_CACHE", str(compared.parent / "cache"))
    data = str(compared.parent / "digits.npz")
    assert main(["compare", *ARGS, "--data", data, "--out", str(tmp_path / "dask"), "--workers", "2"]) == 0
    for name in ("dcgan", "tests.toys_ToyGenetics"):
        for seed in (0, 1):
            for file in ("metrics.jsonl", "config.toml", "samples.png"):
                ours, theirs = tmp_path / "dask" / name / f"seed-{seed}" / file, compared / name / f"seed-{seed}" / file
                assert ours.read_bytes() == theirs.read_bytes(), (name, seed, file)


def test_finished_runs_are_evaluated_into_a_report(compared: Path, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COEVO_CACHE", str(compared.parent / "cache"))
    run = compared / "dcgan" / "seed-0"
    before = sorted(p.name for p in run.iterdir())
    assert main(["compare", "--runs", str(run), "--size", "28", "--samples", "24",
                 "--out", str(tmp_path / "again")]) == 0
    assert "| seed-0 |" in (tmp_path / "again" / "report.md").read_text()
    assert sorted(p.name for p in run.iterdir()) == before  # the run folder is left alone


def test_a_finished_evolutionary_run_with_fewer_images_is_flagged(compared: Path, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COEVO_CACHE", str(compared.parent / "cache"))
    run = compared / "tests.toys_ToyGenetics" / "seed-0"
    pop = load_config(run / "config.toml").pop
    assert main(["compare", "--runs", str(run), "--size", "28", "--samples", "24",
                 "--out", str(tmp_path / "again")]) == 0
    assert pop < 24 and f"| seed-0 (on {pop} of 24 images: not matched) |" in (
        tmp_path / "again" / "report.md").read_text()


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
                             *args], capture_output=True, text=True, timeout=patience(120))
    return result.stdout


def test_report_loads_in_headless_chromium(compared: Path, tmp_path: Path) -> None:
    if shutil.which("chromium") is None:
        pytest.skip("Debian's chromium is not installed (apt-get install chromium); .ci/run installs it")
    page = tmp_path / "check.html"
    page.write_text(CHECK.format(src=(compared / "report.html").as_uri()))
    dom = chromium("--allow-file-access-from-files", "--virtual-time-budget=10000", "--dump-dom", page.as_uri())
    found = re.search(r"images=(\d+) broken=(\[.*?\]) title=([^<]*)", dom)
    assert found, dom[-2000:]
    assert int(found.group(1)) >= 5 and found.group(2) == "[]" and found.group(3) == "coevo comparison"
    report = (compared / "report.html").read_text()
    assert "± 95% interval" in report and "<th>KID" in report and "KID: the unbiased squared MMD" in report
    shot = tmp_path / "shot.png"
    chromium(f"--screenshot={shot}", "--window-size=1200,900", (compared / "report.html").as_uri())
    pixels = np.asarray(Image.open(shot).convert("L"), dtype=np.float64)
    assert pixels.std() > 10 and len(np.unique(pixels)) > 20  # text, tables and sample grids, not a blank page


def test_budgets_count_images_updates_rounds_or_seconds(capsys: pytest.CaptureFixture[str]) -> None:
    from coevo.loop import Progress, Stop
    from coevo.programs.comparison import check_budget

    progress = Progress(rounds=3, images=50, critic_updates=10, seconds=1.0)
    assert Stop(images=200).spent(progress) == 0.25
    assert Stop(seconds=4.0).spent(progress) == 0.25
    assert Stop(critic_updates=40).spent(progress) == 0.25 and Stop(rounds=12).spent(progress) == 0.25
    assert check_budget(Stop()).critic_updates == 800  # the same critic learning for every artist
    for argv in (["--images", "0"], ["--seconds", "-1"]):
        assert main(["compare", *argv]) == 2
        assert "budget must be positive" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_info:  # one budget at a time: argparse refuses both
        main(["compare", "--images", "5", "--seconds", "5"])
    assert exit_info.value.code == 2
    with pytest.raises(SystemExit) as exit_info:  # --quick is a budget of its own
        main(["compare", "--quick", "--critic-updates", "5"])
    assert exit_info.value.code == 2


def test_the_default_folder_is_numbered_past_another_comparison_and_reused_by_the_same(
        compared: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COEVO_CACHE", str(compared.parent / "cache"))
    monkeypatch.chdir(tmp_path)
    shutil.copytree(compared, tmp_path / "runs" / "compare")  # README: `compare ... --out runs/compare` first
    before = {p: p.read_bytes() for p in (tmp_path / "runs" / "compare").rglob("*") if p.is_file()}
    given = ["compare", "--runs", str(compared / "dcgan" / "seed-0"), "--size", "28", "--samples", "24"]
    assert main(given) == 0  # README: `compare --runs runs/a runs/b`, no --out
    assert (tmp_path / "runs" / "compare-2" / "report.md").is_file()
    assert {p: p.read_bytes() for p in (tmp_path / "runs" / "compare").rglob("*") if p.is_file()} == before
    assert main(given) == 0  # the same command again continues its own comparison
    assert sorted(p.name for p in (tmp_path / "runs").iterdir()) == ["compare", "compare-2"]


def test_a_refused_comparison_of_given_runs_creates_nothing(compared: Path, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.setenv("COEVO_CACHE", str(compared.parent / "cache"))
    monkeypatch.chdir(tmp_path)
    run = str(compared / "dcgan" / "seed-0")
    capsys.readouterr()
    assert main(["compare", "--runs", run, "--size", "16", "--samples", "24"]) == 2  # it played at 28 px
    assert "pass the same --data and --size" in capsys.readouterr().err
    assert main(["compare", "--runs", run, str(tmp_path / "nowhere"), "--size", "28", "--out", "given"]) == 2
    assert "is not there" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []
