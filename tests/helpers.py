"""Keyword-only factories and form helpers for tests."""

from __future__ import annotations

import datetime as dt
import html
import itertools
import re
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tracker import audit, clock
from tracker.auth.models import Service, Team, User
from tracker.auth.services import hash_password
from tracker.children.models import CarePeriod, Child, LegalStatus, Placement

PASSWORD = "Blue-heron-walks-at-dawn-7"
_seq = itertools.count(1)
_HASH: dict[str, str] = {}


def _pw() -> str:
    if "h" not in _HASH:
        _HASH["h"] = hash_password(PASSWORD, time_cost=1, memory_cost=64)
    return _HASH["h"]


class Factory:
    def __init__(self, session: Session) -> None:
        self.session = session
        audit.set_actor(session, None, label="test setup")

    def service(self, *, name: str | None = None) -> Service:
        s = Service(name=name or f"Service {next(_seq)}")
        self.session.add(s)
        self.session.flush()
        return s

    def team(self, *, name: str | None = None, service: Service | None = None) -> Team:
        t = Team(name=name or f"Team {next(_seq)}", service=service)
        self.session.add(t)
        self.session.flush()
        return t

    def user(self, *, role: str = "social_worker", team: Team | None = None, service: Service | None = None,
             email: str | None = None, name: str | None = None, active: bool = True) -> User:
        n = next(_seq)
        u = User(email=email or f"user{n}@test.invalid", name=name or f"User {n}", role=role, team=team,
                 service=service, active=active, password_hash=_pw(), created_at=clock.now())
        self.session.add(u)
        self.session.flush()
        return u

    def child(self, *, worker: User | None = None, team: Team | None = None, restricted: bool = False,
              date_of_birth: dt.date = dt.date(2015, 3, 4), first_name: str = "Alex", last_name: str | None = None,
              entered_care: dt.date | None = None, legal_status: str = "C2") -> Child:
        n = next(_seq)
        c = Child(local_id=f"T{n:05d}", first_name=first_name, last_name=last_name or f"Test{n}",
                  date_of_birth=date_of_birth, sex="1", ethnicity="WBRI", disability=False, uasc=False,
                  allocated_worker=worker, team=team or (worker.team if worker else None), restricted=restricted)
        self.session.add(c)
        self.session.flush()
        if entered_care:
            self.session.add(CarePeriod(child=c, start_on=entered_care, reason_new_episode="S", category_of_need="N1"))
            self.session.add(LegalStatus(child=c, start_on=entered_care, code=legal_status))
            self.session.flush()
        return c

    def placement(self, *, child: Child, start_on: dt.date, end_on: dt.date | None = None,
                  placement_type: str = "U6", provider: str = "PR1", end_reason: str | None = None,
                  **kw: Any) -> Placement:
        p = Placement(child=child, start_on=start_on, end_on=end_on, placement_type=placement_type,
                      provider=provider, end_reason=end_reason, **kw)
        self.session.add(p)
        self.session.flush()
        return p


def browser_client(app: Any) -> FlaskClient:
    """A test client that looks like a browser on the HTTPS site (CSRF checks the Referer)."""
    c = app.test_client()
    c.environ_base["wsgi.url_scheme"] = "https"
    c.environ_base["HTTP_REFERER"] = "https://tracker.test/"
    return c


CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(client: FlaskClient, url: str) -> str:
    resp = client.get(url)
    assert resp.status_code == 200, (url, resp.status_code)
    m = CSRF_RE.search(resp.get_data(as_text=True))
    assert m, f"no CSRF token on {url}"
    return m.group(1)


def sign_in(client: FlaskClient, user: User, password: str = PASSWORD) -> None:
    token = csrf_token(client, "/sign-in")
    resp = client.post("/sign-in", data={"csrf_token": token, "email": user.email, "password": password})
    assert resp.status_code == 302, resp.get_data(as_text=True)[:500]


def submit(client: FlaskClient, url: str, data: dict[str, Any], *, follow: bool = False) -> Any:
    """GET the form (for its CSRF token), then POST it like a browser would."""
    token = csrf_token(client, url)
    form: dict[str, Any] = {"csrf_token": token}
    for key, value in data.items():
        if isinstance(value, dt.date):
            form[key] = [str(value.day), str(value.month), str(value.year)]
        elif value is True:
            form[key] = "y"
        elif value is False or value is None:
            continue
        else:
            form[key] = value
    return client.post(url, data=form, follow_redirects=follow)


def text_of(resp: Any) -> str:
    return re.sub(r"\s+", " ", html.unescape(resp.get_data(as_text=True)))


def plain(resp: Any) -> str:
    """The page's visible text, tags removed and white space folded."""
    body = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", resp.get_data(as_text=True))
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body))).strip()
