"""Social-worker episodes and deprivation of liberty orders: recorded, corrected and
deleted on the child's SSDA903 tab (so nothing in the return is import-only), every form
checked with good and hostile input, stale saves refused, every change audited, and what
is recorded is what the return carries."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from tests.children.casework import field_error, frozen, input_value
from tests.helpers import browser_client, plain, sign_in, submit
from tracker.audit.models import AuditEvent
from tracker.returns import services
from tracker.returns.models import DeprivationOfLiberty, SocialWorkerEpisode
from tracker.returns.queries import get_return

D = dt.date
TODAY = D(2026, 11, 22)


def _child(factory):
    sw = factory.user()
    child = factory.child(worker=sw, date_of_birth=D(2012, 5, 4), entered_care=D(2025, 3, 3))
    return sw, child


def _episodes(session, child) -> list[tuple]:
    session.expire_all()  # the requests saved through sessions of their own
    return [(e.worker_ref, e.start_on, e.end_on, e.reason) for e in session.scalars(
        select(SocialWorkerEpisode).where(SocialWorkerEpisode.child_id == child.id)
        .order_by(SocialWorkerEpisode.start_on))]


@frozen
def test_a_change_of_social_worker_ends_the_last_episode_and_reaches_the_return(client, factory, session) -> None:
    sw, child = _child(factory)
    sign_in(client, sw)
    url = f"/children/{child.id}/ssda903/social-workers/new"
    assert "Record a social worker" in plain(client.get(url))
    first = submit(client, url, {"worker_ref": "sw 123456", "start_on": D(2025, 3, 3), "reason": "FCONTA"})
    assert first.status_code == 302
    second = submit(client, url, {"worker_ref": "SW777001", "start_on": D(2026, 2, 9), "reason": "LEFTRL"},
                    follow=True)
    page = plain(second)
    assert "Social worker recorded" in page
    assert "SW777001 09/02/2026 Still the social worker LEFTRL: Social worker left the role" in page
    assert "SW123456 03/03/2025 09/02/2026 FCONTA: First contact" in page
    assert _episodes(session, child) == [("SW123456", D(2025, 3, 3), D(2026, 2, 9), "FCONTA"),
                                         ("SW777001", D(2026, 2, 9), None, "LEFTRL")]
    rows = get_return(session, 2026, [child.id]).rows["SWEpisodes"]
    assert [r[2:] for r in rows] == [("SW777001", "09/02/2026", "", "LEFTRL")]
    rows = get_return(session, 2025, [child.id]).rows["SWEpisodes"]
    assert [r[2:] for r in rows] == [("SW123456", "03/03/2025", "09/02/2026", "FCONTA"),
                                     ("SW777001", "09/02/2026", "", "LEFTRL")]
    # Both saves and the end of the first episode are in the audit trail.
    events = session.scalars(select(AuditEvent.action).where(AuditEvent.entity_type == "social_worker_episodes",
                                                             AuditEvent.child_id == child.id)).all()
    assert sorted(events) == ["insert", "insert", "update"]


@frozen
def test_bad_and_hostile_social_worker_input_is_refused_next_to_the_field(client, factory, session) -> None:
    sw, child = _child(factory)
    services.record_social_worker(session, child, {"worker_ref": "SW1", "start_on": D(2025, 3, 3),
                                                   "reason": "FCONTA"}, today=TODAY)
    sign_in(client, sw)
    url = f"/children/{child.id}/ssda903/social-workers/new"
    resp = submit(client, url, {"worker_ref": "<script>alert(1)</script>", "start_on": D(2027, 1, 1),
                                "reason": "NOPE'; DROP TABLE children; --"})
    assert resp.status_code == 200
    assert "SW and their Social Work England registration number" in field_error(resp, "worker_ref")
    assert field_error(resp, "start_on") == "The date the social worker episode started must be today or in the past"
    assert field_error(resp, "reason") == "Select why this social worker took over from the list"
    assert "<script>alert(1)</script>" not in resp.get_data(as_text=True)
    resp = submit(client, url, {"worker_ref": "SW2", "start_on": ["31", "2", "2026"], "reason": "LEFTRL"})
    assert field_error(resp, "start_on").endswith("must be a real date")
    resp = submit(client, url, {"worker_ref": "SW2", "start_on": D(2026, 1, 5), "end_on": D(2026, 1, 1),
                                "reason": "LEFTRL"})
    assert field_error(resp, "end_on") == ("The date the social worker episode ended must be after the date it "
                                           "started (05/01/2026)")
    # First contact is for a new case, not a change of worker (DfE rule SW10b).
    resp = submit(client, url, {"worker_ref": "SW2", "start_on": D(2026, 1, 5), "reason": "FCONTA"})
    assert field_error(resp, "reason").startswith("First contact is for a new case")
    resp = submit(client, url, {"worker_ref": "SW2", "start_on": D(2025, 3, 3), "reason": "LEFTRL"})
    assert field_error(resp, "start_on") == "A social worker episode starting 03/03/2025 is already recorded"
    resp = submit(client, url, {"worker_ref": "SW2", "start_on": D(2024, 1, 5), "end_on": D(2025, 6, 1),
                                "reason": "FCONTA"})
    assert field_error(resp, "start_on").startswith("This overlaps SW1's episode from 03/03/2025 (still open)")
    # Nothing was half-saved by any of them.
    assert _episodes(session, child) == [("SW1", D(2025, 3, 3), None, "FCONTA")]


@frozen
def test_correcting_a_social_worker_episode_detects_a_stale_form(client, factory, session) -> None:
    sw, child = _child(factory)
    record = services.record_social_worker(session, child, {"worker_ref": "SW1", "start_on": D(2025, 3, 3),
                                                            "reason": "FCONTA"}, today=TODAY)
    sign_in(client, sw)
    url = f"/children/{child.id}/ssda903/social-workers/{record.id}/edit"
    assert input_value(client.get(url), "version") == "1"
    services.update_social_worker(session, record, {"worker_ref": "SW9", "start_on": D(2025, 3, 3),
                                                    "reason": "FCONTA"}, today=TODAY)
    resp = submit(client, url, {"worker_ref": "SW5", "start_on": D(2025, 3, 4), "reason": "FCONTA", "version": "1"})
    page = plain(resp)
    assert "changed by someone else since you opened it" in page and "Social worker's ID SW9" in page
    assert input_value(resp, "worker_ref") == "SW5" and input_value(resp, "version") == "2"
    again = submit(client, url, {"worker_ref": "SW5", "start_on": D(2025, 3, 4), "reason": "FCONTA", "version": "2"})
    assert again.status_code == 302
    assert _episodes(session, child) == [("SW5", D(2025, 3, 4), None, "FCONTA")]


@frozen
def test_deleting_a_social_worker_episode_is_confirmed_and_audited(client, factory, session) -> None:
    sw, child = _child(factory)
    record = services.record_social_worker(session, child, {"worker_ref": "SW1", "start_on": D(2025, 3, 3),
                                                            "reason": "FCONTA"}, today=TODAY)
    sign_in(client, sw)
    url = f"/children/{child.id}/ssda903/social-workers/{record.id}/delete"
    confirm = plain(client.get(url))
    assert "Delete this social worker episode?" in confirm and "Social worker's ID SW1" in confirm
    resp = submit(client, url, {"version": "1"}, follow=True)
    assert "Social worker episode deleted" in plain(resp)
    assert _episodes(session, child) == []
    assert session.scalar(select(AuditEvent.before).where(AuditEvent.entity_type == "social_worker_episodes",
                                                          AuditEvent.action == "delete"))["worker_ref"] == "SW1"


@frozen
def test_deleting_a_change_of_worker_recorded_by_mistake_gives_the_child_back(client, factory, session) -> None:
    sw, child = _child(factory)
    services.record_social_worker(session, child, {"worker_ref": "SW1", "start_on": D(2025, 3, 3),
                                                   "reason": "FCONTA"}, today=TODAY)
    mistake = services.record_social_worker(session, child, {"worker_ref": "SW2", "start_on": D(2026, 11, 1),
                                                             "reason": "MANAGE"}, today=TODAY)
    assert _episodes(session, child)[0][2] == D(2026, 11, 1)
    sign_in(client, sw)
    url = f"/children/{child.id}/ssda903/social-workers/{mistake.id}/delete"
    assert "If you delete it SW1 is the child's social worker again" in plain(client.get(url))
    assert submit(client, url, {"version": "1"}).status_code == 302
    assert _episodes(session, child) == [("SW1", D(2025, 3, 3), None, "FCONTA")]


@frozen
def test_deprivation_of_liberty_orders_are_recorded_corrected_and_deleted(client, factory, session) -> None:
    sw, child = _child(factory)
    sign_in(client, sw)
    url = f"/children/{child.id}/ssda903/deprivation-of-liberty/new"
    resp = submit(client, url, {"start_on": D(2026, 5, 1)}, follow=True)
    assert "Deprivation of liberty order recorded" in plain(resp)
    [order] = session.scalars(select(DeprivationOfLiberty).where(DeprivationOfLiberty.child_id == child.id)).all()
    assert [r[2:] for r in get_return(session, 2026, [child.id]).rows["DoLo"]] == [("01/05/2026", "")]
    edit = f"/children/{child.id}/ssda903/deprivation-of-liberty/{order.id}/edit"
    assert submit(client, edit, {"start_on": D(2026, 5, 1), "end_on": D(2026, 8, 31), "version": "1"}).status_code \
        == 302
    session.expire_all()
    assert [r[2:] for r in get_return(session, 2026, [child.id]).rows["DoLo"]] == [("01/05/2026", "31/08/2026")]
    # A stale delete deletes nothing; a current one does.
    delete = f"/children/{child.id}/ssda903/deprivation-of-liberty/{order.id}/delete"
    stale = plain(submit(client, delete, {"version": "1"}))
    assert "changed by someone else" in stale and "Ended 31/08/2026" in stale
    assert submit(client, delete, {"version": "2"}).status_code == 302
    assert session.scalar(select(DeprivationOfLiberty.id)) is None
    actions = session.scalars(select(AuditEvent.action).where(
        AuditEvent.entity_type == "deprivation_of_liberty_orders")).all()
    assert actions == ["insert", "update", "delete"]


@frozen
def test_bad_deprivation_of_liberty_input_is_refused(client, factory, session) -> None:
    sw, child = _child(factory)
    services.record_deprivation_of_liberty(session, child, {"start_on": D(2025, 6, 1), "end_on": D(2025, 9, 1)},
                                           today=TODAY)
    sign_in(client, sw)
    url = f"/children/{child.id}/ssda903/deprivation-of-liberty/new"
    resp = submit(client, url, {"start_on": D(2024, 1, 1)})
    assert field_error(resp, "start_on") == "The date the order started must be while the child was looked after"
    resp = submit(client, url, {"start_on": D(2025, 8, 1)})
    assert field_error(resp, "start_on").startswith("This overlaps the order from 01/06/2025 to 01/09/2025")
    resp = submit(client, url, {"start_on": D(2026, 1, 1), "end_on": D(2025, 12, 1)})
    assert field_error(resp, "end_on").startswith("The date the order ended must be after the date it started")
    resp = submit(client, url, {"start_on": ["1", "13", "2026"]})
    assert field_error(resp, "start_on").endswith("must be a real date")
    resp = submit(client, url, {"start_on": ["1", "", "2026"]})
    assert "must include a month" in field_error(resp, "start_on")
    assert session.query(DeprivationOfLiberty).filter_by(child_id=child.id).count() == 1


@frozen
def test_only_people_who_edit_cases_can_change_them(client, factory, session) -> None:
    sw, child = _child(factory)
    record = services.record_social_worker(session, child, {"worker_ref": "SW1", "start_on": D(2025, 3, 3),
                                                            "reason": "FCONTA"}, today=TODAY)
    sign_in(client, factory.user(role="virtual_school"))
    for url in (f"/children/{child.id}/ssda903/social-workers/new",
                f"/children/{child.id}/ssda903/social-workers/{record.id}/edit",
                f"/children/{child.id}/ssda903/deprivation-of-liberty/new"):
        assert client.get(url).status_code == 403, url
    # Someone else's record under this child's URL is not found.
    other = factory.child(worker=sw, entered_care=D(2025, 3, 3))
    theirs = browser_client(client.application)
    sign_in(theirs, sw)
    assert theirs.get(f"/children/{other.id}/ssda903/social-workers/{record.id}/edit").status_code == 404
