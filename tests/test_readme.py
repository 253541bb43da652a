"""Every `coevo` command in README.md's code blocks is run with a small budget (or skipped with a reason), so a
README command never crashes unnoticed."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from coevo.commands.main import main
from tests.conftest import ROOT

BUDGET = ["--rounds", "2", "--pop", "8", "--warmup", "1", "--batch", "16", "--sheet-every", "1"]
PLACEHOLDER = re.compile(r"\b(DIR|ID|RUN|GENOME|PICBREEDER|SPEC|PX|[ACNST])\b|\||\[")  # templates
SKIPS = {"coevo breed": "opens a Pygame window (needs a display and a person)",
         "coevo compare": "trains a feature network and plays every artist (minutes); see test_compare",
         "coevo render ../shared": "needs the shared Picbreeder data beside the checkout",
         "coevo gallery serve": "serves until stopped",
         "coevo latent runs/": "needs the generator run trained by the command before it (tests/coevo/commands/"
                               "test_latent.py covers latent walks)",
         "coevo ppgn runs/": "needs the generator run trained by the command before it (tests/coevo/test_ppgn.py)",
         "coevo run --config vickers2017-long": "vickers2017 with a larger critic search (that command runs; "
                                               "tests/coevo/test_config.py checks they differ only in budget)",
         "coevo run --critic preference": "learns from a person's recorded breeding session (tests/critics covers it "
                                          "with a scripted session)"}


def readme_commands() -> list[str]:
    """The `coevo ...` commands of README.md's fenced blocks and its paradigm table, comments dropped."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    found: list[str] = []
    for block in re.findall(r"```[a-z]*\n(.*?)```", text, flags=re.S):
        for line in block.splitlines():
            line = line.split("&& ")[-1].split("   #")[0].strip()
            if line.startswith("coevo "):
                found.append(line)
    found += re.findall(r"`(coevo run [^`]*)`", text.split("## How it fits together")[0])
    return list(dict.fromkeys(found))


def runnable(command: str) -> str | None:
    """Why a README command is not run here, or None when it is."""
    for prefix, reason in SKIPS.items():
        if command.startswith(prefix):
            return reason
    if PLACEHOLDER.search(command.removeprefix("coevo ")):
        return "a template with placeholders"
    return None


def test_the_readme_has_runnable_commands() -> None:
    commands = readme_commands()
    assert len(commands) > 10 and sum(runnable(c) is None for c in commands) >= 6


@pytest.mark.parametrize("command", readme_commands())
def test_readme_command_runs(command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    reason = runnable(command)
    if reason is not None:
        pytest.skip(reason)
    monkeypatch.chdir(tmp_path)
    Path("run.toml").write_text("rounds = 2\npop = 8\nwarmup = 1\n")
    if command.startswith("coevo gallery"):  # the gallery commands need a run to show
        assert main(["run", *BUDGET, "--out", "runs/a"]) == 0
    args = shlex.split(command)[1:]
    if args[0] in ("run", "sweep"):  # later flags win: the README's settings with a small budget
        args += BUDGET + ([] if "--out" in args else ["--out", "runs/readme"])
    if args[0] == "sweep":
        args += ["--seeds", "1", "--size", "16"]
    assert main(args) == 0, command
