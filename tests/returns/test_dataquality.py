"""Data-quality checks: warnings on the child's page as soon as a record is saved, the
statutory limits, the authority's data-quality page, and the return-details forms."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

import time_machine
from sqlalchemy import select

from tests.helpers import browser_client, plain, sign_in, submit, text_of
from tests.returns.builders import D, place
from tracker.children.models import LegalStatus, Placement

FROZEN = dt.datetime(2026, 11, 22, 12, tzinfo=dt.UTC)


def _warnings(client, child) -> str:
    """The text of the data-quality block on the child's page ("" if there is none)."""
    html = client.get(f"/children/{child.id}").get_data(as_text=True)
    m = re.search(r'id="data-quality-warnings">(.*?)</ul>', html, re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", m.group(1)))).strip() if m else ""


@time_machine.travel(FROZEN, tick=False)
def test_saving_a_placement_shows_what_the_return_still_needs(client, factory, session) -> None:
    sw = factory.user()
    child = factory.child(worker=sw, date_of_birth=D(2012, 1, 9), entered_care=D(2026, 9, 1), legal_status="V2")
    child.upn = "A12345678901B"
    session.flush()
    sign_in(client, sw)
    resp = submit(client, f"/children/{child.id}/placements/new",
                  {"start_on": D(2026, 9, 1), "placement_type": "K2", "provider": "PR4"})
    assert resp.status_code == 302
    warnings = _warnings(client, child)
    assert "SSDA903 data quality: 4 problems to fix for the return" in warnings
    assert "K2 placement from 01/09/2026: record the home and placement postcode (rule 392b)" in warnings
    assert "K2 placement from 01/09/2026: record the provider's Ofsted URN (rule 218)" in warnings
    assert "Started care 01/09/2026: record any previous permanence order (or none) (rule 630)" in warnings
    assert "No social worker recorded for this year: record who the child's social worker is (SSDA903 " \
           "SWEpisodes) (rule SW01)" in warnings
    # Fix them on the child's SSDA903 tab.
    tab = plain(client.get(f"/children/{child.id}/ssda903"))
    assert "In the 2026–27 return" in tab and "K2 from 01/09/2026 Not recorded Not recorded Not recorded" in tab
    placement_id = session.scalar(select(Placement.id).where(Placement.child_id == child.id))
    bad = submit(client, f"/children/{child.id}/ssda903/placements/{placement_id}",
                 {"home_postcode": "DE1 1TH", "placement_postcode": "DE22", "urn": "SC12"})
    assert "Enter the full placement postcode, like DE22 3BF" in text_of(bad)
    assert "Enter the Ofsted URN: SC and 6 digits" in text_of(bad)
    good = submit(client, f"/children/{child.id}/ssda903/placements/{placement_id}",
                  {"home_postcode": "de1 1th", "placement_postcode": "DE223BF", "urn": "sc123456"})
    assert good.status_code == 302
    assert submit(client, f"/children/{child.id}/ssda903/details", {"prev_perm": "Z1"}).status_code == 302
    assert submit(client, f"/children/{child.id}/ssda903/social-workers/new",
                  {"worker_ref": "SW123456", "start_on": D(2026, 9, 1), "reason": "FCONTA"}).status_code == 302
    assert _warnings(client, child) == ""
    tab = plain(client.get(f"/children/{child.id}/ssda903"))
    assert "01/09/2026 S V2 N1 K2 PR4 DE1 1TH DE22 3BF SC123456" in tab


@time_machine.travel(FROZEN, tick=False)
def test_statutory_limits_and_codes_for_the_year(client, factory, session, monkeypatch) -> None:
    monkeypatch.setitem(client.application.config, "ADMIN_READS_CHILDREN", True)  # children with no team
    admin = factory.user(role="admin")
    # An emergency protection order for 12 days, then police protection for 5 days.
    epo = factory.child(date_of_birth=D(2016, 2, 2), entered_care=D(2026, 6, 1), legal_status="L2")
    session.add(LegalStatus(child=epo, start_on=D(2026, 6, 13), code="L1"))
    session.add(LegalStatus(child=epo, start_on=D(2026, 6, 18), code="C1"))
    place(factory, epo, D(2026, 6, 1), None, "U6", "PR1", "A", post="DE22 3BF", urn="SC831001")
    # Supported accommodation at 15; an "other" placement (Z1) still open in 2026–27.
    young = factory.child(date_of_birth=D(2011, 1, 1), entered_care=D(2026, 5, 4), legal_status="V2")
    place(factory, young, D(2026, 5, 4), None, "K3", "PR4", "B", post="DE22 3BF", urn="2100100")
    old = factory.child(date_of_birth=D(2010, 1, 1), entered_care=D(2024, 6, 3), legal_status="V2")
    place(factory, old, D(2024, 6, 3), None, "Z1", None, "C", post="DE22 3BF")
    sign_in(client, admin)
    epo_warnings = _warnings(client, epo)
    assert "L2 from 01/06/2026 to 13/06/2026 (12 days): over 8 days, so only if it was extended (rule LIMIT-L2)" \
        in epo_warnings
    assert "L1 from 13/06/2026 to 18/06/2026: police protection lasts 72 hours at most (rule LIMIT-L1)" \
        in epo_warnings
    assert "K3 placement from 04/05/2026 at age 15: only for 16 or over (rule LIMIT-K3)" in _warnings(client, young)
    assert "Placement type Z1 (from 03/06/2024) is not valid in 2026–27: record the current code (rule CODES)" \
        in _warnings(client, old)


@time_machine.travel(FROZEN, tick=False)
def test_data_quality_page_counts_children_by_rule_and_links_to_the_fix(app, factory, session, monkeypatch) -> None:
    service = factory.service()
    team, other_team = factory.team(service=service), factory.team(service=factory.service())
    tm = factory.user(role="team_manager", team=team)
    mine = factory.child(team=team, first_name="Mo", date_of_birth=D(2012, 1, 9), entered_care=D(2026, 9, 1))
    hidden = factory.child(team=other_team, first_name="Hal", restricted=True, date_of_birth=D(2012, 1, 9),
                           entered_care=D(2026, 9, 1))
    for c in (mine, hidden):
        place(factory, c, D(2026, 9, 1), None, "U6", "PR1", "A", post="DE22 3BF", urn="SC831001")
    manager = browser_client(app)
    sign_in(manager, tm)
    page = manager.get("/data-quality")
    assert page.status_code == 200
    text = plain(page)
    assert "630 Previous permanence not recorded for a child who started care 1" in text
    assert "442 UPN not recorded for a child looked after 1" in text
    listing = manager.get("/data-quality/630")
    body = listing.get_data(as_text=True)
    assert "Mo Test" in plain(listing) and "Hal" not in plain(listing)
    assert f'href="/children/{mine.id}/ssda903"' in body  # Fix: the child's SSDA903 tab
    assert f'href="/children/{mine.id}"' in body
    admin = browser_client(app)
    sign_in(admin, factory.user(role="admin"))
    assert admin.get("/data-quality").status_code == 403  # no child's record without the council's policy
    monkeypatch.setitem(app.config, "ADMIN_READS_CHILDREN", True)
    assert "630 Previous permanence not recorded for a child who started care 2" in plain(admin.get("/data-quality"))
    worker = browser_client(app)
    sign_in(worker, factory.user())
    assert worker.get("/data-quality").status_code == 403


@time_machine.travel(FROZEN, tick=False)
def test_return_details_are_checked_before_they_are_saved(client, factory, session) -> None:
    sw = factory.user()
    girl = factory.child(worker=sw, date_of_birth=D(2009, 5, 5), entered_care=D(2025, 1, 6))
    girl.sex = "2"
    session.flush()
    sign_in(client, sw)
    url = f"/children/{girl.id}/ssda903/details"
    assert "Enter the date of birth of her first child" in text_of(submit(client, url, {"mother": "1"}))
    assert "Enter the authority's 3-digit code" in text_of(submit(client, url, {"prev_perm": "P2",
                                                                               "prev_perm_date": "ZZ/05/2019"}))
    assert submit(client, url, {"mother": "0", "prev_perm": "P2", "prev_perm_la": "831",
                                "prev_perm_date": "zz/05/2019"}).status_code == 302
    oc2 = f"/children/{girl.id}/ssda903/oc2?year=2026"
    assert "Record whether an intervention was received" in text_of(submit(client, oc2, {"substance_misuse": "1"}))
    assert submit(client, oc2, {"immunisations": "1", "substance_misuse": "1", "intervention_received": "0",
                                "intervention_offered": "1", "convicted": "0"}).status_code == 302
    tab = plain(client.get(f"/children/{girl.id}/ssda903"))
    assert "Mother (MOTHER) No" in tab and "Previous permanence (PREV_PERM) P2 – 831, ZZ/05/2019" in tab
    assert "Immunisations up to date Yes Substance misuse problem Yes Convicted or cautioned No" in tab
    adoption = f"/children/{girl.id}/ssda903/adoption"
    assert "Married couple (different sex) adopters are MF" in text_of(
        submit(client, adoption, {"adopters_count": "2", "adopters_sex": "FF", "adopters_legal_status": "L11"}))


@time_machine.travel(FROZEN, tick=False)
def test_missed_care_leaver_birthday_data_is_a_warning_not_a_blank_oc3_row(app, client, factory, session,
                                                                          tmp_path, monkeypatch) -> None:
    from tracker.tracking.services import recompute_children

    # Eligible (13 weeks in care at 17), left care at 17 in March 2025: 19 on 1 July 2026.
    leaver = factory.child(first_name="Lou", date_of_birth=D(2007, 7, 1), entered_care=D(2024, 9, 2),
                           legal_status="V2")
    place(factory, leaver, D(2024, 9, 2), D(2025, 3, 3), "U6", "PR1", "A", post="DE22 3BF", urn="SC831001")
    leaver.care_periods[0].end_on, leaver.care_periods[0].reason_ceased = D(2025, 3, 3), "E5"
    session.flush()
    recompute_children(session, [leaver.id], today=D(2026, 11, 22))
    monkeypatch.setitem(app.config, "ADMIN_READS_CHILDREN", True)
    sign_in(client, factory.user(role="admin"))
    assert ("No birthday data (in touch, activity, accommodation) recorded for the 19th birthday (01/07/2026, "
            "due by 01/08/2026): the young person is left out of OC3 until it is (rule OC3)") in _warnings(client,
                                                                                                      leaver)
    out = tmp_path / "x"
    assert app.test_cli_runner().invoke(args=["export", "903", "--year", "2026", "--out", str(out)]).exit_code == 0
    assert not (out / "oc3.csv").exists()
