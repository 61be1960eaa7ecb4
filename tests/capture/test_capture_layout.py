"""The shape of ``tracediff/capture``: rooms that depend one way, no circles, no hidden imports.

Read from the source (``ast``), so a deferred import cannot hide a circle: every ``import`` must be
at module level (``TYPE_CHECKING`` blocks included in the graph), the graph of capture's modules must
be acyclic, physics must never import printing, and the writer must stay torch-free (the tracer API
reuses it).
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

import tracediff.capture

ROOT = Path(tracediff.capture.__file__).resolve().parent
PACKAGE = "tracediff.capture"


def _module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = [p for p in rel.parts if p != "__init__"]
    return ".".join([PACKAGE, *parts])


MODULES = {_module_name(p): p for p in sorted(ROOT.rglob("*.py"))}


def _imports(tree: ast.AST) -> list[tuple[str, bool]]:
    """(imported module, at module level?) for every import statement."""
    found: list[tuple[str, bool]] = []

    def visit(node: ast.AST, top: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inner = top and not isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
            if isinstance(child, ast.Import):
                found.extend((alias.name, top) for alias in child.names)
            elif isinstance(child, ast.ImportFrom) and child.module:
                found.append((child.module, top))
                found.extend((f"{child.module}.{alias.name}", top) for alias in child.names)
            visit(child, inner)

    visit(tree, True)
    return found


GRAPH = {
    name: {target for target, _ in _imports(ast.parse(path.read_text(encoding="utf-8"))) if target in MODULES}
    for name, path in MODULES.items()
}


@pytest.mark.parametrize("name", sorted(MODULES))
def test_every_module_imports(name: str) -> None:
    importlib.import_module(name)


@pytest.mark.parametrize("name", sorted(MODULES))
def test_imports_are_at_module_level(name: str) -> None:
    nested = [t for t, top in _imports(ast.parse(MODULES[name].read_text(encoding="utf-8"))) if not top]
    assert nested == [], f"{name} imports inside a function: {nested}"


def test_no_import_circle() -> None:
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done

    def visit(name: str, path: list[str]) -> None:
        state[name] = 1
        for target in sorted(GRAPH[name] - {name}):
            if state.get(target) == 1:
                cycle = path[path.index(target):] + [target] if target in path else [name, target]
                raise AssertionError(" -> ".join(cycle))
            if target not in state:
                visit(target, [*path, target])
        state[name] = 2

    for name in sorted(GRAPH):
        if name not in state:
            visit(name, [name])


def test_physics_never_imports_printing_or_the_runner() -> None:
    for name, targets in GRAPH.items():
        if name.startswith(f"{PACKAGE}.physics"):
            bad = {t for t in targets if not t.startswith((f"{PACKAGE}.physics", f"{PACKAGE}.config"))}
            assert bad == set(), f"{name} imports {bad}"


def test_the_writer_is_torch_free() -> None:
    tree = ast.parse(MODULES[f"{PACKAGE}.printing.writer"].read_text(encoding="utf-8"))
    imported = {t.split(".")[0] for t, _ in _imports(tree)}
    assert imported <= {"__future__", "sys", "collections", "typing"}, imported
