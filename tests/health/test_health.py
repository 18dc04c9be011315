"""Health assessments, dental checks and SDQ scores: recording, validation, correction."""

from __future__ import annotations

import datetime as dt

from tests.children.casework import field_error, frozen, items, recompute
from tests.helpers import plain, sign_in, submit
from tracker.health.models import DentalCheck, HealthAssessment, SdqScore


def _setup(factory, **kw):
    sw = factory.user()
    child = factory.child(worker=sw, entered_care=dt.date(2026, 3, 2), **kw)
    recompute(factory.session, child)
    return sw, child


@frozen
def test_initial_then_review_health_assessment_for_a_child_under_five(client, factory, session) -> None:
    sw, child = _setup(factory, date_of_birth=dt.date(2023, 1, 15))
    sign_in(client, sw)
    assert items(session, child.id)["initial_health_assessment"].status == "overdue"
    resp = submit(client, f"/children/{child.id}/health/assessments/new",
                  {"held_on": dt.date(2026, 3, 20), "kind": "initial"}, follow=True)
    assert "Health assessment recorded" in plain(resp)
    got = items(session, child.id)
    assert got["initial_health_assessment"].status == "done_on_time"
    # Under 5 on the day: the review assessment is due 6 months later.
    assert got["review_health_assessment1"].due_on == dt.date(2026, 9, 20)
    assert got["review_health_assessment1"].status == "overdue"
    page = plain(client.get(f"/children/{child.id}/health"))
    assert "Review health assessment 20/09/2026 Overdue" in page
    assert "20/03/2026 Initial health assessment" in page


@frozen
def test_a_second_initial_assessment_and_a_review_before_the_initial_are_refused(client, factory, session) -> None:
    sw, child = _setup(factory)
    sign_in(client, sw)
    url = f"/children/{child.id}/health/assessments/new"
    early_review = submit(client, url, {"held_on": dt.date(2026, 3, 10), "kind": "review"})
    assert "record the initial health assessment first" in field_error(early_review, "kind")
    assert submit(client, url, {"held_on": dt.date(2026, 3, 20), "kind": "initial"}).status_code == 302
    second = submit(client, url, {"held_on": dt.date(2026, 4, 2), "kind": "initial"})
    assert field_error(second, "kind") == ("An initial health assessment is already recorded for this period of "
                                          "care (20/03/2026); record this one as a review health assessment")
    same_day = submit(client, url, {"held_on": dt.date(2026, 3, 20), "kind": "initial"})
    assert field_error(same_day, "held_on") == "An initial health assessment on 20/03/2026 is already recorded"
    missing = submit(client, url, {"held_on": dt.date(2026, 4, 2)})
    assert field_error(missing, "kind") == "Select whether this was the initial or a review health assessment"
    assert session.query(HealthAssessment).filter_by(child_id=child.id).count() == 1


@frozen
def test_dates_in_the_future_before_birth_or_outside_care_are_refused(client, factory, session) -> None:
    sw, child = _setup(factory, date_of_birth=dt.date(2015, 3, 4))
    sign_in(client, sw)
    url = f"/children/{child.id}/health/dental/new"
    future = submit(client, url, {"checked_on": dt.date(2026, 11, 23)})
    assert field_error(future, "checked_on") == "Date of the dental check must be today or in the past"
    before_birth = submit(client, url, {"checked_on": dt.date(2014, 1, 1)})
    assert field_error(before_birth, "checked_on") == ("Date of the dental check must be on or after the child's "
                                                      "date of birth (04/03/2015)")
    before_care = submit(client, url, {"checked_on": dt.date(2026, 2, 27)})
    assert field_error(before_care, "checked_on") == "Date of the dental check must be while the child was looked after"
    not_a_date = submit(client, url, {"checked_on": ["31", "2", "2026"]})
    assert field_error(not_a_date, "checked_on") == "Date of the dental check must be a real date"
    assert plain(not_a_date).startswith("Error:")
    assert session.query(DentalCheck).filter_by(child_id=child.id).count() == 0
    ok = submit(client, url, {"checked_on": dt.date(2026, 5, 5)})
    assert ok.status_code == 302
    assert items(session, child.id)["dental_check2"].due_on == dt.date(2027, 5, 5)
    dup = submit(client, url, {"checked_on": dt.date(2026, 5, 5)})
    assert field_error(dup, "checked_on") == "A dental check on 05/05/2026 is already recorded"


@frozen
def test_sdq_score_must_be_0_to_40_and_shows_its_band(client, factory, session) -> None:
    sw, child = _setup(factory, date_of_birth=dt.date(2015, 3, 4))
    sign_in(client, sw)
    url = f"/children/{child.id}/health/sdq/new"
    for bad in ("41", "-1", "12.5", "twelve"):
        resp = submit(client, url, {"completed_on": dt.date(2026, 4, 1), "score": bad})
        assert field_error(resp, "score") == "SDQ total score must be a whole number from 0 to 40", bad
    missing = submit(client, url, {"completed_on": dt.date(2026, 4, 1)})
    assert field_error(missing, "score") == "Enter the SDQ total difficulties score"
    assert session.query(SdqScore).filter_by(child_id=child.id).count() == 0
    assert submit(client, url, {"completed_on": dt.date(2026, 4, 1), "score": "15"}).status_code == 302
    page = plain(client.get(f"/children/{child.id}/health"))
    assert "01/04/2026 15 Borderline" in page
    assert items(session, child.id)["sdq2"].due_on == dt.date(2027, 4, 1)


@frozen
def test_sdq_is_refused_for_a_child_under_four(client, factory, session) -> None:
    sw, child = _setup(factory, date_of_birth=dt.date(2023, 1, 15))
    sign_in(client, sw)
    resp = submit(client, f"/children/{child.id}/health/sdq/new", {"completed_on": dt.date(2026, 4, 1), "score": "3"})
    assert field_error(resp, "completed_on") == "The SDQ is for children aged 4 to 16; Alex was 3 on this date"


@frozen
def test_correcting_and_deleting_an_sdq(client, factory, session) -> None:
    from tracker.health import services

    sw, child = _setup(factory, date_of_birth=dt.date(2015, 3, 4))
    sdq = services.record_sdq(session, child, completed_on=dt.date(2026, 4, 1), score=12, today=dt.date(2026, 11, 22))
    sign_in(client, sw)
    edit = f"/children/{child.id}/health/sdq/{sdq.id}/edit"
    resp = submit(client, edit, {"completed_on": dt.date(2026, 4, 1), "score": "22", "version": "1"}, follow=True)
    assert "SDQ score saved" in plain(resp) and "22 Cause for concern" in plain(resp)
    resp = submit(client, f"/children/{child.id}/health/sdq/{sdq.id}/delete", {"version": "2"}, follow=True)
    assert "SDQ score deleted" in plain(resp)
    assert session.query(SdqScore).filter_by(child_id=child.id).count() == 0
    # With no SDQ, the first one is due 12 months after coming into care.
    assert items(session, child.id)["sdq1"].due_on == dt.date(2027, 3, 2)


@frozen
def test_correcting_a_health_assessment_from_a_stale_form(client, factory, session) -> None:
    from tracker.health import services

    sw, child = _setup(factory)
    ha = services.record_health_assessment(session, child, held_on=dt.date(2026, 3, 20), kind="initial",
                                           today=dt.date(2026, 11, 22))
    sign_in(client, sw)
    url = f"/children/{child.id}/health/assessments/{ha.id}/edit"
    client.get(url)
    services.update_health_assessment(session, ha, held_on=dt.date(2026, 3, 19), kind="initial",
                                      today=dt.date(2026, 11, 22))
    resp = submit(client, url, {"held_on": dt.date(2026, 3, 18), "kind": "initial", "version": "1"})
    assert "changed by someone else" in plain(resp) and "Date 19/03/2026" in plain(resp)
    session.expire_all()
    assert session.get(HealthAssessment, ha.id).held_on == dt.date(2026, 3, 19)
