"""The 400, 413 and 500 pages: GOV.UK-styled, in plain words, nothing saved; the 500 page
gives a reference that is also in the server log with the traceback."""

from __future__ import annotations

import io
import logging
import re

from tests.helpers import csrf_token, plain, sign_in


def test_a_hidden_character_in_an_address_gets_the_400_page(client, factory) -> None:
    sign_in(client, factory.user(role="team_manager", team=factory.team()))
    for url in ("/caseload?q=a%00b", "/caseload?q=%E2%80%AEevil", "/care-leavers?adviser=1%00"):
        resp = client.get(url)
        assert resp.status_code == 400, url
        page = plain(resp)
        assert "Sorry, there is a problem with this request" in page
        assert "The page address contains a hidden character that is not allowed" in page
        assert "govuk-template" in resp.get_data(as_text=True)  # the service's own page, not Flask's


def test_an_upload_over_the_limit_gets_the_413_page(app, client, factory, monkeypatch) -> None:
    assert app.config["MAX_CONTENT_LENGTH"] == 20 * 1024 * 1024  # the default: MAX_UPLOAD_MB = 20
    # A small limit, so the test's upload stays in memory (werkzeug spools bigger ones to disk).
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 256 * 1024)
    sign_in(client, factory.user(role="admin"))
    token = csrf_token(client, "/returns/import")
    big = io.BytesIO(b"CHILD,DOB\n" + b"x" * (300 * 1024))
    resp = client.post("/returns/import", data={"csrf_token": token, "files": (big, "episodes.csv")},
                       content_type="multipart/form-data")
    assert resp.status_code == 413
    page = plain(resp)
    assert "The file is too large" in page and "larger than 0.25 MB" in page and "Nothing was saved" in page


def test_an_unexpected_error_gets_the_500_page_with_a_reference_in_the_log(app, client, factory, monkeypatch,
                                                                           caplog) -> None:
    sw = factory.user()
    sign_in(client, sw)

    def broken() -> str:
        raise RuntimeError("something the tests broke on purpose")

    monkeypatch.setitem(app.view_functions, "children.home", broken)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    with caplog.at_level(logging.ERROR, logger=app.logger.name):
        resp = client.get("/")
    assert resp.status_code == 500
    page = plain(resp)
    assert "Sorry, there is a problem with the service" in page
    reference = re.search(r'id="error-reference">([A-Z0-9]{10})<', resp.get_data(as_text=True)).group(1)
    logged = [r for r in caplog.records if reference in r.getMessage()]
    assert len(logged) == 1, "the reference is logged once"
    assert logged[0].exc_info and "something the tests broke on purpose" in str(logged[0].exc_info[1])
    assert "GET /" in logged[0].getMessage()
