"""The bundled Vickers co-evolution config (hercl-lines against juries of hercl critics, in phases): killed with
SIGKILL and resumed it ends byte-identical to a run never interrupted; later phases draw more (slow)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from coevo.commands.main import main
from coevo.programs.genomes import load_genome
from coevo.toolkits.imagefeatures import jpeg_complexity
from tests.conftest import ROOT, kill_when
from tests.helpers import coevo, lines, outputs

SMALL = ["--config", "vickers2017", "--rounds", "6", "--pop", "6", "--warmup", "1", "--batch", "8",
         "--phase-generations", "2", "--phase-critic-steps", "1", "--seed", "3",
         "--critic-option", "member_options={evals = 40}"]


@pytest.mark.slow  # two processes in turn (12 s); the hercl critic's state round trip is tested in tests/critics
def test_a_vickers_run_killed_and_resumed_equals_an_uninterrupted_one(tmp_path: Path) -> None:
    whole, killed = tmp_path / "whole", tmp_path / "killed"
    reference = coevo("run", *SMALL, "--out", str(whole), errors=tmp_path / "reference.err")
    assert reference.wait(timeout=600) == 0, (tmp_path / "reference.err").read_text()[-2000:]
    rows = [line for line in (whole / "metrics.jsonl").read_text().splitlines()]
    assert len(rows) == 6 and sum('"generations_to_fool"' in r for r in rows) >= 2  # phases ended, critics retrained
    victim = coevo("run", *SMALL, "--out", str(killed))
    assert 3 <= kill_when(victim, killed / "metrics.jsonl", 3, 300) < 6, "the run was not killed mid-way"
    resumed = subprocess.run([sys.executable, "-m", "coevo", "resume", str(killed)], cwd=ROOT, timeout=600,
                             capture_output=True, text=True)
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    assert outputs(killed) == outputs(whole) and lines(killed / "metrics.jsonl") == 6


@pytest.mark.slow
def test_phase_one_draws_a_simple_line_and_a_later_phase_something_less_compressible(tmp_path: Path) -> None:
    """What of the paper's result this budget shows (the README's run, three phases of it): phase 1's champion
    is a simple line; a later phase's champion compresses worse."""
    out = tmp_path / "run"
    assert main(["run", "--config", "vickers2017", "--rounds", "120", "--out", str(out)]) == 0
    rows = [json.loads(line) for line in (out / "metrics.jsonl").read_text().splitlines()]
    figures = []
    for row in (r for r in rows if "generations_to_fool" in r):
        _, genetics, genome, _ = load_genome(out / "genomes" / f"champion-{int(row['round']):04d}.json")
        strokes = {(round(s.x0), round(s.y0), round(s.x1), round(s.y1)) for s in genetics.strokes(genome)}
        image = (genetics.render([genome], 128) + 1) / 2
        jpeg = float(jpeg_complexity(image)["jpeg_size"][0])
        figures.append((len(strokes), float((image < 0.5).float().mean()), jpeg))
    assert len(figures) == 3
    (strokes, ink, jpeg), *later = figures
    assert strokes < 100 and ink < 0.02
    assert max(j for _, _, j in later) > 2 * jpeg
