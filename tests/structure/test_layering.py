"""Layering rules from STYLE.md, checked on the source."""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2] / "tracker"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{a.name}" for a in node.names)
    return names


def test_services_and_queries_do_not_read_the_request_or_current_user() -> None:
    bad = []
    for path in list(ROOT.rglob("services.py")) + list(ROOT.rglob("queries.py")):
        imported = _imports(path)
        if {"flask.request", "flask_login.current_user", "flask.session"} & imported:
            bad.append(str(path))
    assert bad == []


def test_services_never_commit() -> None:
    bad = [str(p) for p in ROOT.rglob("services.py") if re.search(r"\.commit\(\)", p.read_text())]
    assert bad == []


def test_rules_engine_is_pure() -> None:
    tracking = ROOT / "tracking"
    pure = [tracking / n for n in ("engine.py", "calendars.py", "scenario.py", "cli.py")]
    pure += sorted((tracking / "rules").glob("*.py"))
    assert len(pure) > 10 and all(p.exists() for p in pure)
    for path in pure:
        imported = _imports(path)
        assert not any(i.startswith(("flask", "sqlalchemy", "tracker")) for i in imported), (path.name, imported)


def test_only_clock_reads_the_wall_clock() -> None:
    pattern = re.compile(r"\b(date|datetime)\.(today|now|utcnow)\(")
    bad = [str(p) for p in ROOT.rglob("*.py") if p.name != "clock.py" and pattern.search(p.read_text())]
    assert bad == []


def test_app_path_never_calls_create_all() -> None:
    bad = [str(p) for p in ROOT.rglob("*.py") if "create_all(" in p.read_text()]
    assert bad == []


# The layers (README "Architecture"), bottom first. A module may import its own package
# and the packages of lower layers; never a package of its own layer or one above. Only
# the foundation's and the application's modules may import each other within their layer.
LAYERS: tuple[tuple[str, set[str]], ...] = (
    ("foundation", {"config", "clock", "codes", "db", "errors", "extensions", "logs", "migrate", "plugins"}),
    ("audit trail", {"audit"}),
    ("web helpers", {"web"}),
    ("identity and jobs", {"auth", "jobs"}),
    ("rules engine and tracked items", {"tracking"}),
    ("the child record", {"children"}),
    ("fact domains", {"actions", "education", "health", "leaving_care", "missing", "permanence", "placements",
                      "reviews", "visits"}),
    ("features across domains", {"alerts", "allocation", "meetings", "reports", "returns"}),
    ("application", {"tracker", "casework_demo", "cli", "commands", "demo", "gunicorn_conf", "models", "probes"}),
)
OPEN_LAYERS = {"foundation", "application"}
#: Modules whose functions may import the project's modules, and why it is needed then.
RUN_TIME_IMPORTS = {
    "tracker/__init__.py": "the app factory loads the application's parts when it builds an app; every "
                           "`import tracker.x` runs this file first, so importing them at the top would load "
                           "the whole application for any module (and import it in a circle)",
}


def _unit(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "tracker"


def _module_of(path: Path) -> str:
    rel = path.relative_to(ROOT.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _project_imports(path: Path) -> list[tuple[str, int, bool]]:
    """(imported tracker module, line, inside a function) for every import in ``path``."""
    tree = ast.parse(path.read_text())
    package = _module_of(path) if path.name == "__init__.py" else _module_of(path).rpartition(".")[0]
    out: list[tuple[str, int, bool]] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inside = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
            targets: list[str] = []
            if isinstance(child, ast.Import):
                targets = [a.name for a in child.names]
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    anchor = package.split(".")[: len(package.split(".")) - (child.level - 1)]
                    base = ".".join(anchor + ([child.module] if child.module else []))
                if base == "tracker":  # from tracker import clock, create_app
                    targets = [f"tracker.{a.name}" if (ROOT / a.name).exists() or (ROOT / f"{a.name}.py").exists()
                               else "tracker" for a in child.names]
                else:
                    targets = [base]
            out.extend((t, child.lineno, inside) for t in targets if t == "tracker" or t.startswith("tracker."))
            visit(child, inside)

    visit(tree, False)
    return out


def _layer_of() -> dict[str, int]:
    return {unit: n for n, (_name, units) in enumerate(LAYERS) for unit in units}


def _edges() -> dict[tuple[str, str], list[str]]:
    edges: dict[tuple[str, str], list[str]] = defaultdict(list)
    for path in sorted(ROOT.rglob("*.py")):
        here = _unit(_module_of(path))
        for target, line, _inside in _project_imports(path):
            there = _unit(target)
            if there != here:
                edges[(here, there)].append(f"{path.relative_to(ROOT.parent)}:{line}")
    return edges


def test_every_package_has_a_layer() -> None:
    units = {_unit(_module_of(p)) for p in ROOT.rglob("*.py")}
    assert units - set(_layer_of()) == set(), "put the new package in a layer (LAYERS and README)"


def test_imports_only_run_down_the_layers() -> None:
    layer = _layer_of()
    wrong = []
    for (here, there), where in sorted(_edges().items()):
        below = layer[there] < layer[here]
        alongside = layer[there] == layer[here] and LAYERS[layer[here]][0] in OPEN_LAYERS
        if not (below or alongside):
            wrong.append(f"{here} ({LAYERS[layer[here]][0]}) imports {there} ({LAYERS[layer[there]][0]}): "
                         + ", ".join(where))
    assert wrong == []


def test_no_import_cycles_between_packages() -> None:
    graph: dict[str, set[str]] = defaultdict(set)
    for here, there in _edges():
        graph[here].add(there)
    cycles = []

    def reaches(start: str, goal: str) -> bool:
        seen, todo = set(), [start]
        while todo:
            node = todo.pop()
            if node == goal:
                return True
            if node not in seen:
                seen.add(node)
                todo.extend(graph[node])
        return False

    for here in sorted(graph):
        cycles += [(here, there) for there in sorted(graph[here]) if reaches(there, here)]
    assert cycles == []


def test_project_imports_inside_functions_only_where_documented() -> None:
    hidden = [f"{path.relative_to(ROOT.parent)}:{line} imports {target}"
              for path in sorted(ROOT.rglob("*.py")) if str(path.relative_to(ROOT.parent)) not in RUN_TIME_IMPORTS
              for target, line, inside in _project_imports(path) if inside]
    assert hidden == []
    assert all((ROOT.parent / name).exists() for name in RUN_TIME_IMPORTS)


def test_the_core_imports_no_domain() -> None:
    layer = _layer_of()
    core = {u for u, n in layer.items() if n <= layer["tracking"]}
    domains = {u for u, n in layer.items() if layer["children"] <= n < layer["tracker"]}
    leaks = {(a, b) for a, b in _edges() if a in core and b in domains}
    assert leaks == set()
