"""Changing, ending and deleting placements through their forms, and what the child's
care history and the data-quality page say afterwards."""

from __future__ import annotations

import datetime as dt

import time_machine

from tests.helpers import browser_client, csrf_token, plain, sign_in, submit, text_of
from tracker.audit.models import AuditEvent
from tracker.children.models import Placement

D = dt.date
FROZEN = dt.datetime(2026, 11, 23, 12, tzinfo=dt.UTC)


def _child_with_a_move(factory):
    sw = factory.user(team=factory.team())
    child = factory.child(worker=sw, first_name="Sam", date_of_birth=D(2014, 2, 1), entered_care=D(2024, 1, 8))
    first = factory.placement(child=child, start_on=D(2024, 1, 8), end_on=D(2025, 5, 1), end_reason="CREQB",
                              placement_type="U6", provider="PR1")
    second = factory.placement(child=child, start_on=D(2025, 5, 1), placement_type="U4", provider="PR1",
                               carer_ref="FC-1", weekly_cost=520)
    return sw, child, first, second


def _edit_form(placement: Placement, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "version": str(placement.version), "start_on": placement.start_on, "end_on": placement.end_on,
        "placement_type": placement.placement_type, "provider": placement.provider or "",
        "postcode_district": placement.postcode_district or "", "weekly_cost": str(placement.weekly_cost or ""),
        "carer_ref": placement.carer_ref or "", "end_reason": placement.end_reason or ""}
    return data | changes


@time_machine.travel(FROZEN, tick=False)
def test_a_placement_is_saved_unchanged_then_its_carer_changed_then_ended(app, client, factory, session) -> None:
    sw, child, _first, second = _child_with_a_move(factory)
    sign_in(client, sw)
    url = f"/children/{child.id}/placements/{second.id}/edit"
    unchanged = submit(client, url, _edit_form(second))
    assert unchanged.status_code == 302 and unchanged.headers["Location"].endswith("/care-history")
    session.expire_all()
    assert session.get(Placement, second.id).version == 1  # nothing to change, nothing written

    carer = submit(client, url, _edit_form(second, carer_ref="FC-2"), follow=True)
    assert "Placement saved" in plain(carer)
    session.expire_all()
    assert session.get(Placement, second.id).carer_ref == "FC-2"

    ended = submit(client, url, _edit_form(session.get(Placement, second.id), end_on=D(2026, 11, 20),
                                           end_reason="CARPL", carer_ref="FC-2"), follow=True)
    page = plain(ended)
    assert "Placement saved" in page
    assert "Sam is looked after but has had no placement since 20/11/2026" in page  # said, not hidden
    assert "01/05/2025 20/11/2026" in page and "Sam is looked after but has no current placement" in page
    overview = plain(client.get(f"/children/{child.id}"))
    assert "Looked after since 08/01/2024 but no placement since 20/11/2026: record where the child lives now" \
        in overview
    manager = browser_client(app)
    sign_in(manager, factory.user(role="team_manager", team=sw.team))
    assert "Looked after with no current placement" in plain(manager.get("/data-quality"))


@time_machine.travel(FROZEN, tick=False)
def test_deleting_the_move_reopens_the_placement_before_it(client, factory, session) -> None:
    sw, child, first, second = _child_with_a_move(factory)
    sign_in(client, sw)
    url = f"/children/{child.id}/placements/{second.id}/delete"
    confirm = plain(client.get(url))
    assert ("This placement followed the U6 placement from 08/01/2024. Deleting it undoes the move: that "
            "placement is reopened and it becomes the current placement again.") in confirm
    second_id = second.id
    done = submit(client, url, {"version": str(second.version)}, follow=True)
    assert "Placement deleted. The U6 placement from 08/01/2024 was reopened and is the current placement " \
           "again" in plain(done)
    session.expire_all()
    assert session.query(Placement).filter_by(id=second_id).count() == 0
    reopened = session.get(Placement, first.id)
    assert reopened.end_on is None and reopened.end_reason is None
    assert session.query(AuditEvent).filter_by(entity_type="placements", action="delete").count() == 1


@time_machine.travel(FROZEN, tick=False)
def test_a_placement_another_follows_on_from_is_not_deleted(client, factory, session) -> None:
    sw, child, first, _second = _child_with_a_move(factory)
    sign_in(client, sw)
    url = f"/children/{child.id}/placements/{first.id}/delete"
    confirm = plain(client.get(url))
    assert "The U4 placement from 01/05/2025 follows on from this one" in confirm
    assert "Yes, delete it" not in confirm  # nothing to press
    token = csrf_token(client, f"/children/{child.id}/care-history")  # a hand-made POST is refused too
    resp = client.post(url, data={"csrf_token": token, "version": str(first.version)})
    assert "follows on from this one" in text_of(resp)
    session.expire_all()
    assert session.get(Placement, first.id) is not None


@time_machine.travel(FROZEN, tick=False)
def test_deleting_the_only_placement_of_a_child_in_care_warns_and_is_flagged(client, factory, session) -> None:
    sw = factory.user()
    child = factory.child(worker=sw, first_name="Ali", date_of_birth=D(2014, 2, 1), entered_care=D(2026, 9, 1))
    only = factory.placement(child=child, start_on=D(2026, 9, 1))
    sign_in(client, sw)
    url = f"/children/{child.id}/placements/{only.id}/delete"
    assert "will have no current placement afterwards" in plain(client.get(url))
    done = plain(submit(client, url, {"version": "1"}, follow=True))
    assert "Placement deleted" in done and "Ali is looked after but has had no placement since 01/09/2026" in done
    assert "Looked after since 01/09/2026 but no placement since 01/09/2026" in plain(
        client.get(f"/children/{child.id}"))


@time_machine.travel(FROZEN, tick=False)
def test_every_problem_with_a_new_placement_is_shown_at_once(client, factory, session) -> None:
    sw, child, _first, _second = _child_with_a_move(factory)
    sign_in(client, sw)
    resp = submit(client, f"/children/{child.id}/placements/new", {
        "start_on": ["31", "2", "2026"], "placement_type": "U4", "provider": "PR0",
        "weekly_cost": "99999999", "carer_ref": "x" * 31})
    page = text_of(resp)
    assert "Start date must be a real date" in page
    assert "PR0 (parents) is only for placements with parents (P1)" in page  # the service's check, too
    assert "Weekly cost must be £50,000 or less a week; check it (£99,999,999.00 looks like a typing error)" in page
    assert "Carer reference must be 30 characters or fewer" in page
    assert session.query(Placement).filter_by(child_id=child.id).count() == 2  # nothing half-saved
