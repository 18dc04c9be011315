"""Every URL needs sign-in and a capability; every POST needs a CSRF token."""

from __future__ import annotations

import re

import pytest
from flask import Flask

from tracker.web import PUBLIC_ENDPOINTS


def _sample_url(rule) -> str:
    url = rule.rule
    for arg in rule.arguments:
        url = re.sub(rf"<(?:[a-z]+:)?{arg}>", "1" if "id" in arg or arg == "n" else "x", url)
    return url


def _rules(app: Flask):
    return [r for r in app.url_map.iter_rules() if r.endpoint not in PUBLIC_ENDPOINTS]


def test_every_view_declares_a_capability(app: Flask) -> None:
    missing = [r.endpoint for r in _rules(app)
               if not hasattr(app.view_functions[r.endpoint], "required_capability")]
    assert missing == []


def test_anonymous_users_are_sent_to_sign_in_from_every_url(app: Flask, client) -> None:
    from tests.helpers import csrf_token

    token = csrf_token(client, "/sign-in")  # a valid token, so POSTs reach the sign-in check
    checked = 0
    for rule in _rules(app):
        url = _sample_url(rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            resp = client.open(url, method=method, data={"csrf_token": token} if method == "POST" else None)
            assert resp.status_code == 302, (method, url, resp.status_code)
            assert "/sign-in" in resp.headers["Location"], (method, url)
            checked += 1
    assert checked >= len(_rules(app))


def test_post_without_csrf_token_is_refused_everywhere(app: Flask, client, factory) -> None:
    from tests.helpers import sign_in

    admin = factory.user(role="admin")
    sign_in(client, admin)
    posts = [r for r in app.url_map.iter_rules() if "POST" in r.methods]
    assert posts, "no POST routes?"
    for rule in posts:
        resp = client.post(_sample_url(rule), data={"anything": "1"})
        assert resp.status_code == 400, (rule.rule, resp.status_code)
        assert "could not be sent" in resp.get_data(as_text=True)


def test_sign_in_form_itself_needs_csrf(client) -> None:
    resp = client.post("/sign-in", data={"email": "x@test.invalid", "password": "whatever"})
    assert resp.status_code == 400


#: The only endpoints anyone may reach without signing in, and why.
PUBLIC = {
    "static": "stylesheets, scripts and images, needed to draw the sign-in page",
    "auth.sign_in": "the sign-in page itself",
    "probes.healthz": "load balancers and containers check the process is up; says only 'ok'",
    "probes.readyz": "monitoring checks database, migrations and scheduler; no personal data",
}


def test_public_endpoints_are_the_known_few(app: Flask) -> None:
    assert PUBLIC_ENDPOINTS == set(PUBLIC)
    assert PUBLIC_ENDPOINTS <= set(app.view_functions)


@pytest.mark.parametrize("path", ["/static/govuk/govuk-frontend.min.css", "/static/govuk/govuk-frontend.min.js",
                                  "/static/tracker.css", "/static/init.js"])
def test_static_files_are_public(client, path: str) -> None:
    resp = client.get(path)
    resp.close()
    assert resp.status_code == 200


def test_every_menu_entry_and_child_tab_is_a_page(app: Flask) -> None:
    from flask import url_for

    from tracker.web.nav import CHILD_TABS, NAV

    with app.test_request_context():
        for _label, endpoint, capability in NAV:
            assert url_for(endpoint).startswith("/"), endpoint
            assert capability == app.view_functions[endpoint].required_capability, endpoint
        for _key, _label, endpoint in CHILD_TABS:
            assert url_for(endpoint, child_id=3).startswith("/children/3"), endpoint
