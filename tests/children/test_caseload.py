"""The caseload: a worker's (or team's, or service's) children, most urgent first."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
import time_machine
from sqlalchemy import event

from tests.helpers import browser_client, plain, sign_in
from tracker.audit.models import AuditEvent
from tracker.extensions import db
from tracker.tracking.models import TrackedItem
from tracker.tracking.services import recompute_children
from tracker.visits.models import CarePlan

TODAY = dt.date(2026, 11, 22)
frozen = time_machine.travel(dt.datetime(2026, 11, 22, 12, tzinfo=dt.UTC), tick=False)


def _counts(session, child) -> tuple[int, int]:
    items = session.query(TrackedItem).filter_by(child_id=child.id, is_open=True).all()
    return (sum(i.status == "overdue" for i in items), sum(i.status == "due_soon" for i in items))


def _names(resp) -> list[str]:
    body = resp.get_data(as_text=True)
    import re

    return re.findall(r'<a class="govuk-link" href="/children/\d+">([^<]+)</a>', body)


@pytest.fixture()
def caseload(factory, session):
    service = factory.service(name="Children in care")
    east, west = factory.team(name="East", service=service), factory.team(name="West", service=service)
    sw = factory.user(team=east, name="Sam Worker")
    other = factory.user(team=east, name="Olu Other")
    far = factory.user(team=west, name="Wren West")
    # Entered care 7 Sep 2026: review 1 and the health assessment were due 5 Oct (overdue).
    late = factory.child(worker=sw, first_name="Lara", last_name="Late", date_of_birth=dt.date(2015, 3, 4),
                         entered_care=dt.date(2026, 9, 7))
    # Entered care 26 Oct 2026: review 1 due 23 Nov (due soon).
    soon = factory.child(worker=sw, first_name="Sunny", last_name="Soon", date_of_birth=dt.date(2022, 6, 1),
                         entered_care=dt.date(2026, 10, 26), legal_status="V2")
    # Entered care 20 Nov 2026: nothing due for weeks.
    calm = factory.child(worker=sw, first_name="Cal", last_name="Calm", date_of_birth=dt.date(2009, 1, 10),
                         entered_care=dt.date(2026, 11, 20))
    # Never looked after (a child on the edge of care).
    edge = factory.child(worker=sw, first_name="Eddie", last_name="Edge", date_of_birth=dt.date(2008, 2, 2))
    theirs = factory.child(worker=other, first_name="Tia", last_name="Theirs", entered_care=dt.date(2026, 9, 7),
                           restricted=True)
    westie = factory.child(worker=far, first_name="Wes", last_name="Westie", entered_care=dt.date(2026, 9, 7))
    kids = [late, soon, calm, edge, theirs, westie]
    # Each care plan written within its 10 working days, so the urgency above is the reviews' and health's.
    session.add_all([CarePlan(child_id=c.id, completed_on=on) for c, on in (
        (late, dt.date(2026, 9, 14)), (soon, dt.date(2026, 11, 2)), (calm, dt.date(2026, 11, 21)))])
    session.flush()
    recompute_children(session, [c.id for c in kids], today=TODAY)
    return {"service": service, "east": east, "west": west, "sw": sw, "other": other, "far": far,
            "late": late, "soon": soon, "calm": calm, "edge": edge, "theirs": theirs, "westie": westie}


@frozen
def test_my_caseload_lists_my_children_most_urgent_first_with_counts(client, session, caseload) -> None:
    sign_in(client, caseload["sw"])
    resp = client.get("/caseload")
    assert resp.status_code == 200
    assert _names(resp) == ["Lara Late", "Sunny Soon", "Cal Calm", "Eddie Edge"]
    page = plain(resp)
    assert "My caseload" in page
    overdue, _ = _counts(session, caseload["late"])
    _, due_soon = _counts(session, caseload["soon"])
    assert overdue >= 2 and due_soon >= 1
    assert f"{overdue} overdue" in page and f"{due_soon} due soon" in page
    # Legal status for children in care; the edge-of-care child is not looked after.
    assert "V2" in page and "Not looked after" in page
    # The next due item is named.
    assert "05/10/2026 Initial health assessment" in page
    # Nobody else's children.
    assert "Tia Theirs" not in page and "Wes Westie" not in page


@frozen
def test_filters_narrow_the_caseload(client, session, caseload) -> None:
    sign_in(client, caseload["sw"])
    assert _names(client.get("/caseload?status=overdue")) == ["Lara Late"]
    assert _names(client.get("/caseload?status=due_soon")) == ["Sunny Soon"]
    assert _names(client.get("/caseload?status=none")) == ["Cal Calm", "Eddie Edge"]
    assert _names(client.get("/caseload?legal_status=V2")) == ["Sunny Soon"]
    assert _names(client.get("/caseload?legal_status=none")) == ["Eddie Edge"]
    assert _names(client.get("/caseload?age=0-4")) == ["Sunny Soon"]
    assert _names(client.get("/caseload?age=10-15")) == ["Lara Late"]
    assert _names(client.get("/caseload?age=16-17")) == ["Cal Calm"]
    assert _names(client.get("/caseload?age=18-plus")) == ["Eddie Edge"]
    # Cal (17, in care) has been looked after since his 16th birthday; Eddie never was.
    assert _names(client.get("/caseload?care_leaver=yes")) == ["Cal Calm"]
    assert _names(client.get("/caseload?care_leaver=no")) == ["Lara Late", "Sunny Soon", "Eddie Edge"]
    assert _names(client.get("/caseload?q=sunny")) == ["Sunny Soon"]
    assert _names(client.get("/caseload?q=soon%2C+sun")) == ["Sunny Soon"]  # "Last, First"
    assert _names(client.get(f"/caseload?q={caseload['calm'].local_id.lower()}")) == ["Cal Calm"]
    assert _names(client.get("/caseload?q=late&status=due_soon")) == []


@frozen
def test_a_care_leaver_who_left_care_after_16_counts_and_one_who_left_before_does_not(
        client, factory, session) -> None:
    from tracker.children.models import CarePeriod

    sw = factory.user()
    left_at_17 = factory.child(worker=sw, first_name="Leah", last_name="Left", date_of_birth=dt.date(2007, 5, 1))
    left_at_12 = factory.child(worker=sw, first_name="Nat", last_name="Younger", date_of_birth=dt.date(2007, 5, 1))
    session.add_all([CarePeriod(child=left_at_17, start_on=dt.date(2022, 1, 10), end_on=dt.date(2024, 6, 1),
                                category_of_need="N1", reason_ceased="E13"),
                     CarePeriod(child=left_at_12, start_on=dt.date(2018, 1, 10), end_on=dt.date(2019, 6, 1),
                                category_of_need="N1", reason_ceased="E13")])
    session.flush()
    sign_in(client, sw)
    assert _names(client.get("/caseload?care_leaver=yes")) == ["Leah Left"]
    assert _names(client.get("/caseload?care_leaver=no")) == ["Nat Younger"]


@frozen
def test_a_team_manager_sees_the_team_and_can_switch_worker_but_not_outside_the_team(
        client, factory, session, caseload) -> None:
    tm = factory.user(role="team_manager", team=caseload["east"])
    sign_in(client, tm)
    resp = client.get("/caseload")
    page = plain(resp)
    assert "Caseload: East" in page
    # The whole team, restricted records included (the child's team manager may see them).
    assert set(_names(resp)) == {"Lara Late", "Sunny Soon", "Cal Calm", "Eddie Edge", "Tia Theirs"}
    assert "Sam Worker" in page and "Olu Other" in page  # the worker column and switcher
    assert _names(client.get(f"/caseload?worker={caseload['other'].id}")) == ["Tia Theirs"]
    assert client.get(f"/caseload?worker={caseload['far'].id}").status_code == 403
    assert client.get(f"/caseload?team={caseload['west'].id}").status_code == 200  # ignored: no team filter
    assert "Wes Westie" not in plain(client.get(f"/caseload?team={caseload['west'].id}"))


@frozen
def test_a_group_manager_sees_every_team_in_the_service_and_filters_by_team(client, factory, caseload) -> None:
    gm = factory.user(role="group_manager", service=caseload["service"])
    elsewhere = factory.team(name="Elsewhere", service=factory.service())
    outsider = factory.child(worker=factory.user(team=elsewhere), first_name="Otto", last_name="Outside")
    sign_in(client, gm)
    everyone = _names(client.get("/caseload"))
    assert {"Lara Late", "Tia Theirs", "Wes Westie"} <= set(everyone)
    assert outsider.name not in everyone
    assert _names(client.get(f"/caseload?team={caseload['west'].id}")) == ["Wes Westie"]
    assert client.get(f"/caseload?team={elsewhere.id}").status_code == 403
    assert "Caseload: Children in care" in plain(client.get("/caseload"))


@frozen
def test_pagination_keeps_the_filters(app, client, caseload, monkeypatch) -> None:
    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)
    sign_in(client, caseload["sw"])
    first = client.get("/caseload?age=")
    assert _names(first) == ["Lara Late", "Sunny Soon"]
    assert "Showing 1 to 2" in plain(first)
    body = first.get_data(as_text=True)
    assert "govuk-pagination" in body and "page=2" in body
    assert _names(client.get("/caseload?page=2")) == ["Cal Calm", "Eddie Edge"]
    assert _names(client.get("/caseload?page=99")) == ["Cal Calm", "Eddie Edge"]  # past the end: the last page
    filtered = client.get("/caseload?status=none&page=1").get_data(as_text=True)
    assert "page=2" not in filtered  # two results: one page


@frozen
def test_csv_export_has_the_same_filters_and_is_audited(client, session, caseload) -> None:
    sign_in(client, caseload["sw"])
    resp = client.get("/caseload.csv?status=overdue")
    assert resp.status_code == 200
    assert resp.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(resp.get_data(as_text=True))))
    assert rows[0][:3] == ["Child ID", "First name", "Last name"]
    assert [r[2] for r in rows[1:]] == ["Late"]
    overdue, due_soon = _counts(session, caseload["late"])
    header = rows[0]
    assert rows[1][header.index("Overdue items")] == str(overdue)
    assert rows[1][header.index("Due soon items")] == str(due_soon)
    everything = list(csv.reader(io.StringIO(client.get("/caseload.csv").get_data(as_text=True))))
    assert [r[2] for r in everything[1:]] == ["Late", "Soon", "Calm", "Edge"]
    assert session.query(AuditEvent).filter_by(action="export", actor_id=caseload["sw"].id).count() == 2


@frozen
def test_empty_states_explain_what_to_do(app, client, factory, caseload) -> None:
    newcomer = factory.user(team=caseload["east"])
    sign_in(client, newcomer)
    page = plain(client.get("/caseload"))
    assert "No children are allocated to you yet" in page
    client = browser_client(app)
    sign_in(client, caseload["sw"])
    page = plain(client.get("/caseload?q=nobody-called-this"))
    assert "No children match these filters" in page and "Clear the filters" in page


@frozen
def test_the_caseload_is_one_query_however_many_children(client, factory, session, caseload) -> None:
    sign_in(client, caseload["sw"])

    def statements_for(url: str) -> list[str]:
        seen: list[str] = []

        def record(conn, cursor, statement, *args) -> None:
            seen.append(statement)

        event.listen(db.engine, "before_cursor_execute", record)
        try:
            assert client.get(url).status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", record)
        return seen

    few = statements_for("/caseload")
    extra = [factory.child(worker=caseload["sw"], first_name=f"Extra{n}", entered_care=dt.date(2026, 9, 7))
             for n in range(6)]
    recompute_children(session, [c.id for c in extra], today=TODAY)
    many = statements_for("/caseload")
    assert len(_names(client.get("/caseload"))) == 10
    # Same number of statements for 4 children or 10, and the open items are read by
    # one of them only: the page, which carries the total.
    assert len(few) == len(many)
    assert sum("tracked_items" in s for s in many) == 1
