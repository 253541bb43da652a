"""The GP artist from the command line: a run against a toy critic, resuming it, rendering its champion."""

from __future__ import annotations

import json
from pathlib import Path

from PIL import Image

from coevo.commands.main import main

RUN = ["run", "--artist", "gp", "--critic", "tests.toys:TinyCritic", "--size", "16", "--pop", "8",
       "--warmup", "2", "--seed", "5"]


def test_run_resume_and_render(tmp_path: Path) -> None:
    whole, split = tmp_path / "whole", tmp_path / "split"
    assert main([*RUN, "--rounds", "3", "--out", str(whole)]) == 0
    best = json.loads((whole / "genomes" / "best.json").read_text())
    assert best["artist"] == "gp" and best["options"]["channels"] == 1 and len(best["genome"]["trees"]) == 1

    assert main([*RUN, "--rounds", "2", "--out", str(split)]) == 0
    assert main(["resume", str(split), "--rounds", "3"]) == 0
    assert (split / "genomes" / "best.json").read_text() == (whole / "genomes" / "best.json").read_text()

    out = tmp_path / "best.png"
    assert main(["render", str(whole / "genomes" / "best.json"), "--size", "40", "--out", str(out)]) == 0
    assert Image.open(out).size == (40, 40)


def test_colour_option_reaches_the_genetics(tmp_path: Path) -> None:
    out = tmp_path / "run"
    args = [*RUN, "--rounds", "1", "--data", "none", "--artist-option", "channels=3",
            "--artist-option", "color=hsv", "--out", str(out)]
    assert main(args) == 0
    best = json.loads((out / "genomes" / "best.json").read_text())
    assert best["options"]["color"] == "hsv" and len(best["genome"]["trees"]) == 3
    assert Image.open(out / "sheets" / "round-0000.png").mode == "RGB"
