"""Sign-in throttling (stored in the database) and the same work for unknown accounts."""

from __future__ import annotations

import datetime as dt
import statistics
import time
from typing import Any

import time_machine
from sqlalchemy import select

from tests.helpers import PASSWORD, browser_client, csrf_token, plain
from tracker.audit.models import AuditEvent
from tracker.auth.services import hash_password

START = dt.datetime(2026, 11, 23, 9, tzinfo=dt.UTC)


def _attempt(client: Any, email: str, password: str, address: str = "198.51.100.7") -> Any:
    token = csrf_token(client, "/sign-in")
    return client.post("/sign-in", data={"csrf_token": token, "email": email, "password": password},
                       environ_base={"REMOTE_ADDR": address})


def test_thirty_wrong_passwords_then_the_right_one_waits_out_the_delay(app, client, factory, session) -> None:
    user = factory.user()
    with time_machine.travel(START, tick=False) as traveller:
        answers = [_attempt(client, user.email, f"wrong guess {n}") for n in range(30)]
        assert [r.status_code for r in answers[:5]] == [200] * 5
        assert all("Email address or password is not right" in plain(r) for r in answers[:5])
        for r in answers[5:]:  # the 6th and later: refused without checking, with a clear message
            assert r.status_code == 429
            assert "too many attempts" in plain(r) and "Wait 30 seconds, then try again" in plain(r)
            assert r.headers["Retry-After"] == "30"
        right_too_soon = _attempt(client, user.email, PASSWORD)
        assert right_too_soon.status_code == 429  # the right password waits too
        traveller.move_to(START + dt.timedelta(seconds=29))
        assert _attempt(client, user.email, PASSWORD).status_code == 429
        traveller.move_to(START + dt.timedelta(seconds=30))
        wrong_again = _attempt(client, user.email, "one more wrong guess")  # checked, and fails: 60 s now
        assert wrong_again.status_code == 200
        traveller.move_to(START + dt.timedelta(seconds=31))
        assert "Wait 59 seconds" in plain(_attempt(client, user.email, PASSWORD))
        traveller.move_to(START + dt.timedelta(seconds=90))
        ok = _attempt(client, user.email, PASSWORD)
        assert ok.status_code == 302  # waited out: signed in
    events = session.scalars(select(AuditEvent).where(AuditEvent.action.in_(
        ("sign_in_failed", "sign_in_throttled", "sign_in")))).all()
    assert [e.action for e in events].count("sign_in_failed") == 6
    # 25 of the 30, and three tries of the right password before the delay was over.
    assert [e.action for e in events].count("sign_in_throttled") == 28
    assert all(e.address == "198.51.100.7" for e in events)  # every attempt keeps the client address


def test_an_unknown_email_is_throttled_exactly_like_a_known_one(app, client, factory) -> None:
    with time_machine.travel(START, tick=False):
        answers = [_attempt(client, "nobody@test.invalid", f"guess {n}") for n in range(7)]
    assert [r.status_code for r in answers] == [200] * 5 + [429] * 2


def test_one_address_trying_many_accounts_is_held_back_too(app, client, factory) -> None:
    users = [factory.user() for _ in range(3)]
    with time_machine.travel(START, tick=False):
        for n in range(20):  # four wrong guesses each for five emails: no account reaches its limit
            assert _attempt(client, f"person{n % 5}@test.invalid", "wrong").status_code == 200
        refused = _attempt(client, users[0].email, PASSWORD)
        assert refused.status_code == 429
        other_address = _attempt(client, users[1].email, PASSWORD, address="203.0.113.9")
        assert other_address.status_code == 302


def test_an_unknown_email_takes_as_long_as_a_known_one(app, factory, session, monkeypatch) -> None:
    """The median time of a wrong sign-in for an unknown email is within 1.5× that of a
    known account's, with the production argon2 parameters (20 tries each, interleaved,
    the throttle kept out of it)."""
    from tracker.config import DefaultConfig

    monkeypatch.setitem(app.config, "ARGON2_TIME_COST", DefaultConfig.ARGON2_TIME_COST)
    monkeypatch.setitem(app.config, "ARGON2_MEMORY_COST", DefaultConfig.ARGON2_MEMORY_COST)
    monkeypatch.setitem(app.config, "SIGN_IN_FAILURES_ALLOWED", 100)  # time the work, not the throttle
    known = factory.user()
    known.password_hash = hash_password(PASSWORD, time_cost=DefaultConfig.ARGON2_TIME_COST,
                                        memory_cost=DefaultConfig.ARGON2_MEMORY_COST)
    session.flush()
    client = browser_client(app)
    token = csrf_token(client, "/sign-in")
    times: dict[str, list[float]] = {"known": [], "unknown": []}
    _attempt(client, "warm-up@test.invalid", "warm up the dummy hash", address="192.0.2.250")
    for n in range(20):
        for kind, email in (("known", known.email), ("unknown", f"nobody{n}@test.invalid")):
            started = time.perf_counter()
            resp = client.post("/sign-in", data={"csrf_token": token, "email": email, "password": f"wrong {n}"},
                               environ_base={"REMOTE_ADDR": f"192.0.2.{n * 2 + (kind == 'known')}"})
            times[kind].append(time.perf_counter() - started)
            assert resp.status_code == 200 and "not right" in plain(resp)
    known_median, unknown_median = statistics.median(times["known"]), statistics.median(times["unknown"])
    print(f"\nsign-in medians over 20 tries: known {known_median * 1000:.1f} ms, "
          f"unknown {unknown_median * 1000:.1f} ms, ratio {unknown_median / known_median:.2f}")
    assert unknown_median <= 1.5 * known_median and known_median <= 1.5 * unknown_median, times
