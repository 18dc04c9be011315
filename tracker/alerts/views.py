"""The signed-in user's notifications: the header count, the list, mark as read."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from tracker import clock
from tracker.alerts import queries, services
from tracker.extensions import db
from tracker.web import paginate, signed_in

bp = Blueprint("alerts", __name__)

KIND_LABELS = {"due_soon": "Due soon", "overdue": "Overdue", "escalated": "Escalated to you"}
KIND_TAGS = {"due_soon": "orange", "overdue": "red", "escalated": "purple"}
LEVEL_LABELS = {"worker": "", "team_manager": "as team manager", "group_manager": "as group manager"}


@bp.app_context_processor
def _notification_count() -> dict[str, Any]:
    def unread_notification_count() -> int:
        if not current_user.is_authenticated:
            return 0
        return queries.count_unread(db.session, current_user.id)

    return {"unread_notification_count": unread_notification_count}


@bp.route("/notifications")
@signed_in
def notifications() -> Any:
    page = paginate(queries.list_notifications(current_user.id), scalars=False)
    return render_template("alerts/notifications.html", page=page, kind_labels=KIND_LABELS, kind_tags=KIND_TAGS,
                           level_labels=LEVEL_LABELS, unread=queries.count_unread(db.session, current_user.id))


@bp.route("/notifications/<int:notification_id>/read", methods=["POST"])
@signed_in
def mark_read(notification_id: int) -> Any:
    services.mark_read(db.session, user_id=current_user.id, notification_id=notification_id, now=clock.now())
    db.session.commit()
    return redirect(url_for("alerts.notifications"))


@bp.route("/notifications/read-all", methods=["POST"])
@signed_in
def mark_all_read() -> Any:
    n = services.mark_all_read(db.session, user_id=current_user.id, now=clock.now())
    db.session.commit()
    if n:
        flash(f"{n} notification{'s' if n != 1 else ''} marked as read.", "success")
    return redirect(url_for("alerts.notifications"))
