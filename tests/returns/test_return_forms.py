"""The SSDA903 detail, OC2 and adoption forms carry the version they were opened at: a
save from a stale page is refused, says so and keeps what the user typed."""

from __future__ import annotations

import datetime as dt

import time_machine

from tests.helpers import CSRF_RE, browser_client, plain, sign_in, submit
from tracker.returns.models import AdoptionReturn, ChildReturnDetail, Oc2Record

FROZEN = dt.datetime(2026, 11, 22, 12, tzinfo=dt.UTC)


def _opened(client, url: str) -> dict[str, str]:
    """Open a form page as a browser would: its token and the version it carries."""
    import re

    html = client.get(url).get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="([^"]*)"', html).group(1)
    return {"csrf_token": CSRF_RE.search(html).group(1), "version": version}


@time_machine.travel(FROZEN, tick=False)
def test_two_people_saving_different_oc2_fields_the_second_is_told_and_keeps_their_input(app, factory, session) -> None:
    team = factory.team()
    sw = factory.user(name="First Worker", team=team)
    manager = factory.user(role="team_manager", name="Second Worker", team=team)
    child = factory.child(worker=sw, date_of_birth=dt.date(2012, 5, 5), entered_care=dt.date(2024, 1, 6))
    url = f"/children/{child.id}/ssda903/oc2?year=2026"
    first, second = browser_client(app), browser_client(app)
    sign_in(first, sw)
    sign_in(second, manager)
    a, b = _opened(first, url), _opened(second, url)  # both open the empty form (version 0)
    assert a["version"] == b["version"] == "0"
    saved = first.post(url, data=a | {"immunisations": "1", "substance_misuse": "", "convicted": ""})
    assert saved.status_code == 302
    refused = second.post(url, data=b | {"immunisations": "", "substance_misuse": "", "convicted": "0"})
    assert refused.status_code == 200
    page = plain(refused)
    assert "Changed by someone else" in page
    assert "What is saved now" in page and "Immunisations up to date Yes" in page
    assert 'name="convicted"' in refused.get_data(as_text=True)
    assert '<option value="0" selected>No</option>' in refused.get_data(as_text=True).split('name="convicted"')[1]
    session.expire_all()
    record = session.query(Oc2Record).filter_by(child_id=child.id, year=2026).one()
    assert record.immunisations is True and record.convicted is None  # nothing reverted, nothing merged
    # Having seen what is saved, the second person saves both: the page now carries version 1.
    again = plain(second.post(url, data=_opened(second, url) | {"immunisations": "1", "convicted": "0"},
                              follow_redirects=True))
    assert "OC2 information saved" in again
    session.expire_all()
    record = session.query(Oc2Record).filter_by(child_id=child.id, year=2026).one()
    assert (record.immunisations, record.convicted, record.version) == (True, False, 2)


@time_machine.travel(FROZEN, tick=False)
def test_stale_ssda903_details_and_adoption_saves_are_refused(app, client, factory, session) -> None:
    sw = factory.user()
    girl = factory.child(worker=sw, date_of_birth=dt.date(2009, 5, 5), entered_care=dt.date(2025, 1, 6))
    girl.sex = "2"
    session.flush()
    sign_in(client, sw)
    details = f"/children/{girl.id}/ssda903/details"
    opened = _opened(client, details)
    assert submit(client, details, {"mother": "0"}).status_code == 302  # someone else saves first
    stale = client.post(details, data=opened | {"mother": "1", "first_child_born_on": ["1", "2", "2026"],
                                                "perm_version": "0"})
    assert "Changed by someone else" in plain(stale)
    session.expire_all()
    assert session.query(ChildReturnDetail).filter_by(child_id=girl.id).one().mother is False

    adoption = f"/children/{girl.id}/ssda903/adoption"
    opened = _opened(client, adoption)
    assert submit(client, adoption, {"by_foster_carer": "1"}).status_code == 302
    stale = client.post(adoption, data=opened | {"by_foster_carer": "0"})
    assert "Changed by someone else" in plain(stale)
    session.expire_all()
    assert session.query(AdoptionReturn).filter_by(child_id=girl.id).one().by_foster_carer is True


@time_machine.travel(FROZEN, tick=False)
def test_an_empty_save_records_nothing(client, factory, session) -> None:
    sw = factory.user()
    child = factory.child(worker=sw, entered_care=dt.date(2025, 1, 6))
    sign_in(client, sw)
    for path in ("details", "oc2?year=2026", "adoption"):
        assert submit(client, f"/children/{child.id}/ssda903/{path}", {}).status_code == 302
    assert session.query(ChildReturnDetail).filter_by(child_id=child.id).count() == 0
    assert session.query(Oc2Record).filter_by(child_id=child.id).count() == 0
    assert session.query(AdoptionReturn).filter_by(child_id=child.id).count() == 0
