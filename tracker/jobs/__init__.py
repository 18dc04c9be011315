"""Scheduled jobs: the job registry, the runner (one job-run row per run), the
single-instance lock and the ``tracker scheduler`` process.

See :mod:`tracker.jobs.registry` for how a domain package adds a job.
"""
