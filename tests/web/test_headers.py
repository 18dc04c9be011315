"""Response headers: a Content-Security-Policy with a fresh nonce on every page (and no
inline script or style without it), HSTS over HTTPS; the SQLite file is private."""

from __future__ import annotations

import datetime as dt
import re
import stat

from tests.helpers import browser_client, sign_in

SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.S)


def _nonce(resp) -> str:
    policy = resp.headers["Content-Security-Policy"]
    m = re.search(r"script-src 'self' 'nonce-([A-Za-z0-9_-]+)'", policy)
    assert m, policy
    assert "style-src 'self';" in policy and "object-src 'none'" in policy and "frame-ancestors 'none'" in policy
    return m.group(1)


def test_every_page_has_a_fresh_nonce_and_no_inline_script_or_style_without_it(app, factory) -> None:
    team = factory.team()
    manager = factory.user(role="team_manager", team=team)
    child = factory.child(team=team, entered_care=dt.date(2025, 1, 13))
    client = browser_client(app)
    pages = ["/sign-in"]
    nonces = set()
    for url in pages:
        resp = client.get(url)
        nonces.add(_nonce(resp))
    sign_in(client, manager)
    urls = ["/", "/caseload", "/children/unallocated", "/dashboard", "/data-quality", "/account/password",
            f"/children/{child.id}", f"/children/{child.id}/history", f"/children/{child.id}/ssda903",
            f"/children/{child.id}/allocation/worker", "/this-page-does-not-exist"]
    for url in urls:
        resp = client.get(url)
        assert resp.status_code in (200, 404), url
        nonce = _nonce(resp)
        nonces.add(nonce)
        html = resp.get_data(as_text=True)
        for attrs, body in SCRIPT.findall(html):
            if "src=" not in attrs:  # an inline script carries this response's nonce
                assert f'nonce="{nonce}"' in attrs, (url, attrs, body[:60])
        assert not re.search(r"<[a-z][^>]*\sstyle=", html), url  # no inline style attributes
        assert "<style" not in html, url
        assert not re.search(r"\son[a-z]+=", html), url  # no inline event handlers
    assert len(nonces) == len(urls) + len(pages)  # a fresh one every time


def test_hsts_is_sent_over_https_only(app, client) -> None:
    https = client.get("/sign-in")
    assert https.headers["Strict-Transport-Security"] == "max-age=31536000"
    plain_http = app.test_client().get("/sign-in", base_url="http://tracker.test")
    assert "Strict-Transport-Security" not in plain_http.headers


def test_the_sqlite_database_file_is_created_readable_by_its_owner_only(tmp_path) -> None:
    from tracker.db import make_engine

    path = tmp_path / "new" / "tracker.db"
    engine = make_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE t (x INTEGER)")
    engine.dispose()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
