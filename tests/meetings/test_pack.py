"""The weekly tracking meeting pack: lists, counts and drill-downs."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine

from tests.helpers import plain, sign_in, text_of
from tracker.children.models import CarePeriod, LegalStatus
from tracker.permanence.models import CourtEvent, PermanencePlan
from tracker.tracking.services import all_child_ids, recompute_children

TODAY = dt.date(2026, 11, 18)  # a Wednesday; the week runs Mon 16 – Sun 22 Nov 2026
FROZEN = dt.datetime(2026, 11, 18, 12, tzinfo=dt.UTC)


@pytest.fixture()
def authority(factory, session):
    service = factory.service(name="Children in care")
    east, west = factory.team(name="East", service=service), factory.team(name="West", service=service)
    other_service_team = factory.team(name="Elsewhere", service=factory.service())
    gm = factory.user(role="group_manager", service=service)
    sw_e, sw_w = factory.user(team=east), factory.user(team=west)
    kids = {}
    # East: in care since 2025 under a care order, with 3 placements this year, one a breakdown this week.
    kids["a"] = factory.child(worker=sw_e, first_name="Ada", date_of_birth=dt.date(2014, 1, 1),
                              entered_care=dt.date(2025, 9, 1))
    factory.placement(child=kids["a"], start_on=dt.date(2025, 9, 1), end_on=dt.date(2026, 1, 5), end_reason="CARPL")
    factory.placement(child=kids["a"], start_on=dt.date(2026, 1, 5), end_on=dt.date(2026, 6, 1), end_reason="CARPL")
    factory.placement(child=kids["a"], start_on=dt.date(2026, 6, 1), end_on=dt.date(2026, 11, 17), end_reason="CREQB")
    factory.placement(child=kids["a"], start_on=dt.date(2026, 11, 17), emergency=True)
    # East: started under s.20 this week.
    kids["b"] = factory.child(worker=sw_e, first_name="Ben", date_of_birth=dt.date(2012, 5, 5),
                              entered_care=dt.date(2026, 11, 16), legal_status="V2")
    # West: in proceedings (issued 1 Sep 2026, extended 4 weeks) and pre-proceedings before that.
    kids["c"] = factory.child(worker=sw_w, first_name="Cal", date_of_birth=dt.date(2020, 2, 2),
                              entered_care=dt.date(2026, 9, 1), legal_status="C1")
    session.add_all([CourtEvent(child_id=kids["c"].id, kind="pre_proceedings_started", on=dt.date(2026, 6, 1)),
                     CourtEvent(child_id=kids["c"].id, kind="proceedings_issued", on=dt.date(2026, 9, 1)),
                     CourtEvent(child_id=kids["c"].id, kind="proceedings_extended", on=dt.date(2026, 10, 1), weeks=4),
                     CourtEvent(child_id=kids["c"].id, kind="hearing", on=dt.date(2026, 12, 3))])
    # West: left care this week.
    kids["d"] = factory.child(worker=sw_w, first_name="Dee", date_of_birth=dt.date(2010, 3, 3))
    session.add(CarePeriod(child=kids["d"], start_on=dt.date(2025, 1, 6), end_on=dt.date(2026, 11, 17),
                           reason_ceased="E4A", category_of_need="N1"))
    session.add(LegalStatus(child=kids["d"], start_on=dt.date(2025, 1, 6), code="V2"))
    # West: pre-proceedings only, started 20 weeks ago (past the 16-week mark).
    kids["e"] = factory.child(worker=sw_w, first_name="Eve", date_of_birth=dt.date(2019, 7, 7))
    session.add(CourtEvent(child_id=kids["e"].id, kind="pre_proceedings_started", on=dt.date(2026, 7, 1)))
    # West: adoption plan, placement order, not yet matched.
    kids["f"] = factory.child(worker=sw_w, first_name="Fay", date_of_birth=dt.date(2023, 4, 4),
                              entered_care=dt.date(2025, 5, 5), legal_status="C2")
    session.add(LegalStatus(child=kids["f"], start_on=dt.date(2026, 3, 2), code="E1"))
    session.add(PermanencePlan(child_id=kids["f"].id, agreed_on=dt.date(2025, 10, 1), plan="adoption"))
    # A restricted child in East, and a child of another service: never in this pack for outsiders.
    kids["r"] = factory.child(worker=sw_e, first_name="Rae", restricted=True, date_of_birth=dt.date(2015, 1, 1),
                              entered_care=dt.date(2026, 1, 12))
    factory.child(worker=factory.user(team=other_service_team), first_name="Zed", entered_care=dt.date(2026, 1, 12))
    session.flush()
    recompute_children(session, all_child_ids(session), today=TODAY)
    return {"service": service, "east": east, "west": west, "gm": gm, "kids": kids}


def _count(page: str, metric: str) -> list[int]:
    row = re.search(rf'data-metric="{metric}">(.*?)</tr>', page, re.S)
    assert row, metric
    return [int(n) for n in re.findall(r">\s*(\d+)\s*<", row.group(1))]


@time_machine.travel(FROZEN, tick=False)
def test_pack_lists_the_children_the_meeting_goes_through(client, authority) -> None:
    sign_in(client, authority["gm"])
    page = plain(client.get("/meetings/pack"))
    assert "week of 16/11/2026" in page
    # Proceedings: issued 1 Sep 2026 → as at 18 Nov 2026 that is day 78 → week 12 of 26 (+4 extension weeks).
    assert "Cal Test" in page and "week 12 of 30" in page and "next hearing 03/12/2026" in page
    assert "1 extension, +4 weeks" in page
    # Pre-proceedings: Eve, started 1 Jul 2026 (week 1), so 18 Nov is in week 21; 16-week mark
    # 21 Oct 2026, passed.
    assert "Started 01/07/2026; week 21 of 16; decision due by 21/10/2026 Past the mark" in page
    assert "Accommodated since 16/11/2026 (0 weeks)" in page  # Ben, s.20
    assert "Plan agreed 01/10/2025; placement order 02/03/2026 (261 days ago); not matched" in page  # Fay
    assert "Zed" not in page  # another service


@time_machine.travel(FROZEN, tick=False)
def test_pack_uses_the_authoritys_pre_proceedings_weeks(client, session, authority) -> None:
    from tracker.tracking.models import Setting

    session.add(Setting(key="pre_proceedings_weeks", value=12))
    session.flush()
    sign_in(client, authority["gm"])
    page = plain(client.get("/meetings/pack"))
    # Eve: 1 Jul 2026 + 12 weeks = 23 Sep 2026, the same date as her tracked item.
    assert "Started 01/07/2026; week 21 of 12; decision due by 23/09/2026 Past the mark" in page
    csv = client.get("/meetings/pack.csv").get_data(as_text=True)
    assert "mark=2026-09-23" in csv and "weeks_allowed=12" in csv
    page = plain(client.get(f"/children/{authority['kids']['e'].id}/permanence"))
    assert "Started 01/07/2026 Week 21 of 12" in page


@time_machine.travel(FROZEN, tick=False)
def test_pack_takes_the_proceedings_timescale_from_the_rules_table(client, monkeypatch, authority) -> None:
    from dataclasses import replace

    from tracker.tracking.rules import WeeksBeginningWith, court

    # Were the pack to keep its own 26 weeks or 181 days, changing the rule would not show.
    rule = court.PROCEEDINGS
    monkeypatch.setattr(court, "PROCEEDINGS", replace(rule, clocks=(
        replace(rule.clocks[0], offset=WeeksBeginningWith(20)), *rule.clocks[1:])))
    sign_in(client, authority["gm"])
    page = plain(client.get("/meetings/pack"))
    # Issued 1 Sep 2026: 20 weeks beginning with that day = + 139 days = 18 Jan 2027; + 4 weeks
    # of extension = 15 Feb 2027.
    assert "week 12 of 24 (1 extension, +4 weeks); due 15/02/2027" in page


@time_machine.travel(FROZEN, tick=False)
def test_every_count_equals_the_rows_of_its_drill_down(client, authority) -> None:
    from tracker.meetings.queries import SUMMARY_METRICS

    sign_in(client, authority["gm"])
    page = text_of(client.get("/meetings/pack"))
    east, west = authority["east"].id, authority["west"].id
    expected = {"cla": [3, 2, 5], "starts": [1, 0, 1], "ceases": [0, 1, 1], "three_plus_placements": [1, 0, 1],
                "breakdowns": [1, 0, 1], "emergency": [1, 0, 1]}
    for metric, counts in expected.items():
        assert _count(page, metric) == counts, metric
    for metric in SUMMARY_METRICS:
        for team, shown in zip((east, west, "all"), _count(page, metric), strict=True):
            listing = text_of(client.get(f"/meetings/pack/list?metric={metric}&team={team}"))
            rows = max(0, len(re.findall(r'<tr class="govuk-table__row">', listing)) - 1)  # less the header
            assert rows == shown, (metric, team)


@time_machine.travel(FROZEN, tick=False)
def test_restricted_children_are_not_counted_for_someone_who_cannot_see_them(client, factory, authority) -> None:
    # A team manager from West is in the service but may not open East's restricted child.
    tm = factory.user(role="team_manager", team=authority["west"])
    from tracker.meetings import queries

    gm_scope = queries.make_scope(client.application.extensions["tracker_db"].session, authority["gm"],
                                  authority["service"].id, TODAY, TODAY)
    tm_scope = queries.make_scope(client.application.extensions["tracker_db"].session, tm,
                                  authority["service"].id, TODAY, TODAY)
    session = client.application.extensions["tracker_db"].session
    assert authority["kids"]["r"].id in queries.cla(session, gm_scope)
    assert authority["kids"]["r"].id not in queries.cla(session, tm_scope)


@time_machine.travel(FROZEN, tick=False)
def test_another_week_and_csv(client, authority) -> None:
    sign_in(client, authority["gm"])
    last_week = plain(client.get("/meetings/pack?week=2026-11-10"))
    assert "week of 09/11/2026" in last_week
    resp = client.get("/meetings/pack.csv")
    assert resp.headers["Content-Type"].startswith("text/csv")
    body = resp.get_data(as_text=True)
    assert "In care proceedings" in body and "Children looked after" in body


def test_social_workers_cannot_open_the_pack(client, factory) -> None:
    sign_in(client, factory.user(role="social_worker"))
    assert client.get("/meetings/pack").status_code == 403
