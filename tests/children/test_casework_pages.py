"""The child's overview, chronology and tabs, and actions."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from tests.children.casework import field_error, frozen, items, recompute
from tests.helpers import plain, sign_in, submit
from tracker.audit.models import AuditEvent
from tracker.tracking.models import Action, TrackedItem

TABS = ["", "/due-dates", "/chronology", "/care-history", "/visits", "/missing", "/permanence", "/reviews", "/health",
        "/education"]


@frozen
def test_the_overview_shows_the_next_due_items_with_their_explanations(client, factory, session) -> None:
    sw = factory.user()
    child = factory.child(worker=sw, entered_care=dt.date(2026, 9, 7))
    recompute(session, child)
    sign_in(client, sw)
    page = plain(client.get(f"/children/{child.id}"))
    review = items(session, child.id)["review1"]
    assert f"Statutory review 1 05/10/2026 Overdue {review.explanation}" in page
    assert "20 working days" in review.explanation
    assert "See all due dates" in page


@frozen
def test_every_tab_opens_for_the_worker_and_refuses_a_worker_from_another_team(client, factory, session) -> None:
    from tests.helpers import browser_client

    sw = factory.user(team=factory.team())
    child = factory.child(worker=sw, entered_care=dt.date(2026, 9, 7), restricted=True)
    recompute(session, child)
    sign_in(client, sw)
    for tab in TABS:
        resp = client.get(f"/children/{child.id}{tab}")
        assert resp.status_code == 200, tab
        assert 'aria-current="page"' in resp.get_data(as_text=True), tab
    outsider = browser_client(client.application)
    sign_in(outsider, factory.user(team=factory.team()))
    for tab in TABS:
        assert outsider.get(f"/children/{child.id}{tab}").status_code == 403, tab
    assert session.query(AuditEvent).filter_by(action="access_denied", child_id=child.id).count() == len(TABS)


@frozen
def test_the_chronology_lists_every_fact_in_date_order_with_links_to_correct(client, factory, session) -> None:
    from tracker.health.services import record_sdq
    from tracker.permanence.services import record_court_event
    from tracker.reviews.services import record_review

    sw = factory.user()
    child = factory.child(worker=sw, date_of_birth=dt.date(2015, 3, 4), entered_care=dt.date(2026, 3, 2))
    factory.placement(child=child, start_on=dt.date(2026, 3, 2))
    today = dt.date(2026, 11, 22)
    review = record_review(session, child, held_on=dt.date(2026, 3, 25), participation="PN1", today=today)
    sdq = record_sdq(session, child, completed_on=dt.date(2026, 4, 1), score=18, today=today)
    record_court_event(session, child, kind="pre_proceedings_started", on=dt.date(2026, 1, 12), today=today)
    from tracker.leaving_care.models import PaContact

    session.add(PaContact(child_id=child.id, contact_on=dt.date(2026, 5, 1), method="visit", seen_alone=True))
    session.flush()
    sign_in(client, sw)
    resp = client.get(f"/children/{child.id}/chronology")
    page = plain(resp)
    order = ["12/01/2026 Pre-proceedings started (PLO letter)",
             "02/03/2026 Started to be looked after N1: Abuse or neglect",
             "02/03/2026 Legal status C2: Full care order",
             "02/03/2026 Placement started U6",
             "25/03/2026 Statutory review held PN1",
             "01/04/2026 SDQ completed Score 18 (cause for concern)"]
    positions = [page.find(x) for x in order]
    assert -1 not in positions, list(zip(order, positions, strict=True))
    assert positions == sorted(positions)
    body = resp.get_data(as_text=True)
    assert f'href="/children/{child.id}/reviews/{review.id}/edit"' in body
    assert f'href="/children/{child.id}/health/sdq/{sdq.id}/edit"' in body
    # Every "Correct" link leads to a page that opens.
    links = re.findall(r'<a class="govuk-link" href="([^"]+)">Correct<', body)
    assert len(links) == 7
    for href in links:
        assert client.get(href).status_code == 200, href
    assert "01/05/2026 Personal adviser contact visit" in page
    newest = plain(client.get(f"/children/{child.id}/chronology?order=newest"))
    assert newest.find("01/04/2026 SDQ") < newest.find("12/01/2026 Pre-proceedings")


@frozen
def test_adding_an_action_makes_a_tracked_item_for_its_owner_and_marking_it_done_completes_it(
        client, factory, session) -> None:
    sw = factory.user()
    tm = factory.user(role="team_manager", name="Tara Manager")
    child = factory.child(worker=sw, entered_care=dt.date(2026, 9, 7))
    recompute(session, child)
    sign_in(client, sw)
    url = f"/children/{child.id}/actions/new"
    form = client.get(url).get_data(as_text=True)
    assert re.search(rf'<option value="{sw.id}" selected>', form)  # the allocated worker by default
    past = submit(client, url, {"title": "Book the LAC medical", "owner_id": str(tm.id), "due_on": dt.date(2026, 11, 1),
                                "source": "meeting"})
    assert field_error(past, "due_on") == "Due date must be today or in the future"
    no_title = submit(client, url, {"title": "", "owner_id": str(tm.id), "due_on": dt.date(2026, 12, 1)})
    assert field_error(no_title, "title") == "Enter what needs to be done"
    assert session.query(Action).filter_by(child_id=child.id).count() == 0
    resp = submit(client, url, {"title": "Book the LAC medical", "owner_id": str(tm.id),
                                "due_on": dt.date(2026, 12, 1), "source": "meeting"}, follow=True)
    page = plain(resp)
    assert "Action added" in page
    assert 'Action "Book the LAC medical"' in page and "Mark as done" in page
    action = session.query(Action).filter_by(child_id=child.id).one()
    item = session.query(TrackedItem).filter_by(child_id=child.id, kind="action").one()
    assert item.owner_id == tm.id and item.due_on == dt.date(2026, 12, 1) and item.status == "due_soon"
    again = submit(client, url, {"title": "Book the LAC medical", "owner_id": str(tm.id),
                                 "due_on": dt.date(2026, 12, 1), "source": "meeting"})
    assert field_error(again, "title") == "This action, due 01/12/2026, is already recorded"

    done_url = f"/children/{child.id}/actions/{action.id}/done"
    future = submit(client, done_url, {"completed_on": dt.date(2026, 11, 30), "version": "1"})
    assert field_error(future, "completed_on") == "Date it was done must be today or in the past"
    early = submit(client, done_url, {"completed_on": dt.date(2026, 11, 1), "version": "1"})
    assert field_error(early, "completed_on") == ("Date it was done must be on or after the date the action was set "
                                                  "(22/11/2026)")
    resp = submit(client, done_url, {"completed_on": dt.date(2026, 11, 22), "version": "1"}, follow=True)
    assert "Action marked as done" in plain(resp)
    session.expire_all()
    item = session.query(TrackedItem).filter_by(child_id=child.id, kind="action").one()
    assert item.status == "done_on_time" and item.completed_on == dt.date(2026, 11, 22)


@frozen
def test_deleting_an_action_removes_its_item(client, factory, session) -> None:
    sw = factory.user()
    child = factory.child(worker=sw, entered_care=dt.date(2026, 9, 7))
    sign_in(client, sw)
    submit(client, f"/children/{child.id}/actions/new",
           {"title": "Call school", "owner_id": str(sw.id), "due_on": dt.date(2026, 12, 1), "source": "other"})
    action = session.query(Action).filter_by(child_id=child.id).one()
    resp = submit(client, f"/children/{child.id}/actions/{action.id}/delete", {"version": "1"}, follow=True)
    assert "Action deleted" in plain(resp)
    assert session.query(TrackedItem).filter_by(child_id=child.id, kind="action").count() == 0


@pytest.mark.parametrize("path", ["/reviews/new", "/health/assessments/new", "/health/dental/new", "/health/sdq/new",
                                  "/education/peps/new", "/permanence/plans/new", "/permanence/court/new",
                                  "/actions/new"])
def test_the_record_buttons_on_the_due_dates_tab_lead_to_working_forms(client, factory, path: str) -> None:
    sw = factory.user()
    child = factory.child(worker=sw, entered_care=dt.date(2026, 9, 7))
    sign_in(client, sw)
    assert f'href="/children/{child.id}{path}"' in client.get(f"/children/{child.id}/due-dates").get_data(as_text=True)
    form = client.get(f"/children/{child.id}{path}")
    assert form.status_code == 200
    assert 'name="csrf_token"' in form.get_data(as_text=True)
