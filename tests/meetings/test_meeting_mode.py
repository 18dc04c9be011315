"""Meeting mode: step through the children, record decisions and actions, minutes, snapshots."""

from __future__ import annotations

import datetime as dt

import time_machine

from tests.helpers import csrf_token, plain, sign_in, submit
from tracker.meetings.models import Meeting, MeetingDecision, WeeklySnapshot
from tracker.meetings.services import take_snapshot
from tracker.tracking.models import Action, TrackedItem
from tracker.tracking.services import all_child_ids, recompute_children

FROZEN = dt.datetime(2026, 11, 18, 12, tzinfo=dt.UTC)
TODAY = dt.date(2026, 11, 18)


def _setup(factory, session):
    service = factory.service(name="Children in care")
    team = factory.team(service=service)
    gm = factory.user(role="group_manager", service=service, name="Jo Chair")
    sw = factory.user(team=team, name="Sam Worker")
    kids = [factory.child(worker=sw, first_name=n, date_of_birth=dt.date(2015, 1, 1),
                          entered_care=dt.date(2026, 6, 1), legal_status="V2") for n in ("Amy", "Bea", "Cy")]
    recompute_children(session, all_child_ids(session), today=TODAY)
    return gm, sw, kids


@time_machine.travel(FROZEN, tick=False)
def test_a_decision_and_an_action_appear_on_the_childs_page_and_the_action_is_tracked(client, factory, session) -> None:
    gm, sw, kids = _setup(factory, session)
    sign_in(client, gm)
    resp = submit(client, "/meetings/start", {"attendees": "Jo Chair (GM)\nSam Worker (SW)"})
    assert resp.status_code == 302
    meeting = session.query(Meeting).one()
    first = plain(client.get(f"/meetings/{meeting.id}/children/1"))
    assert "child 1 of 3" in first
    name = next(k.name for k in kids if k.name in first)
    child = next(k for k in kids if k.name == name)
    # The action needs an owner and a date: clear messages, nothing saved.
    bad = submit(client, f"/meetings/{meeting.id}/children/1", {"decision": "Return home plan",
                                                               "action_title": "Book family group conference",
                                                               "action_owner": ""})
    body = plain(bad)
    assert "Select who owns the action" in body and "Enter the date the action is due" in body
    assert session.query(MeetingDecision).count() == 0
    ok = submit(client, f"/meetings/{meeting.id}/children/1", {
        "decision": "Return home plan", "action_title": "Book family group conference",
        "action_owner": str(sw.id), "action_due": dt.date(2026, 11, 25)})
    assert ok.status_code == 302 and ok.headers["Location"].endswith(f"/meetings/{meeting.id}/children/2")
    session.expire_all()
    action = session.query(Action).one()
    assert action.meeting_id == meeting.id and action.owner_id == sw.id
    item = session.query(TrackedItem).filter_by(child_id=child.id, kind="action").one()
    assert item.owner_id == sw.id and item.due_on == dt.date(2026, 11, 25)
    page = plain(client.get(f"/children/{child.id}/meetings"))
    assert "Return home plan" in page and "Book family group conference – Sam Worker, due 25/11/2026" in page
    due_dates = plain(client.get(f"/children/{child.id}/due-dates"))
    assert "Book family group conference" in due_dates
    # When it is overdue, the item says so (and the alert scan picks it up from there).
    recompute_children(session, [child.id], today=dt.date(2026, 11, 26))
    session.expire_all()
    assert session.query(TrackedItem).filter_by(child_id=child.id, kind="action").one().status == "overdue"


@time_machine.travel(FROZEN, tick=False)
def test_minutes_list_attendees_decisions_and_export(client, factory, session) -> None:
    gm, sw, kids = _setup(factory, session)
    sign_in(client, gm)
    submit(client, "/meetings/start", {"attendees": "Jo Chair (GM)\nSam Worker (SW)"})
    meeting = session.query(Meeting).one()
    for n in (1, 2, 3):
        submit(client, f"/meetings/{meeting.id}/children/{n}", {"decision": f"Decision {n}"})
    minutes = plain(client.get(f"/meetings/{meeting.id}"))
    assert "Jo Chair (GM), Sam Worker (SW)" in minutes
    assert all(f"Decision {n}" in minutes for n in (1, 2, 3))
    csv = client.get(f"/meetings/{meeting.id}/minutes.csv").get_data(as_text=True)
    assert csv.count("Decision") == 3 + 0 and "decision" in csv.splitlines()[0]
    token = csrf_token(client, f"/meetings/{meeting.id}")
    client.post(f"/meetings/{meeting.id}", data={"csrf_token": token})
    session.expire_all()
    assert session.get(Meeting, meeting.id).status == "closed"
    late = submit(client, f"/meetings/{meeting.id}/children/1", {"decision": "Changed afterwards"})
    assert "This meeting is closed" in plain(late)


def test_rerunning_a_weeks_snapshot_replaces_it(factory, session) -> None:
    _setup(factory, session)
    week = dt.date(2026, 11, 16)
    first = take_snapshot(session, week_of=week, today=TODAY)
    assert first > 0
    again = take_snapshot(session, week_of=week, today=TODAY)
    assert again == first
    assert session.query(WeeklySnapshot).filter_by(week_of=week).count() == first
    cla = session.query(WeeklySnapshot).filter_by(week_of=week, metric="cla", team_key="all").one()
    assert cla.value == 3


@time_machine.travel(FROZEN, tick=False)
def test_four_weekly_snapshots_draw_a_trend_chart(client, factory, session) -> None:
    gm, _sw, _kids = _setup(factory, session)
    for weeks_ago in range(4):
        take_snapshot(session, week_of=dt.date(2026, 11, 16) - dt.timedelta(weeks=weeks_ago), today=TODAY)
    sign_in(client, gm)
    page = client.get("/meetings/trends").get_data(as_text=True)
    chart = page.split('aria-label="Children looked after: weekly values"', 1)[1].split("</svg>", 1)[0]
    assert chart.count("<circle") == 4
    assert "<polyline" in chart
    assert "16/11/2026: 3" in chart


def test_snapshot_job_runs_from_the_cli_and_a_rerun_replaces_the_week(app, factory, session) -> None:
    _setup(factory, session)
    runner = app.test_cli_runner()
    first = runner.invoke(args=["jobs", "run", "snapshot", "--today", "2026-11-18"])
    assert first.exit_code == 0, first.output
    rows = session.query(WeeklySnapshot).filter_by(week_of=dt.date(2026, 11, 16)).count()
    assert rows > 0
    again = runner.invoke(args=["jobs", "run", "snapshot", "--today", "2026-11-19", "--force"])
    assert again.exit_code == 0, again.output
    assert session.query(WeeklySnapshot).filter_by(week_of=dt.date(2026, 11, 16)).count() == rows
