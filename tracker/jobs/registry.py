"""The job registry: job name → :class:`Job` (its function, schedule and description).

A domain package adds a job by calling :func:`register_job` in its own ``jobs.py``
(found by :func:`tracker.plugins.discover`; the jobs package keeps no list of them)::

    # tracker/meetings/jobs.py
    from apscheduler.triggers.cron import CronTrigger
    from tracker.jobs.registry import register_job

    def take_snapshot(ctx):            # ctx: tracker.jobs.runner.JobContext
        ...                            # read ctx.today, write with ctx.session, commit
        return {"children": 1234}      # counts stored on the job-run row

    register_job("snapshot", take_snapshot, description="Weekly snapshot of the figures",
                 schedule=lambda config: CronTrigger(day_of_week="mon", hour=5, timezone="Europe/London"))

``per_day=True`` (the default) makes the business day the job-run slot: the job runs at
most once per day, whoever starts it. ``schedule`` builds the APScheduler trigger from the
app config; ``None`` means the job only runs when another job or ``tracker jobs run``
starts it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from tracker.plugins import discover

JobFunc = Callable[[Any], "Mapping[str, Any] | None"]
TriggerFactory = Callable[[Mapping[str, Any]], Any]


@dataclass(frozen=True)
class Job:
    name: str
    func: JobFunc
    description: str
    per_day: bool = True
    schedule: TriggerFactory | None = None
    #: How the schedule reads on the admin page and in ``tracker jobs list``.
    schedule_text: Callable[[Mapping[str, Any]], str] | None = None

    def describe_schedule(self, config: Mapping[str, Any]) -> str:
        if self.schedule_text is not None:
            return self.schedule_text(config)
        return "Scheduled" if self.schedule else "Only when started by another job or by hand"


#: name → job. Filled by :func:`load_jobs`.
JOBS: dict[str, Job] = {}


def register_job(name: str, func: JobFunc, *, description: str, per_day: bool = True,
                 schedule: TriggerFactory | None = None,
                 schedule_text: Callable[[Mapping[str, Any]], str] | None = None) -> Job:
    job = Job(name=name, func=func, description=description, per_day=per_day, schedule=schedule,
              schedule_text=schedule_text)
    JOBS[name] = job
    return job


def load_jobs() -> dict[str, Job]:
    """Import every domain's ``jobs.py`` (idempotent) and return the registry."""
    discover("jobs")
    return JOBS
