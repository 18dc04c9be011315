"""Sign-in throttling, kept in the database so it holds across app servers.

Failed sign-ins are counted per email address typed (whether or not it is an account, so
the throttle says nothing about which accounts exist) and per client address, over the
last ``SIGN_IN_WINDOW_SECONDS`` and since the last successful sign-in. Past
``SIGN_IN_FAILURES_ALLOWED`` failures for an email (``SIGN_IN_ADDRESS_FAILURES_ALLOWED``
for an address), the next attempt must wait ``SIGN_IN_DELAY_SECONDS`` after the latest
failure, doubling with each further failure, at most ``SIGN_IN_MAX_DELAY_SECONDS``.
An attempt made too early is refused without checking the password (and audited).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, delete, func, select
from sqlalchemy.orm import Session

from tracker.auth.models import SignInAttempt

#: Attempts older than this are forgotten (at each sign-in).
KEEP = dt.timedelta(days=1)


@dataclass(frozen=True)
class Policy:
    failures_allowed: int
    address_failures_allowed: int
    window: dt.timedelta
    delay: dt.timedelta
    max_delay: dt.timedelta

    @classmethod
    def from_config(cls, config: Any) -> Policy:
        return cls(failures_allowed=config["SIGN_IN_FAILURES_ALLOWED"],
                   address_failures_allowed=config["SIGN_IN_ADDRESS_FAILURES_ALLOWED"],
                   window=dt.timedelta(seconds=config["SIGN_IN_WINDOW_SECONDS"]),
                   delay=dt.timedelta(seconds=config["SIGN_IN_DELAY_SECONDS"]),
                   max_delay=dt.timedelta(seconds=config["SIGN_IN_MAX_DELAY_SECONDS"]))

    def delay_after(self, failures: int, allowed: int) -> dt.timedelta:
        if failures < allowed:
            return dt.timedelta(0)
        return min(self.max_delay, self.delay * (2 ** min(30, failures - allowed)))


def normalise(email: str) -> str:
    return email.strip().lower()[:254]


def _wait(session: Session, match: ColumnElement[bool], allowed: int, *, now: dt.datetime,
          policy: Policy, reset_by_success: bool) -> dt.timedelta:
    since = now - policy.window
    if reset_by_success:
        last_success = session.scalar(select(func.max(SignInAttempt.at))
                                      .where(match, SignInAttempt.succeeded.is_(True)))
        if last_success is not None and last_success > since:
            since = last_success
    failures, latest = session.execute(
        select(func.count(), func.max(SignInAttempt.at))
        .where(match, SignInAttempt.succeeded.is_(False), SignInAttempt.at > since)).one()
    if not failures or latest is None:
        return dt.timedelta(0)
    return max(dt.timedelta(0), latest + policy.delay_after(failures, allowed) - now)


def seconds_to_wait(session: Session, *, email: str, address: str, now: dt.datetime, policy: Policy) -> int:
    """How long this email and address must wait before their next attempt (0: now)."""
    # A success resets an account's count (its owner got in), not an address's: one
    # account of one's own must not buy unlimited guesses at the others.
    wait = max(_wait(session, SignInAttempt.email == normalise(email), policy.failures_allowed, now=now,
                     policy=policy, reset_by_success=True),
               _wait(session, SignInAttempt.address == address, policy.address_failures_allowed, now=now,
                     policy=policy, reset_by_success=False))
    return math.ceil(wait.total_seconds())


def record(session: Session, *, email: str, address: str, now: dt.datetime, succeeded: bool) -> None:
    """Record an attempt whose password was checked (and forget day-old ones)."""
    session.execute(delete(SignInAttempt).where(SignInAttempt.at < now - KEEP))
    session.add(SignInAttempt(at=now, email=normalise(email), address=address[:45], succeeded=succeeded))


def wait_message(seconds: int) -> str:
    if seconds < 90:
        amount = f"{seconds} seconds" if seconds != 1 else "1 second"
    else:
        minutes = math.ceil(seconds / 60)
        amount = f"{minutes} minutes"
    return (f"There have been too many attempts to sign in with this email address or from this computer. "
            f"Wait {amount}, then try again.")
