"""Placement moves: start, correct, end, delete. Never commits."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker import codes
from tracker.children.models import Child, Placement
from tracker.children.services import _check_date, check_version
from tracker.errors import ValidationError
from tracker.tracking.services import recompute_child

_FIELDS = ("start_on", "end_on", "placement_type", "provider", "postcode_district", "over_20_miles",
           "outside_authority", "emergency", "long_term", "temporary_approval", "weekly_cost", "carer_ref",
           "end_reason")

#: The most a week's placement is taken to cost: anything above is a typing error (the
#: dearest secure and residential placements cost a few thousand pounds a week).
MAX_WEEKLY_COST = Decimal("50000")
_AMOUNT_RE = re.compile(r"^\d{1,9}(\.\d{1,2})?$")


def parse_weekly_cost(raw: object) -> tuple[Decimal | None, str | None]:
    """A weekly cost as typed ("850", "£1,250.50") and the message if it is not one."""
    text = str(raw if raw is not None else "").strip().replace(",", "").removeprefix("£").strip()
    if not text:
        return None, None
    if not _AMOUNT_RE.match(text):
        return None, "Weekly cost must be an amount in pounds, like 850.00"
    amount = Decimal(text)
    if amount > MAX_WEEKLY_COST:
        return None, (f"Weekly cost must be £{MAX_WEEKLY_COST:,.0f} or less a week; "
                      f"check it (£{amount:,.2f} looks like a typing error)")
    return amount, None


def _validate(session: Session, child: Child, data: dict[str, Any], *, today: dt.date,
              placement: Placement | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    start, end = data.get("start_on"), data.get("end_on")
    if start is None:
        errors["start_on"] = "Enter the date the placement started"
    _check_date(errors, "start_on", start, today=today, child=child, what="Start date")
    _check_date(errors, "end_on", end, today=today, child=child, what="End date")
    if start and end and end < start:
        errors["end_on"] = f"End date must be on or after the start date ({start:%d/%m/%Y})"
    ptype = data.get("placement_type") or ""
    if msg := codes.PLACEMENT_TYPE.message(ptype, start or today):
        errors["placement_type"] = msg
    provider = data.get("provider") or None
    if provider and (msg := codes.PLACEMENT_PROVIDER.message(provider, start or today)):
        errors["provider"] = msg
    elif provider == "PR0" and ptype != "P1":
        errors["provider"] = "PR0 (parents) is only for placements with parents (P1)"
    elif ptype == "P1" and provider not in (None, "PR0"):
        errors["provider"] = "A placement with parents (P1) has provider PR0"
    end_reason = data.get("end_reason") or None
    if end and not end_reason:
        errors["end_reason"] = "Select why the placement ended"
    elif end_reason and (msg := codes.REASON_PLACE_CHANGE.message(end_reason, end or start or today)):
        errors["end_reason"] = msg
    elif end_reason and not end:
        errors["end_reason"] = "Only give a reason for ending when the placement has an end date"
    elif end_reason == "CUSTOD" and end and child.age_on(end) < 10:
        errors["end_reason"] = "Custody (CUSTOD) is not possible under 10"
    if data.get("temporary_approval") and ptype and ptype not in codes.CONNECTED_PERSON_PLACEMENTS:
        errors["temporary_approval"] = ("Temporary approval (regulation 24) is only for a child fostered with a "
                                        "relative or friend (U1, U2 or U3)")
    if start and ptype in codes.PLACEMENT_MIN_AGE and "placement_type" not in errors:
        min_age = codes.PLACEMENT_MIN_AGE[ptype]
        if child.age_on(start) < min_age:
            errors["placement_type"] = f"{ptype} placements are only for children aged {min_age} or over"
    _cost, cost_error = parse_weekly_cost(data.get("weekly_cost"))
    if cost_error:
        errors["weekly_cost"] = cost_error
    carer = (data.get("carer_ref") or "").strip()
    if len(carer) > 30:
        errors["carer_ref"] = "Carer reference must be 30 characters or fewer"
    district = (data.get("postcode_district") or "").strip().upper()
    if district and not (2 <= len(district) <= 4 and district[0].isalpha() and district.isalnum()):
        errors["postcode_district"] = "Enter the postcode district only, like LS6 or M1"
    if start and "start_on" not in errors:
        period = next((p for p in child.care_periods if p.contains(start)), None)
        if period is None:
            errors["start_on"] = "The child was not looked after on this date; record the period of care first"
        else:
            if end is None and period.end_on is not None:
                errors["end_on"] = f"The period of care ended on {period.end_on:%d/%m/%Y}; enter the placement's end date"
            elif end is not None and period.end_on is not None and end > period.end_on:
                errors["end_on"] = f"The period of care ended on {period.end_on:%d/%m/%Y}"
        if "end_on" not in errors:
            clash = _overlap(session, child, start, end, placement.id if placement else None)
            if clash is not None:
                errors["start_on"] = (f"This overlaps the {clash.placement_type} placement from "
                                      f"{clash.start_on:%d/%m/%Y}"
                                      + (f" to {clash.end_on:%d/%m/%Y}" if clash.end_on else " (still open)"))
    return errors


def _overlap(session: Session, child: Child, start: dt.date, end: dt.date | None,
             exclude_id: int | None) -> Placement | None:
    for p in session.scalars(select(Placement).where(Placement.child_id == child.id)):
        if p.id == exclude_id:
            continue
        # [start, end): a move on day D ends one placement and starts the next on D.
        if start < (p.end_on or dt.date.max) and p.start_on < (end or dt.date.max):
            return p
    return None


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    out = {k: data.get(k) for k in _FIELDS if k in data}
    for k in ("provider", "end_reason", "carer_ref"):
        if k in out:
            out[k] = (out[k] or "").strip() or None
    if "postcode_district" in out:
        out["postcode_district"] = (out["postcode_district"] or "").strip().upper() or None
    if "weekly_cost" in out:
        out["weekly_cost"] = parse_weekly_cost(out["weekly_cost"])[0]
    for k in ("over_20_miles", "outside_authority", "emergency", "long_term", "temporary_approval"):
        if k in out:
            out[k] = bool(out[k])
    return out


def start_placement(session: Session, child: Child, data: dict[str, Any], *, today: dt.date) -> Placement:
    """Record a placement. If another placement is open, it ends the day this one starts
    (the usual move), with the reason given as ``previous_end_reason``. Every problem is
    reported at once."""
    start = data.get("start_on")
    previous = None
    if start is not None:
        previous = session.scalar(select(Placement).where(Placement.child_id == child.id,
                                                          Placement.end_on.is_(None),
                                                          Placement.start_on < start))
    errors: dict[str, str] = {}
    prev_reason = data.get("previous_end_reason") or ""
    # A savepoint, so a refused move leaves the previous placement as it was.
    with session.begin_nested() as savepoint:
        if previous is not None:
            if msg := codes.REASON_PLACE_CHANGE.message(prev_reason, start):
                errors["previous_end_reason"] = (msg if prev_reason
                                                 else "Select why the previous placement ended")
            previous.end_on = start
            previous.end_reason = prev_reason if "previous_end_reason" not in errors else None
            session.flush()
        elif prev_reason and start is not None:
            errors["previous_end_reason"] = ("There is no earlier placement still open to end: "
                                             "leave this as \u201cNot a move\u201d")
        errors = _validate(session, child, data, today=today, placement=None) | errors
        if errors:
            savepoint.rollback()
            raise ValidationError(errors)
        placement = Placement(child=child, **_clean(data))
        session.add(placement)
        session.flush()
    recompute_child(session, child, today=today)  # a placement starts its plan and visit clocks
    return placement


def update_placement(session: Session, placement: Placement, data: dict[str, Any], *, today: dt.date,
                     expected_version: int | None = None) -> Placement:
    check_version(placement, expected_version)
    merged = {k: getattr(placement, k) for k in _FIELDS} | {k: data[k] for k in _FIELDS if k in data}
    errors = _validate(session, placement.child, merged, today=today, placement=placement)
    if errors:
        raise ValidationError(errors)
    for k, v in _clean(merged).items():
        setattr(placement, k, v)
    session.flush()
    recompute_child(session, placement.child, today=today)
    return placement


@dataclass(frozen=True)
class Deletion:
    """What deleting a placement does to the child's placement history, in words the
    confirmation page shows before the user decides."""

    refused: str | None = None
    #: The placement the deleted one followed (a move). It takes the deleted one's place:
    #: it is current again, or ends when the deleted one ended.
    reopens: Placement | None = None
    reopens_until: dt.date | None = None
    #: The child is looked after but would have no current placement afterwards.
    leaves_no_current: bool = False

    @property
    def explanation(self) -> str:
        if self.refused:
            return self.refused
        if self.reopens is not None:
            p = self.reopens
            then = (f"it will end on {self.reopens_until:%d/%m/%Y} instead" if self.reopens_until
                    else "it becomes the current placement again")
            return (f"This placement followed the {p.placement_type} placement from {p.start_on:%d/%m/%Y}. "
                    f"Deleting it undoes the move: that placement is reopened and {then}.")
        if self.leaves_no_current:
            return ("The child is looked after and will have no current placement afterwards: record where "
                    "they live now straight away.")
        return "The rest of the child's placement history stays as it is."

    @property
    def outcome(self) -> str:
        """What happened, for the page after deleting."""
        if self.reopens is None:
            return "Placement deleted"
        p = self.reopens
        then = (f"now ends on {self.reopens_until:%d/%m/%Y}" if self.reopens_until
                else "is the current placement again")
        return f"Placement deleted. The {p.placement_type} placement from {p.start_on:%d/%m/%Y} was reopened and {then}"


def plan_deletion(session: Session, placement: Placement) -> Deletion:
    """Deleting a placement must leave the history consistent: a placement that a later
    one follows on from is not deleted (that would leave a gap); deleting the move to a
    placement reopens the placement it followed; and deleting the current placement of a
    child still looked after, with none before it, is allowed but said out loud."""
    others = list(session.scalars(select(Placement).where(Placement.child_id == placement.child_id,
                                                          Placement.id != placement.id)))
    follower = next((p for p in others if placement.end_on is not None and p.start_on == placement.end_on), None)
    if follower is not None:
        return Deletion(refused=(
            f"The {follower.placement_type} placement from {follower.start_on:%d/%m/%Y} follows on from this one, so "
            "deleting it would leave a gap in the child's placements. Delete the later placement first, or "
            "correct this placement's details instead."))
    previous = next((p for p in others if p.end_on == placement.start_on), None)
    if previous is not None:
        return Deletion(reopens=previous, reopens_until=placement.end_on)
    in_care = any(p.end_on is None for p in placement.child.care_periods)
    return Deletion(leaves_no_current=placement.end_on is None and in_care)


def delete_placement(session: Session, placement: Placement, *, today: dt.date,
                     expected_version: int | None = None) -> Deletion:
    """Delete a placement recorded by mistake (see :func:`plan_deletion`)."""
    check_version(placement, expected_version)
    deletion = plan_deletion(session, placement)
    if deletion.refused:
        raise ValidationError({"_form": deletion.refused})
    previous = deletion.reopens
    child = placement.child
    end_on, end_reason = placement.end_on, placement.end_reason
    session.delete(placement)
    session.flush()
    if previous is not None:
        merged = {k: getattr(previous, k) for k in _FIELDS} | {"end_on": end_on, "end_reason": end_reason}
        errors = _validate(session, previous.child, merged, today=today, placement=previous)
        if errors:
            raise ValidationError({"_form": "The placement before it cannot be reopened: "
                                   + "; ".join(errors.values())})
        previous.end_on, previous.end_reason = end_on, end_reason
        session.flush()
    recompute_child(session, child, today=today)
    return deletion
