"""The only place that reads the wall clock.

Everything else takes ``as_of``/``today`` explicitly or calls these helpers, so tests can
freeze time (time-machine) and jobs can be run "as of" another day.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


def now() -> dt.datetime:
    """Current instant as an aware UTC datetime (stored in ``*_at`` columns)."""
    return dt.datetime.now(dt.UTC)


def today() -> dt.date:
    """Today's calendar date in Europe/London (all rule dates are local dates)."""
    return dt.datetime.now(LONDON).date()
