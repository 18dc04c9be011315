"""A young person's way through the care-leaver rules, driven through the app's forms,
its recompute (what the daily job runs) and the leaving-care page, moving today with
time-machine: eligible at 16 → needs assessment and pathway plan due at 16 years
3 months; leaves care at 17 → pathway-plan review and PA contact clocks start; at 21
those close, unless support was extended to 25."""

from __future__ import annotations

import datetime as dt
import re
from contextlib import contextmanager
from typing import Any

import time_machine

from tests.helpers import browser_client, sign_in, submit, text_of
from tracker import clock
from tracker.children.models import CarePeriod
from tracker.tracking.services import recompute_children

DOB = dt.date(2010, 1, 15)  # 14th birthday 15/01/2024, 16th 15/01/2026, 21st 15/01/2031


@contextmanager
def _on(day: dt.date):
    with time_machine.travel(dt.datetime(day.year, day.month, day.day, 12, tzinfo=dt.UTC), tick=False):
        yield


def _page(client, session, child) -> tuple[str, dict[str, list[tuple[str, str]]]]:
    """Recompute as the daily job does, then read the leaving-care tab: its text and the
    pathway items, open and past (kind → [(due, status)])."""
    session.expire_all()  # the app changed rows this session may hold
    recompute_children(session, [child.id], today=clock.today())
    html = client.get(f"/children/{child.id}/leaving-care").get_data(as_text=True)
    items: dict[str, list[tuple[str, str]]] = {}
    tables = "".join(re.findall(r'<table class="govuk-table" id="pathway-items(?:-past)?">(.*?)</table>', html, re.S))
    for kind, row in re.findall(r'<tr class="govuk-table__row" data-kind="([a-z_]+)"[^>]*>(.*?)</tr>', tables, re.S):
        cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        items.setdefault(kind, []).append((cells[1], cells[2]))
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)), items


def _leaves_care_at_17(client, factory, session) -> tuple[Any, Any]:
    team = factory.team()
    sw = factory.user(name="Sam Worker", team=team)
    manager = factory.user(role="team_manager", team=team)
    pa = factory.user(role="personal_adviser", name="Pat Adviser")
    child = factory.child(worker=sw, date_of_birth=DOB, first_name="Jordan")

    with _on(dt.date(2024, 9, 2)):  # aged 14
        sign_in(client, sw)
        resp = submit(client, f"/children/{child.id}/enter-care",
                      {"start_on": dt.date(2024, 9, 2), "legal_status": "V2", "category_of_need": "N1"})
        assert resp.status_code == 302

    with _on(dt.date(2026, 1, 10)):  # 13 weeks long reached, but not yet 16: no duties yet
        sign_in(client, sw)
        text, items = _page(client, session, child)
        assert "Not a care leaver" in text
        assert "would become eligible on 2026-01-15" in text
        assert items == {}

    with _on(dt.date(2026, 2, 1)):  # turned 16 in care
        sign_in(client, sw)
        text, items = _page(client, session, child)
        assert "Eligible" in text
        assert ("13 weeks (91 days) looked after since 14th birthday 2024-01-15, reached on 2026-01-15; "
                "16th birthday 2026-01-15") in text
        assert items["needs_assessment"] == [("15/04/2026", "Upcoming")]  # 16 years 3 months
        assert items["pathway_plan"] == [("15/04/2026", "Upcoming")]
        assert "pathway_plan_review" not in items and "pa_contact" not in items  # still in care
        managers = browser_client(client.application)
        sign_in(managers, manager)  # a manager allocates the personal adviser
        resp = submit(managers, f"/children/{child.id}/allocation/personal-adviser",
                      {"adviser_id": str(pa.id), "version": str(child.version)})
        assert resp.status_code == 302

    with _on(dt.date(2026, 3, 20)):
        sign_in(client, pa)
        for kind, on in (("needs_assessment_completed", dt.date(2026, 3, 10)),
                         ("pathway_plan_completed", dt.date(2026, 3, 20))):
            assert submit(client, f"/children/{child.id}/leaving-care/pathway-events/new",
                          {"kind": kind, "on": on}).status_code == 302
        text, items = _page(client, session, child)
        assert items["needs_assessment"] == [("15/04/2026", "Done on time")]
        assert items["pathway_plan"] == [("15/04/2026", "Done on time")]
        assert "Pat Adviser" in text

    with _on(dt.date(2027, 2, 1)):  # leaves care at 17
        sign_in(client, sw)
        period = session.query(CarePeriod).filter_by(child_id=child.id).one()
        resp = submit(client, f"/children/{child.id}/care-periods/{period.id}/end",
                      {"end_on": dt.date(2027, 2, 1), "reason_ceased": "E5", "version": str(period.version)})
        assert resp.status_code == 302
        text, items = _page(client, session, child)
        assert "Relevant" in text
        assert "Left care on 2027-02-01 before the 18th birthday" in text
        assert items["pathway_plan_review"] == [("01/08/2027", "Upcoming")]  # 6 months after leaving
        assert items["pa_contact"] == [("01/04/2027", "Upcoming")]  # 2 months after leaving
    return child, pa


def test_support_and_its_clocks_stop_at_the_21st_birthday(client, factory, session) -> None:
    child, _pa = _leaves_care_at_17(client, factory, session)
    with _on(dt.date(2030, 12, 1)):  # aged 20: former relevant, the clocks ran on and are overdue
        sign_in(client, _pa)
        text, items = _page(client, session, child)
        assert "Former relevant" in text
        assert items["pa_contact"] == [("01/04/2027", "Overdue")]
    with _on(dt.date(2031, 1, 20)):
        sign_in(client, _pa)
        text, items = _page(client, session, child)
        assert "Not a care leaver" in text
        assert "Support ended on 2031-01-15 (21st birthday)" in text
        assert items["pathway_plan_review"] == [("01/08/2027", "Closed")]
        assert items["pa_contact"] == [("01/04/2027", "Closed")]


def test_support_extended_to_25_keeps_the_clocks_running_after_21(client, factory, session) -> None:
    child, pa = _leaves_care_at_17(client, factory, session)
    with _on(dt.date(2030, 12, 1)):
        sign_in(client, pa)
        resp = submit(client, f"/children/{child.id}/leaving-care/pathway-events/new",
                      {"kind": "pa_extended_to_25", "on": dt.date(2030, 12, 1)}, follow=True)
        assert "Personal adviser support extended to 25" in text_of(resp)
    with _on(dt.date(2031, 1, 20)):
        sign_in(client, pa)
        text, items = _page(client, session, child)
        assert "Former relevant" in text
        assert "Support until 15/01/2035" in text
        assert items["pathway_plan_review"] == [("01/08/2027", "Overdue")]
        assert items["pa_contact"] == [("01/04/2027", "Overdue")]
