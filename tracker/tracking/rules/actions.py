"""Actions: a tracked item with an owner and a due date chosen by whoever set it
(rules.md §5)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from .core import Ctx, d
from .events import EventType, iso_date, text
from .timescales import Clock, Days, Rule

ACTION = Rule(
    kind="action",
    title="Action",
    text=(
        "An action set by a worker or manager (at a tracking meeting, review or pathway "
        "plan) with an owner and a due date they choose."
    ),
    clocks=(Clock("chosen", "the date the action was set", Days(0)),),
    completed_by="marked as done",
    recurrence="once",
    applicability="any child",
    closes="never",
    source="local practice",
)

RULES = (ACTION,)


def _dates_in_order(on: date, data: Mapping[str, Any]) -> str | None:
    if data["due"] < on:
        return f"due {data['due'].isoformat()} is before the date set"
    if "completed" in data and data["completed"] < on:
        return f"completed {data['completed'].isoformat()} is before the date set"
    return None


#: An extension for the app: an action set by a worker or manager.
EVENTS = (
    EventType("action", {
        "id": (True, text),
        "title": (True, text),
        "due": (True, iso_date),
        "completed": (False, iso_date),
        "set_by": (False, text),
    }, check=_dates_in_order),
)


def _as_date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def action_items(ctx: Ctx) -> None:
    """Event type ``action`` (fields ``id``, ``title``, ``due``, optional ``completed`` and
    ``set_by``) gives one item, never closed by leaving care."""
    for ev in ctx.of_type("action"):
        due = _as_date(ev.get("due"))
        if due is None:
            continue
        completed = _as_date(ev.get("completed"))
        title = str(ev.get("title", "")).strip() or "untitled"
        who = ev.get("set_by")
        by = f" by {who}" if who else ""
        because = f'Action "{title}": set{by} on {d(ev.date)}, due {d(due)} as chosen'
        ident = str(ev.get("id", "")) or str(ev.index)
        ctx.add(ACTION, f"action@{ident}", due, because, completed=completed, completed_by=ev.ref)
