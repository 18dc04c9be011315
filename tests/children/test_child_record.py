from __future__ import annotations

import datetime as dt

from tests.helpers import sign_in, submit, text_of
from tracker import clock
from tracker.audit.models import AuditEvent
from tracker.children.models import Child


def _form(child: Child, **changes) -> dict:
    data = {"local_id": child.local_id, "first_name": child.first_name, "last_name": child.last_name,
            "date_of_birth": child.date_of_birth, "sex": child.sex, "ethnicity": child.ethnicity,
            "upn": ""}
    data.update(changes)
    return data


def test_changing_a_child_writes_an_audit_event_with_before_and_after(client, factory, session) -> None:
    sw = factory.user()
    child = factory.child(worker=sw, first_name="Ruby")
    sign_in(client, sw)
    resp = submit(client, f"/children/{child.id}/edit", _form(child, first_name="Rubina"))
    assert resp.status_code == 302
    session.expire_all()
    assert session.get(Child, child.id).first_name == "Rubina"
    event = session.query(AuditEvent).filter_by(entity_type="children", entity_id=child.id,
                                                 action="update").one()
    assert event.before == {"first_name": "Ruby"}
    assert event.after == {"first_name": "Rubina"}
    assert event.actor_id == sw.id
    assert event.child_id == child.id
    history = text_of(client.get(f"/children/{child.id}/history"))
    assert "Rubina" in history and "Ruby" in history


def test_date_of_birth_in_the_future_is_refused_next_to_the_field(client, factory, session) -> None:
    sw = factory.user()
    child = factory.child(worker=sw)
    sign_in(client, sw)
    future = clock.today() + dt.timedelta(days=3)
    resp = submit(client, f"/children/{child.id}/edit", _form(child, date_of_birth=future, first_name="Changed"))
    body = text_of(resp)
    assert resp.status_code == 200
    assert "<title>Error:" in body
    assert 'href="#date_of_birth"' in body  # error summary links to the field
    assert "Date of birth must be today or in the past" in body
    assert 'id="date_of_birth-error"' in body
    session.expire_all()
    fresh = session.get(Child, child.id)
    assert fresh.first_name != "Changed"  # nothing half-saved
    assert fresh.date_of_birth == child.date_of_birth


def test_unknown_903_code_is_refused(client, factory, session) -> None:
    sw = factory.user()
    child = factory.child(worker=sw)
    sign_in(client, sw)
    resp = submit(client, f"/children/{child.id}/edit", _form(child, ethnicity="ZZZZ"))
    assert "Select an ethnicity from the list" in text_of(resp)


def test_a_stale_save_is_refused_and_shows_current_values(client, factory, session) -> None:
    sw = factory.user()
    child = factory.child(worker=sw, first_name="Ruby")
    sign_in(client, sw)
    url = f"/children/{child.id}/edit"
    from tests.helpers import csrf_token

    token = csrf_token(client, url)  # the form is opened at version 1
    # Someone else saves in the meantime.
    child.first_name = "Roberta"
    session.flush()
    data = _form(child, first_name="Rubina")
    data["date_of_birth"] = [str(child.date_of_birth.day), str(child.date_of_birth.month), str(child.date_of_birth.year)]
    resp = client.post(url, data={**data, "csrf_token": token, "version": "1"})
    body = text_of(resp)
    assert resp.status_code == 200
    assert "changed by someone else since you opened it" in body
    session.expire_all()
    assert session.get(Child, child.id).first_name == "Roberta"


def test_entering_and_leaving_care_with_validation(client, factory, session) -> None:
    sw = factory.user()
    child = factory.child(worker=sw, date_of_birth=dt.date(2012, 5, 1))
    # (dates inside the shipped school term calendar, 2024/25 onwards)
    sign_in(client, sw)
    before_birth = submit(client, f"/children/{child.id}/enter-care",
                          {"start_on": dt.date(2011, 1, 1), "legal_status": "C1", "category_of_need": "N1"})
    assert "on or after the child's date of birth" in text_of(before_birth)
    bad_code = submit(client, f"/children/{child.id}/enter-care",
                      {"start_on": dt.date(2024, 9, 9), "legal_status": "Q9", "category_of_need": "N1"})
    assert "Select a legal status from the list" in text_of(bad_code)
    ok = submit(client, f"/children/{child.id}/enter-care",
                {"start_on": dt.date(2024, 9, 9), "legal_status": "C1", "category_of_need": "N1"})
    assert ok.status_code == 302
    session.expire_all()
    period = session.get(Child, child.id).care_periods[0]
    early = submit(client, f"/children/{child.id}/care-periods/{period.id}/end",
                   {"end_on": dt.date(2024, 9, 1), "reason_ceased": "E4A", "version": "1"})
    assert "on or after the date it started" in text_of(early)
    done = submit(client, f"/children/{child.id}/care-periods/{period.id}/end",
                  {"end_on": dt.date(2025, 6, 3), "reason_ceased": "E4A", "version": "1"})
    assert done.status_code == 302
    overlap = submit(client, f"/children/{child.id}/enter-care",
                     {"start_on": dt.date(2025, 3, 3), "legal_status": "V2", "category_of_need": "N1"})
    assert "overlaps the period of care" in text_of(overlap)


def test_correcting_and_deleting_periods_of_care_and_legal_statuses(client, factory, session) -> None:
    from tracker.children.models import CarePeriod, LegalStatus
    from tracker.tracking.models import TrackedItem

    sw = factory.user()
    child = factory.child(worker=sw, date_of_birth=dt.date(2012, 5, 1), entered_care=dt.date(2025, 1, 13))
    period = child.care_periods[0]
    sign_in(client, sw)
    # Correct the start date: the starting legal status moves with it and the items follow.
    bad = submit(client, f"/children/{child.id}/care-periods/{period.id}/edit",
                 {"start_on": dt.date(2025, 1, 20), "end_on": dt.date(2025, 1, 10), "reason_ceased": "E4A",
                  "category_of_need": "N1", "version": "1"})
    assert "Date care ended must be on or after the date it started (20/01/2025)" in text_of(bad)
    ok = submit(client, f"/children/{child.id}/care-periods/{period.id}/edit",
                {"start_on": dt.date(2025, 1, 20), "category_of_need": "N2", "version": "1"})
    assert ok.status_code == 302
    session.expire_all()
    assert session.get(CarePeriod, period.id).start_on == dt.date(2025, 1, 20)
    statuses = session.query(LegalStatus).filter_by(child_id=child.id).all()
    assert [s.start_on for s in statuses] == [dt.date(2025, 1, 20)]
    review1 = session.query(TrackedItem).filter_by(child_id=child.id, kind="review", sequence=1).one()
    assert review1.due_on == dt.date(2025, 2, 17)  # 20 working days after Mon 20 Jan 2025
    # A later change of legal status can be deleted; the starting one cannot.
    submit(client, f"/children/{child.id}/legal-status/new", {"start_on": dt.date(2025, 6, 2), "code": "C2"})
    session.expire_all()
    later = session.query(LegalStatus).filter_by(child_id=child.id, start_on=dt.date(2025, 6, 2)).one()
    first = session.query(LegalStatus).filter_by(child_id=child.id, start_on=dt.date(2025, 1, 20)).one()
    refused = submit(client, f"/children/{child.id}/legal-status/{first.id}/delete", {})
    assert "correct the period of care instead" in text_of(refused)
    assert submit(client, f"/children/{child.id}/legal-status/{later.id}/delete", {}).status_code == 302
    # A period with a placement cannot be deleted until the placement is.
    factory.placement(child=session.get(CarePeriod, period.id).child, start_on=dt.date(2025, 1, 20))
    refused = submit(client, f"/children/{child.id}/care-periods/{period.id}/delete", {"version": "2"})
    assert "delete them first" in text_of(refused)
    session.expire_all()
    assert session.get(CarePeriod, period.id) is not None
