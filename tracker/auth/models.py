"""Services (groups of teams), teams and user accounts."""

from __future__ import annotations

import datetime as dt

from flask_login import UserMixin
from sqlalchemy import Boolean, CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.audit import Audited
from tracker.auth.roles import CAPABILITIES, ROLES
from tracker.db import Base

_ROLE_CHECK = "role IN (" + ", ".join(f"'{r}'" for r in ROLES) + ")"


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
        return capability in CAPABILITIES.get(self.role, frozenset())

    @property
    def role_label(self) -> str:
        return ROLES.get(self.role, self.role)

    @property
    def managed_service_id(self) -> int | None:
        """The service whose children this user manages (group managers)."""
        if self.role == "group_manager":
            return self.service_id or (self.team.service_id if self.team else None)
        return None
