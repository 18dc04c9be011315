"""Reviews: the list, correcting and deleting, and saves from a stale form."""

from __future__ import annotations

import datetime as dt

from tests.children.casework import field_error, frozen, input_value, items, summary_errors
from tests.helpers import plain, sign_in, submit
from tracker.audit.models import AuditEvent
from tracker.reviews import services
from tracker.reviews.models import Review


def _child_with_review(factory, session, **kw):
    sw = factory.user()
    child = factory.child(worker=sw, entered_care=dt.date(2026, 6, 1), **kw)
    review = services.record_review(session, child, held_on=dt.date(2026, 6, 24), participation="PN1",
                                    today=dt.date(2026, 11, 22))
    return sw, child, review


@frozen
def test_reviews_tab_lists_reviews_with_their_due_dates(client, factory, session) -> None:
    iro = factory.user(role="iro", name="Ruth Chair")
    sw, child, _ = _child_with_review(factory, session)
    sign_in(client, sw)
    resp = submit(client, f"/children/{child.id}/reviews/new",
                  {"held_on": dt.date(2026, 9, 20), "participation": "PN5", "iro_id": str(iro.id)})
    assert resp.status_code == 302
    page = plain(client.get(f"/children/{child.id}/reviews"))
    assert "20/09/2026 PN5 – Child did not attend but briefed an advocate" in page
    assert "Ruth Chair" in page
    assert "24/06/2026 PN1" in page
    # Review 3 is due 6 months after review 2 was held.
    assert "Statutory review 3 20/03/2027 Upcoming" in page


@frozen
def test_correcting_a_review_date_moves_the_next_review(client, factory, session) -> None:
    sw, child, review = _child_with_review(factory, session)
    assert items(session, child.id)["review2"].due_on == dt.date(2026, 9, 24)
    sign_in(client, sw)
    url = f"/children/{child.id}/reviews/{review.id}/edit"
    assert input_value(client.get(url), "held_on-day") == "24"
    resp = submit(client, url, {"held_on": dt.date(2026, 6, 26), "participation": "PN1", "version": "1"},
                  follow=True)
    assert "Review saved" in plain(resp)
    assert items(session, child.id)["review2"].due_on == dt.date(2026, 9, 26)
    event = session.query(AuditEvent).filter_by(entity_type="reviews", action="update", child_id=child.id).one()
    assert event.before == {"held_on": "2026-06-24"} and event.after == {"held_on": "2026-06-26"}
    assert event.actor_id == sw.id


@frozen
def test_a_correction_is_validated_like_a_new_review(client, factory, session) -> None:
    sw, child, review = _child_with_review(factory, session, date_of_birth=dt.date(2015, 3, 4))
    sign_in(client, sw)
    url = f"/children/{child.id}/reviews/{review.id}/edit"
    resp = submit(client, url, {"held_on": dt.date(2026, 5, 1), "participation": "PN0", "version": "1"})
    assert resp.status_code == 200
    assert field_error(resp, "held_on") == "Date of the review must be while the child was looked after"
    assert field_error(resp, "participation") == "PN0 is only for children under 4 at the time of the review"
    assert len(summary_errors(resp)) == 2
    session.expire_all()
    assert session.get(Review, review.id).held_on == dt.date(2026, 6, 24)  # nothing saved


@frozen
def test_a_stale_correction_shows_the_current_values_and_keeps_the_users_input(client, factory, session) -> None:
    sw, child, review = _child_with_review(factory, session)
    sign_in(client, sw)
    url = f"/children/{child.id}/reviews/{review.id}/edit"
    assert input_value(client.get(url), "version") == "1"  # the form is opened at version 1
    # Someone else corrects the review in the meantime.
    services.update_review(session, review, held_on=dt.date(2026, 6, 25), participation="PN2",
                           today=dt.date(2026, 11, 22))
    resp = submit(client, url, {"held_on": dt.date(2026, 6, 30), "participation": "PN4", "version": "1"})
    assert resp.status_code == 200
    page = plain(resp)
    assert "changed by someone else since you opened it" in page
    assert "What is saved now Date held 25/06/2026 How the child took part PN2" in page
    # What this user typed is still in the form, and the form now carries the new version.
    assert input_value(resp, "held_on-day") == "30"
    assert input_value(resp, "version") == "2"
    session.expire_all()
    assert session.get(Review, review.id).held_on == dt.date(2026, 6, 25)
    # Saving again, having seen the other change, goes through.
    again = submit(client, url, {"held_on": dt.date(2026, 6, 30), "participation": "PN4", "version": "2"})
    assert again.status_code == 302
    session.expire_all()
    assert session.get(Review, review.id).held_on == dt.date(2026, 6, 30)


@frozen
def test_deleting_a_review_reopens_the_item_and_is_audited(client, factory, session) -> None:
    sw, child, review = _child_with_review(factory, session)
    assert items(session, child.id)["review1"].status == "done_on_time"
    sign_in(client, sw)
    url = f"/children/{child.id}/reviews/{review.id}/delete"
    confirm = plain(client.get(url))
    assert "Delete this review?" in confirm and "Date held 24/06/2026" in confirm
    resp = submit(client, url, {"version": "1"}, follow=True)
    assert "Review deleted" in plain(resp)
    assert session.query(Review).filter_by(child_id=child.id).count() == 0
    assert items(session, child.id)["review1"].status == "overdue"
    assert "review2" not in items(session, child.id)
    assert session.query(AuditEvent).filter_by(entity_type="reviews", action="delete", child_id=child.id).count() == 1


@frozen
def test_a_stale_delete_deletes_nothing(client, factory, session) -> None:
    sw, child, review = _child_with_review(factory, session)
    sign_in(client, sw)
    url = f"/children/{child.id}/reviews/{review.id}/delete"
    services.update_review(session, review, held_on=dt.date(2026, 6, 25), participation="PN1",
                           today=dt.date(2026, 11, 22))
    resp = submit(client, url, {"version": "1"})
    page = plain(resp)
    assert "changed by someone else" in page and "Date held 25/06/2026" in page
    assert session.query(Review).filter_by(child_id=child.id).count() == 1


@frozen
def test_the_chair_must_be_an_independent_reviewing_officer(client, factory, session) -> None:
    sw, child, _ = _child_with_review(factory, session)
    sign_in(client, sw)
    resp = submit(client, f"/children/{child.id}/reviews/new",
                  {"held_on": dt.date(2026, 9, 20), "participation": "PN1", "iro_id": str(sw.id)})
    assert field_error(resp, "iro_id") == "Select an independent reviewing officer from the list"
    assert session.query(Review).filter_by(child_id=child.id).count() == 1


@frozen
def test_another_childs_review_cannot_be_reached_through_this_child(client, factory, session) -> None:
    sw, child, review = _child_with_review(factory, session)
    other = factory.child(worker=sw)
    sign_in(client, sw)
    assert client.get(f"/children/{other.id}/reviews/{review.id}/edit").status_code == 404


@frozen
def test_a_review_needs_its_participation_code_except_pn0_for_the_under_4s(client, factory, session) -> None:
    sw, child, _ = _child_with_review(factory, session)  # born 2015: 11 at the review
    sign_in(client, sw)
    missing = submit(client, f"/children/{child.id}/reviews/new", {"held_on": dt.date(2026, 9, 20)})
    assert field_error(missing, "participation") == "Select how the child took part in the review"
    assert session.query(Review).filter_by(child_id=child.id).count() == 1
    baby = factory.child(worker=sw, date_of_birth=dt.date(2024, 1, 5), entered_care=dt.date(2026, 6, 1))
    saved = submit(client, f"/children/{baby.id}/reviews/new", {"held_on": dt.date(2026, 6, 20)})
    assert saved.status_code == 302
    assert session.query(Review).filter_by(child_id=baby.id).one().participation == "PN0"
