"""Placement moves: start, correct, end. Never commits."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker import codes
from tracker.children.models import Child
from tracker.children.services import _check_date, check_version
from tracker.errors import ValidationError
from tracker.placements.models import Placement

_FIELDS = ("start_on", "end_on", "placement_type", "provider", "postcode_district", "over_20_miles",
           "outside_authority", "emergency", "weekly_cost", "carer_ref", "end_reason")


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
    if start and (msg := codes.PLACEMENT_TYPE.message(ptype, start)):
        errors["placement_type"] = msg
    provider = data.get("provider") or None
    if provider and start and (msg := codes.PLACEMENT_PROVIDER.message(provider, start)):
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
    if start and ptype in codes.PLACEMENT_MIN_AGE and "placement_type" not in errors:
        min_age = codes.PLACEMENT_MIN_AGE[ptype]
        if child.age_on(start) < min_age:
            errors["placement_type"] = f"{ptype} placements are only for children aged {min_age} or over"
    cost = data.get("weekly_cost")
    if cost not in (None, ""):
        try:
            if Decimal(str(cost)) < 0:
                errors["weekly_cost"] = "Weekly cost must be 0 or more"
        except InvalidOperation:
            errors["weekly_cost"] = "Weekly cost must be an amount in pounds, like 850.00"
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
        out["weekly_cost"] = Decimal(str(out["weekly_cost"])) if out["weekly_cost"] not in (None, "") else None
    for k in ("over_20_miles", "outside_authority", "emergency"):
        if k in out:
            out[k] = bool(out[k])
    return out


def start_placement(session: Session, child: Child, data: dict[str, Any], *, today: dt.date) -> Placement:
    """Record a placement. If another placement is open, it ends the day this one starts
    (the usual move), with the reason given as ``previous_end_reason``."""
    start = data.get("start_on")
    previous = None
    if start is not None:
        previous = session.scalar(select(Placement).where(Placement.child_id == child.id,
                                                          Placement.end_on.is_(None),
                                                          Placement.start_on < start))
    # A savepoint, so a refused move leaves the previous placement as it was.
    with session.begin_nested():
        if previous is not None:
            prev_reason = data.get("previous_end_reason") or ""
            if msg := codes.REASON_PLACE_CHANGE.message(prev_reason, start):
                raise ValidationError({"previous_end_reason": msg if prev_reason
                                       else "Select why the previous placement ended"})
            previous.end_on = start
            previous.end_reason = prev_reason
            session.flush()
        errors = _validate(session, child, data, today=today, placement=None)
        if errors:
            raise ValidationError(errors)
        placement = Placement(child=child, **_clean(data))
        session.add(placement)
        session.flush()
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
    return placement


def end_placement(session: Session, placement: Placement, *, end_on: dt.date | None, end_reason: str,
                  today: dt.date, expected_version: int | None = None) -> Placement:
    if end_on is None:
        raise ValidationError({"end_on": "Enter the date the placement ended"})
    return update_placement(session, placement, {"end_on": end_on, "end_reason": end_reason},
                            today=today, expected_version=expected_version)


def delete_placement(session: Session, placement: Placement, *, expected_version: int | None = None) -> None:
    check_version(placement, expected_version)
    session.delete(placement)
    session.flush()
