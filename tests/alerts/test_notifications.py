"""In-app notifications (header count, list, mark as read) and the admin jobs page."""

from __future__ import annotations

import datetime as dt
import re

from tests.alerts.conftest import add_action
from tests.helpers import browser_client, csrf_token, plain, sign_in

MONDAY = dt.date(2026, 11, 23)


def _unread_in_header(client) -> int:
    html = client.get("/").get_data(as_text=True)
    m = re.search(r'data-unread="(\d+)"', html)
    assert m, "no notification count in the header"
    return int(m.group(1))


def test_worker_sees_a_count_and_a_list_and_marks_them_read(factory, session, authority, run, client) -> None:
    child = factory.child(worker=authority.worker, first_name="Zebedee", last_name="Quartermaine",
                          date_of_birth=dt.date(2015, 3, 4), entered_care=dt.date(2026, 9, 7))
    add_action(session, child=child, owner=authority.worker, due_on=dt.date(2026, 11, 25))
    run("scan", MONDAY)

    sign_in(client, authority.worker)
    # Review, health assessment, PEP and care plan overdue; the action due soon.
    assert _unread_in_header(client) == 5
    page = plain(client.get("/notifications"))
    assert "5 unread of 5" in page
    html = client.get("/notifications").get_data(as_text=True)
    assert html.count(f'/due-dates">ZQ ({child.local_id})</a>') == 5  # initials and id, linked
    assert "Zebedee" not in page
    assert "Statutory review" in page and "05/10/2026" in page and "Due soon" in page
    assert "Care plan" in page and "21/09/2026" in page

    token = csrf_token(client, "/notifications")
    first_id = int(re.search(r"/notifications/(\d+)/read", client.get("/notifications").get_data(as_text=True))[1])
    resp = client.post(f"/notifications/{first_id}/read", data={"csrf_token": token})
    assert resp.status_code == 302
    assert _unread_in_header(client) == 4

    resp = client.post("/notifications/read-all", data={"csrf_token": token}, follow_redirects=True)
    assert "4 notifications marked as read." in plain(resp)
    assert _unread_in_header(client) == 0
    assert "0 unread of 5" in plain(client.get("/notifications"))


def test_a_user_cannot_mark_someone_elses_notification(factory, session, authority, run, client) -> None:
    child = factory.child(worker=authority.worker)
    add_action(session, child=child, owner=authority.worker, due_on=dt.date(2026, 11, 1))
    run("scan", MONDAY)
    sign_in(client, authority.worker)
    note_id = int(re.search(r"/notifications/(\d+)/read", client.get("/notifications").get_data(as_text=True))[1])

    with browser_client(client.application) as intruder:
        sign_in(intruder, authority.other_worker)
        token = csrf_token(intruder, "/notifications")
        intruder.post(f"/notifications/{note_id}/read", data={"csrf_token": token})
    assert _unread_in_header(client) == 1


def test_managers_see_escalations_in_app(factory, session, authority, run, client) -> None:
    child = factory.child(worker=authority.worker)
    add_action(session, child=child, owner=authority.worker, due_on=dt.date(2026, 11, 1))
    run("scan", MONDAY)
    sign_in(client, authority.team_manager)
    page = plain(client.get("/notifications"))
    assert "Escalated to you as team manager" in page and f"({child.local_id})" in page
    assert _unread_in_header(client) == 1


def test_admin_jobs_page_shows_jobs_last_runs_and_the_held_outbox(factory, session, authority, run, client,
                                                                 app) -> None:
    child = factory.child(worker=authority.worker)
    add_action(session, child=child, owner=authority.worker, due_on=dt.date(2026, 11, 1))
    run("scan", MONDAY)
    run("send-email")

    sign_in(client, authority.worker)
    assert client.get("/admin/jobs").status_code == 403

    admin = factory.user(role="admin")
    client.post("/sign-out", data={"csrf_token": csrf_token(client, "/")})
    sign_in(client, admin)
    page = plain(client.get("/admin/jobs"))
    for name in ("scan", "escalate", "digest", "send-email"):
        assert name in page
    assert "Daily at 06:30" in page and "Every 60 seconds" in page
    assert "2026-11-23 ok" in page
    assert "No mail server is set" in page and "Pending: 3" in page
    assert "Your due dates: 1 overdue — Monday 23 November 2026" in page

    html = client.get("/admin/jobs").get_data(as_text=True)
    email_id = re.search(r"/admin/jobs/outbox/(\d+)\"", html)[1]
    body = plain(client.get(f"/admin/jobs/outbox/{email_id}"))
    assert "kept here" in body and f"({child.local_id})" in body
