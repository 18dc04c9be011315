"""``tracker scheduler`` and ``tracker jobs list|run``."""

from __future__ import annotations

import datetime as dt
import logging
import sys

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from tracker.extensions import db
from tracker.jobs.queries import last_runs
from tracker.jobs.registry import load_jobs
from tracker.jobs.runner import run_job
from tracker.jobs.scheduler import CannotStart, run_forever
from tracker.logs import configure_logging


def _setup_logging(level: int = logging.INFO) -> None:
    # JSON lines on standard error, like the web servers' (tracker.logs).
    configure_logging(level)


@click.command("scheduler")
@with_appcontext
def scheduler_command() -> None:
    """Run the job scheduler (its own process; one is active, others wait as standby)."""
    _setup_logging()
    try:
        run_forever(current_app._get_current_object())  # type: ignore[attr-defined]
    except CannotStart as exc:
        raise click.ClickException(str(exc)) from None


@click.group("jobs", help="Scheduled jobs: list them, or run one now.")
def jobs_group() -> None:
    pass


@jobs_group.command("list")
@with_appcontext
def jobs_list() -> None:
    """Each job, its schedule and its last run."""
    runs = last_runs(db.session)
    for name, job in load_jobs().items():
        click.echo(f"{name}")
        click.echo(f"  {job.description}")
        click.echo(f"  Schedule: {job.describe_schedule(current_app.config)}")
        run = runs.get(name)
        if run is None:
            click.echo("  Last run: never")
        else:
            click.echo(f"  Last run: {run.slot} {run.status}, started {run.started_at:%Y-%m-%d %H:%M:%S} UTC"
                       + (f" — {run.error}" if run.error else ""))


@jobs_group.command("run")
@click.argument("name")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="Run for this business day (default: today in London)")
@click.option("--force", is_flag=True, help="Run again even if it has already run for that day (safe: "
                                            "alerts and emails are unique, so nothing is doubled)")
@with_appcontext
def jobs_run(name: str, today: dt.datetime | None, force: bool) -> None:
    """Run job NAME once, now (scan, escalate, digest, send-email, …)."""
    jobs = load_jobs()
    if name not in jobs:
        raise click.BadParameter(f"no job {name!r}; jobs: {', '.join(jobs)}", param_hint="NAME")
    _setup_logging(logging.WARNING)
    outcome = run_job(name, today=today.date() if today else None, force=force)
    click.echo(outcome.summary())
    if outcome.status == "failed":
        sys.exit(1)


def register(app: Flask) -> None:
    app.cli.add_command(scheduler_command)
    app.cli.add_command(jobs_group)
