"""Managers allocate a child's worker and team, IRO and personal adviser, and restrict a
record, each on a small form of its own: validated, audited in words, stale saves refused;
the list of children with no allocated worker; who viewed a restricted record."""

from __future__ import annotations

import datetime as dt
from typing import Any

import time_machine
from sqlalchemy import select

from tests.helpers import browser_client, plain, sign_in, submit
from tracker.audit.models import AuditEvent
from tracker.children.models import Child
from tracker.tracking.models import TrackedItem

FROZEN = dt.datetime(2026, 11, 22, 12, tzinfo=dt.UTC)


def _team(factory: Any) -> dict[str, Any]:
    service = factory.service()
    team, other = factory.team(service=service, name="North"), factory.team(service=service, name="South")
    return {"team": team, "other": other, "tm": factory.user(role="team_manager", team=team),
            "sw": factory.user(team=team, name="Sam Worker"), "sw_other": factory.user(team=other, name="Sol Other"),
            "gm": factory.user(role="group_manager", service=service)}


def _client(app: Any, user: Any) -> Any:
    c = browser_client(app)
    sign_in(c, user)
    return c


def _allocations(session: Any, child: Child) -> list[str]:
    return [e.summary for e in session.scalars(select(AuditEvent).where(
        AuditEvent.child_id == child.id, AuditEvent.action == "allocate").order_by(AuditEvent.id))]


def test_a_manager_allocates_a_worker_of_the_childs_team_and_hands_over_to_another(app, factory, session) -> None:
    w = _team(factory)
    child = factory.child(team=w["team"], first_name="Ada")
    tm = _client(app, w["tm"])
    url = f"/children/{child.id}/allocation/worker"
    wrong_team = submit(tm, url, {"version": str(child.version), "team_id": str(w["team"].id),
                                  "allocated_worker_id": str(w["sw_other"].id)})
    assert "Sol Other is not in North: select a worker of that team" in plain(wrong_team)
    saved = submit(tm, url, {"version": str(child.version), "team_id": str(w["team"].id),
                             "allocated_worker_id": str(w["sw"].id)}, follow=True)
    assert "Allocation saved" in plain(saved) and "Sam Worker" in plain(saved)
    session.expire_all()
    child = session.get(Child, child.id)
    assert child.allocated_worker_id == w["sw"].id
    assert _allocations(session, child) == ["Allocated worker: nobody → Sam Worker"]
    stale = submit(tm, url, {"version": "1", "team_id": str(w["other"].id), "allocated_worker_id": ""})
    assert "Changed by someone else" in plain(stale)
    # Handing the child over to the other team: their manager's now, no longer this one's.
    moved = submit(tm, url, {"version": str(child.version), "team_id": str(w["other"].id),
                             "allocated_worker_id": str(w["sw_other"].id)})
    assert moved.status_code == 302
    assert _allocations(session, child)[-2:] == ["Team: North → South", "Allocated worker: Sam Worker → Sol Other"]
    assert tm.get(f"/children/{child.id}").status_code == 403


def test_a_worker_who_has_left_stays_allocated_when_the_form_is_saved_unchanged(app, factory, session) -> None:
    w = _team(factory)
    gone = factory.user(team=w["team"], name="Former Worker", active=False)
    child = factory.child(worker=gone, team=w["team"])
    tm = _client(app, w["tm"])
    url = f"/children/{child.id}/allocation/worker"
    assert "Former Worker (left)" in plain(tm.get(url))
    resp = submit(tm, url, {"version": str(child.version), "team_id": str(w["team"].id),
                            "allocated_worker_id": str(gone.id)})
    assert resp.status_code == 302
    session.expire_all()
    assert session.get(Child, child.id).allocated_worker_id == gone.id
    assert _allocations(session, child) == []  # nothing changed, nothing recorded


@time_machine.travel(FROZEN, tick=False)
def test_a_personal_adviser_only_for_a_care_leaver_and_the_items_move_to_them(app, factory, session, leavers
                                                                             ) -> None:
    w = _team(factory)
    young = leavers.former_relevant(age=19, worker=w["sw"], team=w["team"])
    adviser = factory.user(role="personal_adviser", name="Robin Adviser")
    items = session.query(TrackedItem).filter_by(child_id=young.id, kind="pa_contact").all()
    assert items and {i.owner_id for i in items} == {w["sw"].id}
    tm = _client(app, w["tm"])
    url = f"/children/{young.id}/allocation/personal-adviser"
    refused = submit(tm, url, {"adviser_id": str(w["sw"].id), "version": str(young.version)})
    assert "Select a personal adviser from the list" in plain(refused)
    resp = submit(tm, url, {"adviser_id": str(adviser.id), "version": str(young.version)}, follow=True)
    assert "Personal adviser saved" in plain(resp) and "Robin Adviser" in plain(resp)
    session.expire_all()
    owners = {i.kind: i.owner_id for i in session.query(TrackedItem).filter_by(child_id=young.id)}
    assert owners["pa_contact"] == adviser.id
    assert owners["pathway_plan"] == w["sw"].id  # the plan itself stays with the allocated worker
    event = session.query(AuditEvent).filter_by(entity_type="children", entity_id=young.id, action="update").one()
    assert event.after == {"personal_adviser_id": adviser.id} and event.actor_id == w["tm"].id
    assert _allocations(session, young) == ["Personal adviser: nobody → Robin Adviser"]
    # The adviser now opens the young person's record.
    assert _client(app, adviser).get(f"/children/{young.id}/leaving-care").status_code == 200


def test_the_iro_and_the_restriction(app, factory, session) -> None:
    w = _team(factory)
    child = factory.child(worker=w["sw"], team=w["team"])
    iro = factory.user(role="iro", name="Iris Reviewer")
    gm = _client(app, w["gm"])
    assert submit(gm, f"/children/{child.id}/allocation/iro",
                  {"version": str(child.version), "iro_id": str(w["sw"].id)}).status_code == 200
    assert submit(gm, f"/children/{child.id}/allocation/iro",
                  {"version": str(child.version), "iro_id": str(iro.id)}).status_code == 302
    session.expire_all()
    child = session.get(Child, child.id)
    assert child.iro_id == iro.id
    colleague = _client(app, factory.user(team=w["team"]))
    assert colleague.get(f"/children/{child.id}").status_code == 200
    assert submit(gm, f"/children/{child.id}/allocation/restricted",
                  {"version": str(child.version), "restricted": "maybe"}).status_code == 200
    assert submit(gm, f"/children/{child.id}/allocation/restricted",
                  {"version": str(child.version), "restricted": "yes"}).status_code == 302
    assert colleague.get(f"/children/{child.id}").status_code == 403  # restricted: not the team's now
    assert _client(app, iro).get(f"/children/{child.id}").status_code == 200  # the child's IRO still
    assert _allocations(session, child) == ["Independent reviewing officer: nobody → Iris Reviewer",
                                            "Restricted record: no → yes"]


def test_managers_see_their_children_with_no_allocated_worker_most_overdue_first(app, factory, session) -> None:
    w = _team(factory)
    factory.child(worker=w["sw"], team=w["team"], first_name="Has", last_name="Worker")
    calm = factory.child(team=w["team"], first_name="Calm", last_name="Aardvark")
    urgent = factory.child(team=w["team"], first_name="Urgent", last_name="Zebra")
    urgent.open_overdue = 3
    factory.child(team=factory.team(), first_name="Else", last_name="Where")
    session.flush()
    tm = _client(app, w["tm"])
    page = plain(tm.get("/children/unallocated"))
    assert "2 children in your team have no allocated worker" in page
    assert page.index("Urgent Zebra") < page.index("Calm Aardvark")
    assert "Has Worker" not in page and "Else Where" not in page
    calm.allocated_worker_id = w["sw"].id
    urgent.allocated_worker_id = w["sw"].id
    session.flush()
    assert "Every child you manage has an allocated worker" in plain(tm.get("/children/unallocated"))
    assert _client(app, w["sw"]).get("/children/unallocated").status_code == 403


def test_who_viewed_a_restricted_record_is_shown_to_managers(app, factory, session, monkeypatch) -> None:
    w = _team(factory)
    secret = factory.child(worker=w["sw"], team=w["team"], restricted=True)
    open_record = factory.child(worker=w["sw"], team=w["team"])
    sw = _client(app, w["sw"])
    sw.get(f"/children/{secret.id}/health", environ_base={"REMOTE_ADDR": "192.0.2.44"})
    sw.get(f"/children/{open_record.id}")
    views = session.scalars(select(AuditEvent).where(AuditEvent.action == "view")).all()
    assert [(v.child_id, v.actor_id, v.address) for v in views] == [(secret.id, w["sw"].id, "192.0.2.44")]
    assert "/health" in views[0].summary
    tm_page = plain(_client(app, w["tm"]).get(f"/children/{secret.id}/history"))
    assert "Who viewed this record" in tm_page and w["sw"].email in tm_page and "192.0.2.44" in tm_page
    own = plain(sw.get(f"/children/{secret.id}/history"))  # the worker sees the history, not the log
    assert "Who viewed this record" not in own
    monkeypatch.setitem(app.config, "LOG_ALL_CHILD_VIEWS", True)
    sw.get(f"/children/{open_record.id}")
    assert session.scalars(select(AuditEvent).where(AuditEvent.action == "view",
                                                    AuditEvent.child_id == open_record.id)).one()
