"""The weekly snapshot job (Mondays): stores the meeting pack's counts per team per week."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from apscheduler.triggers.cron import CronTrigger

from tracker.clock import LONDON
from tracker.jobs.registry import register_job
from tracker.meetings import queries, services


def take_weekly_snapshot(ctx: Any) -> Mapping[str, Any]:
    """Snapshot the week containing ``ctx.today`` (replacing an earlier run for that week)."""
    week = queries.week_start(ctx.today)
    rows = services.take_snapshot(ctx.session, week_of=week, today=ctx.today)
    ctx.session.commit()
    return {"week_of": week.isoformat(), "rows": rows}


def _monday(config: Mapping[str, Any]) -> CronTrigger:
    hour, minute = (int(p) for p in str(config["SNAPSHOT_AT"]).split(":")[:2])
    return CronTrigger(day_of_week="mon", hour=hour, minute=minute, timezone=LONDON)


register_job("snapshot", take_weekly_snapshot,
             description="Store this week's tracking-meeting counts per team, for the trend charts.",
             schedule=_monday, schedule_text=lambda c: f"Mondays at {c['SNAPSHOT_AT']}")
