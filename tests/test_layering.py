"""Enforces the one-way layering app -> ui -> core, and no import cycle inside core.

core must never import a Qt binding or qasync, checked twice: statically (every import statement
under core/) and dynamically (import every core module in a fresh interpreter and look at
sys.modules, which also catches imports hidden behind importlib or a third-party module).
ui must never import app. Inside core, no module imports one that (directly or not) imports it.
app's Qt-free modules (the scenario model and player, the data directory, the world, the
command line and the front door) load no Qt either, so a run that needs no window
(``--version``, a refused option, a busy data directory) never starts it.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QT_NAMES = frozenset({"PySide6", "shiboken6", "PyQt5", "PyQt6", "qasync"})


def _python_files(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def _imported_names(path: Path) -> Iterator[tuple[int, str]]:
    """Yield (line, full module name) for every absolute import in the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module


def _imported_top_names(path: Path) -> Iterator[tuple[int, str]]:
    """Yield (line, top-level name) for every absolute import, seeing readtick.x as x."""
    for line, name in _imported_names(path):
        parts = name.split(".")
        if parts[0] == "readtick" and len(parts) > 1:
            parts = parts[1:]
        yield line, parts[0]


def _offending_imports(package: str, forbidden: frozenset[str]) -> list[str]:
    return [
        f"{path.relative_to(ROOT)}:{line}: imports {name}"
        for path in _python_files(package)
        for line, name in _imported_top_names(path)
        if name in forbidden
    ]


def _module_name(path: Path) -> str:
    """The installed name of a file: core/engine.py is readtick.core.engine."""
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(["readtick", *parts])


def test_core_has_no_qt_import_statements() -> None:
    assert _python_files("core"), "core/ holds no Python files"
    assert _offending_imports("core", QT_NAMES) == []


# Runs in a fresh interpreter so nothing pytest or pytest-qt already imported can hide a leak.
_IMPORT_CHECK = """
import importlib, json, sys
names = sys.argv[2:]
for name in names:
    importlib.import_module(name)
forbidden = set(json.loads({forbidden!r}))
print(json.dumps(sorted(n for n in sys.modules if n.split(".")[0] in forbidden)))
"""


#: app's modules that must load without Qt (any of them that exists; a split adds its parts).
APP_QT_FREE = (
    "__main__",
    "bots",
    "cli",
    "datadir",
    "membership",
    "persistence",
    "pytest_plugin",  # pytest loads it in every run of a tester's tests, Qt ones or not
    "qtapp",  # the Qt bootstrap imports Qt inside its functions, once a mode asks for it
    "scenario",
    "scenariocheck",
    "scenariofields",
    "scenariomodel",
    "scenarioplayer",
    "scenariosteps",
    "scenarioworld",
    "session",
    "steprunner",
    "world",
)


def _loaded_by(modules: list[str]) -> list[str]:
    """The forbidden modules that importing ``modules`` in a fresh interpreter loads."""
    script = _IMPORT_CHECK.format(forbidden=json.dumps(sorted(QT_NAMES)))
    result = subprocess.run(
        [sys.executable, "-I", "-c", script, str(ROOT), *modules],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert result.returncode == 0, f"importing {modules} failed:\n{result.stderr}"
    loaded: list[str] = json.loads(result.stdout.strip().splitlines()[-1])
    return loaded


def test_importing_core_loads_no_qt() -> None:
    # Module names come from the files, so this works whether or not core/__init__.py exists
    # or re-exports anything.
    modules = sorted({_module_name(path) for path in _python_files("core")})
    assert modules, "core/ holds no Python files"
    loaded = _loaded_by(modules)
    assert loaded == [], f"importing core loaded {loaded}"


def test_importing_apps_qt_free_modules_loads_no_qt() -> None:
    modules = [f"readtick.app.{name}" for name in APP_QT_FREE if (ROOT / "app" / f"{name}.py").exists()]
    assert len(modules) >= 8, modules
    assert _loaded_by(modules) == []
    assert "PySide6" in _loaded_by(["readtick.ui.mainwindow"])  # the check sees Qt when it is there


def test_ui_never_imports_app() -> None:
    assert _python_files("ui"), "ui/ holds no Python files: the scan would pass vacuously"
    assert _offending_imports("ui", frozenset({"app"})) == []


def test_code_imports_the_installed_namespace_only() -> None:
    """`import core` would find whatever top-level `core` comes first on sys.path (another
    distribution's, or a tester's own package): readtick's code names readtick.core, always."""
    bare = [
        f"{path.relative_to(ROOT)}:{line}: imports {name}"
        for folder in ("core", "ui", "app", "tests", "benchmarks")
        for path in _python_files(folder)
        for line, name in _imported_names(path)
        if name.split(".")[0] in {"core", "ui", "app", "resources"}
    ]
    assert bare == []


def _core_import_graph() -> dict[str, set[str]]:
    """Which core modules each core module imports, counting every import statement: at the top,
    inside functions and under ``if TYPE_CHECKING`` (a cycle there still ties two files together)."""
    modules = {_module_name(path): path for path in _python_files("core")}
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                # `from readtick.core import engine` names a module; `... import Client` the package
                targets = [f"{node.module}.{alias.name}" for alias in node.names] + [node.module]
            else:
                continue
            for target in targets:
                if target in modules and target != name:
                    graph[name].add(target)
                    break
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str]:
    """One import cycle as [a, b, ..., a], or [] if there is none (depth-first, three colours)."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        path.pop()
        state[node] = 2
        return []

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return []


def test_cycle_finder_finds_a_cycle() -> None:
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set(), "c": {"a", "b"}}) == []


def test_core_has_no_import_cycle() -> None:
    """No file in core imports a file that (directly or not) imports it: each module can be read,
    tested and changed knowing only what it imports."""
    graph = _core_import_graph()
    assert graph["readtick.core.engine"], "the graph is empty: the scan would pass vacuously"
    cycle = _cycle(graph)
    assert cycle == [], "import cycle in core: " + " -> ".join(cycle)
