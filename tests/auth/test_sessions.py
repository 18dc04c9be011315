"""Sessions that end: a copied session cookie opens nothing after sign-out, after the idle
timeout, after the absolute limit, after a password change, after the account is
disabled or an administrator ends the user's sessions."""

from __future__ import annotations

import datetime as dt
from typing import Any

import time_machine
from sqlalchemy import func, select

from tests.helpers import PASSWORD, browser_client, csrf_token, plain, sign_in, submit
from tracker.audit.models import AuditEvent
from tracker.auth.models import User, UserSession

START = dt.datetime(2026, 11, 23, 9, tzinfo=dt.UTC)


def _restricted_world(factory: Any) -> tuple[Any, Any]:
    team = factory.team()
    worker = factory.user(team=team)
    child = factory.child(worker=worker, team=team, restricted=True, first_name="Robin", last_name="Private")
    return worker, child


def _copy(app: Any, client: Any) -> Any:
    """Another browser holding a copy of ``client``'s session cookie."""
    thief = browser_client(app)
    cookie = client.get_cookie("session", domain="tracker.test")
    assert cookie is not None
    thief.set_cookie("session", cookie.value, domain="tracker.test")
    return thief


def _signed_out(resp: Any) -> bool:
    return resp.status_code == 302 and "/sign-in" in resp.headers["Location"]


def test_a_copied_cookie_opens_nothing_after_sign_out(app, client, factory, session) -> None:
    worker, child = _restricted_world(factory)
    sign_in(client, worker)
    thief = _copy(app, client)
    assert thief.get(f"/children/{child.id}").status_code == 200  # the copy works while signed in
    assert thief.get("/caseload.csv").status_code == 200
    client.post("/sign-out", data={"csrf_token": csrf_token(client, "/")})
    for url in (f"/children/{child.id}", "/caseload.csv", "/"):
        assert _signed_out(thief.get(url)), url
    assert _signed_out(client.get("/"))
    assert session.scalar(select(func.count()).select_from(UserSession).where(UserSession.user_id == worker.id)) == 0


def test_a_session_ends_after_30_idle_minutes_and_after_10_hours_whatever_happens(app, factory, session) -> None:
    worker, child = _restricted_world(factory)
    with time_machine.travel(START, tick=False) as traveller:
        client = browser_client(app)
        sign_in(client, worker)
        thief = _copy(app, client)
        traveller.move_to(START + dt.timedelta(minutes=29))
        assert client.get(f"/children/{child.id}").status_code == 200  # still in use: the clock restarts
        traveller.move_to(START + dt.timedelta(minutes=29 + 31))
        assert _signed_out(thief.get(f"/children/{child.id}"))  # 31 minutes idle
        assert _signed_out(client.get("/"))

        client = browser_client(app)
        sign_in(client, worker)
        signed_in_at = START + dt.timedelta(minutes=60)
        for minutes in range(20, 10 * 60, 20):  # busy all day, a page every 20 minutes
            traveller.move_to(signed_in_at + dt.timedelta(minutes=minutes))
            assert client.get("/").status_code == 200, minutes
        traveller.move_to(signed_in_at + dt.timedelta(hours=10, minutes=1))
        assert _signed_out(client.get("/"))


def test_changing_the_password_ends_every_other_session_and_keeps_this_one(app, client, factory, session) -> None:
    worker, child = _restricted_world(factory)
    sign_in(client, worker)
    elsewhere = browser_client(app)
    sign_in(elsewhere, worker)
    thief = _copy(app, client)
    weak = submit(client, "/account/password", {"current_password": PASSWORD, "new_password": "password1234",
                                                "confirm_password": "password1234"})
    assert "Choose a password that is harder to guess" in plain(weak)
    wrong = submit(client, "/account/password", {"current_password": "not it at all", "new_password": "x",
                                                 "confirm_password": "x"})
    assert "Your current password is not right" in plain(wrong)
    new = "Velvet-otter-climbs-stairs-3"
    done = submit(client, "/account/password", {"current_password": PASSWORD, "new_password": new,
                                                "confirm_password": new}, follow=True)
    assert "Your password has been changed" in plain(done)
    assert client.get(f"/children/{child.id}").status_code == 200  # this browser carries on
    assert _signed_out(thief.get(f"/children/{child.id}"))  # the copy of its old cookie does not
    assert _signed_out(elsewhere.get("/"))  # nor does another browser
    again = browser_client(app)
    sign_in(again, worker, password=new)
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "password_changed")).one()
    assert event.entity_id == worker.id and "2 session(s) ended" in event.summary


def test_disabling_an_account_or_an_administrators_request_ends_its_sessions(app, client, factory, session) -> None:
    worker, child = _restricted_world(factory)
    sign_in(client, worker)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["sessions", "end", "--user", worker.email])
    assert result.exit_code == 0 and "Ended 1 session(s)" in result.output
    assert _signed_out(client.get(f"/children/{child.id}"))
    sign_in(client, worker)
    result = runner.invoke(args=["users", "disable", "--email", worker.email])
    assert result.exit_code == 0 and "1 session(s) ended" in result.output
    assert _signed_out(client.get(f"/children/{child.id}"))
    session.expire_all()
    assert session.get(User, worker.id).active is False
    assert runner.invoke(args=["sessions", "end", "--user", "nobody@test.invalid"]).exit_code == 2


def test_setting_a_password_from_the_command_line_follows_the_policy(app, client, factory, session) -> None:
    worker, _child = _restricted_world(factory)
    sign_in(client, worker)
    runner = app.test_cli_runner()
    weak = runner.invoke(args=["users", "password", "--email", worker.email, "--password", "Password1234"])
    assert weak.exit_code == 2 and "harder to guess" in weak.output
    short = runner.invoke(args=["users", "password", "--email", worker.email, "--password", "short"])
    assert short.exit_code == 2 and "12 characters or more" in short.output
    ok = runner.invoke(args=["users", "password", "--email", worker.email, "--password", "Amber-kettle-drum-ninety"])
    assert ok.exit_code == 0 and "1 session(s) ended" in ok.output
    assert _signed_out(client.get("/"))
