"""Statutory visits, care plans and placement plans: recording, correcting, deleting, and
the due dates they complete (rules.md §9), worked out by hand for each test."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from tests.children.casework import field_error, frozen, recompute
from tests.helpers import plain, sign_in, submit
from tracker.audit.models import AuditEvent
from tracker.children.models import Placement
from tracker.tracking.models import TrackedItem
from tracker.visits.models import CarePlan, PlacementPlan, Visit

D = dt.date


def _open(session, child_id: int, kind: str) -> list[TrackedItem]:
    session.expire_all()
    return list(session.scalars(select(TrackedItem).where(TrackedItem.child_id == child_id, TrackedItem.kind == kind,
                                                          TrackedItem.is_open.is_(True))
                                .order_by(TrackedItem.due_on)))


def _all(session, child_id: int, kind: str) -> list[TrackedItem]:
    session.expire_all()
    return list(session.scalars(select(TrackedItem).where(TrackedItem.child_id == child_id, TrackedItem.kind == kind)
                                .order_by(TrackedItem.due_on, TrackedItem.id)))


JAN_5 = D(2026, 1, 5)


def _child_in_placement(factory, *, entered: D = JAN_5, placement_type: str = "U6", **kw):
    sw = factory.user(team=factory.team())
    child = factory.child(worker=sw, entered_care=entered, date_of_birth=D(2014, 6, 1), **kw)
    factory.placement(child=child, start_on=entered, placement_type=placement_type,
                      provider="PR0" if placement_type == "P1" else "PR1")
    recompute(factory.session, child)
    return sw, child


@frozen
def test_a_placement_move_starts_a_visit_due_7_days_and_a_plan_due_5_working_days_later(client, factory,
                                                                                       session) -> None:
    sw, child = _child_in_placement(factory)
    sign_in(client, sw)
    # A move on Wednesday 26 August 2026: the visit is due 7 calendar days later (2 September);
    # the plan 5 working days later, skipping the summer bank holiday (31 August): 3 September.
    resp = submit(client, f"/children/{child.id}/placements/new", {
        "start_on": D(2026, 8, 26), "placement_type": "U4", "provider": "PR1", "previous_end_reason": "CARPL"})
    assert resp.status_code == 302
    visits = [i for i in _all(session, child.id, "visit") if i.due_on >= D(2026, 8, 26)]
    plan = [i for i in _all(session, child.id, "placement_plan") if i.sequence == 2]
    assert [(i.due_on, i.status) for i in visits] == [(D(2026, 9, 2), "overdue")]
    assert visits[0].explanation.startswith("First visit: 7 days after placement 2 (U4) started on 2026-08-26 "
                                            "= 2026-09-02")
    assert [(i.due_on, i.status) for i in plan] == [(D(2026, 9, 3), "overdue")]
    assert "5 working days after placement 2 (U4) started on 2026-08-26, skipping bank holiday " in plan[0].explanation
    assert "2026-08-31 = 2026-09-03" in plan[0].explanation
    # The first placement's open visit was closed by the move, and so was its plan.
    first = [i for i in _all(session, child.id, "visit") if i.due_on < D(2026, 8, 26)]
    assert first[-1].status == "closed" and first[-1].closed_on == D(2026, 8, 26)
    page = plain(client.get(f"/children/{child.id}/visits"))
    assert "Statutory visit (placement 2) 02/09/2026 Overdue" in page
    assert "Placement plan (placement 2) 03/09/2026 Overdue" in page


@frozen
def test_recording_correcting_and_deleting_a_visit_moves_the_next_due_date(client, factory, session) -> None:
    sw, child = _child_in_placement(factory, entered=D(2026, 10, 1))
    sign_in(client, sw)
    assert [i.due_on for i in _open(session, child.id, "visit")] == [D(2026, 10, 8)]
    url = f"/children/{child.id}/visits/new"
    page = plain(client.get(url))
    assert "Record a statutory visit" in page
    resp = submit(client, url, {"visited_on": D(2026, 10, 7), "seen_alone": "yes", "visited_by_id": str(sw.id)},
                  follow=True)
    assert "Visit recorded" in plain(resp)
    visit = session.scalar(select(Visit).where(Visit.child_id == child.id))
    assert visit is not None and visit.seen_alone and visit.visited_by_id == sw.id
    # In the placement's first year the next visit is due 6 weeks after the visit: 18 November.
    assert [(i.due_on, i.status) for i in _open(session, child.id, "visit")] == [(D(2026, 11, 18), "overdue")]
    assert "Visit 2 in placement 1: 6 weeks after the visit on 2026-10-07 (first year of the placement" in (
        _open(session, child.id, "visit")[0].explanation)
    # Correcting the date moves the next one (dated from the day the visit really happened).
    edit = f"/children/{child.id}/visits/{visit.id}/edit"
    resp = submit(client, edit, {"visited_on": D(2026, 10, 14), "seen_alone": "no", "visited_by_id": str(sw.id),
                                 "version": str(visit.version)})
    assert resp.status_code == 302
    assert [i.due_on for i in _open(session, child.id, "visit")] == [D(2026, 11, 25)]
    session.refresh(visit)
    assert visit.seen_alone is False
    chronology = plain(client.get(f"/children/{child.id}/chronology"))
    assert f"14/10/2026 Statutory visit By {sw.name}; not seen alone" in chronology
    # Deleting it reopens the first visit, overdue since 8 October.
    resp = submit(client, f"/children/{child.id}/visits/{visit.id}/delete", {"version": str(visit.version)},
                  follow=True)
    assert "Visit deleted" in plain(resp)
    assert [(i.due_on, i.status) for i in _open(session, child.id, "visit")] == [(D(2026, 10, 8), "overdue")]
    changes = [e.action for e in session.scalars(select(AuditEvent).where(AuditEvent.entity_type == "visits")
                                                 .order_by(AuditEvent.id))]
    assert changes == ["insert", "update", "delete"]


@frozen
def test_a_visit_form_with_bad_input_says_what_to_fix_and_saves_nothing(client, factory, session) -> None:
    sw, child = _child_in_placement(factory, entered=D(2026, 10, 1))
    gone = factory.user(active=False, team=sw.team)
    sign_in(client, sw)
    url = f"/children/{child.id}/visits/new"
    empty = submit(client, url, {"visited_by_id": ""})
    assert field_error(empty, "visited_on") == "Enter the date of the visit"
    assert field_error(empty, "seen_alone") == "Select whether the child was seen alone"
    assert field_error(empty, "visited_by_id") == "Select who visited"
    future = submit(client, url, {"visited_on": D(2026, 11, 23), "seen_alone": "yes", "visited_by_id": str(sw.id)})
    assert field_error(future, "visited_on") == "Date of the visit must be today or in the past"
    before_care = submit(client, url, {"visited_on": D(2026, 9, 30), "seen_alone": "yes",
                                       "visited_by_id": str(sw.id)})
    assert field_error(before_care, "visited_on") == "Date of the visit must be while the child was looked after"
    nobody = submit(client, url, {"visited_on": D(2026, 10, 7), "seen_alone": "maybe",
                                  "visited_by_id": str(gone.id)})
    assert field_error(nobody, "visited_by_id") == "Select who visited from the list"
    assert field_error(nobody, "seen_alone") == "Select whether the child was seen alone"
    assert session.scalar(select(Visit).where(Visit.child_id == child.id)) is None
    assert submit(client, url, {"visited_on": D(2026, 10, 7), "seen_alone": "no",
                                "visited_by_id": str(sw.id)}).status_code == 302
    twice = submit(client, url, {"visited_on": D(2026, 10, 7), "seen_alone": "no", "visited_by_id": str(sw.id)})
    assert field_error(twice, "visited_on") == "A visit on 07/10/2026 is already recorded"


@frozen
def test_a_visit_when_the_child_had_no_placement_is_refused(client, factory, session) -> None:
    sw = factory.user()
    child = factory.child(worker=sw, entered_care=D(2026, 10, 1))
    factory.placement(child=child, start_on=D(2026, 10, 10))
    recompute(session, child)
    sign_in(client, sw)
    resp = submit(client, f"/children/{child.id}/visits/new",
                  {"visited_on": D(2026, 10, 5), "seen_alone": "yes", "visited_by_id": str(sw.id)})
    assert field_error(resp, "visited_on") == ("Alex had no placement on 05/10/2026: a statutory visit belongs to a "
                                               "placement. Record the placement on the care history tab first")


@frozen
def test_a_stale_correction_is_refused_and_shows_what_is_saved_now(client, factory, session) -> None:
    sw, child = _child_in_placement(factory, entered=D(2026, 10, 1))
    visit = Visit(child_id=child.id, visited_on=D(2026, 10, 7), seen_alone=True, visited_by_id=sw.id)
    session.add(visit)
    session.flush()
    sign_in(client, sw)
    edit = f"/children/{child.id}/visits/{visit.id}/edit"
    old_version = str(visit.version)
    visit.seen_alone = False  # someone else saved a change meanwhile
    session.flush()
    resp = submit(client, edit, {"visited_on": D(2026, 10, 8), "seen_alone": "yes", "visited_by_id": str(sw.id),
                                 "version": old_version})
    page = plain(resp)
    assert "changed by someone else" in page
    assert "What is saved now Date of the visit 07/10/2026 Seen alone No" in page
    session.refresh(visit)
    assert visit.visited_on == D(2026, 10, 7)


@frozen
def test_long_term_placements_are_visited_every_3_months_after_the_first_year(client, factory, session) -> None:
    sw, child = _child_in_placement(factory, entered=D(2025, 1, 6), placement_type="U4")
    placement = session.scalar(select(Placement).where(Placement.child_id == child.id))
    for on in (D(2025, 1, 10), D(2025, 2, 20), D(2025, 4, 1), D(2025, 5, 12), D(2025, 6, 20), D(2025, 7, 31),
               D(2025, 9, 10), D(2025, 10, 20), D(2025, 11, 28), D(2026, 1, 8), D(2026, 2, 16)):
        session.add(Visit(child_id=child.id, visited_on=on, seen_alone=True, visited_by_id=sw.id))
    session.flush()
    recompute(session, child)
    # Not long term: 6 weeks after the visit on 16 February 2026 (after the first year).
    assert [i.due_on for i in _open(session, child.id, "visit")] == [D(2026, 3, 30)]
    sign_in(client, sw)
    resp = submit(client, f"/children/{child.id}/placements/{placement.id}/edit", {
        "start_on": D(2025, 1, 6), "placement_type": "U4", "provider": "PR1", "long_term": True,
        "version": str(placement.version)})
    assert resp.status_code == 302
    # Long term: 3 months after that visit, and said why.
    item = _open(session, child.id, "visit")[0]
    assert item.due_on == D(2026, 5, 16)
    assert "3 months after the visit on 2026-02-16 (after the first year, long-term placement" in item.explanation
    assert "Long term" in plain(client.get(f"/children/{child.id}/care-history"))


@frozen
def test_temporary_approval_is_for_relatives_and_friends_and_means_weekly_visits(client, factory, session) -> None:
    sw, child = _child_in_placement(factory, entered=D(2026, 11, 2), placement_type="U6")
    placement = session.scalar(select(Placement).where(Placement.child_id == child.id))
    sign_in(client, sw)
    edit = f"/children/{child.id}/placements/{placement.id}/edit"
    refused = submit(client, edit, {"start_on": D(2026, 11, 2), "placement_type": "U6", "provider": "PR1",
                                    "temporary_approval": True, "version": str(placement.version)})
    assert field_error(refused, "temporary_approval") == (
        "Temporary approval (regulation 24) is only for a child fostered with a relative or friend (U1, U2 or U3)")
    assert submit(client, edit, {"start_on": D(2026, 11, 2), "placement_type": "U3", "provider": "PR1",
                                 "temporary_approval": True, "version": str(placement.version)}).status_code == 302
    assert submit(client, f"/children/{child.id}/visits/new", {
        "visited_on": D(2026, 11, 6), "seen_alone": "yes", "visited_by_id": str(sw.id)}).status_code == 302
    item = _open(session, child.id, "visit")[0]
    # Weekly until a review has been held since the placement started.
    assert item.due_on == D(2026, 11, 13)
    assert "a connected person with temporary approval, no review held since 2026-11-02" in item.explanation


@frozen
def test_care_plan_and_placement_plan_complete_their_items(client, factory, session) -> None:
    sw, child = _child_in_placement(factory, entered=D(2026, 10, 1))
    sign_in(client, sw)
    # Care plan: 10 working days after entering care on Thursday 1 October = 15 October.
    care = _open(session, child.id, "care_plan")
    assert [(i.due_on, i.status) for i in care] == [(D(2026, 10, 15), "overdue")]
    assert care[0].explanation.startswith("Care plan: 10 working days after entering care on 2026-10-01")
    outside = submit(client, f"/children/{child.id}/care-plans/new", {"completed_on": D(2026, 9, 1)})
    assert field_error(outside, "completed_on") == ("Date the care plan was completed must be while the child was "
                                                    "looked after")
    resp = submit(client, f"/children/{child.id}/care-plans/new", {"completed_on": D(2026, 10, 20)}, follow=True)
    assert "Care plan recorded" in plain(resp)
    assert [(i.due_on, i.status, i.completed_on) for i in _all(session, child.id, "care_plan")] == [
        (D(2026, 10, 15), "done_late", D(2026, 10, 20))]
    again = submit(client, f"/children/{child.id}/care-plans/new", {"completed_on": D(2026, 10, 20)})
    assert field_error(again, "completed_on") == "A care plan completed on 20/10/2026 is already recorded"
    # Placement plan: 5 working days after the placement started = 8 October.
    resp = submit(client, f"/children/{child.id}/placement-plans/new", {"completed_on": D(2026, 10, 6)}, follow=True)
    assert "Placement plan recorded" in plain(resp)
    assert [(i.due_on, i.status) for i in _all(session, child.id, "placement_plan")] == [
        (D(2026, 10, 8), "done_on_time")]
    page = plain(client.get(f"/children/{child.id}/visits"))
    assert "06/10/2026 U6: Fostered with other carer: other, from 01/10/2026" in page
    plan = session.scalar(select(PlacementPlan).where(PlacementPlan.child_id == child.id))
    assert plan is not None
    resp = submit(client, f"/children/{child.id}/placement-plans/{plan.id}/delete", {"version": str(plan.version)},
                  follow=True)
    assert "Placement plan deleted" in plain(resp)
    assert [i.status for i in _all(session, child.id, "placement_plan")] == ["overdue"]
    assert session.scalar(select(CarePlan).where(CarePlan.child_id == child.id)) is not None


@frozen
def test_a_placement_plan_outside_any_placement_is_refused(client, factory, session) -> None:
    sw = factory.user()
    child = factory.child(worker=sw, entered_care=D(2026, 10, 1))
    factory.placement(child=child, start_on=D(2026, 10, 12))
    recompute(session, child)
    sign_in(client, sw)
    resp = submit(client, f"/children/{child.id}/placement-plans/new", {"completed_on": D(2026, 10, 2)})
    assert field_error(resp, "completed_on") == ("Alex had no placement on 02/10/2026: a placement plan belongs to a "
                                                 "placement. Record the placement on the care history tab first")
    assert session.scalar(select(PlacementPlan).where(PlacementPlan.child_id == child.id)) is None


@frozen
def test_who_may_record_visits_and_missing_episodes(client, factory, session) -> None:
    from tests.helpers import browser_client

    sw, child = _child_in_placement(factory, entered=D(2026, 10, 1))
    visit = Visit(child_id=child.id, visited_on=D(2026, 10, 7), seen_alone=True, visited_by_id=sw.id)
    session.add(visit)
    session.flush()
    # The virtual school reads only the overview and education: these tabs are refused.
    vs = browser_client(client.application)
    sign_in(vs, factory.user(role="virtual_school"))
    for url in (f"/children/{child.id}/visits", f"/children/{child.id}/missing",
                f"/children/{child.id}/visits/new", f"/children/{child.id}/visits/{visit.id}/edit",
                f"/children/{child.id}/care-plans/new", f"/children/{child.id}/placement-plans/new",
                f"/children/{child.id}/missing/new"):
        assert vs.get(url).status_code == 403, url
    # The child's IRO reads the tabs, with no buttons or links to change them, and may not record.
    chair = factory.user(role="iro")
    child.iro_id = chair.id
    session.flush()
    iro = browser_client(client.application)
    sign_in(iro, chair)
    for tab in ("visits", "missing"):
        page = iro.get(f"/children/{child.id}/{tab}").get_data(as_text=True)
        assert "Record a" not in page and "/edit" not in page, tab
    assert iro.get(f"/children/{child.id}/visits/new").status_code == 403
    # The team manager may record a visit: the visitor offered is the manager, the worker is a choice.
    boss = factory.user(role="team_manager", team=child.team)
    manager = browser_client(client.application)
    sign_in(manager, boss)
    form = manager.get(f"/children/{child.id}/visits/new").get_data(as_text=True)
    assert f'<option value="{boss.id}" selected>' in form and f'<option value="{sw.id}">' in form
    # Another child's visit is not found under this child.
    other_sw, other = _child_in_placement(factory, entered=D(2026, 10, 1))
    sign_in(client, other_sw)
    assert client.get(f"/children/{other.id}/visits/{visit.id}/edit").status_code == 404
