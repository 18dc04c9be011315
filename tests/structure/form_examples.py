"""A valid example for each form that records something new.

The structural test finds every form by itself; a form that refuses an unchanged submit
(a "record a new …" form starts empty) needs a valid example here, and the test names any
that has none. Values are merged over what the form shows; dates are ``dt.date``.
An example's ``child`` picks another demo child when the populated ones do not fit.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.structure.formcrawl import PASSWORD, TODAY

#: What the change-password example sets (the structural world's user keeps it).
NEW_PASSWORD = "Quiet-lagoon-pepper-77"


@dataclass(frozen=True)
class Example:
    values: Callable[[Session, int], dict[str, Any]]
    #: Picks the demo child to use from the session and the populated children (in care,
    #: care leaver); default: the populated child whose page links the form.
    child: Callable[[Session, list[int]], int] | None = None
    #: Text the page the user lands on must show afterwards (one of them, if several).
    shows: str | tuple[str, ...] | None = None


def _days_ago(n: int) -> dt.date:
    return TODAY - dt.timedelta(days=n)


def _iro(session: Session, _child_id: int) -> str:
    from tracker.auth.models import User

    return str(session.scalar(select(User.id).where(User.role == "iro").order_by(User.id).limit(1)))


def _care_leaver(_session: Session, populated: list[int]) -> int:
    return populated[1]


def _care_leaver_not_staying_put(session: Session, populated: list[int]) -> int:
    """The populated care leaver, or (if they are staying put now, or not 18 to 20) another."""
    from tracker.children.models import Child
    from tracker.leaving_care.models import PaContact, StayingPut

    staying = set(session.scalars(select(StayingPut.child_id).where(StayingPut.end_on.is_(None))))
    leavers = select(PaContact.child_id).distinct()
    candidates = [c for c in session.scalars(select(Child).where(Child.id.in_(leavers), Child.restricted.is_(False))
                                             .order_by(Child.id))
                  if c.id not in staying and 18 <= c.age_on(TODAY) < 21]  # staying put is from 18 to 21
    candidates.sort(key=lambda c: c.id != populated[1])
    if candidates:
        return candidates[0].id
    raise LookupError("the demo has no care leaver aged 18 to 20 who is not staying put")


def _another_in_care(session: Session, populated: list[int]) -> int:
    from tracker.children.models import Child

    for child in session.scalars(select(Child).where(Child.id.not_in(populated), Child.restricted.is_(False))
                                 .order_by(Child.id)):
        if any(p.end_on is None for p in child.care_periods):
            return child.id
    raise LookupError("the demo has no other child in care")


def _out_of_care_under_18(session: Session, _populated: list[int]) -> int:
    from tracker.children.models import Child

    # A child who has left care, else one never looked after (the "new child" example
    # above, if the demo has no such child).
    candidates = [c for c in session.scalars(select(Child).order_by(Child.id))
                  if c.age_on(TODAY) < 17 and all(p.end_on for p in c.care_periods)]
    candidates.sort(key=lambda c: not c.care_periods)
    if candidates:
        return candidates[0].id
    raise LookupError("the demo has no child under 17 who is not looked after")


def _free_day(session: Session, child_id: int, column: Any, *, span: int = 1) -> dt.date:
    """The latest day (of ``span`` days) in the child's current placement with no record
    of ``column``'s kind on it (the example records one there)."""
    from tracker.children.models import Placement

    model = column.class_
    taken = set(session.scalars(select(column).where(model.child_id == child_id)))
    start = session.scalar(select(func.max(Placement.start_on)).where(Placement.child_id == child_id)) or TODAY
    day = TODAY - dt.timedelta(days=span - 1)
    while any(day + dt.timedelta(days=n) in taken for n in range(span)) and day > start:
        day -= dt.timedelta(days=1)
    return day


def _visit(session: Session, child_id: int) -> dict[str, Any]:
    from tracker.visits.models import Visit

    return {"visited_on": _free_day(session, child_id, Visit.visited_on), "seen_alone": "no"}


def _plan(model_name: str) -> Callable[[Session, int], dict[str, Any]]:
    def values(session: Session, child_id: int) -> dict[str, Any]:
        from tracker.visits import models

        return {"completed_on": _free_day(session, child_id, getattr(models, model_name).completed_on)}

    return values


def _missing(session: Session, child_id: int) -> dict[str, Any]:
    """Missing yesterday, back today, interviewed today: after every episode on record."""
    from tracker.missing.models import MissingEpisode

    last = session.scalar(select(func.max(func.coalesce(MissingEpisode.end_on, MissingEpisode.start_on)))
                          .where(MissingEpisode.child_id == child_id))
    start = max(_days_ago(1), last or _days_ago(1))
    return {"kind": "M", "start_on": start, "end_on": TODAY, "interview": "held", "interview_on": TODAY}


def _return_files(session: Session) -> list[tuple[io.BytesIO, str]]:
    """This year's SSDA903 return as the tracker exports it: importing it changes nothing."""
    from tracker.codes import collection_year
    from tracker.returns.queries import get_return

    files = get_return(session, collection_year(TODAY)).files()
    return [(io.BytesIO(text.encode()), name) for name, text in files.items()]


EXAMPLES: dict[str, Example] = {
    # First, while the demo's return is as exported (later examples add a child in care
    # with no placement yet).
    # Imported at once ("Nothing to change"), or queued for the background import.
    "returns.import_return": Example(lambda s, c: {"files": _return_files(s)},
                                     shows=("Nothing to change", "Waiting to start")),
    "children.new_child": Example(lambda s, c: {
        "local_id": "EX0001", "first_name": "Robin", "last_name": "Example", "date_of_birth": dt.date(2016, 5, 4),
        "sex": "2", "ethnicity": "WBRI"}, shows="Robin Example"),
    "children.change_legal_status": Example(lambda s, c: {"start_on": _days_ago(3), "code": "E1"},
                                            shows=_days_ago(3).strftime("%d/%m/%Y")),
    "children.enter_care": Example(lambda s, c: {"start_on": _days_ago(7), "legal_status": "V2",
                                                 "category_of_need": "N1"}, child=_out_of_care_under_18,
                                   shows=_days_ago(7).strftime("%d/%m/%Y")),
    "returns.record_social_worker": Example(lambda s, c: {"worker_ref": "SW123456", "start_on": _days_ago(8),
                                                          "reason": "MANAGE"}, shows="SW123456"),
    "returns.record_deprivation_of_liberty": Example(lambda s, c: {"start_on": _days_ago(8)},
                                                     shows=_days_ago(8).strftime("%d/%m/%Y")),
    "education.record_pep": Example(lambda s, c: {"held_on": _days_ago(5)}, shows=_days_ago(5).strftime("%d/%m/%Y")),
    "health.record_dental_check": Example(lambda s, c: {"checked_on": _days_ago(5)}),
    "health.record_health_assessment": Example(lambda s, c: {"held_on": _days_ago(5), "kind": "review"}),
    "health.record_sdq": Example(lambda s, c: {"completed_on": _days_ago(5), "score": "14"}),
    "leaving_care.record_pathway_event": Example(lambda s, c: {"kind": "pathway_plan_reviewed", "on": _days_ago(4)}, child=_care_leaver),
    "leaving_care.record_contact": Example(lambda s, c: {"contact_on": _days_ago(4), "method": "visit",
                                                         "seen_alone": True}, child=_care_leaver),
    "leaving_care.record_accommodation": Example(lambda s, c: {"start_on": _days_ago(4), "accommodation": "S",
                                                               "suitable": "yes", "postcode_district": "DB3"}, child=_care_leaver),
    "leaving_care.record_activity": Example(lambda s, c: {"start_on": _days_ago(4), "activity": "F2"}, child=_care_leaver),
    "leaving_care.record_tenancy": Example(lambda s, c: {"tenure": "council", "start_on": _days_ago(4)}, child=_care_leaver),
    "leaving_care.record_staying_put": Example(lambda s, c: {"carer_ref": "FC-118", "start_on": _days_ago(4)},
                                               child=_care_leaver_not_staying_put),
    "leaving_care.record_birthday_data": Example(lambda s, c: {"recorded_on": _days_ago(1), "in_touch": "YES",
                                                               "activity": "F2", "accommodation": "S",
                                                               "suitable": "yes"}, child=_care_leaver),
    "children.leave_care": Example(lambda s, c: {"end_on": _days_ago(1), "reason_ceased": "E11"},
                                   child=_another_in_care),
    "meetings.meeting_child": Example(lambda s, c: {"decision": "Keep the placement; review the plan in March",
                                                    "action_title": "Ask the carer about respite"}),
    "meetings.start_meeting": Example(lambda s, c: {"attendees": "Jo Whitfield, group manager (chair)"}),
    "permanence.record_plan": Example(lambda s, c: {"agreed_on": _days_ago(6), "plan": "long_term_fostering"}),
    "permanence.record_milestone": Example(lambda s, c: {"kind": "permanence_panel", "on": _days_ago(6)}),
    "permanence.record_court_event": Example(lambda s, c: {"kind": "pre_proceedings_started", "on": _days_ago(6)}),
    "placements.new_placement": Example(lambda s, c: {
        "start_on": _days_ago(2), "placement_type": "U4", "provider": "PR1", "previous_end_reason": "CREQB",
        "carer_ref": "FC-204", "weekly_cost": "612.50", "postcode_district": "DB2"}, shows="£612.50"),
    "visits.record_visit": Example(_visit, shows="Visit recorded"),
    "visits.record_care_plan": Example(_plan("CarePlan"), shows="Care plan recorded"),
    "visits.record_placement_plan": Example(_plan("PlacementPlan"), shows="Placement plan recorded"),
    "missing.record_episode": Example(_missing, shows="Missing episode recorded"),
    "reviews.record_review": Example(lambda s, c: {"held_on": _days_ago(0), "participation": "PN1",
                                                   "iro_id": _iro(s, c)}),
    "auth.change_password": Example(lambda s, c: {"current_password": PASSWORD, "new_password": NEW_PASSWORD,
                                                  "confirm_password": NEW_PASSWORD},
                                    shows="Your password has been changed"),
    "actions.new_action": Example(lambda s, c: {"title": "Book the dentist", "due_on": TODAY + dt.timedelta(days=20),
                                                 "source": "review"}, shows="Book the dentist"),
}


#: Forms rightly refused when sent as shown for the populated child, with the message that
#: tells the user why (the success path is tested with the domain).
REFUSED_AS_SHOWN: dict[str, str] = {
    # The child's only period of care still has placements.
    "children.delete_care_period": "delete them first",
}
