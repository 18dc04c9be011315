"""The alert jobs: thin adapters (context → services → commit) registered by name.

How they fit together, for business day D:

* ``scan`` (daily at SCAN_AT, and once when the scheduler starts): recompute every child's
  items as of D (batches, committed as it goes), raise the due-soon/overdue alerts and
  notify the owners; then run ``escalate`` and — on working days — ``digest`` for D. Each
  of those is a job of its own with its own (job, D) run row, so whoever starts them, they
  happen once per day.
* ``escalate``: alerts and emails for managers (never run alone by the scheduler).
* ``digest`` (working days at DIGEST_AT): queue one email per worker with anything overdue
  or due soon. The scan has normally done it already, and then this is a no-op; if the
  scan has not finished by DIGEST_AT the digest runs the scan first (the scan's own
  nested digest is then skipped) and goes out from the freshest statuses available. A
  scan whose process died is taken over at once (see :mod:`tracker.jobs.liveness`); one
  still alive elsewhere queues the digests itself when it finishes, and the scheduler's
  catch-up retries anything due and not done.
* ``send-email`` (every EMAIL_EVERY_SECONDS): send what the outbox holds.
* ``check-health`` (every HEALTH_CHECK_EVERY_SECONDS): email the administrators when
  today's scan is late or mail is stuck.
"""

from __future__ import annotations

import datetime as dt
import smtplib
import ssl
import uuid
from collections.abc import Mapping
from typing import Any

from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session

from tracker import clock
from tracker.alerts import queries, services
from tracker.alerts.emails import build_message, new_message_id, retry_delay
from tracker.alerts.models import OutboxEmail
from tracker.jobs.liveness import liveness_for
from tracker.jobs.models import JobRun
from tracker.jobs.registry import register_job
from tracker.jobs.runner import JobContext, completed, reap_dead_runs
from tracker.tracking.calendars import is_working_day
from tracker.tracking.facts import load_terms
from tracker.tracking.services import RecomputeResult, all_child_ids, recompute_children
from tracker.tracking.settings import get_rule_config, get_settings

LONDON = "Europe/London"


def parse_time(value: str) -> tuple[int, int, int]:
    """"06:30" or "06:30:15" → (6, 30, 15)."""
    t = queries.parse_time(value)
    return t.hour, t.minute, t.second


def _daily(key: str, **extra: Any):
    def trigger(config: Mapping[str, Any]) -> CronTrigger:
        h, m, s = parse_time(config[key])
        return CronTrigger(hour=h, minute=m, second=s, timezone=LONDON, **extra)

    return trigger


# ---------------------------------------------------------------------------- scan


def scan_due_items(ctx: JobContext) -> dict[str, Any]:
    session = ctx.session
    config, terms = get_rule_config(session), load_terms(session)
    ids = all_child_ids(session)
    total = RecomputeResult()
    size = int(ctx.config["SCAN_BATCH_SIZE"])
    for start in range(0, len(ids), size):
        ctx.checkpoint(f"{start:,} of {len(ids):,} children")
        r = recompute_children(session, ids[start:start + size], today=ctx.today, config=config, terms=terms,
                               batch=size)
        session.commit()
        total.children += r.children
        total.inserted += r.inserted
        total.updated += r.updated
        total.deleted += r.deleted
        total.errors.update(r.errors)
    ctx.checkpoint(f"{len(ids):,} of {len(ids):,} children; raising alerts")
    settings = get_settings(session)
    alerts = services.raise_due_alerts(session, today=ctx.today, due_soon_days=settings["due_soon_days"],
                                       now=clock.now())
    session.commit()
    counts: dict[str, Any] = {"children": total.children, "items_changed": total.changed,
                              "children_not_computed": len(total.errors),
                              **{k: v for k, v in alerts.as_dict().items() if k != "emails"}}
    ctx.checkpoint()
    counts["escalate"] = ctx.run("escalate").status
    if is_working_day(ctx.today):
        counts["digest"] = ctx.run("digest").status
    return counts


def escalate_overdue_items(ctx: JobContext) -> dict[str, Any]:
    settings = get_settings(ctx.session)
    counts = services.raise_escalations(
        ctx.session, today=ctx.today, team_manager_days=settings["escalate_team_manager_working_days"],
        group_manager_days=settings["escalate_group_manager_working_days"], now=clock.now(),
        base_url=ctx.config["BASE_URL"])
    ctx.session.commit()
    return counts.as_dict()


def queue_daily_digests(ctx: JobContext) -> dict[str, Any]:
    if not is_working_day(ctx.today):
        return {"skipped": "not a working day"}
    counts: dict[str, Any] = {}
    if ctx.parent != "scan" and not completed(ctx.session, "scan", ctx.today):
        # Normally the scan queued the digest already; if it has not run (or failed), run
        # it now so the digest reflects today's statuses. Its nested digest is skipped
        # because this run holds the slot.
        scan = ctx.run("scan", force=False)
        if scan.status == "skipped" and scan.reason and scan.reason.startswith("running"):
            # Still refreshing statuses: fail this run so the scan's own digest, when it
            # finishes, takes the day's slot over and queues from fresh statuses.
            raise ScanStillRunning("today's scan is still running; it queues the digests when it finishes")
        counts["scan"] = scan.status
    settings = get_settings(ctx.session)
    counts.update(services.queue_digests(ctx.session, today=ctx.today, due_soon_days=settings["due_soon_days"],
                                         now=clock.now(), base_url=ctx.config["BASE_URL"]))
    ctx.session.commit()
    return counts


class ScanStillRunning(RuntimeError):
    pass


# ---------------------------------------------------------------------------- sending


class MailServerUnavailable(RuntimeError):
    pass


def send_pending_emails(ctx: JobContext) -> dict[str, Any]:
    """Send the outbox. Never sends a row twice while its sender lives: each row is claimed
    (pending → sending, committed, with this run's id) before the mail server hears of it,
    and only the claimer marks it sent. A row whose sender died is sent again, as the
    same mail (same Message-ID and Date), so the recipient's system can tell."""
    session, config = ctx.session, ctx.config
    counts = {"sent": 0, "retrying": 0, "failed": 0,
              "resent_after_interruption": _requeue_interrupted(session, config)}
    session.commit()
    if not config.get("MAIL_SERVER"):
        # Demo: no mail server. Mail stays in the outbox, readable on the admin page.
        counts["held"] = session.scalar(select(func.count()).select_from(OutboxEmail)
                                        .where(OutboxEmail.status == "pending")) or 0
        return counts
    now = clock.now()
    due = list(session.scalars(select(OutboxEmail.id)
                               .where(OutboxEmail.status == "pending", OutboxEmail.next_attempt_at <= now)
                               .order_by(OutboxEmail.next_attempt_at, OutboxEmail.id)
                               .limit(int(config["MAIL_BATCH_SIZE"]))))
    session.commit()
    if not due:
        return counts
    try:
        smtp = _connect(config)
    except (OSError, smtplib.SMTPException) as exc:
        # Nothing was claimed: the mail waits, using up no attempts, until the server is back.
        raise MailServerUnavailable(_unreachable(config, exc)) from exc
    run_id = ctx.lease.run_id if ctx.lease else None
    try:
        for email_id in due:
            ctx.checkpoint()
            outcome, connection_lost = _send_one(session, smtp, email_id, config, run_id)
            if outcome:
                counts[outcome] += 1
            if connection_lost:
                break  # the server went away mid-batch: the rest wait for the next run
    finally:
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()
    return counts


def _unreachable(config: Mapping[str, Any], exc: BaseException) -> str:
    where = f"{config['MAIL_SERVER']}:{config['MAIL_PORT']}"
    if isinstance(exc, ssl.SSLCertVerificationError):
        return (f"the mail server {where} did not prove who it is ({exc.verify_message}); if it uses a private "
                "certificate authority, set MAIL_CA_FILE to that authority's certificate")
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return f"the mail server {where} does not offer STARTTLS, so mail cannot be sent to it securely"
    return f"cannot reach the mail server {where} ({exc})"


def tls_context(config: Mapping[str, Any]) -> ssl.SSLContext:
    """Certificates and host names checked, against MAIL_CA_FILE if set."""
    return ssl.create_default_context(cafile=config.get("MAIL_CA_FILE") or None)


def _connect(config: Mapping[str, Any]) -> smtplib.SMTP:
    host, port, timeout = config["MAIL_SERVER"], int(config["MAIL_PORT"]), int(config["MAIL_TIMEOUT"])
    if config.get("MAIL_USE_SSL"):
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(host, port, timeout=timeout, context=tls_context(config))
    else:
        smtp = smtplib.SMTP(host, port, timeout=timeout)
    try:
        smtp.ehlo()
        if config.get("MAIL_USE_TLS") and not config.get("MAIL_USE_SSL"):
            smtp.starttls(context=tls_context(config))
            smtp.ehlo()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
    except BaseException:
        smtp.close()
        raise
    return smtp


def _connection_lost(exc: BaseException) -> bool:
    """The server went away (rather than refusing this one message)."""
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return True
    return isinstance(exc, OSError) and not isinstance(exc, smtplib.SMTPException)


def _send_one(session: Session, smtp: smtplib.SMTP, email_id: int, config: Mapping[str, Any],
              run_id: int | None) -> tuple[str | None, bool]:
    token = uuid.uuid4().hex
    now = clock.now()
    claimed = session.execute(
        update(OutboxEmail).where(OutboxEmail.id == email_id, OutboxEmail.status == "pending")
        .values(status="sending", claim_token=token, claimed_at=now, claim_run_id=run_id,
                attempts=OutboxEmail.attempts + 1,
                # Fixed at the first attempt: every later attempt is the same mail.
                message_id=func.coalesce(OutboxEmail.message_id, new_message_id(config["MAIL_DEFAULT_SENDER"])))
        .execution_options(synchronize_session=False))
    session.commit()
    if claimed.rowcount != 1:
        return None, False  # another sender has it
    row = session.get(OutboxEmail, email_id, populate_existing=True)
    assert row is not None
    try:
        smtp.send_message(build_message(row, config["MAIL_DEFAULT_SENDER"]))
    except (OSError, smtplib.SMTPException) as exc:
        return _failed_attempt(session, row, token, exc, config), _connection_lost(exc)
    session.execute(update(OutboxEmail).where(OutboxEmail.id == email_id, OutboxEmail.claim_token == token)
                    .values(status="sent", sent_at=clock.now(), last_error=None)
                    .execution_options(synchronize_session=False))
    session.commit()
    return "sent", False


def _failed_attempt(session: Session, row: OutboxEmail, token: str, exc: BaseException,
                    config: Mapping[str, Any]) -> str:
    error = f"{type(exc).__name__}: {exc}"[:1000]
    if row.attempts >= int(config["MAIL_MAX_ATTEMPTS"]):
        values: dict[str, Any] = {"status": "failed", "last_error": f"Gave up after {row.attempts} attempts. {error}"}
        outcome = "failed"
    else:
        delay = retry_delay(row.attempts, int(config["MAIL_RETRY_SECONDS"]), int(config["MAIL_RETRY_MAX_SECONDS"]))
        values = {"status": "pending", "next_attempt_at": clock.now() + delay, "last_error": error}
        outcome = "retrying"
    session.execute(update(OutboxEmail).where(OutboxEmail.id == row.id, OutboxEmail.claim_token == token)
                    .values(claim_token=None, **values).execution_options(synchronize_session=False))
    session.commit()
    return outcome


#: A row claimed by a sender of a version that did not record its run counts as
#: interrupted this long after the claim.
LEGACY_CLAIM_TIMEOUT = dt.timedelta(minutes=10)


def _requeue_interrupted(session: Session, config: Mapping[str, Any]) -> int:
    """Rows left "sending" by a sender that died (its run is no longer running, or is
    running but its process is gone): it may or may not have gone out, so it is sent
    again as the same mail (same Message-ID) — a duplicate the recipient's system can
    recognise beats a lost alert. Past MAIL_MAX_ATTEMPTS it is marked failed instead."""
    reap_dead_runs(session, liveness_for(config))
    running = select(JobRun.id).where(JobRun.status == "running")
    interrupted = and_(OutboxEmail.status == "sending", or_(
        and_(OutboxEmail.claim_run_id.is_not(None), OutboxEmail.claim_run_id.not_in(running)),
        and_(OutboxEmail.claim_run_id.is_(None), OutboxEmail.claimed_at < clock.now() - LEGACY_CLAIM_TIMEOUT)))
    note = ("The previous attempt was interrupted before the mail server answered; it may have been delivered. "
            "Sent again with the same Message-ID, so a copy can be recognised.")
    gave_up = session.execute(
        update(OutboxEmail).where(interrupted, OutboxEmail.attempts >= int(config["MAIL_MAX_ATTEMPTS"]))
        .values(status="failed", claim_token=None, claim_run_id=None,
                last_error=f"Gave up: interrupted at the last of {config['MAIL_MAX_ATTEMPTS']} attempts; it may "
                           "have been delivered. Check with the recipient before sending it again.")
        .execution_options(synchronize_session=False)).rowcount
    requeued = session.execute(
        update(OutboxEmail).where(interrupted)
        .values(status="pending", claim_token=None, claim_run_id=None, next_attempt_at=clock.now(), last_error=note)
        .execution_options(synchronize_session=False)).rowcount
    return max(requeued, 0) + max(gave_up, 0)


# ---------------------------------------------------------------------------- health


def check_health(ctx: JobContext) -> dict[str, Any]:
    """Email the administrators (once a day each) when today's scan has not succeeded by
    SCAN_LATE_AT, or mail has waited in the outbox longer than MAIL_STUCK_AFTER_SECONDS."""
    health = queries.get_health(ctx.session, ctx.config)
    counts = services.queue_admin_warnings(ctx.session, health=health, now=clock.now(),
                                           base_url=ctx.config["BASE_URL"])
    ctx.session.commit()
    return counts


# ---------------------------------------------------------------------------- registry


register_job("scan", scan_due_items, description=(
    "Refresh every child's due dates as of the day, raise due-soon and overdue alerts, "
    "then escalate and (on working days) queue the digests."),
    schedule=_daily("SCAN_AT"), schedule_text=lambda c: f"Daily at {c['SCAN_AT']}, and when the scheduler starts")
register_job("escalate", escalate_overdue_items, description=(
    "Escalate items overdue by the set number of working days to team and group managers, "
    "and email them."), schedule_text=lambda c: "Run by the scan")
register_job("digest", queue_daily_digests, description=(
    "Queue one email per worker listing what is overdue or due soon (working days only)."),
    schedule=_daily("DIGEST_AT", day_of_week="mon-fri"),
    schedule_text=lambda c: f"Run by the scan; at the latest on working days at {c['DIGEST_AT']}")
register_job("send-email", send_pending_emails, per_day=False, description=(
    "Send the email outbox, retrying failures with a growing delay."),
    schedule=lambda c: IntervalTrigger(seconds=int(c["EMAIL_EVERY_SECONDS"]), timezone=LONDON),
    schedule_text=lambda c: f"Every {c['EMAIL_EVERY_SECONDS']} seconds")
register_job("check-health", check_health, per_day=False, description=(
    "Email the administrators if today's scan has not succeeded by its deadline or mail is stuck in the outbox."),
    schedule=lambda c: IntervalTrigger(seconds=int(c["HEALTH_CHECK_EVERY_SECONDS"]), timezone=LONDON),
    schedule_text=lambda c: f"Every {int(c['HEALTH_CHECK_EVERY_SECONDS']) // 60} minutes; "
                            f"the scan is late after {c['SCAN_LATE_AT']}")
