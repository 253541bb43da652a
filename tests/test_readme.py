"""Every `coevo` command in the code blocks of README.md and docs/*.md is run with a small budget (or skipped with a
reason), so a documented command never crashes unnoticed; and every relative link in them leads somewhere."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from coevo.commands.main import main
from tests.conftest import ROOT

BUDGET = ["--rounds", "2", "--pop", "8", "--warmup", "1", "--batch", "16", "--sheet-every", "1"]
PLACEHOLDER = re.compile(r"\b(DIR|ID|RUN|GENOME|PICBREEDER|SPEC|PX|[ACNST])\b|\||\[")  # templates
ENVIRONMENT = re.compile(r"^PYTHONPATH=(\S+) ")  # `PYTHONPATH=docs/plugins coevo run ...` (docs/plugins.md)
SKIPS = {"coevo breed --agreement": "reads recorded breeding sessions (tests/coevo/programs/test_agreement.py)",
         "coevo breed": "opens a Pygame window (needs a display and a person)",
         "coevo compare": "trains a feature network and plays every artist (minutes); see test_compare",
         "coevo render ../shared": "needs the shared Picbreeder data beside the checkout",
         "coevo gallery serve": "serves until stopped",
         "coevo serve": "serves until stopped (tests/gallery/web/test_browser.py starts it and breeds in Chromium)",
         "coevo latent runs/": "needs the generator run trained by the command before it (tests/coevo/commands/"
                               "test_latent.py covers latent walks)",
         "coevo ppgn runs/": "needs the generator run trained by the command before it (tests/coevo/test_ppgn.py)",
         "coevo resume runs/": "continues the run of a command before it (tests/docs/test_plugins.py resumes a "
                               "template run; tests/coevo/test_resume.py the rest)",
         "coevo run --config vickers2017 ": "the paper's set-up needs the CJK folder (python -m "
                                            "coevo.data.make_cjk) and days (tests/coevo/evolution/test_school.py "
                                            "runs a small school)",
         "coevo run --config vickers2017-long": "vickers2017 with a larger critic search (that command runs; "
                                               "tests/coevo/test_config.py checks they differ only in budget)",
         "coevo run --critic preference": "learns from a person's recorded breeding session (tests/critics covers it "
                                          "with a scripted session)"}


def documents() -> list[Path]:
    """README.md and every guide in docs/."""
    return [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def fenced_commands(text: str) -> list[str]:
    """The `coevo ...` lines of a Markdown text's fenced blocks (after any `&&` chain, comments dropped), with a
    `PYTHONPATH=...` prefix kept."""
    found = []
    for block in re.findall(r"```[a-z]*\n(.*?)```", text, flags=re.S):
        for line in block.splitlines():
            line = re.split(r"\s{2,}#", line.split("&& ")[-1])[0].strip()
            if ENVIRONMENT.sub("", line).startswith("coevo "):
                found.append(line)
    return found


def readme_commands() -> list[str]:
    """The commands of every document's fenced blocks, and the `coevo run` commands of README's paradigm table."""
    found: list[str] = []
    for path in documents():
        text = path.read_text(encoding="utf-8")
        found += fenced_commands(text)
        if path.name == "README.md":
            table = text.split("## Paradigms")[1].split("\n## ")[0]
            found += re.findall(r"`(coevo run [^`]*)`", table)
    return list(dict.fromkeys(found))


def runnable(command: str) -> str | None:
    """Why a documented command is not run here, or None when it is."""
    command = ENVIRONMENT.sub("", command)
    for prefix, reason in SKIPS.items():
        if command.startswith(prefix):
            return reason
    if PLACEHOLDER.search(command.removeprefix("coevo ")):
        return "a template with placeholders"
    return None


def test_the_readme_and_docs_have_runnable_commands() -> None:
    commands = readme_commands()
    assert len(commands) > 10 and sum(runnable(c) is None for c in commands) >= 6
    docs_only = {c for path in documents()[1:] for c in fenced_commands(path.read_text(encoding="utf-8"))}
    assert sum(runnable(c) is None for c in docs_only) >= 10  # the guides' commands are collected too
    assert any(c.startswith("PYTHONPATH=docs/plugins coevo run") and runnable(c) is None for c in docs_only)


@pytest.mark.parametrize("command", readme_commands(), ids=str)
def test_readme_command_runs(command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    reason = runnable(command)
    if reason is not None:
        pytest.skip(reason)
    environment = ENVIRONMENT.match(command)
    if environment:  # what PYTHONPATH does: the plugin modules become importable
        monkeypatch.syspath_prepend(str(ROOT / environment.group(1)))
        command = command[environment.end():]
    monkeypatch.chdir(tmp_path)
    Path("run.toml").write_text("rounds = 2\npop = 8\nwarmup = 1\n")
    if command.startswith("coevo gallery"):  # the gallery commands need a run to show
        assert main(["run", *BUDGET, "--out", "runs/a"]) == 0
    args = shlex.split(command)[1:]
    if args[0] in ("run", "sweep"):  # later flags win: the documented settings with a small budget
        args += BUDGET + ([] if "--out" in args else ["--out", "runs/readme"])
    if args[0] == "sweep":
        args += ["--seeds", "1", "--size", "16"]
    assert main(args) == 0, command


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation but hyphens dropped, spaces as hyphens."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


@pytest.mark.parametrize("path", documents(), ids=lambda p: p.name)
def test_links_lead_somewhere(path: Path) -> None:
    """Every relative link and image of a document names a file that exists, and its #anchor a heading there."""
    text = re.sub(r"```.*?```", "", path.read_text(encoding="utf-8"), flags=re.S)
    broken = []
    for target in re.findall(r"\]\(([^)\s]+)\)", text):
        if re.match(r"[a-z]+:", target):
            continue
        file, _, anchor = target.partition("#")
        where = (path.parent / file) if file else path
        if not where.exists():
            broken.append(target)
        elif anchor and where.suffix == ".md":
            headings = re.findall(r"^#+ (.+)$", where.read_text(encoding="utf-8"), flags=re.M)
            if anchor not in {slug(h) for h in headings}:
                broken.append(target)
    assert broken == []

