"""Alerts (one per fact), who was notified of each, and the email outbox."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.audit import exempt
from tracker.auth.models import User
from tracker.children.models import Child
from tracker.db import Base
from tracker.tracking.models import TrackedItem

ALERT_KINDS = ("due_soon", "overdue", "escalated")
ALERT_LEVELS = ("worker", "team_manager", "group_manager")
EMAIL_STATUSES = ("pending", "sending", "sent", "failed")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN (" + ", ".join(f"'{v}'" for v in values) + ")"


class Alert(Base):
    """A fact worth telling someone: this item is due soon / overdue / escalated.

    Unique per (item, kind, level, due date): the daily scan can run any number of times
    and raises each fact once. The due date is part of the fact because some items keep
    their identity when their due date moves (proceedings extended, an action's date
    changed); the new date is a new fact and is alerted again.
    """

    __tablename__ = "alerts"
    __table_args__ = (
        UniqueConstraint("item_id", "kind", "level", "due_on"),
        CheckConstraint(_in("kind", ALERT_KINDS), name="kind"),
        CheckConstraint(_in("level", ALERT_LEVELS), name="level"),
        CheckConstraint("(kind = 'escalated') = (level <> 'worker')", name="kind_matches_level"),
        # Every alert a run raises carries that run's timestamp: the notifications and
        # emails that follow find exactly those through this index.
        Index("ix_alerts_created_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("tracked_items.id", ondelete="CASCADE"))
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    level: Mapped[str] = mapped_column(String(14))
    due_on: Mapped[dt.date]
    #: The business day of the scan that raised it.
    raised_on: Mapped[dt.date]
    created_at: Mapped[dt.datetime]

    item: Mapped[TrackedItem] = relationship()
    child: Mapped[Child] = relationship()


class Notification(Base):
    """An alert shown to one user in the service (the header count, /notifications)."""

    __tablename__ = "notifications"
    __table_args__ = (
        UniqueConstraint("alert_id", "user_id"),
        Index("ix_notifications_user_id_read_at", "user_id", "read_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alerts.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[dt.datetime]
    read_at: Mapped[dt.datetime | None]

    alert: Mapped[Alert] = relationship()
    user: Mapped[User] = relationship()


class OutboxEmail(Base):
    """An email waiting to be sent, sent, or given up on.

    Written in the same transaction as the alerts it reports; ``key`` (e.g.
    ``digest:12:2026-11-23``) is unique, so the same email is never queued twice. The
    sender claims a row (``pending`` → ``sending`` with a claim token) before talking to
    the mail server, so two senders never send the same row.
    """

    __tablename__ = "outbox_emails"
    __table_args__ = (
        CheckConstraint(_in("status", EMAIL_STATUSES), name="status"),
        Index("ix_outbox_emails_status_next_attempt_at", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(120), unique=True)
    #: "digest", "escalation" (free text so other packages can send their own).
    kind: Mapped[str] = mapped_column(String(30))
    recipient_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(8), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[dt.datetime]
    claim_token: Mapped[str | None] = mapped_column(String(32))
    claimed_at: Mapped[dt.datetime | None]
    #: The send-email run that claimed it: if that run died, the row is sent again.
    claim_run_id: Mapped[int | None]
    #: Fixed when queued, so every attempt is the same mail (a late acknowledgement
    #: followed by a retry gives the recipient's system two copies it can recognise).
    message_id: Mapped[str | None] = mapped_column(String(250))
    sent_at: Mapped[dt.datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime]

    recipient: Mapped[User | None] = relationship()


exempt("alerts", "derived from tracked items by the daily scan; one row per fact, never edited")
exempt("notifications", "per-user delivery and read state of alerts, not a case record")
exempt("outbox_emails", "delivery queue and log of emails the system sends, not a case record")
