"""Email content: rendered from templates/emails/, carrying as little personal detail as
the reader needs — a child's initials and local id and a link, never a name or health
details — and the MIME message built from an outbox row."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any

from flask import current_app

from tracker.alerts.models import OutboxEmail


@dataclass(frozen=True)
class EmailLine:
    """One item in an email: enough to recognise it and a link, nothing more."""

    child_ref: str  # "AB (T00012)"
    title: str
    due_on: dt.date
    status: str
    link: str
    #: Days overdue (calendar days) for overdue items, days left for due-soon ones.
    days: int
    #: Raised by today's scan (not in an earlier digest).
    new: bool = False
    #: For managers: working days overdue, the worker who owns it, the team.
    working_days_overdue: int | None = None
    owner: str | None = None
    team: str | None = None


def child_ref(first_name: str, last_name: str, local_id: str) -> str:
    return f"{(first_name[:1] + last_name[:1]).upper()} ({local_id})"


def child_link(base_url: str, child_id: int) -> str:
    return f"{base_url.rstrip('/')}/children/{child_id}/due-dates"


def long_date(d: dt.date) -> str:
    return f"{d:%A} {d.day} {d:%B %Y}"


def render(name: str, **context: Any) -> tuple[str, str]:
    """(plain text, HTML) from ``templates/emails/<name>.txt`` and ``.html``.

    Rendered with the app's template environment but without request context
    processors: jobs have no request and no signed-in user.
    """
    env = current_app.jinja_env
    context.setdefault("service_name", current_app.config["SERVICE_NAME"])
    context.setdefault("authority_name", current_app.config["AUTHORITY_NAME"])
    context.setdefault("long_date", long_date)
    text = env.get_template(f"emails/{name}.txt").render(**context)
    html = env.get_template(f"emails/{name}.html").render(**context)
    return text, html


def new_message_id(sender: str) -> str:
    """A Message-ID for a new outbox row, on the sender's domain."""
    domain = sender.rsplit("@", 1)[-1].strip(" >") or "tracker.invalid"
    return f"<{uuid.uuid4().hex}@{domain}>"


def build_message(row: OutboxEmail, sender: str) -> EmailMessage:
    """The same row always makes the same mail: its Message-ID (fixed at the first
    attempt) and its Date (when it was queued) never change, so a mail system that gets
    it twice — a server that stored it but answered after we gave up — can tell."""
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = row.to_address
    msg["Subject"] = row.subject
    msg["Date"] = format_datetime(row.created_at)
    msg["Message-ID"] = row.message_id or new_message_id(sender)
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(row.text_body)
    if row.html_body:
        msg.add_alternative(row.html_body, subtype="html")
    return msg


def retry_delay(attempts: int, base: int, maximum: int) -> dt.timedelta:
    """Delay before the next attempt after ``attempts`` failed ones: base, 2·base, 4·base …"""
    return dt.timedelta(seconds=min(maximum, base * 2 ** max(0, attempts - 1)))
