"""Administration: scheduled jobs, their last runs, and the email outbox (the admin
home's health panel). Here rather than in ``jobs``, which knows no domain: the page
shows the alerts' outbox and health too."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for

from tracker import clock
from tracker.alerts import queries, services
from tracker.alerts.models import EMAIL_STATUSES, OutboxEmail
from tracker.auth.roles import RUN_JOBS
from tracker.errors import ValidationError
from tracker.extensions import db
from tracker.jobs import queries as job_queries
from tracker.jobs.registry import load_jobs
from tracker.web import paginate, requires

bp = Blueprint("admin", __name__)


@bp.app_context_processor
def _admin_health() -> dict[str, Any]:
    def admin_health() -> queries.Health:
        """For the administrator's home page panel (templates/admin/_health.html)."""
        return queries.get_health(db.session, current_app.config)

    return {"admin_health": admin_health}


@bp.route("/admin/jobs")
@requires(RUN_JOBS)
def index() -> Any:
    jobs = load_jobs()
    status = request.args.get("status") or None
    if status not in (None, *EMAIL_STATUSES):
        status = None
    daily = [name for name, job in jobs.items() if job.per_day]
    return render_template(
        "admin/jobs.html", jobs=jobs, config=current_app.config, health=queries.get_health(db.session, current_app.config),
        last_runs=job_queries.last_runs(db.session), last_failures=job_queries.last_failures(db.session),
        next_runs=job_queries.next_run_times(db.session), recent=job_queries.list_recent_runs(db.session, daily),
        outbox_counts=queries.count_outbox(db.session), outbox=paginate(queries.list_outbox(status)),
        status=status, statuses=EMAIL_STATUSES, mail_server=current_app.config.get("MAIL_SERVER"))


@bp.route("/admin/jobs/outbox/<int:email_id>")
@requires(RUN_JOBS)
def show_email(email_id: int) -> Any:
    email = db.session.get(OutboxEmail, email_id)
    if email is None:
        abort(404)
    return render_template("admin/email.html", email=email, mail_server=current_app.config.get("MAIL_SERVER"))


@bp.route("/admin/jobs/outbox/<int:email_id>/retry", methods=["POST"])
@requires(RUN_JOBS)
def retry_email(email_id: int) -> Any:
    try:
        services.retry_email(db.session, email_id=email_id, now=clock.now())
    except ValidationError as exc:
        db.session.rollback()
        flash(exc.errors["_form"], "error")
        return redirect(url_for("admin.show_email", email_id=email_id))
    db.session.commit()
    flash("The email will be sent again at the next run of the send-email job.", "success")
    return redirect(url_for("admin.show_email", email_id=email_id))
