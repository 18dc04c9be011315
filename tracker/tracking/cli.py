"""``tracker rules explain SCENARIO_FILE [--today YYYY-MM-DD]`` (spec/scenarios.md).

A plain click group that needs no Flask app and no database: it runs the same engine the
application uses and prints the tracked items as JSON. Any bad input prints exactly one
line ``error: ...`` on stderr and exits with status 2, never a traceback.

Run standalone with ``python -m tracker.tracking.cli explain SCENARIO_FILE``.
"""

from __future__ import annotations

import json
from typing import NoReturn

import click

from .calendars import CalendarError
from .engine import FactError, compute_items
from .scenario import ScenarioError, items_to_json, parse_date, parse_scenario

EXIT_BAD_INPUT = 2


def _fail(message: str) -> NoReturn:
    click.echo("error: " + " ".join(str(message).split()), err=True)
    raise SystemExit(EXIT_BAD_INPUT)


@click.group("rules", help="Statutory rules: explain what the tracker computes.")
def rules() -> None:
    pass


@rules.command("explain")
@click.argument("scenario_file", metavar="SCENARIO_FILE")
@click.option("--today", "today_text", metavar="YYYY-MM-DD", help="Override the scenario's today.")
def explain(scenario_file: str, today_text: str | None) -> None:
    """Print the tracked items for one child's facts (a scenario JSON file)."""
    today = None
    if today_text is not None:
        today = parse_date(today_text)
        if today is None:
            _fail(f'--today "{today_text}" is not a valid date (YYYY-MM-DD)')
    try:
        with open(scenario_file, encoding="utf-8") as fh:
            doc = json.load(fh)
    except OSError as exc:
        _fail(f"cannot read {scenario_file}: {exc.strerror or exc}")
    except UnicodeDecodeError:
        _fail(f"cannot read {scenario_file}: not UTF-8 text")
    except json.JSONDecodeError as exc:
        _fail(
            f"{scenario_file} is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        )
    except RecursionError:
        _fail(f"{scenario_file} is nested too deeply")
    try:
        facts, today, config = parse_scenario(doc, today)
        items = compute_items(facts, today, config)
    except (ScenarioError, CalendarError, FactError) as exc:
        _fail(str(exc))
    click.echo(json.dumps(items_to_json(facts.child_id, today, items), indent=2))


if __name__ == "__main__":  # pragma: no cover - exercised by a subprocess test
    rules(prog_name="tracker rules")
