"""Reads for the permanence tab: plans, milestones, pre-proceedings and proceedings."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.children.models import Child
from tracker.permanence.models import CourtEvent, PermanenceMilestone, PermanencePlan

PROCEEDINGS_WEEKS = 26


@dataclass
class PreProceedings:
    started: CourtEvent
    ended: CourtEvent | None
    weeks_allowed: int
    as_of: dt.date

    @property
    def week(self) -> int:
        """Week n of the pre-proceedings (the start date is in week 1)."""
        end = self.ended.on if self.ended else self.as_of
        return (end - self.started.on).days // 7 + 1


@dataclass
class Proceedings:
    issued: CourtEvent
    as_of: dt.date
    extensions: list[CourtEvent] = field(default_factory=list)
    hearings: list[CourtEvent] = field(default_factory=list)
    final: CourtEvent | None = None

    @property
    def weeks_allowed(self) -> int:
        return PROCEEDINGS_WEEKS + sum(e.weeks or 0 for e in self.extensions)

    @property
    def week(self) -> int:
        """Week n of the 26 weeks "beginning with the issue date": the issue date is in week 1."""
        end = self.final.on if self.final else self.as_of
        return (end - self.issued.on).days // 7 + 1

    @property
    def summary(self) -> str:
        if self.extensions:
            ext = sum(e.weeks or 0 for e in self.extensions)
            of = f"{self.weeks_allowed} ({PROCEEDINGS_WEEKS} weeks + {ext} weeks of extensions)"
        else:
            of = str(PROCEEDINGS_WEEKS)
        if self.final:
            return f"Concluded in week {self.week} of {of}"
        return f"Week {self.week} of {of}"

    @property
    def over_time(self) -> bool:
        return self.week > self.weeks_allowed


def list_plans(session: Session, child: Child) -> list[PermanencePlan]:
    return list(session.scalars(select(PermanencePlan).where(PermanencePlan.child_id == child.id)
                                .order_by(PermanencePlan.agreed_on.desc())))


def list_milestones(session: Session, child: Child) -> list[PermanenceMilestone]:
    return list(session.scalars(select(PermanenceMilestone).where(PermanenceMilestone.child_id == child.id)
                                .order_by(PermanenceMilestone.on.desc())))


def list_court_events(session: Session, child: Child) -> list[CourtEvent]:
    return list(session.scalars(select(CourtEvent).where(CourtEvent.child_id == child.id)
                                .order_by(CourtEvent.on, CourtEvent.id)))


def group_court_events(events: list[CourtEvent], *, today: dt.date,
                       pre_proceedings_weeks: int) -> tuple[list[PreProceedings], list[Proceedings]]:
    """Pair each pre-proceedings start with its ending, and each issue of proceedings
    with its extensions, hearings and final order, as the rules engine does."""
    pre: list[PreProceedings] = []
    enders = [e for e in events if e.kind in ("pre_proceedings_ended", "proceedings_issued")]
    for start in (e for e in events if e.kind == "pre_proceedings_started"):
        ended = next((e for e in enders if e.on >= start.on), None)
        pre.append(PreProceedings(started=start, ended=ended, weeks_allowed=pre_proceedings_weeks, as_of=today))
    procs: list[Proceedings] = []
    issues = [e for e in events if e.kind == "proceedings_issued"]
    for i, issued in enumerate(issues):
        final = next((e for e in events if e.kind == "final_order" and e.on >= issued.on), None)
        until = final.on if final else (issues[i + 1].on if i + 1 < len(issues) else dt.date.max)
        p = Proceedings(issued=issued, as_of=today, final=final)
        p.extensions = [e for e in events if e.kind == "proceedings_extended" and issued.on <= e.on < until]
        p.hearings = [e for e in events if e.kind == "hearing" and issued.on <= e.on <= until]
        procs.append(p)
    pre.reverse()
    procs.reverse()
    return pre, procs
