"""``coevo run`` end to end (coevo/commands/run.py): run folders, artists and bundled configs from the command line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from PIL import Image

from coevo.commands.main import main
from coevo.programs.genomes import load_genome
from coevo.toolkits.imagefeatures import jpeg_complexity
from tests.conftest import ROOT, kill_when, patience
from tests.helpers import TOY, coevo, lines, outputs, run_cli, snapshot

DRAWING_ARTISTS = ["lines", "ants", "evoeco", "hercl-lines"]


def test_run_writes_a_complete_run_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "run"
    code, text, _ = run_cli(["run", *TOY, "--rounds", "6", "--sheet-every", "5", "--out", str(out)], capsys)
    assert code == 0 and str(out) in text
    assert "(metrics.jsonl, curves.png, sheets/, genomes/, images/, tensorboard/;" in text
    assert (out / "config.toml").exists() and (out / "checkpoint.pt").exists()
    assert len((out / "metrics.jsonl").read_text().splitlines()) == 6
    assert sorted(p.name for p in (out / "sheets").iterdir()) == ["champions.png", "round-0000.png",
                                                                  "round-0005.png"]
    assert Image.open(out / "curves.png").format == "PNG"
    assert (out / "genomes" / "best.json").exists()
    code, text, _ = run_cli(["render", str(out / "genomes" / "best.json"), "--size", "40",
                             "--out", str(tmp_path / "x.png")], capsys)
    assert code == 0 and Image.open(tmp_path / "x.png").size == (40, 40)


def test_existing_run_is_not_touched(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "run"
    assert main(["run", *TOY, "--rounds", "2", "--out", str(out)]) == 0
    before = snapshot(out)
    code, _, err = run_cli(["run", *TOY, "--rounds", "3", "--out", str(out)], capsys)
    assert code == 2 and "already holds a run" in err
    code, _, err = run_cli(["run", *TOY, "--data", str(tmp_path / "nowhere"), "--out", str(out)], capsys)
    assert code == 2
    assert snapshot(out) == before


GP_RUN = ["run", "--artist", "gp", "--critic", "tests.toys:TinyCritic", "--size", "16", "--pop", "8",
       "--warmup", "2", "--seed", "5"]


def test_run_resume_and_render(tmp_path: Path) -> None:
    whole, split = tmp_path / "whole", tmp_path / "split"
    assert main([*GP_RUN, "--rounds", "3", "--out", str(whole)]) == 0
    best = json.loads((whole / "genomes" / "best.json").read_text())
    assert best["artist"] == "gp" and best["options"]["channels"] == 1 and len(best["genome"]["trees"]) == 1

    assert main([*GP_RUN, "--rounds", "2", "--out", str(split)]) == 0
    assert main(["resume", str(split), "--rounds", "3"]) == 0
    assert (split / "genomes" / "best.json").read_text() == (whole / "genomes" / "best.json").read_text()

    out = tmp_path / "best.png"
    assert main(["render", str(whole / "genomes" / "best.json"), "--size", "40", "--out", str(out)]) == 0
    assert Image.open(out).size == (40, 40)


def test_colour_option_reaches_the_genetics(tmp_path: Path) -> None:
    out = tmp_path / "run"
    args = [*GP_RUN, "--rounds", "1", "--data", "none", "--artist-option", "channels=3",
            "--artist-option", "color=hsv", "--out", str(out)]
    assert main(args) == 0
    best = json.loads((out / "genomes" / "best.json").read_text())
    assert best["options"]["color"] == "hsv" and len(best["genome"]["trees"]) == 3
    assert Image.open(out / "sheets" / "round-0000.png").mode == "RGB"


SMALL = ["--config", "vickers2017-small", "--rounds", "6", "--pop", "6", "--warmup", "1", "--batch", "8",
         "--phase-generations", "2", "--phase-critic-steps", "1", "--seed", "3",
         "--critic-option", "member_options={evals = 40}"]


@pytest.mark.slow  # two processes in turn (12 s); the hercl critic's state round trip is tested in tests/critics
def test_a_vickers_run_killed_and_resumed_equals_an_uninterrupted_one(tmp_path: Path) -> None:
    whole, killed = tmp_path / "whole", tmp_path / "killed"
    reference = coevo("run", *SMALL, "--out", str(whole), errors=tmp_path / "reference.err")
    assert reference.wait(timeout=patience(600)) == 0, (tmp_path / "reference.err").read_text()[-2000:]
    rows = [line for line in (whole / "metrics.jsonl").read_text().splitlines()]
    assert len(rows) == 6 and sum('"generations_to_fool"' in r for r in rows) >= 2  # phases ended, critics retrained
    victim = coevo("run", *SMALL, "--out", str(killed))
    assert 3 <= kill_when(victim, killed / "metrics.jsonl", 3, 300) < 6, "the run was not killed mid-way"
    resumed = subprocess.run([sys.executable, "-m", "coevo", "resume", str(killed)], cwd=ROOT, timeout=patience(600),
                             capture_output=True, text=True)
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    assert outputs(killed) == outputs(whole) and lines(killed / "metrics.jsonl") == 6


@pytest.mark.slow
def test_phase_one_draws_a_simple_line_and_a_later_phase_something_less_compressible(tmp_path: Path) -> None:
    """What of the paper's result this budget shows (the README's run, three phases of it): phase 1's champion
    is a simple line; a later phase's champion compresses worse."""
    out = tmp_path / "run"
    assert main(["run", "--config", "vickers2017-small", "--rounds", "120", "--out", str(out)]) == 0
    rows = [json.loads(line) for line in (out / "metrics.jsonl").read_text().splitlines()]
    figures = []
    for row in (r for r in rows if "generations_to_fool" in r):
        _, genetics, genome, _ = load_genome(out / "genomes" / f"champion-{int(row['round']):04d}.json")
        strokes = {(round(s.x0), round(s.y0), round(s.x1), round(s.y1)) for s in genetics.strokes(genome)}
        image = (genetics.render([genome], 128) + 1) / 2
        jpeg = float(jpeg_complexity(image)["jpeg_size"][0])
        figures.append((len(strokes), float((image < 0.5).float().mean()), jpeg))
    assert len(figures) >= 3  # 5 since HERCL's `?` follows hercl's C
    (strokes, ink, jpeg), *later = figures
    assert strokes < 100 and ink < 0.02
    assert max(j for _, _, j in later) > 2 * jpeg


@pytest.mark.parametrize("name", DRAWING_ARTISTS)
def test_run_against_the_cnn_critic_and_render(name: str, tmp_path: Path) -> None:
    out = tmp_path / "run"
    assert main(["run", "--artist", name, "--critic", "cnn", "--rounds", "2", "--pop", "8", "--size", "32",
                 "--warmup", "2", "--seed", "3", "--out", str(out)]) == 0
    metrics = [json.loads(line) for line in (out / "metrics.jsonl").read_text().splitlines()]
    assert len(metrics) == 2
    best = out / "genomes" / "best.json"
    assert json.loads(best.read_text())["artist"] == name
    png = tmp_path / "best.png"
    assert main(["render", str(best), "--size", "100", "--out", str(png)]) == 0
    assert Image.open(png).size == (100, 100)
    _, genetics, genome, _ = load_genome(best)
    assert torch.equal(genetics.render([genome], 100), genetics.render([genome], 100))
