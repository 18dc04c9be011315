"""Each way in which access used to be wider than need-to-know (issue 13, "Why"), tried
again: refused with a 403 that is audited, and nothing changes."""

from __future__ import annotations

import datetime as dt
from typing import Any

import time_machine
from sqlalchemy import func, select

from tests.helpers import CSRF_RE, browser_client, plain, sign_in, submit
from tracker.audit.models import AuditEvent
from tracker.children.models import Child
from tracker.health.models import DentalCheck

FROZEN = dt.datetime(2026, 11, 23, 10, tzinfo=dt.UTC)


def _two_teams(factory: Any) -> dict[str, Any]:
    service = factory.service()
    team1, team2 = factory.team(service=service, name="Team One"), factory.team(service=service, name="Team Two")
    sw1 = factory.user(team=team1, name="Sam One")
    sw2 = factory.user(team=team2, name="Sid Two")
    tm1 = factory.user(role="team_manager", team=team1)
    tm2 = factory.user(role="team_manager", team=team2)
    child = factory.child(worker=sw1, team=team1, first_name="Casey", date_of_birth=dt.date(2015, 3, 4),
                          entered_care=dt.date(2025, 1, 13))
    return {"team1": team1, "team2": team2, "sw1": sw1, "sw2": sw2, "tm1": tm1, "tm2": tm2, "child": child}


def _client(app: Any, user: Any) -> Any:
    c = browser_client(app)
    sign_in(c, user)
    return c


def _token(client: Any) -> str:
    return CSRF_RE.search(client.get("/account/password").get_data(as_text=True)).group(1)


def _state(session: Any, child: Child) -> tuple[Any, ...]:
    session.expire_all()
    c = session.get(Child, child.id)
    return (c.first_name, c.team_id, c.allocated_worker_id, c.restricted, c.iro_id, c.personal_adviser_id, c.version)


def _denied(session: Any, child: Child, user: Any) -> int:
    return session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "access_denied", AuditEvent.child_id == child.id, AuditEvent.actor_id == user.id))


def test_a_worker_of_another_team_cannot_rename_reassign_or_hide_a_child(app, factory, session) -> None:
    w = _two_teams(factory)
    child = w["child"]
    before = _state(session, child)
    sw2 = _client(app, w["sw2"])
    resp = sw2.post(f"/children/{child.id}/edit", data={
        "csrf_token": _token(sw2), "version": str(child.version), "local_id": child.local_id, "first_name": "Renamed",
        "last_name": child.last_name, "date_of_birth": ["4", "3", "2015"], "sex": "1", "ethnicity": "WBRI",
        "allocated_worker_id": str(w["sw2"].id), "team_id": str(w["team2"].id), "restricted": "y"})
    assert resp.status_code == 403
    for path in ("allocation/worker", "allocation/restricted"):
        assert sw2.post(f"/children/{child.id}/{path}", data={
            "csrf_token": _token(sw2), "version": str(child.version), "team_id": str(w["team2"].id),
            "allocated_worker_id": str(w["sw2"].id), "restricted": "yes"}).status_code == 403
    assert _state(session, child) == before
    assert _denied(session, child, w["sw2"]) == 3
    # The child's own team manager still opens the record.
    assert _client(app, w["tm1"]).get(f"/children/{child.id}").status_code == 200


def test_the_details_form_no_longer_carries_allocation_or_the_restricted_flag(app, factory, session) -> None:
    w = _two_teams(factory)
    child = w["child"]
    sw1 = _client(app, w["sw1"])
    page = sw1.get(f"/children/{child.id}/edit").get_data(as_text=True)
    assert 'name="allocated_worker_id"' not in page and 'name="team_id"' not in page and 'name="restricted"' not in page
    # Sent anyway, they are ignored: the details save, the allocation stays.
    resp = sw1.post(f"/children/{child.id}/edit", data={
        "csrf_token": _token(sw1), "version": str(child.version), "local_id": child.local_id, "first_name": "Cassie",
        "last_name": child.last_name, "date_of_birth": ["4", "3", "2015"], "sex": "1", "ethnicity": "WBRI",
        "allocated_worker_id": str(w["sw2"].id), "team_id": str(w["team2"].id), "restricted": "y"})
    assert resp.status_code == 302
    first_name, team_id, worker_id, restricted, *_ = _state(session, child)
    assert (first_name, team_id, worker_id, restricted) == ("Cassie", w["team1"].id, w["sw1"].id, False)


def test_the_allocated_worker_cannot_lift_the_restriction_or_reallocate(app, factory, session) -> None:
    w = _two_teams(factory)
    child = w["child"]
    child.restricted = True
    session.flush()
    before = _state(session, child)
    sw1 = _client(app, w["sw1"])
    assert sw1.get(f"/children/{child.id}").status_code == 200
    for path, data in (("allocation/restricted", {"restricted": "no"}),
                       ("allocation/worker", {"team_id": str(w["team2"].id), "allocated_worker_id": ""})):
        resp = sw1.post(f"/children/{child.id}/{path}",
                        data={"csrf_token": _token(sw1), "version": str(child.version), **data})
        assert resp.status_code == 403
    assert _state(session, child) == before
    assert _denied(session, child, w["sw1"]) == 2


def test_a_virtual_school_officer_made_allocated_worker_still_cannot_open_a_restricted_record(
        app, factory, session) -> None:
    w = _two_teams(factory)
    child = w["child"]
    vs = factory.user(role="virtual_school", name="Vic School")
    tm1 = _client(app, w["tm1"])
    # A manager cannot allocate them: they are not a case worker.
    resp = submit(tm1, f"/children/{child.id}/allocation/worker",
                  {"version": str(child.version), "team_id": str(w["team1"].id), "allocated_worker_id": str(vs.id)})
    assert resp.status_code == 200 and "Select a worker from the list" in plain(resp)
    # And data that says so (from before) gives them nothing on a restricted record.
    child.allocated_worker_id, child.restricted = vs.id, True
    session.flush()
    officer = _client(app, vs)
    for path in ("", "/education", "/health"):
        assert officer.get(f"/children/{child.id}{path}").status_code == 403


@time_machine.travel(FROZEN, tick=False)
def test_an_iro_cannot_rename_a_child_or_delete_a_dental_check(app, factory, session) -> None:
    w = _two_teams(factory)
    child = w["child"]
    iro = factory.user(role="iro")
    child.iro_id = iro.id
    check = DentalCheck(child_id=child.id, checked_on=dt.date(2026, 6, 1))
    session.add(check)
    session.flush()
    before = _state(session, child)
    c = _client(app, iro)
    assert c.get(f"/children/{child.id}/health").status_code == 200  # reads the record
    assert c.post(f"/children/{child.id}/edit", data={
        "csrf_token": _token(c), "version": str(child.version), "local_id": child.local_id, "first_name": "Renamed",
        "last_name": child.last_name, "date_of_birth": ["4", "3", "2015"], "sex": "1",
        "ethnicity": "WBRI"}).status_code == 403
    assert c.post(f"/children/{child.id}/health/dental/{check.id}/delete",
                  data={"csrf_token": _token(c), "version": "1"}).status_code == 403
    assert _state(session, child) == before
    assert session.get(DentalCheck, check.id) is not None
    assert _denied(session, child, iro) == 2


def test_a_personal_adviser_cannot_adopt_a_two_year_old_or_read_their_health(app, factory, session) -> None:
    w = _two_teams(factory)
    toddler = factory.child(worker=w["sw1"], team=w["team1"], date_of_birth=dt.date(2024, 6, 1),
                            entered_care=dt.date(2025, 1, 13))
    pa = factory.user(role="personal_adviser", name="Pat Adviser")
    before = _state(session, toddler)
    c = _client(app, pa)
    resp = c.post(f"/children/{toddler.id}/allocation/personal-adviser",
                  data={"csrf_token": _token(c), "version": str(toddler.version), "adviser_id": str(pa.id)})
    assert resp.status_code == 403
    assert c.get(f"/children/{toddler.id}/health").status_code == 403
    assert _state(session, toddler) == before
    # Nor may a manager make anyone the adviser of a child who is not a care leaver.
    tm1 = _client(app, w["tm1"])
    refused = submit(tm1, f"/children/{toddler.id}/allocation/personal-adviser",
                     {"version": str(toddler.version), "adviser_id": str(pa.id)})
    assert "is not a care leaver" in plain(refused)
    assert _state(session, toddler) == before
    # Even if old data says so, a two-year-old is not a personal adviser's young person.
    toddler.personal_adviser_id = pa.id
    session.flush()
    assert c.get(f"/children/{toddler.id}/health").status_code == 403


@time_machine.travel(FROZEN, tick=False)
def test_a_team_managers_dashboard_drill_downs_list_only_their_team(app, factory, session) -> None:
    w = _two_teams(factory)
    other = factory.child(worker=w["sw2"], team=w["team2"], first_name="Otto", last_name="Elsewhere",
                          entered_care=dt.date(2025, 1, 13))
    factory.placement(child=w["child"], start_on=dt.date(2025, 1, 13))
    factory.placement(child=other, start_on=dt.date(2025, 1, 13))
    from tracker.tracking.services import all_child_ids, recompute_children

    recompute_children(session, all_child_ids(session), today=FROZEN.date())
    tm1 = _client(app, w["tm1"])
    drill = plain(tm1.get("/dashboard/list?indicator=placements_3plus&year=2026&part=denominator"))
    assert w["child"].last_name in drill and "Elsewhere" not in drill
    assert "Elsewhere" not in plain(tm1.get("/caseload.csv"))


def test_a_restricted_child_always_has_a_team(app, factory, session) -> None:
    w = _two_teams(factory)
    child = w["child"]
    child.team_id = None
    session.flush()
    gm = factory.user(role="group_manager", service=w["team1"].service)
    child.team_id = w["team1"].id
    session.flush()
    c = _client(app, gm)
    refused = submit(c, f"/children/{child.id}/allocation/worker",
                     {"version": str(child.version), "team_id": "", "allocated_worker_id": str(w["sw1"].id)})
    assert "Select the child's team" in plain(refused)
    # A record with no team (from before) cannot be restricted.
    child.team_id = None
    session.flush()
    from tracker.allocation.services import set_restricted
    from tracker.errors import ValidationError

    try:
        set_restricted(session, child, restricted="yes")
    except ValidationError as exc:
        assert "a restricted record needs a team" in exc.errors["restricted"]
    else:
        raise AssertionError("a restricted record with no team was saved")
