"""The package's modules import each other without a circle, and each imports on its own.

The graph counts every module-level import, those under ``if TYPE_CHECKING:`` too (a type-only
circle is still a circle a reader has to hold in their head); imports inside functions are the
deliberate lazy ones and are left out.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "intercom_async"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _resolve(module: str, is_package: bool, node: ast.ImportFrom) -> list[str]:
    if node.level == 0:
        base = node.module or ""
    else:
        anchor = module.split(".")
        if not is_package:
            anchor.pop()
        anchor = anchor[: len(anchor) - (node.level - 1)]
        base = ".".join(anchor + ([node.module] if node.module else []))
    targets = [base]
    for alias in node.names:
        candidate = f"{base}.{alias.name}"
        if candidate in MODULES:
            targets.append(candidate)
    return [t for t in targets if t in MODULES]


def _top_level_imports(tree: ast.Module) -> list[ast.stmt]:
    found: list[ast.stmt] = []
    for node in tree.body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            found.append(node)
        elif isinstance(node, ast.If | ast.Try):  # if TYPE_CHECKING: ..., try: import optional
            found.extend(n for n in node.body if isinstance(n, ast.Import | ast.ImportFrom))
    return found


def graph() -> dict[str, set[str]]:
    edges: dict[str, set[str]] = {}
    for module, path in MODULES.items():
        tree = ast.parse(path.read_text())
        targets: set[str] = set()
        for node in _top_level_imports(tree):
            if isinstance(node, ast.ImportFrom):
                targets.update(_resolve(module, path.name == "__init__.py", node))
            else:
                targets.update(a.name for a in node.names if a.name in MODULES)
        # A package's modules importing the package's __init__ (to reach a sibling) is the
        # package, not a circle between modules.
        edges[module] = {t for t in targets if t != module and not module.startswith(t + ".")}
    return edges


def _cycle(edges: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    trail: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        trail.append(node)
        for target in sorted(edges.get(node, ())):
            if state.get(target) == 1:
                return [*trail[trail.index(target) :], target]
            if target not in state:
                found = visit(target)
                if found:
                    return found
        state[node] = 2
        trail.pop()
        return None

    for start in sorted(edges):
        if start not in state:
            found = visit(start)
            if found:
                return found
    return None


def test_the_graph_finds_a_planted_circle() -> None:
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


def test_the_module_graph_has_no_circle() -> None:
    edges = graph()
    assert edges["intercom_async._client"], "the graph reads no imports at all"
    assert _cycle(edges) is None, " → ".join(_cycle(edges) or [])


@pytest.mark.parametrize("module", sorted(MODULES))
def test_each_module_imports_alone(module: str) -> None:
    if module.endswith(".__main__"):
        pytest.skip("a __main__ module runs the program when imported: the CLI tests run it")
    result = subprocess.run(
        [sys.executable, "-c", f"import {module}"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
