"""Sending the outbox through a real SMTP server: exactly once, whatever goes wrong."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from sqlalchemy import select, update

from tests.alerts.conftest import add_action, alive_elsewhere
from tests.alerts.smtp import SmtpServer
from tests.helpers import csrf_token, plain, sign_in
from tracker import clock
from tracker.alerts.models import OutboxEmail
from tracker.jobs.models import JobRun

MONDAY = dt.date(2026, 11, 23)


def _queue_three(factory, session, authority, run) -> None:
    """A digest for the worker and escalations to the team and group managers."""
    child = factory.child(worker=authority.worker)
    add_action(session, child=child, owner=authority.worker, due_on=dt.date(2026, 10, 1))
    assert run("scan", MONDAY).status == "ok"


def _emails(session) -> dict[str, OutboxEmail]:
    session.expire_all()
    return {e.to_address: e for e in session.scalars(select(OutboxEmail))}


def test_mail_server_down_for_one_run_then_up_delivers_each_email_exactly_once(
        app, factory, session, authority, run, monkeypatch) -> None:
    server = SmtpServer()  # not started yet: nothing listens on its port
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", server.port)
    _queue_three(factory, session, authority, run)

    down = run("send-email")
    assert down.status == "failed"
    assert f"cannot reach the mail server 127.0.0.1:{server.port}" in down.error
    # Nothing was claimed or used up: the mail waits for the server.
    assert {(e.status, e.attempts) for e in _emails(session).values()} == {("pending", 0)}

    server.start()
    try:
        up = run("send-email")
        assert up.status == "ok" and up.counts["sent"] == 3
        again = run("send-email")
        assert again.counts["sent"] == 0
    finally:
        server.stop()
    assert sorted(r.recipients[0] for r in server.inbox.received) == ["gm@test.invalid", "tm@test.invalid",
                                                                      "worker@test.invalid"]
    # Each message once, with the outbox row's own Message-ID.
    ids = [str(r.message["Message-ID"]) for r in server.inbox.received]
    assert len(set(ids)) == 3
    assert {(e.status, e.attempts) for e in _emails(session).values()} == {("sent", 1)}


def test_a_refused_email_is_retried_with_backoff_then_reported_failed(
        app, factory, session, authority, smtp, run, client, monkeypatch) -> None:
    monkeypatch.setitem(app.config, "MAIL_MAX_ATTEMPTS", 3)
    smtp.inbox.refuse.add("worker@test.invalid")
    _queue_three(factory, session, authority, run)
    start = clock.now()

    first = run("send-email")
    assert (first.counts["sent"], first.counts["retrying"]) == (2, 1)  # the managers' emails went
    digest = _emails(session)["worker@test.invalid"]
    assert (digest.status, digest.attempts) == ("pending", 1)
    assert "550" in digest.last_error
    assert dt.timedelta(seconds=59) < digest.next_attempt_at - start < dt.timedelta(seconds=70)

    assert run("send-email").counts["retrying"] == 0  # not due again yet
    with time_machine.travel(start + dt.timedelta(seconds=65), tick=True):
        assert run("send-email").counts["retrying"] == 1  # second attempt; next in 2 minutes
    assert _emails(session)["worker@test.invalid"].attempts == 2
    with time_machine.travel(start + dt.timedelta(seconds=65 + 125), tick=True):
        assert run("send-email").counts["failed"] == 1
    digest = _emails(session)["worker@test.invalid"]
    assert digest.status == "failed" and digest.attempts == 3
    assert digest.last_error.startswith("Gave up after 3 attempts.")
    assert smtp.inbox.to("worker@test.invalid") == []

    # The administrator sees it on the admin page and sends it again once the mailbox works.
    admin = factory.user(role="admin")
    sign_in(client, admin)
    page = plain(client.get("/admin/jobs?status=failed"))
    assert "Failed: 1" in page and "worker@test.invalid" in page and "Gave up after 3 attempts" in page
    smtp.inbox.refuse.clear()
    token = csrf_token(client, f"/admin/jobs/outbox/{digest.id}")
    resp = client.post(f"/admin/jobs/outbox/{digest.id}/retry", data={"csrf_token": token}, follow_redirects=True)
    assert "will be sent again" in plain(resp)
    assert run("send-email").counts["sent"] == 1
    assert len(smtp.inbox.to("worker@test.invalid")) == 1
    assert len(smtp.inbox.received) == 3


def _claimed_elsewhere(session, email: OutboxEmail, run: JobRun | None, minutes: int = 1) -> None:
    """A sender claimed ``email`` and handed it to the mail server; we do not know more."""
    session.execute(update(OutboxEmail).where(OutboxEmail.id == email.id).values(
        status="sending", claim_token="elsewhere", attempts=1, message_id="<first-attempt@council.invalid>",
        claim_run_id=run.id if run else None, claimed_at=clock.now() - dt.timedelta(minutes=minutes)))
    session.flush()


def _send_run(session, *, heartbeat_minutes_ago: float = 0) -> JobRun:
    row = JobRun(job="send-email", slot="2026-11-23T07:00:00.000000+00:00", status="running",
                 started_at=clock.now() - dt.timedelta(minutes=2), pid=1, host="scheduler-a", attempts=1,
                 heartbeat_at=clock.now() - dt.timedelta(minutes=heartbeat_minutes_ago))
    session.add(row)
    session.flush()
    return row


def test_a_row_whose_sender_is_still_at_work_is_left_alone(factory, session, authority, smtp, run, app) -> None:
    _queue_three(factory, session, authority, run)
    digest = _emails(session)["worker@test.invalid"]
    sender = _send_run(session)
    _claimed_elsewhere(session, digest, sender)
    with alive_elsewhere(app, sender):
        outcome = run("send-email")
    assert outcome.counts["sent"] == 2 and outcome.counts["resent_after_interruption"] == 0
    assert smtp.inbox.to("worker@test.invalid") == []
    assert _emails(session)["worker@test.invalid"].status == "sending"


def test_a_row_whose_sender_was_killed_is_sent_again_as_the_same_mail(factory, session, authority, smtp,
                                                                      run) -> None:
    _queue_three(factory, session, authority, run)
    digest = _emails(session)["worker@test.invalid"]
    killed = _send_run(session, heartbeat_minutes_ago=5)  # kill -9: no more heartbeats, no lock
    _claimed_elsewhere(session, digest, killed)
    outcome = run("send-email")
    assert outcome.counts == {"sent": 3, "retrying": 0, "failed": 0, "resent_after_interruption": 1}
    [mail] = smtp.inbox.to("worker@test.invalid")
    assert mail.message["Message-ID"] == "<first-attempt@council.invalid>"  # as the first attempt had it
    digest = _emails(session)["worker@test.invalid"]
    assert (digest.status, digest.attempts) == ("sent", 2)
    session.expire_all()
    killed = session.get(JobRun, killed.id)
    assert killed.status == "failed" and killed.error.startswith("Interrupted: the process running it")


@pytest.mark.parametrize("minutes", [5, 11])
def test_a_row_claimed_by_an_older_sender_waits_ten_minutes(factory, session, authority, smtp, run,
                                                            minutes) -> None:
    _queue_three(factory, session, authority, run)
    _claimed_elsewhere(session, _emails(session)["worker@test.invalid"], None, minutes=minutes)
    outcome = run("send-email")
    if minutes < 10:  # may still be sending
        assert outcome.counts["resent_after_interruption"] == 0 and smtp.inbox.to("worker@test.invalid") == []
    else:
        assert outcome.counts["resent_after_interruption"] == 1 and len(smtp.inbox.to("worker@test.invalid")) == 1


def test_a_server_that_answers_after_the_timeout_gets_the_same_mail_twice_never_two_mails(
        app, factory, session, authority, smtp, run, monkeypatch) -> None:
    monkeypatch.setitem(app.config, "MAIL_TIMEOUT", 1)
    smtp.inbox.slow_once.add("worker@test.invalid")  # stores it, then answers after 3 s
    _queue_three(factory, session, authority, run)
    start = clock.now()
    first = run("send-email")
    assert first.counts["retrying"] == 1  # we gave up waiting: it will be tried again
    assert len(smtp.inbox.to("worker@test.invalid")) == 1  # …but the server has it
    with time_machine.travel(start + dt.timedelta(seconds=65), tick=True):
        assert run("send-email").counts["sent"] >= 1
    one, two = smtp.inbox.to("worker@test.invalid")
    for header in ("Message-ID", "Date", "Subject"):
        assert one.message[header] == two.message[header], header
    assert one.text == two.text
    assert _emails(session)["worker@test.invalid"].message_id == one.message["Message-ID"]
