"""Helpers shared by the casework tests (reviews, health, education, permanence, actions)."""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any

import time_machine
from sqlalchemy.orm import Session

from tracker.tracking.models import TrackedItem

TODAY = dt.date(2026, 11, 22)
#: Freeze "today" at 22 November 2026 (a Sunday, inside the shipped 2026/27 autumn term).
frozen = time_machine.travel(dt.datetime(2026, 11, 22, 12, tzinfo=dt.UTC), tick=False)


def recompute(session: Session, *children: Any) -> None:
    """Work out the items for children made by the test factory (which writes rows directly)."""
    from tracker.tracking.services import recompute_children

    recompute_children(session, [c.id for c in children], today=TODAY)


def items(session: Session, child_id: int) -> dict[str, TrackedItem]:
    """The child's tracked items by kind and number or term: ``review2``, ``sdq1``, ``pep2026/27-autumn``."""
    session.expire_all()
    out = {}
    for i in session.query(TrackedItem).filter_by(child_id=child_id):
        n = i.key.split("#", 1)[1].split("@", 1)[0] if "#" in i.key else ""
        out[f"{i.kind}{n}{i.term or ''}"] = i
    return out


def field_error(resp: Any, field: str) -> str:
    """The error message shown next to a field (empty if none)."""
    body = resp.get_data(as_text=True)
    m = re.search(rf'<p id="{re.escape(field)}-error" class="govuk-error-message">(.*?)</p>', body, re.S)
    if not m:
        return ""
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", m.group(1)))).replace("Error:", "").strip()


def summary_errors(resp: Any) -> list[str]:
    body = resp.get_data(as_text=True)
    m = re.search(r'govuk-error-summary__list">(.*?)</ul>', body, re.S)
    return [html.unescape(re.sub(r"<[^>]+>", "", x)).strip() for x in re.findall(r"<li>(.*?)</li>", m.group(1), re.S)] if m else []


def input_value(resp: Any, input_id: str) -> str | None:
    body = resp.get_data(as_text=True)
    m = re.search(rf'<input[^>]*id="{re.escape(input_id)}"[^>]*>', body)
    if not m:
        return None
    v = re.search(r'value="([^"]*)"', m.group(0))
    return v.group(1) if v else ""
