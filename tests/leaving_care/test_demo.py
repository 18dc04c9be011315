"""The demo's care-leaver records: advisers allocated, realistic records that pass the
same checks as the forms, and a caseload for pa1 with something overdue."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from tests.leaving_care.conftest import TODAY
from tracker.auth.models import User
from tracker.children.models import Child
from tracker.demo import build_demo
from tracker.leaving_care import queries, services
from tracker.leaving_care.models import PaContact, Tenancy
from tracker.tracking.models import TrackedItem


def test_demo_care_leavers_are_allocated_and_every_record_passes_the_form_checks(session, monkeypatch) -> None:
    # On SQLite the test session's savepoint is the outermost transaction (pysqlite defers
    # BEGIN), so a real commit here would outlive the test: flush instead.
    monkeypatch.setattr(session, "commit", session.flush)
    build_demo(session, n_children=40, seed=7, password="demo password", today=TODAY, password_cost=(1, 64))
    pa1 = session.scalar(select(User).where(User.email == "pa1@demo.invalid"))
    theirs = list(session.scalars(select(Child).where(Child.personal_adviser_id == pa1.id)))
    assert len(theirs) >= 3
    overdue = session.scalars(select(TrackedItem).where(TrackedItem.owner_id == pa1.id,
                                                        TrackedItem.status == "overdue")).all()
    assert overdue, "pa1 should have something overdue"

    allocated = list(session.scalars(select(Child).where(Child.personal_adviser_id.is_not(None))))
    statuses = queries.get_statuses(session, [c.id for c in allocated], TODAY)
    assert {s.category for s in statuses.values()} <= set(queries.SUPPORTED)

    checked = 0
    for kind, spec in services.KINDS.items():
        for record in session.scalars(select(spec.model)):
            child = session.get(Child, record.child_id)
            data = {name: getattr(record, name) for name in spec.fields}
            _values, errors = services.validate(session, child, kind, data, today=TODAY, record=record)
            assert errors == {}, (kind, record.id, data, errors)
            checked += 1
    assert checked > 100

    # The browser test's young person: pa1's, 18 or over, no tenancy, no contact for 2 months.
    since = TODAY - dt.timedelta(days=61)
    candidates = [c for c in theirs if c.age_on(TODAY) >= 18
                  and not session.scalar(select(Tenancy.id).where(Tenancy.child_id == c.id).limit(1))
                  and not session.scalar(select(PaContact.id).where(PaContact.child_id == c.id,
                                                                   PaContact.contact_on >= since).limit(1))]
    assert candidates
