"""Recording statutory reviews. Every change recomputes the child's tracked items."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from tracker.auth.models import User
from tracker.auth.roles import CHAIR_REVIEWS
from tracker.children.models import Child
from tracker.children.services import already_recorded, check_fact_date, check_version
from tracker.errors import ValidationError
from tracker.reviews.models import PARTICIPATION, Review
from tracker.tracking.services import recompute_child


def _validate(session: Session, child: Child, held_on: dt.date | None, participation: str | None, *,
              today: dt.date, review: Review | None = None, iro_id: int | None = None) -> None:
    errors = ({"held_on": "Enter the date the review was held"} if held_on is None else
              check_fact_date(session, child, held_on, today=today, field="held_on", what="Date of the review"))
    if participation and participation not in PARTICIPATION:
        errors["participation"] = "Select how the child took part from the list"
    elif participation == "PN0" and held_on and child.age_on(held_on) >= 4:
        errors["participation"] = "PN0 is only for children under 4 at the time of the review"
    elif held_on and child.age_on(held_on) < 4 and participation not in (None, "", "PN0"):
        errors["participation"] = "For a child under 4 at the review, the participation code is PN0"
    elif not participation and child.age_on(held_on or today) >= 4:
        # 903 REVIEW_CODE is required; only PN0 (under 4) needs no choosing.
        errors["participation"] = "Select how the child took part in the review"
    if held_on and "held_on" not in errors:
        if already_recorded(session, Review.held_on, child.id, held_on, exclude=review):
            errors["held_on"] = f"A review on {held_on:%d/%m/%Y} is already recorded"
    if iro_id is not None:
        iro = session.get(User, iro_id)
        if iro is None or not iro.active or not iro.can(CHAIR_REVIEWS):
            errors["iro_id"] = "Select an independent reviewing officer from the list"
    if errors:
        raise ValidationError(errors)


def _code(child: Child, held_on: dt.date | None, participation: str | None) -> str | None:
    """The participation code to store: PN0 for a child under 4 at the review if none was chosen."""
    if not participation and held_on is not None and child.age_on(held_on) < 4:
        return "PN0"
    return participation or None


def record_review(session: Session, child: Child, *, held_on: dt.date | None, participation: str | None,
                  today: dt.date, iro_id: int | None = None) -> Review:
    _validate(session, child, held_on, participation, today=today, iro_id=iro_id)
    review = Review(child_id=child.id, held_on=held_on, participation=_code(child, held_on, participation),
                    iro_id=iro_id)
    session.add(review)
    recompute_child(session, child, today=today)
    return review


def update_review(session: Session, review: Review, *, held_on: dt.date | None, participation: str | None,
                  today: dt.date, expected_version: int | None = None, iro_id: int | None = None) -> Review:
    check_version(review, expected_version)
    child = session.get(Child, review.child_id)
    assert child is not None
    if iro_id == review.iro_id:
        iro_check = None  # an officer who has since left may stay on an old review
    else:
        iro_check = iro_id
    _validate(session, child, held_on, participation, today=today, review=review, iro_id=iro_check)
    review.held_on = held_on  # type: ignore[assignment]
    review.participation = _code(child, held_on, participation)
    review.iro_id = iro_id
    recompute_child(session, child, today=today)
    return review


def delete_review(session: Session, review: Review, *, today: dt.date, expected_version: int | None = None) -> None:
    check_version(review, expected_version)
    child = session.get(Child, review.child_id)
    session.delete(review)
    assert child is not None
    recompute_child(session, child, today=today)
