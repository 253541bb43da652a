"""The tests mirror the package: every ``tests/a/b/test_c.py`` tests module ``a/b/c.py`` (or package ``a/b/c/``)."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import ROOT

TESTS = ROOT / "tests"

# Test files that mirror no module, each for a reason.
ALLOWED = {
    # whole-project checks: they read the checkout, not one module
    "test_readme.py": "runs every command in README.md",
    "test_architecture.py": "checks the import contract across all packages",
    "test_layout.py": "this file: checks the tests' own layout",
    "gallery/test_browser.py": "end to end: the built site served and read in a headless browser",
    "gallery/web/test_browser.py": "end to end: coevo serve bred, branched and published in headless Chromium",
    "docs/test_plugins.py": "runs the template plugins of docs/plugins/ (example files, not a package)",
}


def mirrored(test: Path, root: Path = ROOT) -> Path | None:
    """The module (``a/b/c.py``) or package (``a/b/c/``) that ``tests/a/b/test_c.py`` mirrors; None if neither."""
    relative = test.relative_to(root / "tests")
    name = relative.name.removeprefix("test_").removesuffix(".py")
    for candidate in (root / relative.parent / f"{name}.py", root / relative.parent / name / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def unmirrored(root: Path = ROOT, allowed: dict[str, str] = ALLOWED) -> list[str]:
    """Test files under ``root/tests`` that mirror no module and are not allowed to."""
    found = []
    for test in sorted((root / "tests").rglob("test_*.py")):
        key = test.relative_to(root / "tests").as_posix()
        if key not in allowed and mirrored(test, root) is None:
            found.append(key)
    return found


def test_every_test_file_mirrors_a_module() -> None:
    assert unmirrored() == [], "move each to tests/<package path>/test_<module>.py, or explain it in ALLOWED"


def test_the_allow_list_names_only_files_that_exist_and_mirror_nothing() -> None:
    """An entry goes once its file is gone or has found its mirror, so the list cannot keep stale exceptions."""
    stale = [key for key in ALLOWED if not (TESTS / key).is_file() or mirrored(TESTS / key) is not None]
    assert stale == []


def test_the_mirror_check_finds_a_stray_test_and_accepts_modules_and_packages(tmp_path: Path) -> None:
    for module in ("pkg/__init__.py", "pkg/mod.py", "pkg/sub/__init__.py"):
        (tmp_path / module).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / module).write_text("")
    for test in ("tests/pkg/test_mod.py", "tests/pkg/test_sub.py", "tests/pkg/test_gone.py", "tests/test_whole.py"):
        (tmp_path / test).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / test).write_text("")
    assert unmirrored(tmp_path, {"test_whole.py": "a whole-project check"}) == ["pkg/test_gone.py"]
