"""Shared view helpers: capability guard, public marker, pagination, CSV, error pages."""

from __future__ import annotations

import csv
import io
import math
import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlencode

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    flash,
    g,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy import Select, func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from tracker import audit, clock, codes
from tracker.db import SQLITE_WRITE_INTENT
from tracker.errors import ConflictError, ValidationError
from tracker.extensions import db, login_manager
from tracker.logs import current_request_id
from tracker.web.forms import has_hidden_characters, safe_int
from tracker.web.nav import CHILD_TABS, NAV

F = TypeVar("F", bound=Callable[..., Any])

bp = Blueprint("web", __name__)

#: Endpoints reachable without signing in (checked by a structural test): static files
#: (stylesheets, scripts, fonts), the sign-in page, and the health and readiness probes
#: (they say nothing about anyone: see tracker/probes.py).
PUBLIC_ENDPOINTS = {"static", "auth.sign_in", "probes.healthz", "probes.readyz"}


def requires(capability: str) -> Callable[[F], F]:
    """Guard a view: signed in, and the user's role carries ``capability`` (else 403)."""

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return current_app.login_manager.unauthorized()  # type: ignore[attr-defined]
            if not current_user.can(capability):
                abort(403)
            return view(*args, **kwargs)

        wrapped.required_capability = capability  # type: ignore[attr-defined]
        return wrapped  # type: ignore[return-value]

    return decorate


def signed_in(view: F) -> F:
    """Guard a view that any signed-in user may use (home, sign out, notifications)."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            return current_app.login_manager.unauthorized()  # type: ignore[attr-defined]
        return view(*args, **kwargs)

    wrapped.required_capability = "signed_in"  # type: ignore[attr-defined]
    return wrapped  # type: ignore[return-value]


@dataclass
class Page:
    items: Sequence[Any]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def first(self) -> int:
        return 0 if not self.total else (self.page - 1) * self.per_page + 1

    @property
    def last(self) -> int:
        return min(self.total, self.page * self.per_page)

    def govuk(self, endpoint: str, **params: Any) -> dict[str, Any] | None:
        """Parameters for the govukPagination macro, keeping the other query arguments."""
        if self.pages <= 1:
            return None

        def href(n: int) -> str:
            args = {k: v for k, v in request.args.items() if k != "page" and v}
            args.update({k: v for k, v in params.items() if v is not None})
            args["page"] = str(n)
            return url_for(endpoint, **request.view_args or {}) + "?" + urlencode(args)

        window = sorted({1, self.pages, *range(max(1, self.page - 2), min(self.pages, self.page + 2) + 1)})
        items: list[dict[str, Any]] = []
        prev = 0
        for n in window:
            if n - prev > 1:
                items.append({"ellipsis": True})
            items.append({"number": n, "href": href(n), "current": n == self.page})
            prev = n
        out: dict[str, Any] = {"items": items}
        if self.page > 1:
            out["previous"] = {"href": href(self.page - 1)}
        if self.page < self.pages:
            out["next"] = {"href": href(self.page + 1)}
        return out


def int_arg(name: str, *, minimum: int = 0) -> int | None:
    """A whole number from the query string (``?page=``, ``?team=``, ``?adviser=``), or
    None if it is missing or not a number in range (a huge number, a sign, text)."""
    return safe_int(request.args.get(name), minimum=minimum)


def page_number() -> int:
    """``?page=`` as a page number: 1 unless it is a whole number of at least 1."""
    return int_arg("page", minimum=1) or 1


def paginate(stmt: Select[Any], per_page: int | None = None, scalars: bool = True) -> Page:
    per_page = per_page or current_app.config["PAGE_SIZE"]
    page = page_number()
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    page = min(page, max(1, math.ceil(total / per_page)))
    q = stmt.limit(per_page).offset((page - 1) * per_page)
    items = list(db.session.scalars(q)) if scalars else list(db.session.execute(q))
    return Page(items=items, page=page, per_page=per_page, total=total)


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Response:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if v is None else _csv_safe(v) for v in row])
    return Response(
        buf.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"',
                 "Cache-Control": "no-store"},
    )


def _csv_safe(value: Any) -> Any:
    # Stop spreadsheet formula injection from free text.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@") and not _is_number(value):
        return "'" + value
    return value


def _is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


def form_errors_to_fields(form: Any, errors: dict[str, str]) -> None:
    """Put a service's ValidationError messages next to the form's fields."""
    for name, message in errors.items():
        field = getattr(form, name, None)
        if field is not None and hasattr(field, "errors"):
            field.errors = [*list(field.errors or []), message]
        else:
            form.form_errors.append(message)


def content_security_policy(nonce: str) -> str:
    """Scripts and styles from this site only, plus the GOV.UK template's one inline
    script that carries the request's nonce; no frames, plugins or foreign forms."""
    return ("default-src 'self'; "
            f"script-src 'self' 'nonce-{nonce}'; "
            "style-src 'self'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "
            "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")


def init_app(app: Flask) -> None:
    @app.before_request
    def _client_address_and_nonce() -> None:
        # Every audit event of the request carries the client's address (the proxy's
        # X-Forwarded-For when TRUSTED_PROXIES says so, see tracker.__init__).
        audit.set_address(db.session, request.remote_addr)
        g.csp_nonce = secrets.token_urlsafe(16)

    @app.before_request
    def _write_intent() -> None:
        g._write_intent_token = SQLITE_WRITE_INTENT.set(request.method not in ("GET", "HEAD", "OPTIONS"))

    @app.teardown_request
    def _reset_write_intent(_exc: BaseException | None) -> None:
        token = g.pop("_write_intent_token", None)
        if token is not None:
            SQLITE_WRITE_INTENT.reset(token)

    @app.before_request
    def _refuse_hidden_characters_in_address() -> None:
        # One place for every list page and filter: PostgreSQL cannot store or compare
        # a NUL byte, and a control character in an address is never typed by a person.
        if any(has_hidden_characters(k) or has_hidden_characters(v)
               for k, v in request.args.items(multi=True)):
            abort(400, description="The page address contains a hidden character that is not allowed. "
                                   "Go back and try again, or type the address again.")

    @app.before_request
    def _require_sign_in() -> Any:
        # Belt and braces: every endpoint also carries its own capability guard.
        if request.endpoint in PUBLIC_ENDPOINTS or request.endpoint is None:
            return None
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        audit.set_actor(db.session, current_user)
        return None

    @app.after_request
    def _no_store(resp: Response) -> Response:
        if request.endpoint != "static":
            resp.headers.setdefault("Cache-Control", "no-store")
        resp.headers.setdefault("X-Content-Type-Options", "nosniff")
        resp.headers.setdefault("Content-Security-Policy", content_security_policy(g.get("csp_nonce") or "none"))
        if request.is_secure:
            resp.headers.setdefault("Strict-Transport-Security", f"max-age={app.config['HSTS_SECONDS']}")
        resp.headers.setdefault("X-Frame-Options", "DENY")
        resp.headers.setdefault("Referrer-Policy", "same-origin")
        return resp

    @app.errorhandler(403)
    def forbidden(_e: Exception) -> tuple[str, int]:
        return render_template("errors/403.html"), 403

    @app.errorhandler(404)
    def not_found(_e: Exception) -> tuple[str, int]:
        return render_template("errors/404.html"), 404

    @app.errorhandler(500)
    def server_error(_e: Exception) -> tuple[str, int]:
        # Flask has logged the traceback, and every log line of this request carries the
        # same id as the reference shown here (tracker.logs).
        db.session.rollback()
        return render_template("errors/500.html", reference=current_request_id()), 500

    @app.errorhandler(CSRFError)
    def csrf_error(e: CSRFError) -> tuple[str, int]:
        return render_template("errors/400.html", csrf=True, reason=e.description), 400

    @app.errorhandler(400)
    def bad_request(e: HTTPException) -> tuple[str, int]:
        return render_template("errors/400.html", csrf=False, reason=e.description), 400

    @app.errorhandler(413)
    def too_large(_e: Exception) -> tuple[str, int]:
        limit = app.config.get("MAX_CONTENT_LENGTH") or app.config["MAX_UPLOAD_MB"] * 1024 * 1024
        return render_template("errors/413.html", limit_mb=f"{limit / (1024 * 1024):g}"), 413

    app.jinja_env.globals.update(codes=codes, child_tabs=CHILD_TABS)

    @app.template_filter("london")
    def _london(value: Any) -> str:
        return value.astimezone(clock.LONDON).strftime("%d/%m/%Y %H:%M") if value else ""

    @app.template_filter("ddmmyyyy")
    def _ddmmyyyy(value: Any) -> str:
        return value.strftime("%d/%m/%Y") if value else ""

    @app.context_processor
    def _inject() -> dict[str, Any]:
        return {"nav_items": _nav_items(), "service_name": app.config["SERVICE_NAME"],
                "authority_name": app.config["AUTHORITY_NAME"], "cspNonce": g.get("csp_nonce")}


class TrackerFlask(Flask):
    """The application class: an unexpected error is logged once, with its traceback and
    the request id (tracker.logs) that the error page shows the user as its reference."""

    def log_exception(self, exc_info: Any) -> None:
        self.logger.error("Error reference %s: %s %s", current_request_id(), request.method, request.path,
                          exc_info=exc_info)


def _nav_items() -> list[dict[str, Any]]:
    if not current_user.is_authenticated:
        return []
    items = []
    for label, endpoint, capability in NAV:
        if capability != "signed_in" and not current_user.can(capability):
            continue
        items.append({"text": label, "href": url_for(endpoint),
                      "active": request.endpoint == endpoint})
    return items


def save(form: Any, action: Callable[[], Any], *, success: str | Callable[[], str]) -> tuple[bool, str | None]:
    """Run a service for a submitted form and commit; put errors back on the form.

    Returns ``(saved, conflict_message)``. On any refusal the transaction is rolled back,
    so nothing is half-saved, and the user's input stays in the form.
    """
    try:
        action()
        db.session.commit()
    except ValidationError as exc:
        db.session.rollback()
        form_errors_to_fields(form, exc.errors)
        return False, None
    except (ConflictError, StaleDataError):
        db.session.rollback()
        return False, ConflictError.message
    flash(success() if callable(success) else success, "success")
    return True, None


def submit(form: Any, action: Callable[[], Any], *, success: str | Callable[[], str]) -> tuple[bool, str | None]:
    """Handle a POSTed form: validate it, run the service, commit (see :func:`save`).

    All of a form's messages show at once: when the form itself has errors (a date that
    is not a date, a value not in the list), the service's domain checks still run on the
    fields that were understood, with the others as if left blank, so a social worker
    sees every problem in one go rather than one stage at a time. That trial run is
    always rolled back. Returns ``(False, None)`` for a GET.
    """
    if not form.is_submitted():
        return False, None
    if form.validate():
        return save(form, action, success=success)
    _domain_messages_too(form, action)
    return False, None


def _domain_messages_too(form: Any, action: Callable[[], Any]) -> None:
    refused = {f.name: f.data for f in form if f.errors}
    for field in form:
        if field.name in refused:
            field.data = None
    try:
        with db.session.begin_nested():
            action()
            raise _TrialRun
    except ValidationError as exc:
        form_errors_to_fields(form, {k: v for k, v in exc.errors.items()
                                     if not (getattr(getattr(form, k, None), "errors", None))})
    except (_TrialRun, ConflictError, SQLAlchemyError):
        pass  # the form's own messages say what to fix first
    except Exception:
        # A service that cannot cope with a field left blank: the form's own messages
        # still show. Tests (which propagate errors) see it, so it gets fixed.
        if current_app.testing:
            raise
        current_app.logger.warning("Domain checks could not run on a form with errors", exc_info=True)
    finally:
        db.session.rollback()
        for name, value in refused.items():
            getattr(form, name).data = value


class _TrialRun(Exception):
    """Undo a service run made only to collect its messages."""
