"""The layers hold: db/ is the floor, app/ sits on it, ui/ on top, and nothing imports in a loop.

The graph is read from the source with ``ast``: every ``import`` and ``from ... import``
anywhere in a module counts, inside functions too (an import put off into a function hides
a loop, it does not remove it). ``from pkg import name`` where ``name`` is a submodule is an
import of that submodule.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("app", "db", "ui")


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _source_files() -> dict[str, Path]:
    files = {_module_name(path): path for package in PACKAGES for path in (ROOT / package).rglob("*.py")}
    files["main"] = ROOT / "main.py"
    return files


def _imports(name: str, path: Path, known: set[str]) -> set[str]:
    """The modules of ours that the module ``name`` (at ``path``) imports."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: "from . import x", "from ..db import y"
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            targets = [f"{source}.{alias.name}" if f"{source}.{alias.name}" in known else source
                       for alias in node.names]
        else:
            continue
        for target in targets:
            # "import app.excel.command" names the module itself; anything else of ours
            # that is not a module ("from app.errors import UserError") is its module.
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def import_graph() -> dict[str, set[str]]:
    """Each module of app/, db/, ui/ and main.py, with the modules of ours it imports."""
    files = _source_files()
    return {name: _imports(name, path, set(files)) for name, path in files.items()}


def _in_package(module: str, package: str) -> bool:
    return module == package or module.startswith(f"{package}.")


def _crossings(graph: dict[str, set[str]], lower: str, upper: tuple[str, ...]) -> list[str]:
    return sorted(f"{module} imports {target}" for module, targets in graph.items()
                  if _in_package(module, lower)
                  for target in targets if any(_in_package(target, p) for p in upper))


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle through each group of modules that import one another (Tarjan's
    strongly connected components, then a shortest way round inside each)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []

    def visit(start: str) -> None:
        # Iterative depth-first search: the graph may be deeper than Python's recursion limit.
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.add(member)
                    if member == node:
                        break
                if len(group) > 1:
                    groups.append(group)

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return [_shortest_round(graph, group) for group in groups]


def _shortest_round(graph: dict[str, set[str]], group: set[str]) -> list[str]:
    """The shortest chain from the group's first module back to itself, inside the group."""
    start = min(group)
    came_from: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for child in sorted(graph[node] & group):
                if child == start:
                    chain = [node]
                    while chain[-1] != start:
                        chain.append(came_from[chain[-1]])
                    return [start, *reversed(chain[:-1]), start] if node != start else [start, start]
                if child not in came_from:
                    came_from[child] = node
                    following.append(child)
        frontier = following
    raise AssertionError(f"no way round {sorted(group)}")  # a strongly connected group always has one


def test_the_graph_sees_what_the_source_imports():
    graph = import_graph()
    assert {"app.database", "db.migrate", "ui.main_window", "main"} <= set(graph)
    assert "db.engine" in graph["app.database"]
    assert "app.errors" in graph["app.database"]
    # "from app import backups" is an import of the module app.backups, not of the package.
    assert "app.backups" in graph["app.database"]


def test_the_cycle_finder_names_a_loop_as_a_chain():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set()}
    assert sorted(" -> ".join(c) for c in find_cycles(graph)) == ["a -> b -> c -> a"]
    assert find_cycles({"a": {"b"}, "b": set()}) == []


def test_db_imports_nothing_from_app_or_ui():
    crossings = _crossings(import_graph(), "db", ("app", "ui"))
    assert not crossings, "db/ must import nothing from app/ or ui/:\n  " + "\n  ".join(crossings)


def test_app_imports_nothing_from_ui():
    crossings = _crossings(import_graph(), "app", ("ui",))
    assert not crossings, "app/ must import nothing from ui/:\n  " + "\n  ".join(crossings)


def test_no_module_imports_itself_round_a_loop():
    cycles = [" -> ".join(cycle) for cycle in find_cycles(import_graph())]
    assert not cycles, "Import loops:\n  " + "\n  ".join(cycles)
