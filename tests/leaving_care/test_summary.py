"""The managers' care-leavers summary: who is counted, each measure, the CSV, and a
change of accommodation showing at once (with the PA visit it raises)."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
import time_machine

from tests.helpers import browser_client, plain, sign_in, submit
from tests.leaving_care.conftest import FROZEN, TODAY, summary_cell
from tracker.leaving_care import services
from tracker.tracking.models import TrackedItem

pytestmark = pytest.mark.usefixtures("frozen")


@pytest.fixture()
def frozen():
    with time_machine.travel(FROZEN, tick=False):
        yield


def _record(session, child, record_kind: str, **data) -> None:
    services.record_fact(session, child, record_kind, data, today=TODAY)


@pytest.fixture()
def population(leavers, session):
    """Young people of each age with known measures (see the expected counts below)."""
    d = dt.date
    # 17, relevant (left care at 17): suitable, EET, not in touch.
    g = leavers.young_person(dob=d(2009, 3, 10), entered=d(2024, 9, 2), left=d(2026, 6, 1))
    _record(session, g, "accommodation", start_on=d(2026, 6, 1), accommodation="E", suitable="yes")
    _record(session, g, "activity", start_on=d(2026, 9, 1), activity="P2")
    # 17, eligible (still looked after): in touch.
    leavers.young_person(dob=d(2009, 9, 1), entered=d(2024, 9, 2))
    # 18: suitable, EET, in touch (contact this month).
    a = leavers.former_relevant(age=18)
    _record(session, a, "accommodation", start_on=d(2026, 6, 1), accommodation="D", suitable="yes")
    _record(session, a, "activity", start_on=d(2026, 9, 1), activity="F2")
    _record(session, a, "contact", contact_on=d(2026, 11, 1), method="phone")
    # 19: suitable, NEET since June (G5 then G6 back to back), council tenancy, last contact too long ago.
    b = leavers.former_relevant(age=19)
    _record(session, b, "accommodation", start_on=d(2025, 9, 1), accommodation="U", suitable="yes")
    _record(session, b, "tenancy", tenure="council", start_on=d(2025, 9, 1))
    _record(session, b, "activity", start_on=d(2026, 6, 1), activity="G5")
    _record(session, b, "activity", start_on=d(2026, 9, 1), activity="G6")
    _record(session, b, "contact", contact_on=d(2026, 8, 1), method="visit")
    # 20: unsuitable, NEET for under 3 months, council tenancy ended last month, in touch by birthday data.
    c = leavers.former_relevant(age=20)
    _record(session, c, "accommodation", start_on=d(2025, 6, 1), accommodation="U", suitable="yes")
    _record(session, c, "tenancy", tenure="council", start_on=d(2025, 6, 1), end_on=d(2026, 10, 15),
            end_reason="eviction_arrears", rent_arrears=True)
    _record(session, c, "accommodation", start_on=d(2026, 10, 1), accommodation="S", suitable="no",
            unsuitable_reason="Sofa surfing after eviction")
    _record(session, c, "activity", start_on=d(2025, 1, 1), activity="F5")
    _record(session, c, "activity", start_on=d(2026, 10, 1), activity="G4")
    _record(session, c, "birthday_data", recorded_on=d(2026, 10, 20), in_touch="YES", activity="G4",
            accommodation="S", suitable="no")
    # 20: staying put with former foster carers, suitable, EET.
    dd = leavers.former_relevant(age=20)
    _record(session, dd, "staying_put", carer_ref="CR1", start_on=d(2024, 5, 10))
    _record(session, dd, "accommodation", start_on=d(2024, 5, 10), accommodation="Z", suitable="yes")
    _record(session, dd, "activity", start_on=d(2024, 9, 1), activity="F1")
    # 22, support extended to 25: residence not known (no information), in touch.
    e = leavers.former_relevant(age=22)
    _record(session, e, "pathway_event", kind="pa_extended_to_25", on=d(2025, 4, 1))
    _record(session, e, "accommodation", start_on=d(2025, 6, 1), accommodation="R", suitable="yes")
    _record(session, e, "contact", contact_on=d(2026, 11, 10), method="visit")
    # Left out: died (19), eligible but 16, support ended at 21, never eligible (qualifying).
    f = leavers.former_relevant(age=19)
    _record(session, f, "birthday_data", recorded_on=d(2026, 6, 1), in_touch="DIED")
    leavers.young_person(dob=d(2010, 1, 15), entered=d(2024, 9, 2))
    leavers.former_relevant(age=21)
    leavers.young_person(dob=d(2007, 4, 1), entered=d(2025, 3, 1), left=d(2025, 3, 20))
    session.flush()


EXPECTED = {  # row: (young people, suitable, unsuitable, eet, neet, neet_long, in_touch, staying_put, council this, last)
    "17": (2, 1, 0, 1, 0, 0, 1, 0, 0, 0),
    "18": (1, 1, 0, 1, 0, 0, 1, 0, 0, 0),
    "19": (1, 1, 0, 0, 1, 1, 0, 0, 1, 1),
    "20": (2, 1, 1, 1, 1, 0, 1, 1, 0, 1),
    "21 and over": (1, 0, 0, 0, 0, 0, 1, 0, 0, 0),
    "19 to 21": (3, 2, 1, 1, 2, 1, 1, 1, 1, 2),
    "Total": (7, 4, 1, 3, 2, 1, 4, 1, 1, 2),
}
MEASURES = ("young_people", "suitable", "unsuitable", "eet", "neet", "neet_long", "in_touch", "staying_put",
            "council_this_month", "council_last_month")


def test_summary_counts_each_measure_by_age_with_definitions(client, factory, population) -> None:
    sign_in(client, factory.user(role="team_manager", team=factory.team()))
    resp = client.get("/care-leavers/summary")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    for row, expected in EXPECTED.items():
        got = tuple(summary_cell(html, row, m) for m in MEASURES)
        assert got == expected, row
    text = plain(resp)
    assert "4 (57%)" in text  # total in suitable accommodation: 4 of 7
    assert "1 young person is left out because their latest in-touch status is \"died\"" in text
    assert "Council tenancy: This month (Nov 2026)" in text and "Council tenancy: Last month (Oct 2026)" in text
    for term in ("In suitable accommodation", "In education, employment or training", "NEET for 3 months or more",
                 "In touch", "Staying put", "Council tenancy this month / last month"):
        assert term in text
    assert '"Residence not known" (R) counts as no information' in text


def test_summary_csv_has_the_same_rows_and_percentages(client, factory, population) -> None:
    sign_in(client, factory.user(role="group_manager", service=factory.service()))
    resp = client.get("/care-leavers/summary.csv")
    assert resp.mimetype == "text/csv"
    assert "care-leavers-summary-2026-11-22.csv" in resp.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(resp.get_data(as_text=True))))
    assert rows[0][:4] == ["Age", "Young people", "In suitable accommodation", "In suitable accommodation %"]
    assert [r[0] for r in rows[1:]] == ["17", "18", "19", "20", "21 and over", "19 to 21", "Total"]
    total = dict(zip(rows[0], rows[-1], strict=True))
    assert total["Young people"] == "7"
    assert (total["In suitable accommodation"], total["In suitable accommodation %"]) == ("4", "57")
    assert (total["In touch"], total["In touch %"]) == ("4", "57")
    assert (total["Council tenancy this month"], total["Council tenancy last month"]) == ("1", "2")


def test_a_personal_adviser_cannot_open_the_summary(client, factory) -> None:
    sign_in(client, factory.user(role="personal_adviser"))
    assert client.get("/care-leavers/summary").status_code == 403
    assert client.get("/care-leavers/summary.csv").status_code == 403


def test_a_move_to_unsuitable_accommodation_shows_on_the_summary_at_once_and_raises_a_pa_visit(
        client, factory, session, leavers) -> None:
    pa = factory.user(role="personal_adviser")
    manager = factory.user(role="team_manager", team=factory.team())
    young = leavers.former_relevant(age=19, adviser=pa)
    _record(session, young, "accommodation", start_on=dt.date(2025, 6, 1), accommodation="D", suitable="yes")
    sign_in(client, manager)
    before = client.get("/care-leavers/summary").get_data(as_text=True)
    assert (summary_cell(before, "19", "suitable"), summary_cell(before, "19", "unsuitable")) == (1, 0)

    adviser = browser_client(client.application)
    sign_in(adviser, pa)
    resp = submit(adviser, f"/children/{young.id}/leaving-care/accommodation/new",
                  {"start_on": dt.date(2026, 11, 21), "accommodation": "W", "suitable": "no",
                   "unsuitable_reason": "Bed and breakfast after a family row"}, follow=True)
    page = plain(resp)
    assert "Accommodation recorded" in page
    assert "W: Bed and breakfast Not suitable Bed and breakfast after a family row" in page
    # The move raises a personal adviser visit due within 7 days, owned by the adviser.
    visits = {i.due_on: i for i in session.query(TrackedItem).filter_by(child_id=young.id,
                                                                        kind="pa_visit_after_move")}
    visit = visits[dt.date(2026, 11, 28)]
    assert (visit.status, visit.owner_id) == ("due_soon", pa.id)
    assert "Personal adviser visit after a move 28/11/2026 Due soon" in page

    after = client.get("/care-leavers/summary").get_data(as_text=True)
    assert (summary_cell(after, "19", "suitable"), summary_cell(after, "19", "unsuitable")) == (0, 1)
    assert (summary_cell(after, "Total", "suitable"), summary_cell(after, "Total", "unsuitable")) == (0, 1)
