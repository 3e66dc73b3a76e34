"""The import graph of `sidecar/` has no cycle: web -> stages -> store -> foundations, one way.

Every import counts: module level, under `if TYPE_CHECKING:` and inside functions (a lazy import
that closes a circle is still a circle a reader has to untangle). An edge goes to the module
named (`from .a import b` goes to `a.b` when that is a module, else to `a`); the implicit import
of a parent package is not an edge, so a package's `__init__` may re-export its submodules.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2] / "sidecar"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(ROOT.rglob("*.py"))}


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """The `sidecar` modules this module imports, anywhere in its body."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base_parts = package.split(".")
                base_parts = base_parts[: len(base_parts) - (node.level - 1)]
                base = ".".join(base_parts + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in known else base for a in node.names]
        else:
            continue
        found.update(t for t in targets if t in known and t != name)
    return found


def graph() -> dict[str, set[str]]:
    mods = modules()
    known = set(mods)
    return {name: imports_of(name, path, known) for name, path in mods.items()}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan), each as a closed path."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(path_through(sorted(component), edges))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return out


def path_through(component: list[str], edges: dict[str, set[str]]) -> list[str]:
    """One concrete circle inside a strongly connected component, for the failure message."""
    members = set(component)
    start = component[0]
    seen = {start: [start]}
    frontier = [start]
    while frontier:
        nxt = []
        for v in frontier:
            for w in sorted(edges[v] & members):
                if w == start:
                    return seen[v] + [start]
                if w not in seen:
                    seen[w] = seen[v] + [w]
                    nxt.append(w)
        frontier = nxt
    return component


# Circles that remain, each with its owner; the list may only shrink (it is empty: the graph has no circle).
# (The 16-module circle through app.py is gone: stages no longer import the app.)
KNOWN: dict[frozenset[str], str] = {}


def test_the_sidecar_package_has_no_import_cycle() -> None:
    found = [c for c in cycles(graph()) if frozenset(c) not in KNOWN]
    assert not found, "import cycles:\n" + "\n".join(" -> ".join(c) for c in found)


def test_the_known_cycles_still_exist() -> None:
    """A circle that was untangled leaves KNOWN, so it cannot come back unnoticed."""
    present = {frozenset(c) for c in cycles(graph())}
    assert [KNOWN[k] for k in KNOWN if k not in present] == []


def test_no_stage_and_no_web_module_imports_the_app() -> None:
    edges = graph()
    importers = sorted(m for m, targets in edges.items() if "sidecar.app" in targets)
    assert set(importers) <= {"sidecar.cli", "sidecar.demo.run"}, importers


@pytest.mark.parametrize("source, expected", [
    ({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}, [["a", "b", "c", "a"]]),
    ({"a": {"b"}, "b": set()}, []),
    ({"a": {"b"}, "b": {"a"}, "c": {"d"}, "d": {"c"}}, [["a", "b", "a"], ["c", "d", "c"]]),
])
def test_the_checker_finds_and_names_circles(source: dict[str, set[str]], expected: list[list[str]]) -> None:
    assert sorted(cycles(source)) == expected


def test_the_checker_reads_type_checking_and_lazy_imports(tmp_path: Path) -> None:
    body = ("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .b import B\n"
            "def f():\n    from . import c\n")
    path = tmp_path / "a.py"
    path.write_text(body)
    assert imports_of("sidecar.x.a", path, {"sidecar.x.b", "sidecar.x.c", "sidecar.x"}) == {
        "sidecar.x.b", "sidecar.x.c"}
