"""The administrator sees at a glance whether the jobs and email work, and is emailed when
today's scan has not succeeded by its deadline or mail is stuck in the outbox."""

from __future__ import annotations

import datetime as dt

import time_machine
from sqlalchemy import select

from tests.alerts.conftest import add_action
from tests.alerts.smtp import SmtpServer
from tests.helpers import csrf_token, plain, sign_in
from tracker import clock
from tracker.alerts.models import OutboxEmail
from tracker.jobs.models import SchedulerHeartbeat
from tracker.jobs.queries import get_scheduler_heartbeat

TUESDAY_0805 = dt.datetime(2026, 11, 24, 8, 5, tzinfo=dt.UTC)  # London is on UTC in November


def _warnings(session) -> list[OutboxEmail]:
    session.expire_all()
    return list(session.scalars(select(OutboxEmail).where(OutboxEmail.kind.in_(("scan-late", "outbox-stuck")))
                                .order_by(OutboxEmail.id)))


def test_administrators_are_emailed_once_when_todays_scan_has_not_succeeded_by_its_deadline(
        factory, session, authority, smtp, run) -> None:
    admins = [factory.user(role="admin", email=f"admin{n}@test.invalid") for n in (1, 2)]
    factory.user(role="admin", email="gone@test.invalid", active=False)
    with time_machine.travel(TUESDAY_0805 - dt.timedelta(minutes=10)):  # 07:55: not late yet
        assert run("check-health").counts == {"warnings": 0}
    with time_machine.travel(TUESDAY_0805):
        assert run("check-health").counts == {"warnings": 2}
        assert run("check-health").counts == {"warnings": 0}  # once a day each
        run("send-email")
    assert sorted(m.recipients[0] for m in smtp.inbox.received) == [a.email for a in admins]
    mail = smtp.inbox.received[0]
    assert mail.subject == "Today's scan has not succeeded — Tuesday 24 November 2026"
    assert "Today's scan has not started. It was due at 06:30" in mail.text
    assert "https://tracker.example.test/admin/jobs" in mail.text
    # The next day is a new day.
    with time_machine.travel(TUESDAY_0805 + dt.timedelta(days=1)):
        assert run("check-health").counts == {"warnings": 2}


def test_no_warning_once_the_scan_has_succeeded_and_a_failed_scan_is_reported_without_its_error(
        factory, session, authority, smtp, run) -> None:
    factory.user(role="admin", email="admin@test.invalid")
    child = factory.child(worker=authority.worker, first_name="Zebedee")
    add_action(session, child=child, owner=authority.worker, due_on=dt.date(2026, 11, 1))
    with time_machine.travel(TUESDAY_0805):
        assert run("scan").status == "ok"
        assert run("check-health").counts == {"warnings": 0}
    with time_machine.travel(TUESDAY_0805 + dt.timedelta(days=1)):
        session.execute(OutboxEmail.__table__.delete())
        from tracker.jobs.models import JobRun
        session.add(JobRun(job="scan", slot="2026-11-25", status="failed", started_at=clock.now(), attempts=1,
                           error="IntegrityError: (Zebedee, ...)"))
        session.flush()
        assert run("check-health").counts == {"warnings": 1}
    [warning] = _warnings(session)
    assert "Today's scan failed (the jobs page shows why)" in warning.text_body
    assert "Zebedee" not in warning.text_body and "Zebedee" not in warning.html_body


def test_administrators_are_emailed_when_mail_has_waited_over_an_hour(factory, session, authority, smtp, run,
                                                                      app, monkeypatch) -> None:
    factory.user(role="admin", email="admin@test.invalid")
    child = factory.child(worker=authority.worker)
    add_action(session, child=child, owner=authority.worker, due_on=dt.date(2026, 11, 1))
    with time_machine.travel(TUESDAY_0805 - dt.timedelta(hours=2)):
        run("scan")  # queues three emails at 06:05
    smtp.inbox.refuse.update({"worker@test.invalid", "tm@test.invalid", "gm@test.invalid"})
    with time_machine.travel(TUESDAY_0805 - dt.timedelta(minutes=61)):
        assert run("check-health").counts == {"warnings": 0}
    with time_machine.travel(TUESDAY_0805):
        assert run("check-health").counts == {"warnings": 1}
    [warning] = _warnings(session)
    assert warning.kind == "outbox-stuck" and warning.to_address == "admin@test.invalid"
    assert "Email cannot be sent" not in warning.text_body  # the server is up; it refuses these three
    assert "3 emails waiting to be sent, the oldest since 24/11/2026 06:05." in warning.text_body


def test_the_admin_home_shows_the_scheduler_todays_scan_and_the_outbox(factory, session, authority, run, client,
                                                                       app) -> None:
    admin = factory.user(role="admin")
    with time_machine.travel(TUESDAY_0805, tick=False):
        sign_in(client, admin)
        page = plain(client.get("/"))
        assert "Jobs and email health" in page
        assert "Scheduler Never started" in page and "No scheduler is running jobs" in page
        assert "Today's scan Not run yet due at 06:30" in page and "Today's scan has not started" in page
        assert get_scheduler_heartbeat(session) is None

        session.add(SchedulerHeartbeat(host="sched-b", pid=41, state="active", started_at=clock.now(),
                                       beat_at=clock.now() - dt.timedelta(seconds=20)))
        session.add(SchedulerHeartbeat(host="sched-a", pid=7, state="standby", started_at=clock.now(),
                                       beat_at=clock.now()))
        session.flush()
        child = factory.child(worker=authority.worker)
        add_action(session, child=child, owner=authority.worker, due_on=dt.date(2026, 11, 1))
        assert run("scan").status == "ok"
        page = plain(client.get("/"))
        assert "Scheduler Running on sched-b (process 41), last heartbeat 24/11/2026 08:04" in page
        assert "Standby: sched-a (process 7)" in page
        assert "Today's scan Done" in page and "Something needs attention" not in page
        assert "3 waiting, 0 sending, 0 failed, 0 sent" in page
        assert get_scheduler_heartbeat(session) == TUESDAY_0805 - dt.timedelta(seconds=20)

        # Other roles' home pages do not have it.
        client.post("/sign-out", data={"csrf_token": csrf_token(client, "/")})
        sign_in(client, authority.worker)
        assert "Jobs and email health" not in plain(client.get("/"))


def test_the_admin_page_says_when_the_mail_server_cannot_be_reached(factory, session, authority, run, client,
                                                                   app, monkeypatch) -> None:
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", SmtpServer().port)  # nothing listens there
    child = factory.child(worker=authority.worker)
    add_action(session, child=child, owner=authority.worker, due_on=dt.date(2026, 11, 1))
    run("scan")
    assert run("send-email").status == "failed"
    sign_in(client, factory.user(role="admin"))
    page = plain(client.get("/admin/jobs"))
    assert "Email cannot be sent just now: cannot reach the mail server 127.0.0.1:" in page
