"""Performance dashboard: figures, drill-downs (honouring restrictions) and benchmarks."""

from __future__ import annotations

import datetime as dt
import re

import time_machine

from tests.helpers import plain, sign_in, submit, text_of
from tracker.reports.models import Benchmark
from tracker.tracking.services import all_child_ids, recompute_children

FROZEN = dt.datetime(2026, 11, 18, 12, tzinfo=dt.UTC)
TODAY = dt.date(2026, 11, 18)


def _row(page: str, key: str) -> str:
    m = re.search(rf'data-indicator="{key}">(.*?)</tr>', page, re.S)
    assert m, key
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", m.group(1)))


@time_machine.travel(FROZEN, tick=False)
def test_placement_indicators_and_their_drill_downs(client, factory, session) -> None:
    service = factory.service()
    gm = factory.user(role="group_manager", service=service)
    sw = factory.user(team=factory.team(service=service))
    # Four children looked after now (2026–27). One has had 3 placements this year, ending one in
    # breakdown; one is placed far away; one placement this year was an emergency.
    a = factory.child(worker=sw, first_name="Ada", entered_care=dt.date(2026, 4, 6))
    factory.placement(child=a, start_on=dt.date(2026, 4, 6), end_on=dt.date(2026, 6, 1), end_reason="CARPL",
                      emergency=True)
    factory.placement(child=a, start_on=dt.date(2026, 6, 1), end_on=dt.date(2026, 9, 1), end_reason="CREQB")
    factory.placement(child=a, start_on=dt.date(2026, 9, 1))
    b = factory.child(worker=sw, first_name="Bo", entered_care=dt.date(2025, 1, 6))
    factory.placement(child=b, start_on=dt.date(2025, 1, 6), over_20_miles=True, outside_authority=True)
    for n in ("Cy", "Di"):
        c = factory.child(worker=sw, first_name=n, entered_care=dt.date(2025, 1, 6))
        factory.placement(child=c, start_on=dt.date(2025, 1, 6))
    sign_in(client, gm)
    page = text_of(client.get("/dashboard"))
    assert "2026–27" in page and "2023–24" in page
    row = _row(page, "placements_3plus")
    assert "25% " in row and "1 of 4" in row  # current year column
    assert "1 of 4" in _row(page, "placed_far")
    # Breakdowns: 1 breakdown among 6 placements open in 2026–27 → 16.7 per 100.
    assert "16.7" in _row(page, "breakdowns") and "1 of 6 placements" in _row(page, "breakdowns")
    # Emergency: 1 of the 3 placements that started in 2026–27.
    assert "33%" in _row(page, "emergency")
    drill = plain(client.get("/dashboard/list?indicator=placements_3plus&year=2026&part=numerator"))
    assert "1 child" in drill and "Ada" in drill and "Bo Test" not in drill
    all_measured = plain(client.get("/dashboard/list?indicator=placements_3plus&year=2026&part=denominator"))
    assert "4 children" in all_measured


@time_machine.travel(FROZEN, tick=False)
def test_reviews_on_time_and_restricted_children(client, factory, session, monkeypatch) -> None:
    from tracker.reviews.models import Review

    service = factory.service()
    team_a, team_b = factory.team(service=service), factory.team(service=factory.service())
    sw = factory.user(team=team_a)
    on_time = factory.child(worker=sw, first_name="Onn", entered_care=dt.date(2026, 5, 4))
    late = factory.child(worker=sw, first_name="Lat", entered_care=dt.date(2026, 5, 4))
    hidden = factory.child(worker=factory.user(team=team_b), first_name="Hid", restricted=True,
                           entered_care=dt.date(2026, 5, 4))
    # Review 1 due 20 working days after Mon 4 May 2026, skipping 25 May: Tue 2 Jun 2026.
    session.add_all([Review(child_id=on_time.id, held_on=dt.date(2026, 6, 1)),
                     Review(child_id=late.id, held_on=dt.date(2026, 6, 10)),
                     Review(child_id=hidden.id, held_on=dt.date(2026, 6, 1))])
    session.flush()
    recompute_children(session, all_child_ids(session), today=TODAY)
    tm = factory.user(role="team_manager", team=team_a)
    sign_in(client, tm)
    row = _row(text_of(client.get("/dashboard")), "reviews_on_time")
    # Review 2 (3 months after review 1) is due in Sept and overdue for both visible children, so
    # neither has every review on time; the restricted child of another team is not counted at all.
    assert "0 of 2" in row
    admin = factory.user(role="admin")
    c2 = client.application.test_client()
    c2.environ_base.update(client.environ_base)
    sign_in(c2, admin)
    assert c2.get("/dashboard").status_code == 403  # administrators read no child's record by default
    # Where the council's policy lets administrators read every child, they count everyone.
    monkeypatch.setitem(client.application.config, "ADMIN_READS_CHILDREN", True)
    assert "0 of 3" in _row(text_of(c2.get("/dashboard")), "reviews_on_time")


@time_machine.travel(FROZEN, tick=False)
def test_administrator_edits_benchmarks_with_validation(client, factory, session) -> None:
    sign_in(client, factory.user(role="admin"))
    bad = submit(client, "/dashboard/benchmarks?year=2026", {"year": "2026", "reviews_on_time-england": "lots"})
    assert bad.status_code == 200
    assert "Reviews on time: enter a number, like 12.5, or leave it blank" in plain(bad)
    assert session.query(Benchmark).count() == 0
    ok = submit(client, "/dashboard/benchmarks?year=2026", {"year": "2026", "reviews_on_time-england": "91.5",
                                                            "reviews_on_time-neighbours": "88"})
    assert ok.status_code == 302
    manager = client.application.test_client()
    manager.environ_base.update(client.environ_base)
    sign_in(manager, factory.user(role="group_manager", service=factory.service()))
    row = _row(text_of(manager.get("/dashboard")), "reviews_on_time")
    assert "91.50" in row and "88.00" in row


def test_social_workers_have_no_dashboard(client, factory) -> None:
    sign_in(client, factory.user())
    assert client.get("/dashboard").status_code == 403
