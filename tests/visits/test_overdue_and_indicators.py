"""Overdue statutory visits by worker and team (home pages and their drill-down), and the
dashboard's "visits in timescale" and "return home interviews within 72 hours", each
limited to the children the user may see."""

from __future__ import annotations

import datetime as dt
import re

from tests.children.casework import frozen, recompute
from tests.helpers import plain, sign_in, text_of
from tracker.missing.models import MissingEpisode
from tracker.visits.models import Visit

D = dt.date


def _in_placement(factory, *, worker, first_name: str, placed: D, restricted: bool = False):
    child = factory.child(worker=worker, first_name=first_name, last_name="Kid", entered_care=placed,
                          date_of_birth=D(2013, 5, 5), restricted=restricted)
    factory.placement(child=child, start_on=placed)
    return child


def _authority(factory, session):
    """Two teams of one service. Overdue first visits (7 days after the placement):
    Ann (east, Sam's) due 8 Oct, Bea (east, Sam's) due 1 Nov, Cat (east, Ola's, restricted)
    due 15 Oct, Dan (west, Wil's) due 22 Oct; Eve (east, Sam's) was visited and is not overdue."""
    service = factory.service(name="Children in care")
    east, west = factory.team(name="East", service=service), factory.team(name="West", service=service)
    sam = factory.user(team=east, name="Sam Worker")
    ola = factory.user(team=east, name="Ola Other")
    wil = factory.user(team=west, name="Wil West")
    kids = {
        "ann": _in_placement(factory, worker=sam, first_name="Ann", placed=D(2026, 10, 1)),
        "bea": _in_placement(factory, worker=sam, first_name="Bea", placed=D(2026, 10, 25)),
        "cat": _in_placement(factory, worker=ola, first_name="Cat", placed=D(2026, 10, 8), restricted=True),
        "dan": _in_placement(factory, worker=wil, first_name="Dan", placed=D(2026, 10, 15)),
        "eve": _in_placement(factory, worker=sam, first_name="Eve", placed=D(2026, 11, 2)),
    }
    session.add(Visit(child_id=kids["eve"].id, visited_on=D(2026, 11, 6), seen_alone=True, visited_by_id=sam.id))
    session.flush()
    recompute(session, *kids.values())
    return {"service": service, "east": east, "west": west, "sam": sam, "ola": ola, "wil": wil, **kids}


def _rows(resp) -> list[str]:
    body = resp.get_data(as_text=True)
    table = body.split('id="overdue-visits"', 1)[1].split("</table>", 1)[0] if 'id="overdue-visits"' in body else ""
    return re.findall(r'<a class="govuk-link" href="/children/\d+/visits">([^<]+)</a>', table)


@frozen
def test_a_worker_sees_their_own_overdue_visits_longest_overdue_first(client, factory, session) -> None:
    a = _authority(factory, session)
    sign_in(client, a["sam"])
    home = plain(client.get("/"))
    assert "Statutory visits 2 children have an overdue statutory visit" in home
    resp = client.get("/visits/overdue")
    assert _rows(resp) == ["Ann Kid", "Bea Kid"]
    page = plain(resp)
    assert "Ann Kid" in page and "08/10/2026 45" in page  # due 8 October, 45 days overdue
    assert "Cat" not in page and "Dan" not in page and "By allocated worker" not in page


@frozen
def test_a_team_manager_sees_overdue_visits_by_worker_with_the_children_behind_each(client, factory,
                                                                                  session) -> None:
    a = _authority(factory, session)
    tm = factory.user(role="team_manager", team=a["east"])
    sign_in(client, tm)
    home = plain(client.get("/"))
    # The restricted child is the team manager's to see (their team): counted.
    assert "Overdue visits by worker: 3 in all Worker Overdue Ola Other 1 Sam Worker 2" in home
    everything = client.get("/visits/overdue")
    assert _rows(everything) == ["Ann Kid", "Cat Kid", "Bea Kid"]
    assert "Dan" not in plain(everything)  # another team
    assert _rows(client.get(f"/visits/overdue?worker={a['sam'].id}")) == ["Ann Kid", "Bea Kid"]
    assert _rows(client.get(f"/visits/overdue?worker={a['wil'].id}")) == []
    assert client.get("/visits/overdue?worker=abc").status_code == 404


@frozen
def test_a_group_manager_sees_them_by_team_and_a_social_worker_not_a_restricted_child(client, factory,
                                                                                      session) -> None:
    a = _authority(factory, session)
    gm = factory.user(role="group_manager", service=a["service"])
    sign_in(client, gm)
    home = plain(client.get("/"))
    assert "Overdue visits by team: 4 in all Team Overdue East 3 West 1" in home
    assert _rows(client.get(f"/visits/overdue?team={a['west'].id}")) == ["Dan Kid"]
    page = plain(client.get("/visits/overdue"))
    assert "By team Team Overdue East 3 overdue visits: East West 1" in page
    # A social worker of the same team sees their own only, never a restricted child of someone else.
    for worker, worker_filter, expected in ((a["ola"], None, ["Cat Kid"]), (a["wil"], a["ola"].id, [])):
        other = client.application.test_client()
        other.environ_base.update(client.environ_base)
        sign_in(other, worker)
        url = "/visits/overdue" + (f"?worker={worker_filter}" if worker_filter else "")
        assert _rows(other.get(url)) == expected


@frozen
def test_no_overdue_visits_says_so(client, factory, session) -> None:
    sw = factory.user(team=factory.team())
    child = _in_placement(factory, worker=sw, first_name="Fay", placed=D(2026, 11, 20))
    recompute(session, child)
    sign_in(client, sw)
    assert "No statutory visits are overdue for your children." in plain(client.get("/"))
    assert "No statutory visits are overdue." in plain(client.get("/visits/overdue"))


def _indicator(page: str, key: str) -> str:
    m = re.search(rf'data-indicator="{key}">(.*?)</tr>', page, re.S)
    assert m, key
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", m.group(1)))


@frozen
def test_dashboard_visits_in_timescale_and_interviews_within_72_hours(client, factory, session) -> None:
    a = _authority(factory, session)
    # Eve's first visit (due 9 Nov) was on time; Ann, Bea, Cat and Dan's are overdue.
    ann = a["ann"]
    session.add_all([
        # Ann: back on 2 Nov, interviewed on 4 Nov (due 5 Nov): on time.
        MissingEpisode(child_id=ann.id, kind="M", start_on=D(2026, 11, 1), end_on=D(2026, 11, 2),
                       interview="held", interview_on=D(2026, 11, 4)),
        # Dan: back on 10 Nov, interviewed on 16 Nov (due 13 Nov): late.
        MissingEpisode(child_id=a["dan"].id, kind="M", start_on=D(2026, 11, 9), end_on=D(2026, 11, 10),
                       interview="declined", interview_on=D(2026, 11, 16)),
        # Bea: away, not missing: no interview to count.
        MissingEpisode(child_id=a["bea"].id, kind="A", start_on=D(2026, 11, 3), end_on=D(2026, 11, 3)),
    ])
    session.flush()
    recompute(session, ann, a["dan"], a["bea"])
    gm = factory.user(role="group_manager", service=a["service"])
    sign_in(client, gm)
    page = text_of(client.get("/dashboard"))
    visits = _indicator(page, "visits_on_time")
    assert "20% " in visits and "1 of 5" in visits and "1 of 5 visits on time" in visits
    interviews = _indicator(page, "rhi_on_time")
    assert "50% " in interviews and "1 of 2" in interviews and "1 of 2 interviews on time" in interviews
    counted = plain(client.get("/dashboard/list?indicator=visits_on_time&year=2026&part=numerator"))
    assert "1 child" in counted and "Eve Kid" in counted
    measured = client.get("/dashboard/list?indicator=visits_on_time&year=2026&part=denominator")
    names = re.findall(r'href="/children/\d+">([^<]+)</a>', measured.get_data(as_text=True))
    assert names == ["Ann Kid", "Bea Kid", "Cat Kid", "Dan Kid", "Eve Kid"]  # sorted by name
    # A team manager of the west team sees only the west team's children (need-to-know access).
    tm = factory.user(role="team_manager", team=a["west"])
    other = client.application.test_client()
    other.environ_base.update(client.environ_base)
    sign_in(other, tm)
    west = other.get("/dashboard/list?indicator=visits_on_time&year=2026&part=denominator")
    names = re.findall(r'href="/children/\d+">([^<]+)</a>', west.get_data(as_text=True))
    assert names == ["Dan Kid"] and "1 child" in plain(west)
