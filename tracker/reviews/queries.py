"""Reads about statutory reviews."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.auth.models import User
from tracker.auth.roles import CHAIR_REVIEWS, roles_with
from tracker.children.models import Child
from tracker.reviews.models import Review


def list_reviews(session: Session, child: Child) -> list[tuple[Review, str | None]]:
    """The child's reviews, newest first, with the chairing officer's name."""
    return [(r, name) for r, name in session.execute(
        select(Review, User.name).outerjoin(User, User.id == Review.iro_id)
        .where(Review.child_id == child.id).order_by(Review.held_on.desc()))]


def list_iros(session: Session) -> list[User]:
    return list(session.scalars(select(User).where(User.role.in_(roles_with(CHAIR_REVIEWS)), User.active.is_(True)).order_by(User.name)))
