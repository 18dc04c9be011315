"""Layering rules from STYLE.md, checked on the source."""

from __future__ import annotations

import ast
import re
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
    for name in ("engine.py", "rules.py", "calendars.py", "scenario.py"):
        path = tracking / name
        if not path.exists():
            continue
        imported = _imports(path)
        assert not any(i.startswith(("flask", "sqlalchemy", "tracker.extensions", "tracker.clock"))
                       for i in imported), (name, imported)


def test_only_clock_reads_the_wall_clock() -> None:
    pattern = re.compile(r"\b(date|datetime)\.(today|now|utcnow)\(")
    bad = [str(p) for p in ROOT.rglob("*.py") if p.name != "clock.py" and pattern.search(p.read_text())]
    assert bad == []


def test_app_path_never_calls_create_all() -> None:
    bad = [str(p) for p in ROOT.rglob("*.py") if "create_all(" in p.read_text()]
    assert bad == []
