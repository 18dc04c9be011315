"""Sending the outbox through a real SMTP server: exactly once, whatever goes wrong."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from sqlalchemy import select, update

from tests.alerts.conftest import add_action
from tests.alerts.smtp import SmtpServer
from tests.helpers import csrf_token, plain, sign_in
from tracker import clock
from tracker.alerts.models import OutboxEmail

MONDAY = dt.date(2026, 11, 23)


def _queue_three(factory, session, authority, run) -> None:  # noqa: ANN001
    """A digest for the worker and escalations to the team and group managers."""
    child = factory.child(worker=authority.worker)
    add_action(session, child=child, owner=authority.worker, due_on=dt.date(2026, 10, 1))
    assert run("scan", MONDAY).status == "ok"


def _emails(session) -> dict[str, OutboxEmail]:  # noqa: ANN001
    session.expire_all()
    return {e.to_address: e for e in session.scalars(select(OutboxEmail))}


def test_mail_server_down_for_one_run_then_up_delivers_each_email_exactly_once(
        app, factory, session, authority, run, monkeypatch) -> None:  # noqa: ANN001
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
        app, factory, session, authority, smtp, run, client, monkeypatch) -> None:  # noqa: ANN001
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


def test_a_row_claimed_by_another_sender_is_not_sent_again(factory, session, authority, smtp, run) -> None:  # noqa: ANN001
    _queue_three(factory, session, authority, run)
    digest = _emails(session)["worker@test.invalid"]
    # Another sender has claimed it and is talking to the mail server right now.
    session.execute(update(OutboxEmail).where(OutboxEmail.id == digest.id)
                    .values(status="sending", claim_token="elsewhere", claimed_at=clock.now(), attempts=1))
    session.flush()
    assert run("send-email").counts["sent"] == 2
    assert smtp.inbox.to("worker@test.invalid") == []
    assert _emails(session)["worker@test.invalid"].status == "sending"


@pytest.mark.parametrize("minutes", [5, 11])
def test_a_send_interrupted_mid_way_is_reported_never_guessed(factory, session, authority, smtp, run,
                                                              minutes) -> None:  # noqa: ANN001
    _queue_three(factory, session, authority, run)
    digest = _emails(session)["worker@test.invalid"]
    # A sender claimed it and died before recording the outcome: it may have gone out.
    session.execute(update(OutboxEmail).where(OutboxEmail.id == digest.id)
                    .values(status="sending", claim_token="dead", attempts=1,
                            claimed_at=clock.now() - dt.timedelta(minutes=minutes)))
    session.flush()
    outcome = run("send-email")
    digest = _emails(session)["worker@test.invalid"]
    assert smtp.inbox.to("worker@test.invalid") == []
    if minutes < 10:  # still within MAIL_CLAIM_TIMEOUT_SECONDS: maybe still sending
        assert digest.status == "sending" and outcome.counts["interrupted"] == 0
    else:
        assert digest.status == "failed" and outcome.counts["interrupted"] == 1
        assert "may or may not have been delivered" in digest.last_error
