"""The modules of cme_policy import one another one way only: no import cycle, however indirect.

Every ``import`` and ``from ... import`` statement under ``cme_policy/`` is read with ``ast``:
at the top of a module, inside functions (a deferred import is still a dependency), and inside
``if TYPE_CHECKING:`` blocks too. Type-only imports count: a module that names another's type
depends on it as much as one that calls it, and a reader following the layers should never be
led back to where they started. An edge goes to the module named (``from .pack import load`` is
``cme_policy.pack.load``), not to the packages Python runs on the way there, whose
``__init__`` files are small and import lazily. Imports made from strings (``importlib``, the
lazy public names of ``cme_policy/__init__.py``) are not seen.
"""

from __future__ import annotations

import ast
from collections import deque
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path

import cme_policy

PACKAGE_DIR = Path(cme_policy.__file__).resolve().parent

#: Cycles known and accepted for now, each as the set of modules in it, with the reason. An
#: entry that no longer matches a cycle fails the test, so the list only ever shrinks.
ALLOWED_CYCLES: dict[frozenset[str], str] = {}

Graph = dict[str, dict[str, int]]  # module -> {imported module: line of the first import}


def _modules(package_dir: Path, package: str) -> dict[str, tuple[Path, bool]]:
    """Dotted module name -> (file, is a package ``__init__``)."""
    found = {}
    for path in sorted(package_dir.rglob("*.py")):
        parts = [package, *path.relative_to(package_dir).with_suffix("").parts]
        is_package = parts[-1] == "__init__"
        found[".".join(parts[:-1] if is_package else parts)] = (path, is_package)
    return found


def _imports(tree: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    for node in ast.walk(tree):  # every statement, at any depth: functions, classes, if blocks
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node


def import_graph(package_dir: Path, package: str) -> Graph:
    """Which modules of ``package`` each of its modules imports, and on which line."""
    modules = _modules(package_dir, package)
    graph: Graph = {}
    for name, (path, is_package) in modules.items():
        here = name if is_package else name.rpartition(".")[0]
        edges: dict[str, int] = {}
        for node in _imports(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            else:
                if node.level:
                    base = here.split(".")[: len(here.split(".")) - (node.level - 1)]
                    source = ".".join([*base, *([node.module] if node.module else [])])
                else:
                    source = node.module or ""
                # ``from a import b`` imports the module a.b when there is one, else a name of a.
                targets = [
                    f"{source}.{a.name}" if f"{source}.{a.name}" in modules else source for a in node.names
                ]
            for target in targets:
                if target in modules and target != name:
                    edges.setdefault(target, node.lineno)
        graph[name] = edges
    return graph


def cycles(graph: Graph) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
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
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return sorted(found)


def _loop(graph: Graph, component: list[str]) -> str:
    """The shortest loop from the first module of ``component`` back to it, with the line of
    each import, for the message."""
    start = component[0]
    came_from: dict[str, str] = {}
    queue = deque([start])
    while queue:
        v = queue.popleft()
        for w in sorted(graph[v]):
            if w == start:
                chain = []
                while v != start:
                    chain.append(v)
                    v = came_from[v]
                loop = [start, *reversed(chain), start]
                return " -> ".join(f"{a} (line {graph[a][b]})" for a, b in pairwise(loop)) + f" -> {start}"
            if w in component and w not in came_from:
                came_from[w] = v
                queue.append(w)
    raise AssertionError(f"no loop through {start}")


def test_no_import_cycles_in_cme_policy():
    graph = import_graph(PACKAGE_DIR, "cme_policy")
    found = cycles(graph)
    new = [c for c in found if frozenset(c) not in ALLOWED_CYCLES]
    assert not new, "import cycles (make the dependency one-way):\n" + "\n".join(_loop(graph, c) for c in new)
    stale = [sorted(c) for c in ALLOWED_CYCLES if sorted(c) not in found]
    assert not stale, f"these allowed cycles are gone: remove them from ALLOWED_CYCLES: {stale}"


def test_the_graph_sees_deferred_and_type_only_imports(tmp_path):
    """The check itself: a loop made of a function-level import and a TYPE_CHECKING import,
    through ``from . import``, is found; a package's own modules do not loop through it."""
    pkg = tmp_path / "pkg"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("from .sub import b\n")
    (pkg / "sub" / "__init__.py").write_text("")
    (pkg / "a.py").write_text("def f():\n    from .sub import b\n")
    (pkg / "sub" / "b.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .. import a\n"
    )
    (pkg / "sub" / "c.py").write_text("import pkg.sub.b\nfrom . import b as _b\n")
    graph = import_graph(pkg, "pkg")
    assert graph["pkg.a"] == {"pkg.sub.b": 2}
    assert graph["pkg.sub.b"] == {"pkg.a": 3}
    assert graph["pkg.sub.c"] == {"pkg.sub.b": 1}
    assert cycles(graph) == [["pkg.a", "pkg.sub.b"]]
    assert _loop(graph, ["pkg.a", "pkg.sub.b"]) == "pkg.a (line 2) -> pkg.sub.b (line 3) -> pkg.a"


def test_the_pack_loader_depends_on_the_layering_check_not_the_reverse():
    graph = import_graph(PACKAGE_DIR, "cme_policy")
    assert "cme_policy.pack.layering" in graph["cme_policy.pack.load"]
    assert "cme_policy.pack.load" not in graph["cme_policy.pack.layering"]
