"""The package's layers, read from its source: io → model → engine → analysis → render, then
the API and the command line. A module imports only its own layer or those below, and no
modules import each other in a circle (imports inside functions and for type checking
count too: a circle is a circle wherever its imports sit)."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import ROOT

PACKAGE = ROOT / "brainflops"
LAYERS = {"io": 1, "model": 2, "engine": 3, "analysis": 4, "render": 5}
BASE = {"errors", "defaults", "version"}
"""Leaf modules every layer may name."""
TOP = 6
"""The API, the notebook helpers, the command line and the package root."""


def _module(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _layer(module: str) -> int:
    parts = module.split(".")
    if len(parts) > 1 and parts[1] in BASE:
        return 0
    return LAYERS.get(parts[1], TOP) if len(parts) > 1 else TOP


def _imports() -> dict[str, set[str]]:
    modules = {_module(p): p for p in PACKAGE.rglob("*.py")}
    found: dict[str, set[str]] = {}
    for name, path in modules.items():
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module)
                names.update(f"{node.module}.{a.name}" for a in node.names)
            elif isinstance(node, ast.Import):
                names.update(a.name for a in node.names)
        found[name] = {n for n in names if n in modules and n != name}
    return found


def test_no_module_imports_a_layer_above_its_own() -> None:
    upward = [
        f"{module} -> {target}"
        for module, targets in _imports().items()
        for target in targets
        if _layer(target) > _layer(module) and target != "brainflops"
    ]
    assert upward == []


def test_no_modules_import_each_other_in_a_circle() -> None:
    graph = _imports()
    graph = {m: {t for t in targets if t != "brainflops"} for m, targets in graph.items()}
    circles: list[list[str]] = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(module: str) -> None:
        state[module] = 1
        path.append(module)
        for target in sorted(graph[module]):
            if state.get(target) == 1:
                circles.append([*path[path.index(target) :], target])
            elif target not in state:
                visit(target)
        path.pop()
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module)
    assert circles == []


def test_the_check_sees_a_circle_and_an_upward_import() -> None:
    """The reading itself works: the API is above the engine, and the engine imports it
    nowhere; the package root imports the version, which imports nothing."""
    graph = _imports()
    assert "brainflops.engine.core" in graph["brainflops.api"]
    assert (
        _layer("brainflops.api") > _layer("brainflops.engine.core") > _layer("brainflops.io.yaml")
    )
    assert graph["brainflops.version"] == set()
