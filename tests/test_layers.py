"""The layers of the code: which app may import which, read from the source with ``ast``.

- ``tracker`` (core records, organisation, access, audit) imports no other app; ``common`` is allowed, as
  everywhere: it is a small library that imports no app.
- ``outcomes`` imports only ``tracker`` (and ``common``).
- ``figures`` imports only ``tracker``, ``outcomes`` and ``common``.
- Nothing imports ``devtools`` (demo data, benchmark, load test); it may import anything.
- The feature apps above may import each other, but the graph of all apps has no cycle.

Every absolute import counts: ``import x``, ``from x import y``, at module level or inside a function. Relative
imports stay inside their package. An app is a top-level package of the project (a directory with ``__init__.py``),
except the tests.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOT_APPS = {"tests"}

# What each app may import, for the apps whose imports are limited. Apps not listed may import any app except
# devtools, as long as no cycle forms.
ALLOWED = {
    "common": set(),
    "tracker": {"common"},
    "outcomes": {"tracker", "common"},
    "figures": {"tracker", "outcomes", "common"},
}
NOBODY_IMPORTS = {"devtools"}

Graph = Mapping[str, Mapping[str, list[str]]]  # app -> imported app -> where ("path:line module")


def app_packages(root: Path = ROOT) -> set[str]:
    return {p.parent.name for p in root.glob("*/__init__.py")} - NOT_APPS


def imported_modules(source: str) -> list[tuple[int, str]]:
    """(line, module) of every absolute import in the source, at any depth (functions, classes, branches)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
    return sorted(found)


def import_graph(root: Path = ROOT, apps: Iterable[str] | None = None) -> dict[str, dict[str, list[str]]]:
    """app -> {imported app: ["path:line module", …]}, for imports between different apps."""
    apps = set(app_packages(root) if apps is None else apps)
    graph: dict[str, dict[str, list[str]]] = {app: {} for app in sorted(apps)}
    for app in sorted(apps):
        for path in sorted((root / app).rglob("*.py")):
            for line, module in imported_modules(path.read_text(encoding="utf-8")):
                top = module.split(".")[0]
                if top in apps and top != app:
                    graph[app].setdefault(top, []).append(f"{path.relative_to(root)}:{line} {module}")
    return graph


def find_cycle(graph: Graph) -> list[str] | None:
    """One cycle of the graph as [a, b, …, a], or None."""
    state: dict[str, str] = {}  # "active" while on the path, "done" after
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = "active"
        path.append(node)
        for nxt in sorted(graph.get(node, {})):
            if state.get(nxt) == "active":
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        path.pop()
        state[node] = "done"
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def violations(graph: Graph) -> list[str]:
    """Every broken rule, with the imports that break it; empty when the layers hold."""
    out = []
    for app, targets in sorted(graph.items()):
        for target, where in sorted(targets.items()):
            if target in NOBODY_IMPORTS:
                out.append(f"{app} imports {target}, which nothing may import: {', '.join(where)}")
            elif app in ALLOWED and target not in ALLOWED[app]:
                allowed = ", ".join(sorted(ALLOWED[app])) or "no app"
                out.append(f"{app} may import only {allowed}, but imports {target}: {', '.join(where)}")
    cycle = find_cycle(graph)
    if cycle:
        steps = [f"{a} -> {b} ({graph[a][b][0]})" for a, b in zip(cycle, cycle[1:], strict=False)]
        out.append("cycle: " + " -> ".join(cycle) + "\n    " + "\n    ".join(steps))
    return out


# --- The project ---------------------------------------------------------------------------------------------


def test_the_apps_are_found():
    apps = app_packages()
    assert {"tracker", "outcomes", "common", "figures", "dashboards", "api", "devtools"} <= apps
    assert "tests" not in apps


def test_the_layers_hold():
    problems = violations(import_graph())
    assert not problems, "\n".join(problems)


# --- The checker, on imports and graphs made up for the purpose ----------------------------------------------


def test_every_kind_of_absolute_import_is_found():
    source = (
        "import os\n"
        "import outcomes.models, dashboards\n"
        "from tracker import selectors\n"
        "from . import sibling\n"
        "from .models import Thing\n"
        "def f():\n"
        "    from devtools.demo import seed\n"
        "class C:\n"
        "    if True:\n"
        "        import api.base as base\n"
    )
    assert imported_modules(source) == [
        (1, "os"),
        (2, "dashboards"),
        (2, "outcomes.models"),
        (3, "tracker"),
        (7, "devtools.demo"),
        (10, "api.base"),
    ]


def test_the_graph_is_read_from_the_files(tmp_path):
    for app in ("tracker", "outcomes", "shop"):
        (tmp_path / app / "sub").mkdir(parents=True)
        (tmp_path / app / "__init__.py").write_text("")
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "__init__.py").write_text("import shop\n")
    (tmp_path / "outcomes" / "sub" / "deep.py").write_text("from tracker.models import Citizen\nimport json\n")
    (tmp_path / "tracker" / "views.py").write_text("def page():\n    from outcomes import sub\n")
    (tmp_path / "shop" / "a.py").write_text("from shop import b\nfrom . import c\n")  # inside the app: no edge

    assert app_packages(tmp_path) == {"tracker", "outcomes", "shop"}
    assert import_graph(tmp_path) == {
        "outcomes": {"tracker": ["outcomes/sub/deep.py:1 tracker.models"]},
        "shop": {},
        "tracker": {"outcomes": ["tracker/views.py:2 outcomes"]},
    }


def graph_of(*edges: str) -> dict[str, dict[str, list[str]]]:
    graph: dict[str, dict[str, list[str]]] = {}
    for edge in edges:
        a, b = edge.split("->")
        graph.setdefault(a, {})[b] = [f"{a}/x.py:1 {b}"]
        graph.setdefault(b, {})
    return graph


def test_a_layered_graph_passes():
    graph = graph_of(
        "tracker->common",
        "outcomes->tracker",
        "figures->outcomes",
        "dashboards->figures",
        "api->dashboards",
        "improvement->api",
        "devtools->improvement",
    )
    assert violations(graph) == []
    assert find_cycle(graph) is None


def test_each_planted_violation_is_reported():
    planted = {
        "tracker->outcomes": "tracker may import only common, but imports outcomes: tracker/x.py:1 outcomes",
        "outcomes->dashboards": "outcomes may import only common, tracker, but imports dashboards",
        "common->tracker": "common may import only no app, but imports tracker",
        "api->devtools": "api imports devtools, which nothing may import",
        "figures->dashboards": "figures may import only common, outcomes, tracker, but imports dashboards",
    }
    for edge, message in planted.items():
        problems = violations(graph_of("dashboards->tracker", edge))
        assert len(problems) == 1, (edge, problems)
        assert problems[0].startswith(message), (edge, problems)


def test_a_cycle_is_found_and_printed():
    graph = graph_of("tracker->common", "api->dashboards", "dashboards->exchange", "exchange->api", "api->tracker")
    assert find_cycle(graph) == ["api", "dashboards", "exchange", "api"]
    (problem,) = violations(graph)
    assert problem.startswith("cycle: api -> dashboards -> exchange -> api")
    assert "exchange -> api (exchange/x.py:1 api)" in problem


def test_a_self_contained_two_app_cycle_is_found():
    assert find_cycle(graph_of("a->b", "b->a")) == ["a", "b", "a"]
    assert find_cycle(graph_of("a->b", "b->c", "a->c")) is None
