"""The daily scan and digest: who gets what, with what in it, and never twice."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from tests.alerts.conftest import add_action, alive_elsewhere
from tracker import clock
from tracker.alerts import services
from tracker.alerts.models import Alert, Notification, OutboxEmail
from tracker.jobs.models import JobRun

MONDAY = dt.date(2026, 11, 23)


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def _cases(factory, session, authority):
    """Worker: one child whose first review, health assessment and PEP are overdue
    (entered care Mon 7 Sep 2026: due 20 working days later, Mon 5 Oct), and the care plan
    (10 working days: Mon 21 Sep), one child with an action due in two days. Other worker:
    nothing due for weeks."""
    overdue_child = factory.child(worker=authority.worker, first_name="Zebedee", last_name="Quartermaine",
                                  date_of_birth=dt.date(2015, 3, 4), entered_care=dt.date(2026, 9, 7))
    soon_child = factory.child(worker=authority.worker, first_name="Yolanda", last_name="Pemberton-Smythe")
    add_action(session, child=soon_child, owner=authority.worker, due_on=dt.date(2026, 11, 25))
    quiet_child = factory.child(worker=authority.other_worker, first_name="Xavier", last_name="Ollerenshaw")
    add_action(session, child=quiet_child, owner=authority.other_worker, due_on=dt.date(2027, 3, 1))
    return overdue_child, soon_child


def test_scan_then_send_delivers_one_digest_to_each_worker_with_items_due(factory, session, authority, smtp,
                                                                          run, monkeypatch) -> None:
    monkeypatch.setattr(services, "BULK_ROWS", 1)  # take the bulk path (ANALYZE on PostgreSQL) too
    overdue_child, soon_child = _cases(factory, session, authority)

    scan = run("scan", MONDAY)
    assert scan.status == "ok", scan
    assert (scan.counts["overdue"], scan.counts["due_soon"]) == (4, 1)
    sent = run("send-email")
    assert sent.status == "ok", sent

    digests = [m for m in smtp.inbox.received if m.subject.startswith("Your due dates")]
    assert [m.recipients for m in digests] == [["worker@test.invalid"]]  # not the worker with nothing due
    digest = digests[0]
    assert digest.subject == "Your due dates: 4 overdue, 1 due soon — Monday 23 November 2026"
    text = digest.text
    ref = f"ZQ ({overdue_child.local_id})"
    for title in ("Statutory review", "Initial health assessment", "Initial personal education plan"):
        assert f"- {ref}: {title}, due 05/10/2026 (49 days overdue) NEW" in text
    assert f"- {ref}: Care plan, due 21/09/2026 (63 days overdue) NEW" in text
    assert f"YP ({soon_child.local_id}): Action, due 25/11/2026 (in 2 days) NEW" in text
    assert text.index("OVERDUE (4)") < text.index("DUE SOON (1)")
    assert f"https://tracker.example.test/children/{overdue_child.id}/due-dates" in text
    assert f'href="https://tracker.example.test/children/{soon_child.id}/due-dates"' in digest.html
    # No more personal detail than needed: initials and local id only, no names, no
    # date of birth, no free text (the action's title mentions a health condition).
    for body in (text, digest.html):
        for secret in ("Zebedee", "Quartermaine", "Yolanda", "Pemberton", "asthma", "2015"):
            assert secret not in body

    # The digest was recorded against the business day, as was the scan.
    runs = {(r.job, r.slot): r.status for r in session.scalars(select(JobRun).where(JobRun.job != "send-email"))}
    assert runs == {("scan", "2026-11-23"): "ok", ("escalate", "2026-11-23"): "ok", ("digest", "2026-11-23"): "ok"}


def test_running_the_jobs_again_the_same_day_adds_no_alerts_and_sends_nothing(factory, session, authority,
                                                                               smtp, run) -> None:
    _cases(factory, session, authority)
    run("scan", MONDAY)
    run("send-email")
    delivered = len(smtp.inbox.received)
    counts = (_count(session, Alert), _count(session, Notification), _count(session, OutboxEmail))
    assert delivered == 3  # the worker's digest; escalations to the team and group manager

    again = run("scan", MONDAY)
    assert again.status == "skipped" and again.reason == "already done"
    assert run("digest", MONDAY).status == "skipped"
    # Even forced (as after a crash mid-run), the data refuses duplicates.
    assert run("scan", MONDAY, force=True).status == "ok"
    assert run("digest", MONDAY, force=True).status == "ok"
    assert run("escalate", MONDAY, force=True).status == "ok"
    assert run("send-email").counts["sent"] == 0
    session.expire_all()
    assert (_count(session, Alert), _count(session, Notification), _count(session, OutboxEmail)) == counts
    assert len(smtp.inbox.received) == delivered


def test_a_digest_every_working_day_but_not_at_weekends_or_on_bank_holidays(factory, session, authority, smtp,
                                                                            run) -> None:
    _cases(factory, session, authority)
    for day in (MONDAY, MONDAY + dt.timedelta(days=1)):
        assert run("scan", day).status == "ok"
        run("send-email")
    digests = [m for m in smtp.inbox.received if m.subject.startswith("Your due dates")]
    assert [m.subject.rsplit("— ", 1)[1] for m in digests] == ["Monday 23 November 2026",
                                                                "Tuesday 24 November 2026"]
    # Tuesday's lists the same overdue items, no longer new; the action is still due soon.
    assert "NEW" not in digests[1].text
    assert digests[1].subject.startswith("Your due dates: 4 overdue, 1 due soon")

    for day in (dt.date(2026, 11, 28), dt.date(2026, 12, 25), dt.date(2026, 12, 28)):  # Sat, Christmas, Boxing Day (sub.)
        scan = run("scan", day)
        assert scan.status == "ok" and "digest" not in scan.counts
        digest = run("digest", day)
        assert digest.counts == {"skipped": "not a working day"}
    run("send-email")
    assert len([m for m in smtp.inbox.received if m.subject.startswith("Your due dates")]) == 2


def test_the_digest_job_at_its_time_runs_the_scan_first_if_it_has_not_run(factory, session, authority, smtp,
                                                                           run) -> None:
    _cases(factory, session, authority)
    digest = run("digest", MONDAY)
    assert digest.status == "ok"
    assert digest.counts["scan"] == "ok"  # scan ran first, for fresh statuses
    assert digest.counts["emails"] == 1
    assert run("scan", MONDAY).status == "skipped"
    run("send-email")
    assert len([m for m in smtp.inbox.received if m.subject.startswith("Your due dates")]) == 1


def test_without_a_mail_server_mail_is_kept_in_the_outbox(factory, session, authority, run, app) -> None:
    assert not app.config.get("MAIL_SERVER")
    _cases(factory, session, authority)
    run("scan", MONDAY)
    sent = run("send-email")
    assert sent.status == "ok" and sent.counts["sent"] == 0 and sent.counts["held"] == 3
    session.expire_all()
    statuses = session.scalars(select(OutboxEmail.status)).all()
    assert statuses == ["pending"] * 3


def test_a_long_digest_lists_fifty_items_and_counts_the_rest(factory, session, authority, smtp, run) -> None:
    child = factory.child(worker=authority.worker)
    for n in range(52):
        add_action(session, child=child, owner=authority.worker, due_on=dt.date(2026, 9, 1) + dt.timedelta(days=n))
    run("scan", MONDAY)
    run("send-email")
    [digest] = smtp.inbox.to("worker@test.invalid")
    assert digest.subject.startswith("Your due dates: 52 overdue")
    assert digest.text.count(f"({child.local_id}): Action, due") == 50
    assert "...and 2 more overdue: sign in to see them all." in digest.text
    assert 'and 2 more: <a href="https://tracker.example.test"' in digest.html
    assert "due 01/09/2026" in digest.text and "due 22/10/2026" not in digest.text  # most overdue first
    [escalation] = smtp.inbox.to("tm@test.invalid")
    assert "(52)" in escalation.text and "...and 2 more: sign in to see them all." in escalation.text


def test_a_digest_due_while_the_scan_is_still_running_is_left_to_the_scan(factory, session, authority, smtp,
                                                                          run, app) -> None:
    _cases(factory, session, authority)
    # Another process, on another host, is half-way through today's scan.
    busy = JobRun(job="scan", slot=MONDAY.isoformat(), status="running", started_at=clock.now(),
                  heartbeat_at=clock.now(), pid=1, host="scheduler-b", attempts=1)
    session.add(busy)
    session.flush()
    with alive_elsewhere(app, busy):
        digest = run("digest", MONDAY)
        assert digest.status == "failed" and "scan is still running" in digest.error
        assert _count(session, OutboxEmail) == 0

    # That scan's process dies: the next digest run (the scheduler's hourly catch-up, or by
    # hand) takes the scan over at once, and the digest goes out from fresh statuses.
    digest = run("digest", MONDAY)
    assert digest.status == "ok" and digest.counts["scan"] == "ok" and digest.counts["emails"] == 1
    session.expire_all()
    assert session.get(JobRun, busy.id).attempts == 2
    run("send-email")
    assert len([m for m in smtp.inbox.received if m.subject.startswith("Your due dates")]) == 1
