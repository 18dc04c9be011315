"""Server-side sessions: a signed-in browser is a row of ``user_sessions``.

The (signed) session cookie carries a random token; the database keeps only its SHA-256.
A request is signed in only while that row exists and is neither idle for longer than
``SESSION_IDLE_MINUTES`` nor older than ``SESSION_ABSOLUTE_HOURS``. Signing out deletes
the row, so a copied cookie opens nothing afterwards, in any browser, on any app server;
changing a password or disabling an account deletes all of the user's rows; so does
``tracker sessions end --user``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from tracker.auth.models import User, UserSession

#: ``last_seen_at`` is written at most this often (a page view is otherwise a read).
TOUCH_EVERY = dt.timedelta(seconds=60)


@dataclass(frozen=True)
class Limits:
    idle: dt.timedelta
    absolute: dt.timedelta

    @classmethod
    def from_config(cls, config: dict) -> Limits:  # type: ignore[type-arg]
        return cls(idle=dt.timedelta(minutes=config["SESSION_IDLE_MINUTES"]),
                   absolute=dt.timedelta(hours=config["SESSION_ABSOLUTE_HOURS"]))


def _key(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(session: Session, user: User, *, now: dt.datetime, address: str | None) -> str:
    """Begin a session for ``user``; returns the token for the cookie."""
    token = secrets.token_urlsafe(32)
    session.add(UserSession(id=_key(token), user_id=user.id, created_at=now, last_seen_at=now,
                            address=(address or "")[:45] or None))
    session.flush()
    return token


def check(session: Session, token: str | None, user_id: int, *, now: dt.datetime, limits: Limits) -> str:
    """Whether the session of ``token`` is live for ``user_id``: ``"ok"``, ``"touch"``
    (live, and its last-seen time is due to be written: :func:`touch`), ``"expired"``
    (idle or too old: :func:`end` it) or ``"none"`` (signed out, or never existed)."""
    if not token:
        return "none"
    row = session.get(UserSession, _key(token))
    if row is None or row.user_id != user_id:
        return "none"
    if now - row.last_seen_at > limits.idle or now - row.created_at > limits.absolute:
        return "expired"
    return "touch" if now - row.last_seen_at >= TOUCH_EVERY else "ok"


def touch(session: Session, token: str, *, now: dt.datetime) -> None:
    session.execute(update(UserSession).where(UserSession.id == _key(token)).values(last_seen_at=now))


def end(session: Session, token: str | None) -> None:
    """End one session (sign-out)."""
    if token:
        session.execute(delete(UserSession).where(UserSession.id == _key(token)))


def end_all(session: Session, user: User) -> int:
    """End every session of ``user`` (password changed, account disabled, an
    administrator's request); returns how many there were."""
    result = session.execute(delete(UserSession).where(UserSession.user_id == user.id))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def end_stale(session: Session, *, now: dt.datetime, limits: Limits) -> None:
    """Forget sessions that can no longer be used (run at each sign-in)."""
    session.execute(delete(UserSession).where(
        (UserSession.last_seen_at < now - limits.idle) | (UserSession.created_at < now - limits.absolute)))


def count_live(session: Session, user: User) -> int:
    return len(list(session.scalars(select(UserSession.id).where(UserSession.user_id == user.id))))
