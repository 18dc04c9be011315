"""Accounts: create users, check passwords."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tracker import audit, clock
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


# A real hash to verify against when the email is unknown, so response time does not
# reveal which accounts exist.
_DUMMY = PasswordHasher(time_cost=1, memory_cost=64, parallelism=1).hash("not-a-password")


def authenticate(session: Session, email: str, password: str, *, time_cost: int = 3,
                 memory_cost: int = 65536) -> User | None:
    user = session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    hasher = _hasher(time_cost, memory_cost)
    if user is None:
        try:
            hasher.verify(_DUMMY, password)
        except (VerificationError, InvalidHashError):
            pass
        return None
    try:
        hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    if not user.active:
        return None
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hasher.hash(password)
    user.last_sign_in_at = clock.now()
    return user


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
    if len(password) < 12:
        errors["password"] = "Password must be 12 characters or more"
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


def record_sign_in(session: Session, user: User | None, email: str) -> None:
    if user is None:
        audit.set_actor(session, None, label=f"anonymous ({email[:100]})")
        audit.record(session, action="sign_in_failed", entity_type="users", summary="Sign-in refused")
    else:
        audit.set_actor(session, user)
        audit.record(session, action="sign_in", entity_type="users", entity_id=user.id)
