"""Escalation to the team manager after N working days overdue and to the group manager
after M — counted in working days, so Christmas and New Year bank holidays do not count."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from tests.alerts.conftest import add_action
from tracker.alerts.models import Alert, Notification
from tracker.alerts.services import overdue_cutoff
from tracker.tracking.settings import update_settings

CHRISTMAS_EVE = dt.date(2026, 12, 24)  # Thursday


def _escalations(smtp) -> list[tuple[str, str]]:
    return [(m.recipients[0], m.subject) for m in smtp.inbox.received if m.subject.startswith("Escalated")]


def test_overdue_across_christmas_escalates_after_five_and_fifteen_working_days(factory, session, authority,
                                                                                 smtp, run) -> None:
    child = factory.child(worker=authority.worker, first_name="Zebedee", last_name="Quartermaine")
    add_action(session, child=child, owner=authority.worker, due_on=CHRISTMAS_EVE)

    # Overdue from Fri 25 Dec. Not working days: 25 Dec (Christmas), 28 Dec (Boxing Day,
    # substitute), 1 Jan. Counting every weekday it would be 5 days overdue on Thu 31 Dec;
    # in working days that is Tue 5 Jan 2027 (29, 30, 31 Dec, 4, 5 Jan).
    for day in (dt.date(2026, 12, 31), dt.date(2027, 1, 4)):
        assert run("scan", day).status == "ok"
        run("send-email")
        assert _escalations(smtp) == [], day
    run("scan", dt.date(2027, 1, 5))
    run("send-email")
    assert _escalations(smtp) == [("tm@test.invalid", "Escalated to you: 1 overdue item — Tuesday 5 January 2027")]
    email = smtp.inbox.to("tm@test.invalid")[0]
    assert f"- ZQ ({child.local_id}): Action, due 24/12/2026 (12 days overdue, 5 working days)" in email.text
    assert "Worker: Wendy Worker, East" in email.text
    assert "Zebedee" not in email.text and "asthma" not in email.text

    # The group manager after 15 working days: Tue 19 Jan 2027, not Mon 18 Jan.
    for day in (dt.date(2027, 1, 6), dt.date(2027, 1, 18)):
        run("scan", day)
        run("send-email")
    assert [to for to, _ in _escalations(smtp)] == ["tm@test.invalid"]
    run("scan", dt.date(2027, 1, 19))
    run("send-email")
    assert _escalations(smtp)[1:] == [("gm@test.invalid", "Escalated to you: 1 overdue item — Tuesday 19 January 2027")]
    assert "(26 days overdue, 15 working days)" in smtp.inbox.to("gm@test.invalid")[0].text

    # Never to the other team's manager; each manager told once; the worker had digests only.
    assert smtp.inbox.to("tm2@test.invalid") == []
    assert len(smtp.inbox.to("tm@test.invalid")) == 1 and len(smtp.inbox.to("gm@test.invalid")) == 1
    assert all(m.subject.startswith("Your due dates") for m in smtp.inbox.to("worker@test.invalid"))

    alerts = {(a.kind, a.level): a.raised_on for a in session.scalars(select(Alert))}
    assert alerts == {("overdue", "worker"): dt.date(2026, 12, 31),
                      ("escalated", "team_manager"): dt.date(2027, 1, 5),
                      ("escalated", "group_manager"): dt.date(2027, 1, 19)}
    notified = {(n.user_id, n.alert.level) for n in session.scalars(select(Notification))}
    assert notified == {(authority.worker.id, "worker"), (authority.team_manager.id, "team_manager"),
                        (authority.group_manager.id, "group_manager")}


def test_escalation_delays_come_from_the_settings(factory, session, authority, smtp, run) -> None:
    update_settings(session, {"escalate_team_manager_working_days": 2})
    child = factory.child(worker=authority.worker)
    add_action(session, child=child, owner=authority.worker, due_on=dt.date(2026, 11, 19))  # Thursday
    run("scan", dt.date(2026, 11, 20))
    run("send-email")
    assert _escalations(smtp) == []
    run("scan", dt.date(2026, 11, 23))  # Fri 20 and Mon 23: two working days overdue
    run("send-email")
    assert [to for to, _ in _escalations(smtp)] == ["tm@test.invalid"]


def test_overdue_cutoff_counts_working_days() -> None:
    # Due on or before the cutoff = overdue by at least N working days.
    # On 5 Jan, anything due from Christmas Eve to Boxing Day (substitute, 28 Dec) is 5
    # working days overdue (29, 30, 31 Dec, 4, 5 Jan); something due on the 29th is not.
    assert overdue_cutoff(dt.date(2027, 1, 5), 5) == dt.date(2026, 12, 28)
    assert overdue_cutoff(dt.date(2027, 1, 4), 5) == dt.date(2026, 12, 23)
    assert overdue_cutoff(dt.date(2026, 11, 23), 1) == dt.date(2026, 11, 22)  # a Monday: Sat/Sun due count
    assert overdue_cutoff(dt.date(2026, 11, 24), 1) == dt.date(2026, 11, 23)
