"""Reads for the permanence tab: plans, milestones, pre-proceedings and proceedings."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.children.models import Child
from tracker.permanence.models import CourtEvent, PermanenceMilestone, PermanencePlan
from tracker.tracking.engine import RuleConfig
from tracker.tracking.rules import court


@dataclass
class PreProceedings:
    """Pre-proceedings, with the decision date the rules engine gives them."""

    started: CourtEvent
    ended: CourtEvent | None
    due: dt.date
    as_of: dt.date

    @property
    def weeks_allowed(self) -> int:
        return court.weeks_allowed(self.started.on, self.due)

    @property
    def week(self) -> int:
        """Week n of the pre-proceedings (the start date is in week 1)."""
        return court.week_number(self.started.on, self.ended.on if self.ended else self.as_of)


@dataclass
class Proceedings:
    """Care proceedings, timed by the rules engine (26 weeks plus the extensions that count)."""

    issued: CourtEvent
    as_of: dt.date
    extensions: list[CourtEvent] = field(default_factory=list)
    hearings: list[CourtEvent] = field(default_factory=list)
    final: CourtEvent | None = None

    @property
    def due(self) -> dt.date:
        return court.proceedings_due(self.issued.on, [(e.on, e.weeks or 0) for e in self.extensions],
                                     self.final.on if self.final else None)

    @property
    def weeks_allowed(self) -> int:
        return court.weeks_allowed(self.issued.on, self.due)

    @property
    def week(self) -> int:
        """Week n of the 26 weeks "beginning with the issue date": the issue date is in week 1."""
        return court.week_number(self.issued.on, self.final.on if self.final else self.as_of)

    @property
    def summary(self) -> str:
        base = court.weeks_allowed(self.issued.on, court.proceedings_due(self.issued.on))
        if self.extensions:
            of = f"{self.weeks_allowed} ({base} weeks + {self.weeks_allowed - base} weeks of extensions)"
        else:
            of = str(base)
        if self.final:
            return f"Concluded in week {self.week} of {of}"
        return f"Week {self.week} of {of}"

    @property
    def over_time(self) -> bool:
        return (self.final.on if self.final else self.as_of) > self.due


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
                       config: RuleConfig) -> tuple[list[PreProceedings], list[Proceedings]]:
    """Pair each pre-proceedings start with its ending, and each issue of proceedings
    with its final order and the extensions that count, exactly as the rules engine does
    (and with its dates); hearings are listed up to the final order or the next issue."""
    pre: list[PreProceedings] = []
    enders = [e for e in events if e.kind in ("pre_proceedings_ended", "proceedings_issued")]
    for start in (e for e in events if e.kind == "pre_proceedings_started"):
        ended = next((e for e in enders if e.on >= start.on), None)
        pre.append(PreProceedings(started=start, ended=ended, due=court.pre_proceedings_due(start.on, config),
                                  as_of=today))
    procs: list[Proceedings] = []
    issues = [e for e in events if e.kind == "proceedings_issued"]
    extensions = [e for e in events if e.kind == "proceedings_extended"]
    for i, issued in enumerate(issues):
        final = next((e for e in events if e.kind == "final_order" and e.on >= issued.on), None)
        until = final.on if final else (issues[i + 1].on if i + 1 < len(issues) else dt.date.max)
        final_on = final.on if final else None
        p = Proceedings(issued=issued, as_of=today, final=final,
                        extensions=[e for e in extensions if court.extension_counts(issued.on, e.on, final_on)],
                        hearings=[e for e in events if e.kind == "hearing" and issued.on <= e.on <= until])
        procs.append(p)
    pre.reverse()
    procs.reverse()
    return pre, procs
