"""Accounts: create users, check passwords."""

from __future__ import annotations

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from zxcvbn import zxcvbn

from tracker import audit, clock
from tracker.auth import sessions as user_sessions
from tracker.auth.models import Service, Team, User
from tracker.auth.roles import ROLES
from tracker.errors import ValidationError

_hasher_cache: dict[tuple[int, int], PasswordHasher] = {}


def _hasher(time_cost: int, memory_cost: int) -> PasswordHasher:
    key = (time_cost, memory_cost)
    if key not in _hasher_cache:
        _hasher_cache[key] = PasswordHasher(time_cost=time_cost, memory_cost=memory_cost)
    return _hasher_cache[key]


def hash_password(password: str, *, time_cost: int = 3, memory_cost: int = 65536) -> str:
    return _hasher(time_cost, memory_cost).hash(password)


_dummy_cache: dict[tuple[int, int], str] = {}


def _dummy_hash(time_cost: int, memory_cost: int) -> str:
    """A real hash, made with the same parameters as the accounts', to verify against
    when the email is unknown: the same work, so the response time does not tell which
    accounts exist."""
    key = (time_cost, memory_cost)
    if key not in _dummy_cache:
        _dummy_cache[key] = _hasher(time_cost, memory_cost).hash(secrets.token_urlsafe(16))
    return _dummy_cache[key]


def authenticate(session: Session, email: str, password: str, *, time_cost: int = 3,
                 memory_cost: int = 65536) -> User | None:
    user = session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    hasher = _hasher(time_cost, memory_cost)
    try:
        hasher.verify(user.password_hash if user is not None else _dummy_hash(time_cost, memory_cost), password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or not user.active:
        return None
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hasher.hash(password)
    user.last_sign_in_at = clock.now()
    return user


#: Passwords: at least this long, at most MAX (longer ones are refused, not cut).
MIN_PASSWORD = 12
MAX_PASSWORD = 128
#: zxcvbn's score (0–4) a password needs: 3 is "safely unguessable" (about 10⁸ guesses),
#: which refuses its lists of common passwords, words, names and keyboard patterns.
MIN_SCORE = 3
#: zxcvbn looks at this many characters at most (its own limit).
_ZXCVBN_LENGTH = 72


def check_password(user: User, password: str) -> bool:
    """Whether ``password`` is the user's (the parameters are the hash's own)."""
    try:
        return bool(PasswordHasher().verify(user.password_hash, password))
    except (VerificationError, InvalidHashError):
        return False


def password_problem(password: str, *, user_inputs: tuple[str, ...] = ()) -> str | None:
    """Why a new password is refused (None: it is fine)."""
    if len(password) < MIN_PASSWORD:
        return f"Password must be {MIN_PASSWORD} characters or more"
    if len(password) > MAX_PASSWORD:
        return f"Password must be {MAX_PASSWORD} characters or fewer"
    inputs = [part for value in user_inputs for part in (value, *value.replace("@", " ").replace(".", " ").split())
              if part]
    result = zxcvbn(password[:_ZXCVBN_LENGTH], user_inputs=inputs)
    if result["score"] >= MIN_SCORE:
        return None
    warning = (result.get("feedback") or {}).get("warning") or ""
    reason = f" ({warning.rstrip('.')})" if warning else ""
    return (f"Choose a password that is harder to guess{reason}: for example three or four words that "
            "are not a phrase people use")


def set_password(session: Session, user: User, password: str, *, time_cost: int = 3,
                 memory_cost: int = 65536, field: str = "password") -> int:
    """Give ``user`` a new password (checked against the policy) and end all their
    sessions; returns how many were ended. The caller starts a new one if the user is
    changing their own password in a browser."""
    problem = password_problem(password, user_inputs=(user.email, user.name))
    if problem:
        raise ValidationError({field: problem})
    user.password_hash = hash_password(password, time_cost=time_cost, memory_cost=memory_cost)
    ended = user_sessions.end_all(session, user)
    audit.record(session, action="password_changed", entity_type="users", entity_id=user.id,
                 summary=f"Password changed; {ended} session(s) ended")
    return ended


def set_active(session: Session, user: User, active: bool) -> int:
    """Disable (or enable again) an account. Disabling ends all its sessions."""
    user.active = active
    ended = user_sessions.end_all(session, user) if not active else 0
    if not active:
        audit.record(session, action="sessions_ended", entity_type="users", entity_id=user.id,
                     summary=f"Account disabled; {ended} session(s) ended")
    session.flush()
    return ended


def end_sessions(session: Session, user: User) -> int:
    """End every session of ``user`` (an administrator's request); audited."""
    ended = user_sessions.end_all(session, user)
    audit.record(session, action="sessions_ended", entity_type="users", entity_id=user.id,
                 summary=f"{ended} session(s) ended by an administrator")
    return ended


def create_user(session: Session, *, email: str, name: str, role: str, password: str,
                team: Team | None = None, service: Service | None = None,
                time_cost: int = 3, memory_cost: int = 65536) -> User:
    errors: dict[str, str] = {}
    email = email.strip().lower()
    if "@" not in email or email.startswith("@") or email.endswith("@"):
        errors["email"] = "Enter an email address in the correct format, like name@example.com"
    elif session.scalar(select(User.id).where(func.lower(User.email) == email)):
        errors["email"] = f"There is already an account for {email}"
    if role not in ROLES:
        errors["role"] = f"Role must be one of: {', '.join(ROLES)}"
    problem = password_problem(password, user_inputs=(email, name))
    if problem:
        errors["password"] = problem
    if not name.strip():
        errors["name"] = "Enter the person's name"
    if errors:
        raise ValidationError(errors)
    user = User(email=email, name=name.strip(), role=role, team=team, service=service,
                active=True, created_at=clock.now(),
                password_hash=hash_password(password, time_cost=time_cost, memory_cost=memory_cost))
    session.add(user)
    session.flush()
    return user


def get_or_create_team(session: Session, name: str, service_name: str | None = None) -> Team:
    team = session.scalar(select(Team).where(Team.name == name))
    if team is None:
        service = get_or_create_service(session, service_name) if service_name else None
        team = Team(name=name, service=service)
        session.add(team)
        session.flush()
    return team


def get_or_create_service(session: Session, name: str) -> Service:
    service = session.scalar(select(Service).where(Service.name == name))
    if service is None:
        service = Service(name=name)
        session.add(service)
        session.flush()
    return service


def record_sign_in(session: Session, user: User | None, email: str, *, throttled: bool = False) -> None:
    """Audit a sign-in, a failed one, or one refused by the throttle (the event carries
    the client's address: :func:`tracker.audit.set_address`)."""
    if user is None:
        audit.set_actor(session, None, label=f"anonymous ({email[:100]})")
        if throttled:
            audit.record(session, action="sign_in_throttled", entity_type="users",
                         summary="Sign-in refused without checking the password: too many failed attempts")
        else:
            audit.record(session, action="sign_in_failed", entity_type="users", summary="Sign-in refused")
    else:
        audit.set_actor(session, user)
        audit.record(session, action="sign_in", entity_type="users", entity_id=user.id)
