"""The import contract: the arrows between the layers, checked on every import statement (also inside functions).

- core (``coevo/`` but its programs and CLI) imports only the core;
- programs (``coevo/programs``) import the core and each other;
- the CLI (``coevo/commands``, ``coevo/__main__.py``) may import anything: it wires things up;
- ``gallery/`` imports the core and itself;
- the breeding site (``gallery/web``) imports the core, the programs and the gallery: it is a client of the
  breeding program, as the Pygame window is;
- each ``artists/X`` and ``critics/X`` package imports the core and itself, never another artist or critic.
"""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import ROOT

CLI = ("coevo.commands", "coevo.commands.main", "coevo.__main__")
PROJECT = ("coevo", "gallery", "artists", "critics")


def layer(module: str) -> str:
    """``core``, ``programs``, ``cli``, ``gallery``, or the package ``artists.X`` / ``critics.X``."""
    if module.startswith(CLI):
        return "cli"
    if module == "coevo.programs" or module.startswith("coevo.programs."):
        return "programs"
    if module == "gallery.web" or module.startswith("gallery.web."):
        return "web"
    top, _, rest = module.partition(".")
    if top == "coevo":
        return "core"
    if top in ("artists", "critics"):
        return f"{top}.{rest.partition('.')[0]}" if rest else top
    return top


ALLOWED = {"core": {"core"}, "programs": {"core", "programs"}, "gallery": {"core", "gallery"},
           "web": {"core", "programs", "gallery"}}


def allowed(source: str, target: str) -> bool:
    if source == "cli" or source == target:
        return True
    if source.startswith(("artists.", "critics.")):
        return target == "core"
    return target in ALLOWED.get(source, set())


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path, module: str) -> list[tuple[int, str]]:
    """(line, imported module) for every import of a project module in the file, relative ones resolved."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: from the file's package, up level - 1 packages
                package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
                package = package[: len(package) - node.level + 1]
                base = ".".join([*package, base] if base else package)
            found.append((node.lineno, base))
    return [(line, name) for line, name in found if name.split(".")[0] in PROJECT]


def violations(root: Path) -> list[str]:
    """Every import that breaks the contract, as ``file:line: source -> target``."""
    bad = []
    for top in PROJECT:
        for path in sorted((root / top).rglob("*.py")):
            module = module_name(path, root)
            for line, target in imports(path, module):
                if not allowed(layer(module), layer(target)):
                    bad.append(f"{path.relative_to(root)}:{line}: {layer(module)} -> {target}")
    return bad


def test_the_project_keeps_the_import_contract() -> None:
    assert violations(ROOT) == []


def test_the_checker_catches_forbidden_imports(tmp_path: Path) -> None:
    """A core module importing the gallery, a program importing an artist, one critic importing another."""
    files = {
        "coevo/__init__.py": "", "coevo/loop.py": "def f():\n    from gallery.store import Store\n",
        "coevo/programs/__init__.py": "", "coevo/programs/run.py": "import artists.gp\nfrom coevo import loop\n",
        "coevo/commands/run.py": "from gallery.catalog import GalleryCatalog\nimport artists.gp\n",
        "critics/__init__.py": "", "critics/cnn/__init__.py": "from critics.human import HumanCritic\n",
        "critics/human/__init__.py": "from . import critic\nfrom coevo.loop import Hook\n",
        "gallery/__init__.py": "", "gallery/site.py": "from coevo.programs.run import play\n",
        "gallery/web/__init__.py": "", "gallery/web/app.py": "from coevo.programs.breed import BreedingSession\n",
        "gallery/lineage.py": "from gallery.web import app\n",
        "artists/__init__.py": "", "artists/gp/__init__.py": "from ..cppn import x\n",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    found = violations(tmp_path)
    assert found == [
        "coevo/loop.py:2: core -> gallery.store",
        "coevo/programs/run.py:1: programs -> artists.gp",
        "gallery/lineage.py:1: gallery -> gallery.web",
        "gallery/site.py:1: gallery -> coevo.programs.run",
        "artists/gp/__init__.py:1: artists.gp -> artists.cppn",
        "critics/cnn/__init__.py:1: critics.cnn -> critics.human",
    ]


KERNEL = {"__init__", "__main__", "devices", "errors", "fakes", "images", "loop", "losses", "protocols", "rng",
          "schedules", "threads"}  # the core's root; everything else sits on a shelf (evolution, toolkits, store, ...)


def test_the_core_root_holds_only_the_kernel() -> None:
    root = {path.stem for path in (ROOT / "coevo").glob("*.py")}
    assert root == KERNEL and len(root) <= 12


def module_graph(root: Path) -> dict[str, set[str]]:
    """Project module -> the project modules it imports (every import statement, also inside functions); a name
    imported from a package counts as that package's module when it is one."""
    modules = {module_name(path, root): path for top in PROJECT for path in (root / top).rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for module, path in modules.items():
        targets = set()
        for _, target in imports(path, module):
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target and target != module:
                targets.add(target)
        graph[module] = targets
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_module_imports_itself_through_others() -> None:
    graph = {m: {t for t in targets if not m.startswith(t + ".")} for m, targets in module_graph(ROOT).items()}
    assert cycles(graph) == []


def test_the_cycle_finder_finds_a_circle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
