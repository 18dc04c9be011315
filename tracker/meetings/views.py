"""Meeting pack, drill-downs, meeting mode, minutes and trends."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select, true
from wtforms.fields.choices import SelectChoice

from tracker import clock
from tracker.auth.models import Service, Team, User
from tracker.auth.roles import MANAGE_SERVICE, MANAGE_TEAM, RUN_MEETINGS, VIEW_REPORTS
from tracker.children.guard import for_child
from tracker.children.models import Child
from tracker.children.pages import child_context, get_child_or_403
from tracker.extensions import db
from tracker.meetings import charts, queries, services
from tracker.meetings.forms import CloseMeetingForm, DecisionForm, StartMeetingForm
from tracker.meetings.models import Meeting, MeetingDecision, WeeklySnapshot
from tracker.tracking.models import Action, TrackedItem
from tracker.web import csv_response, int_arg, requires, submit

bp = Blueprint("meetings", __name__)


def _week() -> dt.date:
    raw = request.args.get("week")
    if raw:
        try:
            return queries.week_start(dt.date.fromisoformat(raw))
        except ValueError:
            abort(400)
    return queries.week_start(clock.today())


def _services() -> list[Service]:
    stmt = select(Service).order_by(Service.name)
    if current_user.can(MANAGE_SERVICE) and current_user.managed_service_id:
        stmt = stmt.where(Service.id == current_user.managed_service_id)
    elif current_user.can(MANAGE_TEAM) and current_user.team and current_user.team.service_id:
        stmt = stmt.where(Service.id == current_user.team.service_id)
    return list(db.session.scalars(stmt))


def _service() -> Service:
    services_ = _services()
    if not services_:
        abort(404)
    wanted = int_arg("service", minimum=1)
    return next((s for s in services_ if s.id == wanted), services_[0])


def _scope(service: Service, week: dt.date) -> queries.Scope:
    return queries.make_scope(db.session, current_user, service.id, week, clock.today())


def _pack(service: Service, week: dt.date) -> dict[str, Any]:
    scope = _scope(service, week)
    lists = {key: (title, fn(db.session, scope)) for key, (title, fn) in queries.LISTS.items()}
    teams = list(db.session.scalars(select(Team).where(Team.id.in_(scope.team_ids)).order_by(Team.name)))
    return {"scope": scope, "service": service, "services": _services(), "lists": lists, "teams": teams,
            "counts": queries.counts(db.session, scope), "kinds": queries.kind_counts(db.session, scope),
            "metrics": queries.METRICS, "summary_metrics": queries.SUMMARY_METRICS,
            "prev_week": scope.week_of - dt.timedelta(days=7), "next_week": scope.week_of + dt.timedelta(days=7),
            "meeting": db.session.scalar(select(Meeting).where(Meeting.service_id == service.id,
                                                               Meeting.week_of == scope.week_of))}


@bp.route("/meetings/pack")
@requires(RUN_MEETINGS)
def pack() -> Any:
    service = _service()
    return render_template("meetings/pack.html", printable=request.args.get("print") == "1",
                           **_pack(service, _week()))


@bp.route("/meetings/pack.csv")
@requires(RUN_MEETINGS)
def pack_csv() -> Any:
    service = _service()
    p = _pack(service, _week())
    rows: list[list[Any]] = []
    for _key, (title, items) in p["lists"].items():
        for r in items:
            detail = "; ".join(f"{k}={v}" for k, v in r.detail.items() if v not in (None, [], ""))
            rows.append(["list", title, r.child.local_id, r.child.name, r.child.team.name if r.child.team else "",
                         detail, ""])
    for metric in p["summary_metrics"]:
        for team in p["teams"]:
            rows.append(["count", p["metrics"][metric].label, "", "", team.name, "", p["counts"].get(metric, team.id)])
        rows.append(["count", p["metrics"][metric].label, "", "", "All teams", "", p["counts"].get(metric, "all")])
    for _kind, title, over, nxt in p["kinds"]:
        rows.append(["count", f"Overdue: {title}", "", "", "All teams", "", over])
        rows.append(["count", f"Due next week: {title}", "", "", "All teams", "", nxt])
    return csv_response(f"tracking-meeting-{p['scope'].week_of.isoformat()}.csv",
                        ["row", "section", "child_id", "name", "team", "detail", "count"], rows)


@bp.route("/meetings/pack/list")
@requires(RUN_MEETINGS)
def drill_down() -> Any:
    service = _service()
    key = request.args.get("metric", "")
    if key not in queries.METRICS:
        abort(404)
    team_arg = request.args.get("team", "all")
    team = None if team_arg == "all" else int_arg("team", minimum=1)
    if team_arg != "all" and team is None:
        abort(404)
    scope = _scope(service, _week())
    unit, rows = queries.drill_down(db.session, scope, key, team)
    return render_template("meetings/drill_down.html", metric=queries.METRICS[key], unit=unit, rows=rows,
                           scope=scope, service=service, team=db.session.get(Team, team) if team else None)


# Meeting mode -------------------------------------------------------------------------

def _agenda(meeting: Meeting) -> list[Child]:
    """The children to go through: everyone on the pack's lists, in list order, once."""
    service = db.session.get(Service, meeting.service_id)
    assert service is not None
    p = _pack(service, meeting.week_of)
    seen: dict[int, Child] = {}
    for _title, rows in p["lists"].values():
        for r in rows:
            seen.setdefault(r.child.id, r.child)
    return list(seen.values())


@bp.route("/meetings/start", methods=["GET", "POST"])
@requires(RUN_MEETINGS)
def start_meeting() -> Any:
    service = _service()
    week = _week()
    form = StartMeetingForm()
    if request.method == "GET":
        form.attendees.data = f"{current_user.name} ({current_user.role_label}, chair)"
    started: list[Meeting] = []
    ok, _ = submit(form, lambda: started.append(services.start_meeting(
        db.session, service=service, week_of=week, chair=current_user, attendees=form.attendees.data or "",
        today=clock.today())), success="Meeting started")
    if ok:
        return redirect(url_for("meetings.meeting_child", meeting_id=started[0].id, n=1))
    return render_template("_components/form_page.html", form=form, heading="Start the tracking meeting",
                           caption=f"{service.name}, week of {week:%d/%m/%Y}",
                           back_url=url_for("meetings.pack", week=week.isoformat(), service=service.id))


def _meeting_or_404(meeting_id: int) -> Meeting:
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None or meeting.service_id not in {s.id for s in _services()}:
        abort(404)
    return meeting


@bp.route("/meetings/<int:meeting_id>/children/<int:n>", methods=["GET", "POST"])
@requires(RUN_MEETINGS)
def meeting_child(meeting_id: int, n: int) -> Any:
    meeting = _meeting_or_404(meeting_id)
    agenda = _agenda(meeting)
    if not agenda:
        return redirect(url_for("meetings.minutes", meeting_id=meeting.id))
    if n < 1 or n > len(agenda):
        abort(404)
    child = get_child_or_403(agenda[n - 1].id)
    existing = db.session.scalar(select(MeetingDecision).where(MeetingDecision.meeting_id == meeting.id,
                                                               MeetingDecision.child_id == child.id))
    form = DecisionForm()
    users = db.session.scalars(select(User).where(User.active.is_(True)).order_by(User.name))
    form.action_owner.choices = [SelectChoice("", "Select")] + [SelectChoice(str(u.id), f"{u.name} ({u.role_label})")
                                                                 for u in users]
    if request.method == "GET":
        form.decision.data = existing.decision if existing else ""
        form.action_owner.data = child.allocated_worker_id
        form.version.data = str(existing.version if existing else 0)

    def record() -> None:
        owner = db.session.get(User, form.action_owner.data) if form.action_owner.data else None
        services.record_decision(
            db.session, meeting=meeting, child=child, decision=form.decision.data or "", actor=current_user,
            action_title=form.action_title.data, action_owner=owner if form.action_title.data else None,
            action_due=form.action_due.data, today=clock.today(), expected_version=form.expected_version())

    ok, conflict = submit(form, record, success=f"Decision for {child.name} saved")
    if ok:
        if n < len(agenda):
            return redirect(url_for("meetings.meeting_child", meeting_id=meeting.id, n=n + 1))
        return redirect(url_for("meetings.minutes", meeting_id=meeting.id))
    if conflict:
        existing = db.session.scalar(select(MeetingDecision).where(MeetingDecision.meeting_id == meeting.id,
                                                                   MeetingDecision.child_id == child.id))
        form.version.data = str(existing.version if existing else 0)
    open_items = list(db.session.scalars(select(TrackedItem).where(TrackedItem.child_id == child.id,
                                                                   TrackedItem.is_open == true())
                                         .order_by(TrackedItem.due_on, TrackedItem.kind, TrackedItem.id).limit(8)))
    actions = list(db.session.scalars(select(Action).where(Action.meeting_id == meeting.id,
                                                           Action.child_id == child.id)))
    return render_template("meetings/meeting_child.html", meeting=meeting, child=child, n=n, total=len(agenda),
                           form=form, open_items=open_items, actions=actions, today=clock.today(), conflict=conflict,
                           saved_decision=existing.decision if existing else None)


def _minutes(meeting: Meeting) -> list[tuple[MeetingDecision, Child, list[Action]]]:
    rows = []
    for d in meeting.decisions:
        child = db.session.get(Child, d.child_id)
        actions = list(db.session.scalars(select(Action).where(Action.meeting_id == meeting.id,
                                                               Action.child_id == d.child_id).order_by(Action.id)))
        rows.append((d, child, actions))
    return rows


@bp.route("/meetings/<int:meeting_id>", methods=["GET", "POST"])
@requires(RUN_MEETINGS)
def minutes(meeting_id: int) -> Any:
    meeting = _meeting_or_404(meeting_id)
    form = CloseMeetingForm()
    if request.method == "GET":
        form.version.data = str(meeting.version)
    conflict = None
    if meeting.status == "open":
        ok, conflict = submit(form, lambda: services.close_meeting(db.session, meeting,
                                                                    expected_version=form.expected_version()),
                              success="Meeting closed")
        if ok:
            return redirect(url_for("meetings.minutes", meeting_id=meeting.id))
        if conflict:
            db.session.refresh(meeting)
            form.version.data = str(meeting.version)
    return render_template("meetings/minutes.html", meeting=meeting, rows=_minutes(meeting), form=form,
                           conflict=conflict)


@bp.route("/meetings/<int:meeting_id>/minutes.csv")
@requires(RUN_MEETINGS)
def minutes_csv(meeting_id: int) -> Any:
    meeting = _meeting_or_404(meeting_id)
    out = []
    for d, child, actions in _minutes(meeting):
        if not actions:
            out.append([meeting.week_of.isoformat(), child.local_id, child.name, d.decision, "", "", ""])
        for a in actions:
            out.append([meeting.week_of.isoformat(), child.local_id, child.name, d.decision, a.title,
                        a.owner.name, a.due_on.isoformat()])
    return csv_response(f"minutes-{meeting.week_of.isoformat()}.csv",
                        ["week_of", "child_id", "name", "decision", "action", "action_owner", "action_due"], out)


@bp.route("/meetings")
@requires(RUN_MEETINGS)
def list_meetings() -> Any:
    ids = [s.id for s in _services()]
    meetings = list(db.session.scalars(select(Meeting).where(Meeting.service_id.in_(ids))
                                       .order_by(Meeting.week_of.desc()).limit(104)))
    return render_template("meetings/list.html", meetings=meetings)


@bp.route("/children/<int:child_id>/meetings")
@for_child("meetings")
def child_meetings(child_id: int) -> Any:
    child = get_child_or_403(child_id)
    rows = list(db.session.execute(select(MeetingDecision, Meeting).join(Meeting)
                                   .where(MeetingDecision.child_id == child.id)
                                   .order_by(Meeting.week_of.desc())))
    actions: dict[int | None, list[Action]] = {}
    for a in db.session.scalars(select(Action).where(Action.child_id == child.id, Action.meeting_id.is_not(None))):
        actions.setdefault(a.meeting_id, []).append(a)
    today = clock.today()
    return render_template("meetings/child_meetings.html", child=child, rows=rows, actions=actions, tab="meetings",
                           today=today, **child_context(child, today))


# Trends -------------------------------------------------------------------------------

@bp.route("/meetings/trends")
@requires(VIEW_REPORTS)
def trends() -> Any:
    service = _service()
    weeks = 52 if request.args.get("weeks") == "52" else 12
    end = queries.week_start(clock.today())
    start = end - dt.timedelta(weeks=weeks - 1)
    rows = db.session.execute(select(WeeklySnapshot.metric, WeeklySnapshot.week_of, WeeklySnapshot.value)
                              .where(WeeklySnapshot.service_id == service.id, WeeklySnapshot.team_key == "all",
                                     WeeklySnapshot.week_of.between(start, end))
                              .order_by(WeeklySnapshot.week_of)).all()
    series: dict[str, list[tuple[dt.date, int]]] = {}
    for metric, week, value in rows:
        series.setdefault(metric, []).append((week, value))
    svgs = {m: charts.line_chart(series.get(m, []), start=start, weeks=weeks, title=queries.METRICS[m].label)
            for m in queries.SUMMARY_METRICS}
    return render_template("meetings/trends.html", service=service, services=_services(), weeks=weeks,
                           svgs=svgs, series=series, metrics=queries.METRICS,
                           summary_metrics=queries.SUMMARY_METRICS)
