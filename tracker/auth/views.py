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

from tracker import audit
from tracker.auth import services
from tracker.auth.forms import SignInForm, SignOutForm
from tracker.auth.models import User
from tracker.extensions import db, login_manager
from tracker.web import signed_in

bp = Blueprint("auth", __name__)


@bp.record_once
def _set_up_sign_in(_state: Any) -> None:
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = "Sign in to continue."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"
    login_manager.user_loader(load_user)


def load_user(user_id: str) -> User | None:
    """The signed-in user of a session: an active account, or nobody."""
    try:
        user = db.session.get(User, int(user_id))
    except ValueError:
        return None
    return user if user is not None and user.active else None


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
        user = services.authenticate(
            db.session, form.email.data or "", form.password.data or "",
            time_cost=current_app.config["ARGON2_TIME_COST"],
            memory_cost=current_app.config["ARGON2_MEMORY_COST"])
        services.record_sign_in(db.session, user, form.email.data or "")
        db.session.commit()
        if user is not None:
            session.clear()
            login_user(user)
            session.permanent = True
            return redirect(_safe_next(request.args.get("next")))
        form.email.errors = [*form.email.errors]
        form.password.errors = ["Email address or password is not right"]
    return render_template("auth/sign_in.html", form=form)


@bp.route("/sign-out", methods=["POST"])
@signed_in
def sign_out() -> Any:
    form = SignOutForm()
    if form.validate_on_submit():
        audit.record(db.session, action="sign_out", entity_type="users", entity_id=current_user.id)
        db.session.commit()
        logout_user()
        session.clear()
        flash("You have signed out.", "success")
        return redirect(url_for("auth.sign_in"))
    return redirect(url_for("children.home"))
