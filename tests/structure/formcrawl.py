"""Find every form a user can reach and submit it the way a browser would.

Used by the structural form tests. Nothing here lists the application's forms: they are
found by walking ``app.url_map`` and following the links on a populated demo child's
pages, so a form added later is covered without editing the tests.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select, text
from werkzeug.exceptions import HTTPException

from tests.helpers import PASSWORD, browser_client, sign_in
from tracker.extensions import db

#: The structural tests run on a fixed day, so the demo and every date in them repeat.
FROZEN = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC)
TODAY = FROZEN.date()
HOST = "tracker.test"


# --------------------------------------------------------------------------- forms in HTML

@dataclass
class Control:
    """One thing a user fills in: a text box, a select, a radio group, a checkbox, a
    GOV.UK date (three boxes sharing a name) or a hidden input."""

    name: str
    kind: str  # text | textarea | select | radio | checkbox | date | hidden | file | password
    values: list[str]  # what the browser sends now (several for a date; none if unchecked)
    options: list[str] = field(default_factory=list)
    label: str = ""


@dataclass
class HtmlForm:
    url: str  # where it is POSTed
    controls: list[Control]
    submit: tuple[str, str] | None  # the button a user presses (name, value)
    multipart: bool = False

    def control(self, name: str) -> Control | None:
        return next((c for c in self.controls if c.name == name), None)

    def payload(self, overrides: dict[str, Any] | None = None) -> list[tuple[str, Any]]:
        """(name, value) pairs in document order, as the browser sends them; ``overrides``
        replaces a control's value (a date as ``dt.date`` or three strings, a checkbox as
        a bool, anything else as a string or a list of strings)."""
        overrides = overrides or {}
        out: list[tuple[str, Any]] = []
        for c in self.controls:
            if c.kind == "file" and c.name not in overrides:
                continue
            values: Any = overrides.get(c.name, c.values)
            if isinstance(values, dt.date):
                values = [str(values.day), str(values.month), str(values.year)]
            elif values is True:
                values = [c.options[0] if c.options else "y"]
            elif values is False or values is None:
                values = []
            elif not isinstance(values, list):
                values = [values]
            out.extend((c.name, v) for v in values)
        for name, value in overrides.items():
            if self.control(name) is None and value is not None:
                out.append((name, value))
        if self.submit is not None:
            out.append(self.submit)
        return out


def _label(soup: BeautifulSoup, el: Any) -> str:
    if el.get("id"):
        lab = soup.find("label", attrs={"for": el["id"]})
        if lab is not None:
            return " ".join(lab.get_text().split())
    fieldset = el.find_parent("fieldset")
    legend = fieldset.find("legend") if fieldset is not None else None
    return " ".join(legend.get_text().split()) if legend is not None else el.get("name", "")


def parse_forms(html: str, page_url: str) -> list[HtmlForm]:
    """The POST forms on a page that submit to the page itself (not sign-out and the like)."""
    soup = BeautifulSoup(html, "html.parser")
    page_path = urlsplit(page_url).path
    forms = []
    for form in soup.find_all("form"):
        if (form.get("method") or "get").lower() != "post":
            continue
        action = form.get("action") or page_url
        if urlsplit(action).path not in ("", page_path):
            continue
        controls: list[Control] = []
        by_name: dict[str, Control] = {}
        submit = None
        for el in form.find_all(["input", "select", "textarea", "button"]):
            name = el.get("name")
            tag = el.name
            kind = (el.get("type") or ("submit" if tag == "button" else "text")).lower() if tag in ("input", "button") \
                else tag
            if kind == "submit":
                if submit is None and name:
                    submit = (name, el.get("value") or "")
                continue
            if not name or el.has_attr("disabled"):
                continue
            if tag == "input" and kind == "text" and re.search(r"-(day|month|year)$", el.get("id") or ""):
                kind = "date"
            existing = by_name.get(name)
            if kind == "date":
                if existing is None:
                    existing = by_name[name] = Control(name, "date", [], label=_label(soup, el.find_parent("fieldset")
                                                                                     or el))
                    controls.append(existing)
                existing.values.append(el.get("value") or "")
            elif kind == "radio":
                if existing is None:
                    existing = by_name[name] = Control(name, "radio", [], label=_label(soup, el))
                    controls.append(existing)
                existing.options.append(el.get("value") or "on")
                if el.has_attr("checked"):
                    existing.values = [el.get("value") or "on"]
            elif kind == "checkbox":
                control = Control(name, "checkbox", [el.get("value") or "on"] if el.has_attr("checked") else [],
                                  options=[el.get("value") or "on"], label=_label(soup, el))
                by_name[name] = control
                controls.append(control)
            elif tag == "select":
                options = [o.get("value", o.get_text()) for o in el.find_all("option")]
                chosen = [o.get("value", o.get_text()) for o in el.find_all("option") if o.has_attr("selected")]
                control = Control(name, "select", chosen[:1] or options[:1], options=options, label=_label(soup, el))
                by_name[name] = control
                controls.append(control)
            elif tag == "textarea":
                control = Control(name, "textarea", [el.get_text()[1:] if el.get_text().startswith("\n")
                                                     else el.get_text()], label=_label(soup, el))
                by_name[name] = control
                controls.append(control)
            else:
                control = Control(name, kind if kind in ("hidden", "file", "password") else "text",
                                  [el.get("value") or ""], label=_label(soup, el))
                by_name[name] = control
                controls.append(control)
        forms.append(HtmlForm(url=page_url, controls=controls, submit=submit,
                              multipart=(form.get("enctype") or "") == "multipart/form-data"))
    return forms


_HREF = re.compile(r'<a\b[^>]*?\bhref="([^"]*)"')


def links(html: str) -> list[str]:
    """Where a page's links go (on this site), in page order."""
    from html import unescape

    out = []
    for href in map(unescape, _HREF.findall(html)):
        parts = urlsplit(href)
        if parts.netloc and parts.netloc != HOST:
            continue
        if parts.path.startswith("/"):
            out.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return out


def get_forms(soup_html: str) -> list[dict[str, str]]:
    """GET forms (filters) on a list page: their field names and a value of each."""
    soup = BeautifulSoup(soup_html, "html.parser")
    found = []
    for form in soup.find_all("form"):
        if (form.get("method") or "get").lower() != "get":
            continue
        names = {}
        for el in form.find_all(["input", "select"]):
            if el.get("name"):
                names[el["name"]] = el.get("value") or ""
        found.append(names)
    return found


_ERROR_P = re.compile(r'<p\b([^>]*\bclass="govuk-error-message"[^>]*)>(.*?)</p>', re.S)
_ID = re.compile(r'\bid="([^"]*)"')
_SUMMARY = re.compile(r'<div class="govuk-error-summary"(.*?)</div>\s*</div>', re.S)
_TAGS = re.compile(r"<[^>]+>")


def error_messages(html: str) -> dict[str, list[str]]:
    """Messages next to fields (``{field id: [message]}``), messages for the whole form
    (``"_form"``) and the error summary (``"_summary"``). Read with regular expressions:
    the hostile-input test reads thousands of pages."""
    from html import unescape

    out: dict[str, list[str]] = {}
    for attrs, body in _ERROR_P.findall(html):
        text_ = " ".join(unescape(_TAGS.sub(" ", body)).replace("Error:", "", 1).split())
        found = _ID.search(attrs)
        key = found.group(1).removesuffix("-error") if found else "_form"
        out.setdefault(key, []).append(text_)
    summaries = [" ".join(unescape(_TAGS.sub(" ", m)).split()) for m in _SUMMARY.findall(html)]
    if summaries:
        out["_summary"] = summaries
    return out


def visible_text(html: str) -> str:
    soup = BeautifulSoup(html, "html.parser")
    for el in soup(["script", "style", "header", "footer"]):
        el.decompose()
    for el in soup.select(".govuk-notification-banner, input[name=csrf_token]"):
        el.decompose()
    main = soup.find("main") or soup
    return " ".join(main.get_text(" ").split())


def banner(html: str) -> str:
    soup = BeautifulSoup(html, "html.parser")
    return " ".join(" ".join(b.get_text(" ").split()) for b in soup.select(".govuk-notification-banner"))


# --------------------------------------------------------------------------- the application

@dataclass
class Route:
    endpoint: str
    args: dict[str, Any]
    methods: set[str]
    capability: str | None


def route_of(app: Flask, url: str, method: str = "GET") -> Route | None:
    adapter = app.url_map.bind(HOST, url_scheme="https")
    try:
        endpoint, args = adapter.match(urlsplit(url).path, method=method)
    except HTTPException:
        return None
    rule = next(r for r in app.url_map.iter_rules(endpoint))
    methods = set().union(*(r.methods for r in app.url_map.iter_rules(endpoint)))
    return Route(endpoint, args, methods - {"HEAD", "OPTIONS"},
                 getattr(app.view_functions[endpoint], "required_capability", None) if rule else None)


def form_key(route: Route) -> str:
    """One key per form: the endpoint, plus any non-id URL argument (a kind of record)."""
    extra = [f"{k}={v}" for k, v in sorted(route.args.items()) if not isinstance(v, int)]
    return route.endpoint + (f"[{','.join(extra)}]" if extra else "")


def form_rules(app: Flask) -> set[str]:
    """Endpoints that show a form (GET) and take it back (POST)."""
    from tracker.web import PUBLIC_ENDPOINTS

    return {r.endpoint for r in app.url_map.iter_rules()
            if {"GET", "POST"} <= r.methods and r.endpoint not in PUBLIC_ENDPOINTS}


# --------------------------------------------------------------------------- database fingerprint

_FINGERPRINT: dict[str, Any] = {}


def fingerprint(connection: Any = None) -> dict[str, tuple[int, int]]:
    """Row count and sum of versions (or ids) of every table, and the number of changes in
    the audit trail (not sign-ins or refusals), in one query: a refused submit leaves it
    as it was. Run on ``connection`` when given (one round trip, no session)."""
    from sqlalchemy import literal, union_all

    from tracker.db import Base

    if "stmt" not in _FINGERPRINT:
        parts = []
        for table in Base.metadata.sorted_tables:
            col = table.c.version if "version" in table.c else next(iter(table.primary_key.columns))
            total = (func.coalesce(func.sum(col), 0) if col.type.python_type is int
                     else literal(0))  # a text key (a session's hash): the count says enough
            query = select(literal(table.name).label("table_name"), func.count().label("n"),
                           total.label("v")).select_from(table)
            if table.name == "audit_events":
                query = query.where(table.c.action.in_(("insert", "update", "delete")))
            parts.append(query)
        _FINGERPRINT["stmt"] = union_all(*parts)
    if connection is not None:
        rows = connection.execute(_FINGERPRINT["stmt"]).all()
    else:
        rows = db.session.execute(_FINGERPRINT["stmt"]).all()
        db.session.rollback()
    return {r.table_name: (int(r.n), int(r.v)) for r in rows}


def audited_tables() -> list[str]:
    from tracker.db import Base

    skip = {"alembic_version", "job_runs", "apscheduler_jobs", "tracked_items", "weekly_snapshots"}
    return sorted(t for t in Base.metadata.tables if t not in skip)


def audit_changes(since_id: int) -> list[tuple[str, str, int | None]]:
    rows = db.session.execute(text(
        "SELECT action, entity_type, entity_id FROM audit_events WHERE id > :i AND action IN "
        "('insert', 'update', 'delete') ORDER BY id"), {"i": since_id}).all()
    db.session.rollback()
    return [tuple(r) for r in rows]


def last_audit_id() -> int:
    value = db.session.scalar(text("SELECT coalesce(max(id), 0) FROM audit_events"))
    db.session.rollback()
    return int(value or 0)


# --------------------------------------------------------------------------- the demo world

@dataclass
class World:
    app: Flask
    connection: Any
    child_ids: list[int]
    clients: dict[int, FlaskClient] = field(default_factory=dict)

    def client(self, user_id: int) -> FlaskClient:
        if user_id not in self.clients:
            from tracker.auth.models import User

            with self.app.app_context():
                user = db.session.get(User, user_id)
                c = browser_client(self.app)
                sign_in(c, user)
            self.clients[user_id] = c
        return self.clients[user_id]

    def user_for(self, capability: str | None, child_id: int | None, endpoint: str | None = None) -> int | None:
        """A demo user allowed to use a page: the child's own worker or adviser first, then
        their managers, then the administrator. A child's page (``endpoint``) asks the
        access model whether they may read or change that part of the child's record."""
        from tracker.auth.models import User
        from tracker.children import access
        from tracker.children.models import Child

        view = self.app.view_functions.get(endpoint) if endpoint else None
        area, action = getattr(view, "access_area", None), getattr(view, "access_action", access.READ)
        with self.app.test_request_context():
            child = db.session.get(Child, child_id) if child_id else None
            candidates: list[User | None] = []
            if child is not None:
                candidates += [child.allocated_worker, child.personal_adviser, child.iro]
            for role in ("team_manager", "group_manager", "admin"):
                q = select(User).where(User.role == role, User.active.is_(True)).order_by(User.id)
                if child is not None and role == "team_manager" and child.team_id:
                    q = q.where(User.team_id == child.team_id)
                candidates += list(db.session.scalars(q))
            for user in candidates:
                if user is None or not user.active:
                    continue
                if capability not in (None, "signed_in") and not user.can(capability):
                    continue
                if child is not None and area is not None and not access.allows(user, child, area, action):
                    continue
                if child is not None and not access.can_read(user, child):
                    continue
                return user.id
        return None

    @contextmanager
    def savepoint(self, *, keep: bool = False) -> Iterator[None]:
        """Everything done inside is undone afterwards (one form's submits at a time), or
        with ``keep``, kept unless something raised."""
        nested = self.connection.begin_nested()
        try:
            yield
        except BaseException:
            keep = False
            raise
        finally:
            db.session.remove()
            if nested.is_active:
                (nested.commit if keep else nested.rollback)()


def populated_children(session: Any) -> list[int]:
    """The demo child in care with the most records, and the care leaver with the most."""
    from tracker.children.models import Child
    from tracker.db import Base
    from tracker.leaving_care.models import PaContact

    counts: dict[int, int] = {}
    for table in Base.metadata.sorted_tables:
        if "child_id" in table.c and table.name not in ("audit_events", "tracked_items", "alerts"):
            for child_id, n in session.execute(select(table.c.child_id, func.count()).group_by(table.c.child_id)):
                counts[child_id] = counts.get(child_id, 0) + n
    in_care = session.scalars(select(Child).order_by(Child.id)).all()
    open_ids = {c.id for c in in_care if any(p.end_on is None for p in c.care_periods) and not c.restricted}
    leaver_ids = set(session.scalars(select(PaContact.child_id)))
    best_in_care = max(open_ids, key=lambda i: (counts.get(i, 0), -i))
    best_leaver = max(leaver_ids - {best_in_care}, key=lambda i: (counts.get(i, 0), -i))
    return [best_in_care, best_leaver]


def crawl(world: World, seeds: list[tuple[int, str]], *, max_per_endpoint: int = 3,
          children: list[int] | None = None, follow: set[str] | None = None,
          per_child: dict[tuple[str, int | None], tuple[str, int]] | None = None) -> dict[str, tuple[str, int]]:
    """Follow links from ``seeds`` ((user id, url)); return {form key: (url, user id)}
    (the first found), and fill ``per_child`` with the first per form key and child.
    Form pages are not opened, except those in ``follow`` (a page an example led to).

    Only pages of the chosen children and global pages are followed (a link to another
    child is not), each GET endpoint at most ``max_per_endpoint`` times, to stay quick.
    """
    app = world.app
    found: dict[str, tuple[str, int]] = {}
    seen: set[tuple[int, str]] = set()
    per_endpoint: dict[str, int] = {}
    queue = list(seeds)
    while queue:
        user_id, url = queue.pop(0)
        if (user_id, url) in seen:
            continue
        seen.add((user_id, url))
        route = route_of(app, url)
        if route is None or url.split("?")[0].endswith((".csv", "/download")):
            continue
        child_id = route.args.get("child_id")
        if child_id is not None and child_id not in (children or world.child_ids):
            continue
        if {"GET", "POST"} <= route.methods:
            key = form_key(route)
            entry = (url.split("?")[0] if "year=" not in url else url, user_id)
            found.setdefault(key, entry)
            if per_child is not None:
                per_child.setdefault((key, child_id), entry)
            if url not in (follow or set()):
                continue
        per_endpoint[route.endpoint] = per_endpoint.get(route.endpoint, 0) + 1
        if per_endpoint[route.endpoint] > max_per_endpoint:
            continue
        resp = world.client(user_id).get(url)
        if resp.status_code != 200 or "text/html" not in resp.content_type:
            continue
        for href in links(resp.get_data(as_text=True)):
            if not href.startswith(("/assets", "/static", "/sign-")):
                queue.append((user_id, href))
    return found


def list_pages(world: World, seeds: list[tuple[int, str]]) -> dict[str, tuple[str, int, set[str]]]:
    """GET-only pages reachable from ``seeds`` by following links (one URL per endpoint),
    with the query-string names their links and filter forms use:
    {endpoint: (url, user id, names)}."""
    app = world.app
    pages: dict[str, tuple[str, int, set[str]]] = {}
    queue = list(seeds)
    while queue:
        user_id, url = queue.pop(0)
        route = route_of(app, url)
        if route is None or "POST" in route.methods or route.endpoint in pages:
            continue
        child_id = route.args.get("child_id")
        if child_id is not None and child_id not in world.child_ids:
            continue
        resp = world.client(user_id).get(url)
        if resp.status_code != 200:
            continue
        names: set[str] = {"page"} | set(query_args(url))
        body = resp.get_data(as_text=True) if "text/html" in resp.content_type else ""
        for href in links(body):
            other = route_of(app, href)
            if other is None:
                continue
            if other.endpoint in (route.endpoint, route.endpoint + "_csv") or href.split("?")[0] == url.split("?")[0]:
                names |= set(query_args(href))
            if not href.startswith(("/assets", "/static", "/sign-")):
                queue.append((user_id, href))
        for form in get_forms(body):
            names |= set(form)
        pages[route.endpoint] = (url, user_id, names)
    return pages


def seed_urls(world: World, children: list[int] | None = None, *, menus: bool = True) -> list[tuple[int, str]]:
    """Every child tab (GET pages taking only the child) for the chosen children, as the
    child's own worker and adviser; every page without arguments, as each kind of manager."""
    from tracker.web import PUBLIC_ENDPOINTS

    app = world.app
    seeds: list[tuple[int, str]] = []
    rules = [r for r in app.url_map.iter_rules() if "GET" in r.methods and r.endpoint not in PUBLIC_ENDPOINTS]
    for child_id in children or world.child_ids:
        for cap in ("edit_case", "edit_leaving_care", "edit_education", "allocate"):
            user = world.user_for(cap, child_id)
            if user is None:
                continue
            for r in rules:
                if set(r.arguments) == {"child_id"}:
                    seeds.append((user, r.rule.replace("<int:child_id>", str(child_id))))
    for cap in ("run_meetings", "manage_settings", "export_return", "edit_case") if menus else ():
        user = world.user_for(cap, None)
        if user is None:
            continue
        for r in rules:
            if not r.arguments and not r.rule.endswith(".csv"):
                seeds.append((user, r.rule))
    return seeds


@dataclass
class Submitted:
    """What happened when a form was sent."""

    url: str
    status: int = 0
    location: str | None = None
    page: str = ""  # the answer (or, after a redirect, the page it led to)
    errors: dict[str, list[str]] = field(default_factory=dict)
    changes: list[tuple[str, str, int | None]] = field(default_factory=list)
    crashed: str | None = None  # an exception (a 500 for a user)
    before: str | None = None  # the page the user goes back to, before and after
    after: str | None = None
    form: HtmlForm | None = None

    @property
    def saved(self) -> bool:
        return self.crashed is None and (self.status in (302, 303) or (self.status == 200 and not self.errors))

    def describe(self) -> str:
        if self.crashed:
            return f"crashed: {self.crashed}"
        if self.status in (302, 303):
            return f"{self.status} to {self.location}"
        messages = "; ".join(f"{k}: {' | '.join(v)}" for k, v in self.errors.items() if k != "_summary")
        return f"{self.status} {messages or self.errors.get('_summary') or ''}".strip()


def back_link(html: str) -> str | None:
    soup = BeautifulSoup(html, "html.parser")
    a = soup.select_one("a.govuk-back-link") or soup.find("a", string=re.compile(r"^\s*Cancel\s*$"))
    return a["href"] if a is not None and a.get("href", "").startswith("/") else None


def submit_form(client: FlaskClient, url: str, overrides: dict[str, Any] | None = None, *,
                compare: bool = True) -> Submitted:
    """Open a form page, send the form as shown with ``overrides`` applied, and follow the
    answer. With ``compare``, the page the form goes back to is read before and after."""
    from werkzeug.datastructures import MultiDict

    out = Submitted(url=url)
    page = client.get(url)
    if page.status_code != 200:
        out.status, out.crashed = page.status_code, f"GET {url} answered {page.status_code}"
        return out
    html = page.get_data(as_text=True)
    forms = parse_forms(html, url)
    if not forms:
        out.crashed = f"no form on {url}"
        return out
    form = out.form = max(forms, key=lambda f: len(f.controls))
    back = back_link(html) if compare else None
    if back:
        out.before = visible_text(client.get(back).get_data(as_text=True))
    first = last_audit_id()
    try:
        resp = client.post(url, data=MultiDict(form.payload(overrides)))
    except Exception as exc:  # A crash is what the structural tests look for
        out.crashed = f"{type(exc).__name__}: {str(exc).splitlines()[0][:300] if str(exc) else ''}"
        return out
    out.status = resp.status_code
    out.changes = audit_changes(first)
    if resp.status_code >= 500:
        out.crashed = f"HTTP {resp.status_code}"
        return out
    if resp.status_code in (302, 303):
        out.location = resp.headers["Location"]
        landing = client.get(out.location)
        out.page = landing.get_data(as_text=True)
        if landing.status_code != 200:
            out.crashed = f"the page after saving answered {landing.status_code}"
    else:
        out.page = resp.get_data(as_text=True)
        out.errors = error_messages(out.page)
    if back and out.saved:
        out.after = visible_text(client.get(back).get_data(as_text=True))
    return out


def query_args(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query))


__all__ = ["FROZEN", "PASSWORD", "TODAY", "Control", "HtmlForm", "World", "audit_changes", "audited_tables",
           "Submitted", "back_link", "list_pages", "banner", "crawl", "submit_form", "error_messages", "fingerprint", "form_key", "form_rules", "get_forms",
           "last_audit_id", "links", "parse_forms", "populated_children", "query_args", "route_of", "seed_urls",
           "visible_text"]
