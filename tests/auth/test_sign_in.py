from __future__ import annotations

import datetime as dt

from tests.helpers import PASSWORD, csrf_token, sign_in, text_of
from tracker.audit.models import AuditEvent


def test_social_worker_signs_in_and_sees_their_children(client, factory) -> None:
    sw = factory.user(role="social_worker")
    other = factory.user(role="social_worker")
    factory.child(worker=sw, first_name="Ruby", last_name="Aldous")
    factory.child(worker=other, first_name="Zed", last_name="Someone")
    sign_in(client, sw)
    page = text_of(client.get("/"))
    assert "My children" in page
    assert "Ruby Aldous" in page
    assert "Zed Someone" not in page


def test_wrong_password_is_refused_with_a_message_next_to_the_field(client, factory, session) -> None:
    user = factory.user()
    token = csrf_token(client, "/sign-in")
    resp = client.post("/sign-in", data={"csrf_token": token, "email": user.email, "password": "nope"})
    body = text_of(resp)
    assert resp.status_code == 200
    assert "<title>Error: Sign in" in body
    assert "Email address or password is not right" in body
    assert client.get("/").status_code == 302
    assert session.query(AuditEvent).filter_by(action="sign_in_failed").count() == 1


def test_inactive_user_cannot_sign_in(client, factory) -> None:
    user = factory.user(active=False)
    token = csrf_token(client, "/sign-in")
    resp = client.post("/sign-in", data={"csrf_token": token, "email": user.email, "password": PASSWORD})
    assert resp.status_code == 200
    assert "not right" in resp.get_data(as_text=True)


def test_session_cookie_is_secure_httponly_and_samesite(client, factory) -> None:
    user = factory.user()
    token = csrf_token(client, "/sign-in")
    resp = client.post("/sign-in", data={"csrf_token": token, "email": user.email, "password": PASSWORD})
    cookie = resp.headers.get("Set-Cookie", "")
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_sign_in_does_not_redirect_off_site(client, factory) -> None:
    user = factory.user()
    token = csrf_token(client, "/sign-in")
    resp = client.post("/sign-in?next=https://evil.example/x",
                       data={"csrf_token": token, "email": user.email, "password": PASSWORD})
    assert resp.headers["Location"] in ("/", "https://tracker.test/")


def test_sign_out_needs_a_post_with_csrf_and_ends_the_session(client, factory) -> None:
    user = factory.user()
    sign_in(client, user)
    token = csrf_token(client, "/")
    resp = client.post("/sign-out", data={"csrf_token": token})
    assert resp.status_code == 302
    assert client.get("/").status_code == 302


def test_capabilities_keep_roles_out_of_other_roles_pages(client, factory, session) -> None:
    pa = factory.user(role="personal_adviser")
    stranger = factory.child(worker=factory.user())
    young = factory.child(worker=factory.user(), date_of_birth=dt.date(2006, 3, 1))
    young.personal_adviser_id = pa.id
    session.flush()
    sign_in(client, pa)
    assert client.get(f"/children/{stranger.id}").status_code == 403  # not one of theirs
    assert client.get(f"/children/{young.id}").status_code == 200
    assert client.get(f"/children/{young.id}/edit").status_code == 403  # their role changes no details
