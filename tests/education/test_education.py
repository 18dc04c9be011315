"""PEPs, term by term, using the term dates table."""

from __future__ import annotations

import datetime as dt

from tests.children.casework import field_error, frozen, items, recompute
from tests.helpers import plain, sign_in, submit
from tracker.education.models import Pep


def _setup(factory, **kw):
    sw = factory.user()
    # Into care on 2 March 2026, in the 2025/26 spring term (5 January – 27 March).
    child = factory.child(worker=sw, entered_care=dt.date(2026, 3, 2), **kw)
    recompute(factory.session, child)
    return sw, child


@frozen
def test_a_pep_in_the_easter_holiday_counts_for_the_summer_term(client, factory, session) -> None:
    sw, child = _setup(factory, date_of_birth=dt.date(2015, 3, 4))
    sign_in(client, sw)
    resp = submit(client, f"/children/{child.id}/education/peps/new", {"held_on": dt.date(2026, 4, 6)}, follow=True)
    assert "PEP recorded" in plain(resp)
    got = items(session, child.id)
    assert got["initial_pep"].status == "done_on_time"
    assert got["pep2025/26-summer"].status == "done_on_time"
    assert got["pep2026/27-autumn"].status == "upcoming"
    page = plain(client.get(f"/children/{child.id}/education"))
    assert ("2026/27-autumn 02/09/2026 to 18/12/2026 half term 26/10/2026 to 30/10/2026 None Upcoming") in page
    assert "2025/26-summer 13/04/2026 to 22/07/2026 half term 25/05/2026 to 29/05/2026 06/04/2026 Done on time" in page
    # The term the child came into care in has no termly PEP item of its own.
    assert "2025/26-spring 05/01/2026 to 27/03/2026 half term 16/02/2026 to 20/02/2026 None Not tracked" in page
    assert "06/04/2026 2025/26-summer" in page  # the PEP, with the term it counts for


@frozen
def test_a_term_with_no_pep_is_missed(client, factory, session) -> None:
    sw, child = _setup(factory)
    sign_in(client, sw)
    page = plain(client.get(f"/children/{child.id}/education"))
    assert "2025/26-summer 13/04/2026 to 22/07/2026 half term 25/05/2026 to 29/05/2026 None Missed" in page


@frozen
def test_pep_validation(client, factory, session) -> None:
    sw, child = _setup(factory)
    toddler = factory.child(worker=sw, date_of_birth=dt.date(2024, 1, 10), entered_care=dt.date(2026, 3, 2))
    sign_in(client, sw)
    url = f"/children/{child.id}/education/peps/new"
    before_care = submit(client, url, {"held_on": dt.date(2026, 2, 2)})
    assert field_error(before_care, "held_on") == "Date of the PEP meeting must be while the child was looked after"
    empty = submit(client, url, {})
    assert field_error(empty, "held_on") == "Enter the date of the PEP meeting"
    assert submit(client, url, {"held_on": dt.date(2026, 5, 5)}).status_code == 302
    again = submit(client, url, {"held_on": dt.date(2026, 5, 5)})
    assert field_error(again, "held_on") == "A PEP on 05/05/2026 is already recorded"
    young = submit(client, f"/children/{toddler.id}/education/peps/new", {"held_on": dt.date(2026, 5, 5)})
    assert field_error(young, "held_on") == "A PEP is for a child aged 3 to 17; Alex was 2 on this date"
    assert session.query(Pep).filter(Pep.child_id.in_([child.id, toddler.id])).count() == 1


@frozen
def test_the_virtual_school_records_peps_but_not_reviews(client, factory, session) -> None:
    _, child = _setup(factory)
    vs = factory.user(role="virtual_school")
    sign_in(client, vs)
    assert submit(client, f"/children/{child.id}/education/peps/new", {"held_on": dt.date(2026, 5, 5)}).status_code == 302
    assert client.get(f"/children/{child.id}/reviews/new").status_code == 403
    pep = session.query(Pep).filter_by(child_id=child.id).one()
    resp = submit(client, f"/children/{child.id}/education/peps/{pep.id}/edit",
                  {"held_on": dt.date(2026, 5, 6), "version": "1"}, follow=True)
    assert "PEP saved" in plain(resp)
    session.expire_all()
    assert session.get(Pep, pep.id).held_on == dt.date(2026, 5, 6)
