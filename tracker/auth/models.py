"""Services (groups of teams), teams and user accounts."""

from __future__ import annotations

import datetime as dt

from flask import current_app, has_app_context
from flask_login import UserMixin
from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.audit import Audited, exempt
from tracker.auth.roles import MANAGE_SERVICE, ROLES, capabilities_of
from tracker.db import Base

_ROLE_CHECK = "role IN (" + ", ".join(f"'{r}'" for r in ROLES) + ")"


def _admin_reads_children() -> bool:
    """The council's policy switch (config ``ADMIN_READS_CHILDREN``, default no)."""
    return bool(has_app_context() and current_app.config.get("ADMIN_READS_CHILDREN"))


class Service(Audited, Base):
    """A group of teams under one group manager (e.g. "Children in care")."""

    __tablename__ = "services"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)

    teams: Mapped[list[Team]] = relationship(back_populates="service", order_by="Team.name")

    def audit_child_id(self) -> int | None:
        return None


class Team(Audited, Base):
    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    service_id: Mapped[int | None] = mapped_column(ForeignKey("services.id"), index=True)

    service: Mapped[Service | None] = relationship(back_populates="teams")

    def audit_child_id(self) -> int | None:
        return None


class User(UserMixin, Audited, Base):
    __tablename__ = "users"
    __table_args__ = (CheckConstraint(_ROLE_CHECK, name="role"),)
    __audit_exclude__ = ("version", "password_hash")

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(30))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    #: For group managers (and anyone else working across a service).
    service_id: Mapped[int | None] = mapped_column(ForeignKey("services.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[dt.datetime]
    last_sign_in_at: Mapped[dt.datetime | None]

    team: Mapped[Team | None] = relationship(foreign_keys=[team_id])
    service: Mapped[Service | None] = relationship(foreign_keys=[service_id])

    def audit_child_id(self) -> int | None:
        return None

    # Flask-Login
    @property
    def is_active(self) -> bool:  # type: ignore[override]
        return bool(self.active)

    def can(self, capability: str) -> bool:
        return capability in capabilities_of(self.role, admin_reads_children=_admin_reads_children())

    @property
    def role_label(self) -> str:
        return ROLES.get(self.role, self.role)

    @property
    def managed_service_id(self) -> int | None:
        """The service whose children this user manages (group managers)."""
        if self.can(MANAGE_SERVICE):
            return self.service_id or (self.team.service_id if self.team else None)
        return None


class UserSession(Base):
    """A signed-in browser: the cookie carries a random token, this row its SHA-256.

    Signing out deletes the row, so a copy of the cookie opens nothing afterwards; rows
    older than the idle or absolute limit are refused and deleted (tracker.auth.sessions).
    Kept in the database so every app server sees the same sessions.
    """

    __tablename__ = "user_sessions"

    #: SHA-256 of the token in the cookie (hex): the database never holds the token.
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime]
    last_seen_at: Mapped[dt.datetime]
    #: The client's address when the session began (shown to the user's administrators).
    address: Mapped[str | None] = mapped_column(String(45))


class SignInAttempt(Base):
    """A sign-in whose password was checked: the throttle counts recent failures per
    email address typed (known account or not) and per client address."""

    __tablename__ = "sign_in_attempts"
    __table_args__ = (
        Index("ix_sign_in_attempts_email_at", "email", "at"),
        Index("ix_sign_in_attempts_address_at", "address", "at"),
        Index("ix_sign_in_attempts_at", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime]
    #: The email as typed, lower-cased (an unknown one is throttled like a known one).
    email: Mapped[str] = mapped_column(String(254))
    address: Mapped[str] = mapped_column(String(45))
    succeeded: Mapped[bool] = mapped_column(Boolean, default=False)


exempt("user_sessions", "sessions are recorded as sign-in and sign-out events; the rows hold no change to audit")
exempt("sign_in_attempts", "every failed sign-in is an audit event of its own; these rows only feed the throttle")
