"""A personal adviser's caseload at /care-leavers: their young people, most urgent first,
with filters, search, pagination and CSV; managers see their team's."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
import time_machine

from tests.helpers import plain, sign_in
from tests.leaving_care.conftest import FROZEN, TODAY
from tracker.leaving_care import services

pytestmark = pytest.mark.usefixtures("frozen")


@pytest.fixture()
def frozen():
    with time_machine.travel(FROZEN, tick=False):
        yield


def _ids(resp) -> list[int]:
    return [int(i) for i in re.findall(r'data-child-id="(\d+)"', resp.get_data(as_text=True))]


@pytest.fixture()
def caseload(factory, session, leavers):
    """Four young people for one adviser (aged 19, left care 10/05/2025), one for another."""
    team = factory.team(name="Leaving Care")
    pa = factory.user(role="personal_adviser", team=team, name="Pat Adviser")
    other = factory.user(role="personal_adviser", team=team, name="Olu Adviser")

    def young(last_name: str, *, plan: bool = True, reviewed: dt.date | None = None,
              contact: dt.date | None = None, adviser=pa):
        child = leavers.former_relevant(age=19, adviser=adviser, last_name=last_name, team=team)
        record = lambda what, **data: services.record_fact(session, child, what, data, today=TODAY)  # noqa: E731
        if plan:
            record("pathway_event", kind="needs_assessment_completed", on=dt.date(2023, 6, 1))
            record("pathway_event", kind="pathway_plan_completed", on=dt.date(2023, 6, 1))
        if reviewed:
            record("pathway_event", kind="pathway_plan_reviewed", on=reviewed)
        if contact:
            record("contact", contact_on=contact, method="visit")
        return child

    people = {
        # Nothing recorded: needs assessment, pathway plan and PA contact all overdue.
        "most": young("Most", plan=False),
        # Review and contact up to date except the contact: 1 overdue.
        "one": young("One", reviewed=dt.date(2026, 9, 1), contact=dt.date(2026, 8, 1)),
        # Review and contact both due 01/12/2026: 2 due soon.
        "soon": young("Soon", reviewed=dt.date(2026, 6, 1), contact=dt.date(2026, 10, 1)),
        # Nothing due for months.
        "calm": young("Calm", reviewed=dt.date(2026, 9, 1), contact=dt.date(2026, 11, 15)),
        "others": young("Others", reviewed=dt.date(2026, 9, 1), contact=dt.date(2026, 11, 15), adviser=other),
    }
    return team, pa, other, people


def test_an_adviser_sees_their_young_people_most_urgent_first(client, caseload) -> None:
    _team, pa, _other, people = caseload
    sign_in(client, pa)
    resp = client.get("/care-leavers")
    assert resp.status_code == 200
    assert _ids(resp) == [people[k].id for k in ("most", "one", "soon", "calm")]
    text = plain(resp)
    assert "4 young people, most urgent first" in text
    html = resp.get_data(as_text=True)
    assert f'data-child-id="{people["most"].id}" data-overdue="3"' in html
    assert f'data-child-id="{people["soon"].id}" data-overdue="0"' in html
    # The next thing due for "Soon": its review and contact fall due the same day, 01/12/2026;
    # ties are listed by kind, the same on every database.
    assert "Personal adviser contact 01/12/2026" in text
    assert "Others" not in text


def test_filters_and_search_narrow_the_list(client, caseload) -> None:
    _team, pa, _other, people = caseload
    sign_in(client, pa)
    assert _ids(client.get("/care-leavers?urgency=overdue")) == [people["most"].id, people["one"].id]
    assert _ids(client.get("/care-leavers?urgency=due_soon")) == [people["soon"].id]
    assert _ids(client.get("/care-leavers?q=soon")) == [people["soon"].id]
    assert _ids(client.get(f"/care-leavers?q={people['calm'].local_id.lower()}")) == [people["calm"].id]
    assert _ids(client.get("/care-leavers?category=relevant")) == []
    assert "No young people match." in plain(client.get("/care-leavers?category=relevant"))


def test_pages_of_young_people(client, app, caseload, monkeypatch) -> None:
    _team, pa, _other, people = caseload
    monkeypatch.setitem(app.config, "PAGE_SIZE", 3)
    sign_in(client, pa)
    first = client.get("/care-leavers")
    assert _ids(first) == [people[k].id for k in ("most", "one", "soon")]
    assert 'href="/care-leavers?page=2"' in first.get_data(as_text=True)
    assert _ids(client.get("/care-leavers?page=2")) == [people["calm"].id]


def test_the_caseload_downloads_as_csv_in_the_same_order(client, caseload) -> None:
    _team, pa, _other, people = caseload
    sign_in(client, pa)
    resp = client.get("/care-leavers.csv")
    assert resp.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(resp.get_data(as_text=True))))
    assert [r["Child ID"] for r in rows] == [people[k].local_id for k in ("most", "one", "soon", "calm")]
    assert (rows[0]["Status"], rows[0]["Overdue"], rows[0]["Personal adviser"]) == ("Former relevant", "3",
                                                                                    "Pat Adviser")
    assert rows[2]["Next due date"] == "2026-12-01" and rows[3]["Last contact"] == "2026-11-15"


def test_a_team_manager_sees_the_teams_care_leavers_including_unallocated(client, factory, leavers, caseload) -> None:
    team, _pa, other, people = caseload
    unallocated = leavers.former_relevant(age=20, team=team, last_name="Waiting")
    factory.child(team=team, date_of_birth=dt.date(2016, 1, 1), entered_care=dt.date(2025, 1, 6),
                  last_name="Younger")  # a child in care, not a care leaver
    elsewhere = leavers.former_relevant(age=20, team=factory.team(), last_name="Elsewhere")
    sign_in(client, factory.user(role="team_manager", team=team))
    resp = client.get("/care-leavers")
    shown = set(_ids(resp))
    assert shown == {c.id for c in people.values()} | {unallocated.id}
    assert elsewhere.id not in shown
    text = plain(resp)
    assert "Not allocated" in text and "Olu Adviser" in text and "Younger" not in text
    assert _ids(client.get("/care-leavers?adviser=none")) == [unallocated.id]
    assert _ids(client.get(f"/care-leavers?adviser={other.id}")) == [people["others"].id]
    assert _ids(client.get("/care-leavers?scope=mine")) == []


def test_an_adviser_lists_and_opens_their_own_restricted_young_person(
        client, factory, session, leavers) -> None:
    pa = factory.user(role="personal_adviser")
    open_record = leavers.former_relevant(age=19, adviser=pa)
    restricted = leavers.former_relevant(age=19, adviser=pa)
    restricted.restricted = True
    session.flush()
    sign_in(client, pa)
    assert sorted(_ids(client.get("/care-leavers"))) == sorted([open_record.id, restricted.id])
    assert client.get(f"/children/{restricted.id}/leaving-care").status_code == 200


def test_the_caseload_needs_the_leaving_care_capability(client, factory) -> None:
    sign_in(client, factory.user(role="virtual_school"))
    assert client.get("/care-leavers").status_code == 403
    assert client.get("/care-leavers.csv").status_code == 403
