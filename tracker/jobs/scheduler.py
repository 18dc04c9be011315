"""The ``tracker scheduler`` process: APScheduler 3 with a persistent job store.

Never started inside web workers. One process is active at a time (see
:mod:`tracker.jobs.lock`); the others wait as standby and take over when it dies.

At start the active process *reconciles* the job store with the registry without losing
missed runs: a job whose schedule is unchanged is left exactly as stored, so if its
next run time passed while no scheduler was running, APScheduler runs it once straight
away (``coalesce=True``, within ``MISFIRE_GRACE_SECONDS``). A job whose schedule changed
keeps a missed run too (its next run time is the earlier of the stored one and the new
schedule's). Jobs no longer registered are removed. Whatever runs twice by accident is
harmless: each daily job's run is claimed in ``job_runs`` for its business day.

At takeover and every JOB_CATCH_UP_EVERY_SECONDS the active process also *catches up*:
any daily job whose time has passed today and that has not succeeded today runs now
(a run whose process died is taken over; see :mod:`tracker.jobs.liveness`), and runs
left "running" by dead processes are marked failed. So a scheduler killed in the middle
of the scan costs minutes, not a day.

Every process records a heartbeat (``scheduler_heartbeats``) at each poll, active or
standby: :func:`tracker.jobs.queries.get_scheduler_heartbeat` reads the active one's.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import signal
import socket
import threading
from typing import Any

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import STATE_RUNNING
from flask import Flask
from sqlalchemy import delete, inspect, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from tracker import clock
from tracker.db import make_engine
from tracker.extensions import db
from tracker.jobs.liveness import keepalive, liveness_for
from tracker.jobs.lock import LeaderLock, make_lock
from tracker.jobs.models import SchedulerHeartbeat
from tracker.jobs.registry import load_jobs
from tracker.jobs.runner import completed, reap_dead_runs, run_job, running_alive

log = logging.getLogger("tracker.scheduler")

#: The app the scheduled functions run in (set by :func:`serve`).
_APP: Flask | None = None
#: Set while this process holds the leader lock; jobs stop between batches once cleared.
_LEADER = threading.Event()
JOB_TABLE = "apscheduler_jobs"
LONDON = "Europe/London"


def fire(name: str) -> None:
    """What the job store calls (by reference ``tracker.jobs.scheduler:fire``)."""
    if _APP is None:  # pragma: no cover - only ever called inside serve()
        raise RuntimeError("the scheduler app is not set")
    with _APP.app_context():
        outcome = run_job(name, still_leader=_LEADER.is_set)
    # The runner logs daily jobs and every failure; a job that runs all day is only worth
    # a line when it did something.
    if outcome.status == "ok" and not load_jobs()[name].per_day and any(
            v for k, v in outcome.counts.items() if k != "held"):
        log.info("%s", outcome.summary())


class _Scheduler(BackgroundScheduler):
    """APScheduler 3 runs one more round of due jobs when woken to shut down (its loop
    checks the state only after processing), submitting them to stopped executors and
    advancing their next run time: a run due at that moment would be lost. Process jobs
    only while running."""

    def _process_jobs(self) -> float | None:
        if self.state != STATE_RUNNING:
            return None
        return super()._process_jobs()


def build_scheduler(app: Flask) -> BackgroundScheduler:
    config = app.config
    store = SQLAlchemyJobStore(engine=make_engine(config["DATABASE_URL"]), tablename=JOB_TABLE)
    return _Scheduler(
        jobstores={"default": store, "memory": MemoryJobStore()},
        executors={"default": ThreadPoolExecutor(4)},
        job_defaults={"coalesce": True, "max_instances": 1,
                      "misfire_grace_time": int(config["MISFIRE_GRACE_SECONDS"])},
        timezone=LONDON,
    )


def reconcile(scheduler: BackgroundScheduler, config: Any) -> dict[str, str]:
    """Make the stored jobs match the registry, keeping any run missed while stopped.

    The scheduler must be started paused, so stored jobs are visible and nothing runs yet.
    Returns what was done to each job (for the log).
    """
    wanted = {name: job for name, job in load_jobs().items() if job.schedule is not None}
    stored = {j.id: j for j in scheduler.get_jobs(jobstore="default")}
    now = clock.now()
    done: dict[str, str] = {}
    for name, job in wanted.items():
        trigger = job.schedule(config)
        func_ref = f"{__name__}:fire"
        existing = stored.get(name)
        if existing is None:
            scheduler.add_job(func_ref, trigger, id=name, name=name, args=[name], jobstore="default")
            done[name] = "added"
        elif str(existing.trigger) == str(trigger) and existing.func_ref == func_ref and list(existing.args) == [name]:
            done[name] = "kept" + (" (missed run due now)" if existing.next_run_time and
                                   existing.next_run_time <= now else "")
        else:
            new_next = trigger.get_next_fire_time(None, now)
            old_next = existing.next_run_time
            next_run = min(old_next, new_next) if old_next and new_next else (new_next or old_next)
            scheduler.modify_job(name, jobstore="default", func=func_ref, args=[name], trigger=trigger,
                                 next_run_time=next_run, name=name)
            done[name] = "schedule changed"
    for name in set(stored) - set(wanted):
        scheduler.remove_job(name, jobstore="default")
        done[name] = "removed"
    return done


def catch_up() -> dict[str, str]:
    """Run every daily job whose time has passed today and that has not succeeded today;
    mark failed the runs whose process died. Returns what was started (for the log)."""
    if _APP is None:  # pragma: no cover - only ever called inside serve()
        raise RuntimeError("the scheduler app is not set")
    done: dict[str, str] = {}
    with _APP.app_context():
        session = db.session
        liveness = liveness_for(_APP.config)
        reap_dead_runs(session, liveness)

        def in_hand(job: str, day: dt.date) -> bool:  # done, or being done by a live process
            return completed(session, job, day) or running_alive(session, liveness, job, day)

        for name in due_today_not_done(_APP.config, in_hand):
            session.commit()
            if not _LEADER.is_set():
                break
            outcome = run_job(name, still_leader=_LEADER.is_set)
            done[name] = outcome.status if outcome.status != "skipped" else f"skipped ({outcome.reason})"
    if done:
        log.info("catch-up: %s", ", ".join(f"{k} {v}" for k, v in done.items()))
    return done


def due_today_not_done(config: Any, is_done: Any, now: dt.datetime | None = None) -> list[str]:
    """Daily jobs whose scheduled time today (London) has passed and that have not
    succeeded for today, in registry order."""
    now = now or clock.now()
    local = now.astimezone(clock.LONDON)
    midnight = dt.datetime.combine(local.date(), dt.time(), tzinfo=clock.LONDON)
    due = []
    for name, job in load_jobs().items():
        if not job.per_day or job.schedule is None:
            continue
        first = job.schedule(config).get_next_fire_time(None, midnight)
        if first is None or first > now or first.astimezone(clock.LONDON).date() != local.date():
            continue
        if not is_done(name, local.date()):
            due.append(name)
    return due


class Heartbeat:
    """This process's row in ``scheduler_heartbeats``."""

    def __init__(self, url: str) -> None:
        self._engine: Engine = make_engine(url)
        self._row = {"host": socket.gethostname()[:100], "pid": os.getpid(), "started_at": clock.now()}
        self._id: int | None = None

    def beat(self, state: str) -> None:
        now = clock.now()
        try:
            with self._engine.begin() as conn:
                if self._id is None:
                    # Rows of processes gone for a week are no use to anyone.
                    conn.execute(delete(SchedulerHeartbeat).where(
                        SchedulerHeartbeat.beat_at < now - dt.timedelta(days=7)))
                    self._id = conn.execute(SchedulerHeartbeat.__table__.insert().values(
                        **self._row, state=state, beat_at=now).returning(SchedulerHeartbeat.id)).scalar_one()
                else:
                    conn.execute(update(SchedulerHeartbeat).where(SchedulerHeartbeat.id == self._id)
                                 .values(state=state, beat_at=now))
        except SQLAlchemyError as exc:
            log.warning("cannot record the scheduler heartbeat: %s", exc)

    def close(self) -> None:
        self.beat("stopped")
        self._engine.dispose()


def serve(app: Flask, stop: threading.Event, lock: LeaderLock | None = None) -> None:
    """Wait for the lock, then run the scheduler until ``stop`` is set or the lock is lost."""
    global _APP
    _APP = app
    config = app.config
    _check_can_start(config)
    poll = max(1, int(config["SCHEDULER_POLL_SECONDS"]))
    lock = lock or make_lock(config["DATABASE_URL"], app.instance_path, keepalive(config))
    heartbeat = Heartbeat(config["DATABASE_URL"])
    standby_logged = False
    try:
        while not stop.is_set():
            if not lock.try_acquire():
                heartbeat.beat("standby")
                if not standby_logged:
                    log.info("standby: another scheduler holds the %s; waiting to take over", lock.description)
                    standby_logged = True
                stop.wait(poll)
                continue
            standby_logged = False
            _LEADER.set()
            heartbeat.beat("active")
            log.info("active: holding the %s", lock.description)
            scheduler = build_scheduler(app)
            scheduler.start(paused=True)
            try:
                for name, what in sorted(reconcile(scheduler, config).items()):
                    log.info("job %s: %s", name, what)
                if config.get("SCAN_ON_START"):
                    scheduler.add_job(f"{__name__}:fire", "date", args=["scan"], id="scan-at-start",
                                      jobstore="memory", misfire_grace_time=None)
                # Soon (after the store's own missed runs have started), then every so
                # often: whatever daily job is due and not done.
                scheduler.add_job(f"{__name__}:catch_up", "interval", id="catch-up", jobstore="memory",
                                  seconds=max(60, int(config["JOB_CATCH_UP_EVERY_SECONDS"])),
                                  next_run_time=clock.now() + dt.timedelta(seconds=poll),
                                  misfire_grace_time=None)
                scheduler.resume()
                while not stop.wait(poll):
                    if not lock.still_held():
                        log.error("lost the %s; stopping jobs and going back to standby", lock.description)
                        break
                    heartbeat.beat("active")
            finally:
                _LEADER.clear()  # running jobs stop at their next checkpoint
                scheduler.shutdown(wait=True)
                lock.release()
    finally:
        heartbeat.close()
    log.info("stopped")


class CannotStart(RuntimeError):
    """A reason the scheduler cannot start (shown as one line, no traceback)."""


def _check_can_start(config: Any) -> None:
    for name, job in load_jobs().items():
        if job.schedule is not None:
            try:
                job.schedule(config)
            except (ValueError, KeyError) as exc:
                raise CannotStart(f"job {name}: bad schedule setting: {exc}") from None
    engine = make_engine(config["DATABASE_URL"])
    try:
        if not inspect(engine).has_table("job_runs"):
            raise CannotStart("the database has no job_runs table: run `tracker db upgrade` first")
    finally:
        engine.dispose()


def run_forever(app: Flask) -> None:
    """Entry point of ``tracker scheduler``: serve until SIGTERM or Ctrl-C."""
    stop = threading.Event()

    def _stop(signum: int, _frame: Any) -> None:
        log.info("signal %d: finishing running jobs, then stopping", signum)
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    serve(app, stop)
