from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_user, logout_user
from sqlalchemy.exc import OperationalError

from tracker import audit, clock
from tracker.auth import services, throttle
from tracker.auth import sessions as user_sessions
from tracker.auth.forms import ChangePasswordForm, SignInForm, SignOutForm
from tracker.auth.models import User
from tracker.errors import ValidationError
from tracker.extensions import db, login_manager
from tracker.web import signed_in, submit

bp = Blueprint("auth", __name__)


@bp.record_once
def _set_up_sign_in(_state: Any) -> None:
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = "Sign in to continue."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"
    login_manager.user_loader(load_user)


#: Where the session cookie keeps the server-side session's token.
SESSION_TOKEN = "sid"


def load_user(user_id: str) -> User | None:
    """The signed-in user of a request: an active account whose server-side session
    (tracker.auth.sessions) is live; anybody else is signed out."""
    try:
        user = db.session.get(User, int(user_id))
    except ValueError:
        return None
    if user is None or not user.active:
        return None
    token = session.get(SESSION_TOKEN)
    now = clock.now()
    state = user_sessions.check(db.session, token, user.id, now=now,
                                limits=user_sessions.Limits.from_config(current_app.config))
    if state in ("none", "expired"):
        if state == "expired":
            _write(lambda: user_sessions.end(db.session, token))
        session.clear()
        return None
    if state == "touch":
        _write(lambda: user_sessions.touch(db.session, token or "", now=now))
    return user


def _write(change: Any) -> None:
    """A small write from a request that may only be reading (SQLite: retried in a fresh
    transaction if another connection wrote first; see tracker.audit.record_and_commit)."""
    try:
        change()
        db.session.commit()
    except OperationalError:
        db.session.rollback()
        change()
        db.session.commit()


def start_session(user: User) -> None:
    """Sign ``user`` in to this browser: a new server-side session, a fresh cookie."""
    now = clock.now()
    user_sessions.end_stale(db.session, now=now, limits=user_sessions.Limits.from_config(current_app.config))
    token = user_sessions.start(db.session, user, now=now, address=request.remote_addr)
    db.session.commit()
    flashes = session.get("_flashes")
    session.clear()
    login_user(user)
    session[SESSION_TOKEN] = token
    if flashes:
        session["_flashes"] = flashes
    session.permanent = True


def _safe_next(target: str | None) -> str:
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
            return target
    return url_for("children.home")


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in() -> Any:
    if current_user.is_authenticated:
        return redirect(url_for("children.home"))
    form = SignInForm()
    if form.validate_on_submit():
        email = form.email.data or ""
        address = request.remote_addr or "unknown"
        now = clock.now()
        policy = throttle.Policy.from_config(current_app.config)
        wait = throttle.seconds_to_wait(db.session, email=email, address=address, now=now, policy=policy)
        if wait:
            services.record_sign_in(db.session, None, email, throttled=True)
            db.session.commit()
            form.password.errors = [throttle.wait_message(wait)]
            return render_template("auth/sign_in.html", form=form), 429, {"Retry-After": str(wait)}
        user = services.authenticate(
            db.session, email, form.password.data or "",
            time_cost=current_app.config["ARGON2_TIME_COST"],
            memory_cost=current_app.config["ARGON2_MEMORY_COST"])
        throttle.record(db.session, email=email, address=address, now=now, succeeded=user is not None)
        services.record_sign_in(db.session, user, email)
        db.session.commit()
        if user is not None:
            start_session(user)
            return redirect(_safe_next(request.args.get("next")))
        form.password.errors = ["Email address or password is not right"]
    return render_template("auth/sign_in.html", form=form)


@bp.route("/sign-out", methods=["POST"])
@signed_in
def sign_out() -> Any:
    form = SignOutForm()
    if form.validate_on_submit():
        audit.record(db.session, action="sign_out", entity_type="users", entity_id=current_user.id)
        user_sessions.end(db.session, session.get(SESSION_TOKEN))
        db.session.commit()
        logout_user()
        session.clear()
        flash("You have signed out.", "success")
        return redirect(url_for("auth.sign_in"))
    return redirect(url_for("children.home"))


@bp.route("/account/password", methods=["GET", "POST"])
@signed_in
def change_password() -> Any:
    """Change one's own password: every session of the account ends (a copied cookie
    included) and this browser gets a new one."""
    form = ChangePasswordForm()
    user: User = current_user._get_current_object()  # type: ignore[attr-defined]

    def change() -> None:
        if not services.check_password(user, form.current_password.data or ""):
            raise ValidationError({"current_password": "Your current password is not right"})
        if (form.new_password.data or "") != (form.confirm_password.data or ""):
            raise ValidationError({"confirm_password": "Enter the same new password twice"})
        services.set_password(db.session, user, form.new_password.data or "", field="new_password",
                              time_cost=current_app.config["ARGON2_TIME_COST"],
                              memory_cost=current_app.config["ARGON2_MEMORY_COST"])

    ok, _ = submit(form, change, success="Your password has been changed. You are signed out everywhere else.")
    if ok:
        start_session(user)
        return redirect(url_for("children.home"))
    return render_template("_components/form_page.html", form=form, heading="Change your password",
                           intro=f"Your new password must be {services.MIN_PASSWORD} characters or more and hard "
                                 "to guess. Changing it signs you out everywhere else.",
                           back_url=url_for("children.home"))
