"""Permanence: the plan, milestones, pre-proceedings and care proceedings."""

from __future__ import annotations

import datetime as dt

from tests.children.casework import field_error, frozen, items, recompute
from tests.helpers import plain, sign_in, submit
from tracker.permanence.models import CourtEvent, PermanenceMilestone


def _setup(factory, entered_care=dt.date(2026, 3, 2), **kw):
    sw = factory.user()
    child = factory.child(worker=sw, entered_care=entered_care, **kw)
    recompute(factory.session, child)
    return sw, child


@frozen
def test_recording_the_plan_completes_the_permanence_item(client, factory, session) -> None:
    sw, child = _setup(factory)
    assert items(session, child.id)["permanence_plan"].status == "overdue"
    sign_in(client, sw)
    url = f"/children/{child.id}/permanence/plans/new"
    no_plan = submit(client, url, {"agreed_on": dt.date(2026, 7, 1)})
    assert field_error(no_plan, "plan") == "Select the plan for permanence"
    resp = submit(client, url, {"agreed_on": dt.date(2026, 7, 1), "plan": "long_term_fostering"}, follow=True)
    assert "Permanence plan recorded" in plain(resp)
    assert items(session, child.id)["permanence_plan"].status == "done_late"
    page = plain(client.get(f"/children/{child.id}/permanence"))
    assert "Current plan: Long-term fostering, agreed 01/07/2026." in page


@frozen
def test_milestones_are_listed_and_duplicates_refused(client, factory, session) -> None:
    sw, child = _setup(factory)
    sign_in(client, sw)
    url = f"/children/{child.id}/permanence/milestones/new"
    assert submit(client, url, {"kind": "permanence_panel", "on": dt.date(2026, 8, 4)}).status_code == 302
    dup = submit(client, url, {"kind": "permanence_panel", "on": dt.date(2026, 8, 4)})
    assert field_error(dup, "on") == "Permanence panel on 04/08/2026 is already recorded"
    unknown = submit(client, url, {"kind": "knighthood", "on": dt.date(2026, 8, 5)})
    assert field_error(unknown, "kind") == "Select the milestone"
    assert session.query(PermanenceMilestone).filter_by(child_id=child.id).count() == 1
    assert "04/08/2026 Permanence panel" in plain(client.get(f"/children/{child.id}/permanence"))


@frozen
def test_pre_proceedings_can_start_before_care_and_must_start_before_they_end(client, factory, session) -> None:
    sw = factory.user()
    child = factory.child(worker=sw)  # on the edge of care: never looked after
    sign_in(client, sw)
    url = f"/children/{child.id}/permanence/court/new"
    no_start = submit(client, url, {"kind": "pre_proceedings_ended", "on": dt.date(2026, 10, 1)})
    assert field_error(no_start, "kind") == ("There are no pre-proceedings open on this date; record when they "
                                             "started first")
    resp = submit(client, url, {"kind": "pre_proceedings_started", "on": dt.date(2026, 9, 1)})
    assert resp.status_code == 302
    item = items(session, child.id)["pre_proceedings"]
    assert item.due_on == dt.date(2026, 12, 22)  # 16 weeks
    assert item.status == "upcoming"
    twice = submit(client, url, {"kind": "pre_proceedings_started", "on": dt.date(2026, 10, 1)})
    assert field_error(twice, "on") == "Pre-proceedings started on 01/09/2026 have not ended yet"
    page = plain(client.get(f"/children/{child.id}/permanence"))
    assert "Started 01/09/2026 Week 12 of 16" in page


@frozen
def test_proceedings_with_an_extension_show_week_n_of_26_plus_extensions(client, factory, session) -> None:
    sw, child = _setup(factory, entered_care=dt.date(2026, 5, 20))
    sign_in(client, sw)
    url = f"/children/{child.id}/permanence/court/new"
    no_proceedings = submit(client, url, {"kind": "proceedings_extended", "on": dt.date(2026, 5, 1), "weeks": "4"})
    assert "needs care proceedings issued on or before this date" in field_error(no_proceedings, "kind")
    assert submit(client, url, {"kind": "proceedings_issued", "on": dt.date(2026, 6, 1)}).status_code == 302
    assert items(session, child.id)["proceedings"].due_on == dt.date(2026, 11, 29)  # issue date + 181 days
    no_weeks = submit(client, url, {"kind": "proceedings_extended", "on": dt.date(2026, 11, 1)})
    assert field_error(no_weeks, "weeks") == "Select how many weeks the timetable was extended by (1 to 8)"
    too_many = submit(client, url, {"kind": "proceedings_extended", "on": dt.date(2026, 11, 1), "weeks": "9"})
    assert field_error(too_many, "weeks") == "An extension is from 1 to 8 weeks"
    weeks_on_hearing = submit(client, url, {"kind": "hearing", "on": dt.date(2026, 11, 1), "weeks": "2"})
    assert field_error(weeks_on_hearing, "weeks") == "Only give weeks for an extension of the timetable"
    ok = submit(client, url, {"kind": "proceedings_extended", "on": dt.date(2026, 11, 1), "weeks": "8"})
    assert ok.status_code == 302
    item = items(session, child.id)["proceedings"]
    assert item.due_on == dt.date(2027, 1, 24)
    assert "extended on 2026-11-01 by 8 weeks to 2027-01-24" in item.explanation
    page = plain(client.get(f"/children/{child.id}/permanence"))
    assert "Issued 01/06/2026: Week 25 of 34 (26 weeks + 8 weeks of extensions)" in page
    assert "Extended 01/11/2026 8 weeks" in page
    assert session.query(CourtEvent).filter_by(child_id=child.id).count() == 2


@frozen
def test_a_final_order_needs_the_order_and_concludes_the_proceedings(client, factory, session) -> None:
    sw, child = _setup(factory, entered_care=dt.date(2026, 5, 20))
    sign_in(client, sw)
    url = f"/children/{child.id}/permanence/court/new"
    assert submit(client, url, {"kind": "proceedings_issued", "on": dt.date(2026, 6, 1)}).status_code == 302
    no_order = submit(client, url, {"kind": "final_order", "on": dt.date(2026, 11, 2)})
    assert field_error(no_order, "court_order") == "Select the order the court made"
    order_on_issue = submit(client, url, {"kind": "proceedings_issued", "on": dt.date(2026, 7, 1),
                                          "court_order": "care_order"})
    assert field_error(order_on_issue, "court_order") == "Only give an order for a final order"
    done = submit(client, url, {"kind": "final_order", "on": dt.date(2026, 11, 2), "court_order": "care_order",
                                "notes": "Care plan approved"})
    assert done.status_code == 302
    assert items(session, child.id)["proceedings"].status == "done_on_time"
    page = plain(client.get(f"/children/{child.id}/permanence"))
    assert "Issued 01/06/2026: Concluded in week 23 of 26" in page
    assert "Final order Care order on 02/11/2026" in page


@frozen
def test_correcting_a_court_event_recomputes_and_deleting_it_too(client, factory, session) -> None:
    sw, child = _setup(factory, entered_care=dt.date(2026, 5, 20))
    sign_in(client, sw)
    submit(client, f"/children/{child.id}/permanence/court/new", {"kind": "proceedings_issued", "on": dt.date(2026, 6, 1)})
    event = session.query(CourtEvent).filter_by(child_id=child.id).one()
    resp = submit(client, f"/children/{child.id}/permanence/court/{event.id}/edit",
                  {"kind": "proceedings_issued", "on": dt.date(2026, 6, 8), "version": "1"}, follow=True)
    assert "Court event saved" in plain(resp)
    assert items(session, child.id)["proceedings"].due_on == dt.date(2026, 12, 6)
    resp = submit(client, f"/children/{child.id}/permanence/court/{event.id}/delete", {"version": "2"}, follow=True)
    assert "Court event deleted" in plain(resp)
    assert "proceedings" not in items(session, child.id)
