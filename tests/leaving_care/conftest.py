"""Helpers for the care-leaver tests: young people with a care history, and reading the
summary table."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest

from tracker.children.models import CarePeriod, Child
from tracker.tracking.services import recompute_children

#: The suite's "today" (frozen with time-machine where the clock matters).
TODAY = dt.date(2026, 11, 22)
FROZEN = dt.datetime(2026, 11, 22, 12, tzinfo=dt.UTC)


class CareLeavers:
    """Young people whose care history makes them care leavers."""

    def __init__(self, factory: Any, session: Any) -> None:
        self.factory = factory
        self.session = session

    def young_person(self, *, dob: dt.date, entered: dt.date, left: dt.date | None = None,
                     reason: str = "E5", adviser: Any = None, worker: Any = None, team: Any = None,
                     first_name: str = "Alex", last_name: str | None = None, today: dt.date = TODAY) -> Child:
        child = self.factory.child(worker=worker, team=team, date_of_birth=dob, entered_care=entered,
                                   legal_status="V2", first_name=first_name, last_name=last_name)
        if left is not None:
            period = self.session.query(CarePeriod).filter_by(child_id=child.id).one()
            period.end_on = left
            period.reason_ceased = reason
        child.personal_adviser_id = adviser.id if adviser is not None else None
        self.session.flush()
        recompute_children(self.session, [child.id], today=today)
        return child

    def former_relevant(self, *, age: int = 19, **kw: Any) -> Child:
        """In care from 15 until their 18th birthday; ``age`` today (the birthday was in May)."""
        year = TODAY.year - age
        return self.young_person(dob=dt.date(year, 5, 10), entered=dt.date(year + 15, 6, 1),
                                 left=dt.date(year + 18, 5, 10), reason="E17", **kw)


@pytest.fixture()
def leavers(factory, session) -> CareLeavers:
    # Care histories from before the shipped term dates need the authority's own (the
    # engine refuses to guess PEP terms); the demo's historical terms serve.
    from tracker.demo import _add_historical_terms

    _add_historical_terms(session)
    return CareLeavers(factory, session)


def summary_cell(page_html: str, row: str, measure: str) -> int:
    """The count in the summary table for a row label and a measure."""
    row_html = re.search(rf'<tr class="govuk-table__row" data-row="{re.escape(row)}">(.*?)</tr>', page_html, re.S)
    assert row_html, f"no summary row {row!r}"
    cell = re.search(rf'data-measure="{measure}">\s*(\d+)', row_html.group(1))
    assert cell, f"no {measure} in row {row!r}"
    return int(cell.group(1))
