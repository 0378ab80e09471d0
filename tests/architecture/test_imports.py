"""The dependency rules of docs/architecture.md that import-linter's contracts do not state.

- No cycle between the project's modules (a cycle of modules inside one app is not a layer
  violation, so the layers contracts alone would let it pass).
- No import inside a function: an import hidden in a function is still a dependency. The
  exceptions are registration in `AppConfig.ready()` (hooks, tasks, signal receivers) and the
  command-line entry points of FUNCTION_IMPORTS_ALLOWED, which set Django up themselves.
"""

from __future__ import annotations

import ast
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("crackdown", "members", "cases", "bench")

# (file, function) that may import inside the function, with what the function is. Each is a
# `python -m` entry point whose module runs before Django is set up: the function calls
# django.setup() itself and only then imports the modules that import models (which need the app
# registry), so those imports cannot move to the module's top.
FUNCTION_IMPORTS_ALLOWED: dict[tuple[str, str], str] = {
    # `python -m bench`: sets the bench's environment (settings, throttles), calls django.setup(),
    # then imports bench.runner, which imports the cases and the models.
    ("bench/__main__.py", "main"): "python -m bench",
    # `python -m bench.profile` (make profile): the same pattern; then imports knox's models and
    # bench.runner's reader_clients.
    ("bench/profile.py", "main"): "python -m bench.profile",
    # `python -m bench.alerts` (the alert benchmark standalone): calls django.setup(), then imports
    # bench.fanout, which imports the alert, seizure and member models.
    ("bench/alerts.py", "main"): "python -m bench.alerts",
}


def _strongly_connected(graph: grimp.ImportGraph) -> list[set[str]]:
    """Tarjan's algorithm over the module graph, iteratively (the graph is a few hundred modules)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[set[str]] = []
    counter = 0
    for root in sorted(graph.modules):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.find_modules_directly_imported_by(child)))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    component = set()
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.add(member)
                        if member == node:
                            break
                    components.append(component)
    return components


def _import_graph() -> grimp.ImportGraph:
    return grimp.build_graph(*PACKAGES, cache_dir=None)


def test_no_import_cycle_between_modules():
    graph = _import_graph()
    cycles = [sorted(c) for c in _strongly_connected(graph) if len(c) > 1]
    assert cycles == []


def test_the_cycle_finder_finds_a_cycle():
    graph = grimp.ImportGraph()
    for name in ("a", "a.x", "a.y", "a.z"):
        graph.add_module(name)
    graph.add_import(importer="a.x", imported="a.y")
    graph.add_import(importer="a.y", imported="a.z")
    graph.add_import(importer="a.z", imported="a.x")
    assert [sorted(c) for c in _strongly_connected(graph) if len(c) > 1] == [["a.x", "a.y", "a.z"]]


def _function_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    relative = path.relative_to(ROOT).as_posix()
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        if node.name == "ready":
            continue  # AppConfig.ready(): registration imports, documented in .importlinter
        if (relative, node.name) in FUNCTION_IMPORTS_ALLOWED:
            continue  # an entry point that sets Django up before importing, listed above
        for inner in ast.walk(node):
            if isinstance(inner, ast.Import | ast.ImportFrom):
                found.append(f"{path.relative_to(ROOT)}:{inner.lineno}")
    return found


def test_no_import_inside_a_function():
    hidden = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            hidden.extend(_function_imports(path))
    assert hidden == []
