"""Writes for the return: the details only the return needs, and the import (from
``tracker.returns.importer``). Never commits; refusals raise ``ValidationError``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.children.models import Child, Placement
from tracker.children.services import check_fact_date, check_version, check_version_or_absent
from tracker.errors import ValidationError
from tracker.returns import codes as rcodes
from tracker.returns.importer import (
    ImportPlan,
    ImportRefused,
    ImportResult,
    Writes,
    import_return,
    plan_writes,
    prepare_import,
    write_import,
)
from tracker.returns.models import (
    AdoptionReturn,
    ChildReturnDetail,
    DeprivationOfLiberty,
    Oc2Record,
    PlacementReturnDetail,
    PreviousPermanence,
    SocialWorkerEpisode,
)
from tracker.tracking.calendars import birthday

__all__ = ["ImportPlan", "ImportRefused", "ImportResult", "Writes", "import_return", "plan_writes", "prepare_import",
           "write_import",
           "record_adoption_details", "record_child_details", "record_oc2", "record_placement_details",
           "record_social_worker", "update_social_worker", "delete_social_worker", "record_deprivation_of_liberty",
           "update_deprivation_of_liberty", "delete_deprivation_of_liberty"]


def _one(session: Session, model: Any, **key: Any) -> Any:
    return session.scalar(select(model).filter_by(**key))


def record_child_details(session: Session, child: Child, data: dict[str, Any], *, today: dt.date,
                         expected_version: int | None = None, expected_perm_version: int | None = None) -> None:
    """Header MOTHER and MC_DOB, UASC DUC and PrevPerm for one child. The two records
    are each checked against the version the form was opened at (0: none yet)."""
    detail = _one(session, ChildReturnDetail, child_id=child.id)
    perm = _one(session, PreviousPermanence, child_id=child.id)
    check_version_or_absent(detail, expected_version)
    check_version_or_absent(perm, expected_perm_version)
    errors: dict[str, str] = {}
    mother, born = data.get("mother"), data.get("first_child_born_on")
    if mother is not None and child.sex != "2":
        errors["mother"] = "Only recorded for girls and young women"
    elif mother and born is None:
        errors["first_child_born_on"] = "Enter the date of birth of her first child"
    elif born is not None and not mother:
        errors["first_child_born_on"] = "Only give a date of birth if she is a mother"
    elif born is not None and (born > today or born < birthday(child.date_of_birth, 10)):
        errors["first_child_born_on"] = "The date must be in the past and after her 10th birthday"
    ceased = data.get("uasc_ceased_on")
    if ceased is not None and not child.date_of_birth <= ceased <= birthday(child.date_of_birth, 18):
        errors["uasc_ceased_on"] = ("The date UASC status ceased must be between the child's birth and 18th "
                                    f"birthday ({birthday(child.date_of_birth, 18):%d/%m/%Y})")
    option = data.get("prev_perm") or None
    la_code = (data.get("prev_perm_la") or "").strip().upper() or None
    order = (data.get("prev_perm_date") or "").strip().upper() or None
    if option is not None and option not in rcodes.PREVIOUS_PERMANENCE:
        errors["prev_perm"] = "Select the previous permanence from the list"
    elif option in (None, "Z1") and (la_code or order):
        errors["prev_perm_la" if la_code else "prev_perm_date"] = \
            "Only give the authority and date when there was a previous permanence order"
    elif option not in (None, "Z1"):
        if not la_code or not (la_code.isdigit() and len(la_code) == 3 or la_code in rcodes.LA_PERM_OTHER):
            errors["prev_perm_la"] = "Enter the authority's 3-digit code (999 if not known), or WAL, SCO, NIR or NUK"
        if not order or not rcodes.DATE_PERM_RE.match(order):
            errors["prev_perm_date"] = "Enter the date of the order as dd/mm/yyyy, with ZZ for any part not known"
    if errors:
        raise ValidationError(errors)
    if detail is not None or (mother, born, ceased) != (None, None, None):  # nothing recorded: no empty row
        detail = detail or ChildReturnDetail(child_id=child.id)
        detail.mother, detail.first_child_born_on, detail.uasc_ceased_on = mother, born, ceased
        session.add(detail)
    if option is None and perm is not None:
        session.delete(perm)
    elif option is not None:
        perm = perm or PreviousPermanence(child_id=child.id)
        perm.option, perm.la_code, perm.order_date = option, la_code, order
        session.add(perm)
    session.flush()


def record_placement_details(session: Session, placement: Placement, data: dict[str, Any],
                             expected_version: int | None = None) -> PlacementReturnDetail | None:
    """HOME_POST, PL_POST and the provider's Ofsted URN for a placement."""
    errors: dict[str, str] = {}
    values: dict[str, str | None] = {}
    for field, what in (("home_postcode", "home"), ("placement_postcode", "placement")):
        value = rcodes.normalise_postcode((data.get(field) or "").strip())
        if value and not rcodes.POSTCODE_RE.match(value):
            errors[field] = f"Enter the full {what} postcode, like DE22 3BF"
        values[field] = value
    urn = (data.get("urn") or "").strip().upper() or None
    if urn and not rcodes.URN_RE.match(urn):
        errors["urn"] = "Enter the Ofsted URN: SC and 6 digits, 6 or 7 digits, or XXXXXXX for a regional adoption agency"
    if errors:
        raise ValidationError(errors)
    detail = _one(session, PlacementReturnDetail, placement_id=placement.id)
    check_version_or_absent(detail, expected_version)
    if detail is None:
        if not any(values.values()) and not urn:
            return None  # nothing recorded: no empty row
        detail = PlacementReturnDetail(placement_id=placement.id, child_id=placement.child_id)
        session.add(detail)
    detail.home_postcode, detail.placement_postcode, detail.urn = values["home_postcode"], \
        values["placement_postcode"], urn
    session.flush()
    return detail


def record_oc2(session: Session, child: Child, year: int, data: dict[str, Any], *,
               expected_version: int | None = None) -> Oc2Record | None:
    """The OC2 items the tracker does not work out itself, for one collection year."""
    record = _one(session, Oc2Record, child_id=child.id, year=year)
    check_version_or_absent(record, expected_version)
    errors: dict[str, str] = {}
    misuse, received, offered = data.get("substance_misuse"), data.get("intervention_received"), \
        data.get("intervention_offered")
    if misuse and received is None:
        errors["intervention_received"] = "Record whether an intervention was received"
    elif misuse and received is False and offered is None:
        errors["intervention_offered"] = "Record whether an intervention was offered"
    elif not misuse and (received is not None or offered is not None):
        errors["intervention_received"] = "Only recorded when a substance misuse problem was identified"
    elif received and offered is not None:
        errors["intervention_offered"] = "Not recorded when an intervention was received"
    if data.get("convicted") is not None and birthday(child.date_of_birth, 10) > dt.date(year + 1, 3, 31):
        errors["convicted"] = "Only recorded for children aged 10 or over at 31 March"
    reason = data.get("sdq_reason") or None
    if reason is not None and reason not in rcodes.SDQ_REASON:
        errors["sdq_reason"] = "Select the reason there is no SDQ score from the list"
    if errors:
        raise ValidationError(errors)
    keys = ("immunisations", "substance_misuse", "intervention_received", "intervention_offered", "convicted")
    if record is None:
        if reason is None and all(data.get(k) is None for k in keys):
            return None  # nothing recorded: no empty row
        record = Oc2Record(child_id=child.id, year=year, as_returned=False)
        session.add(record)
    for key in keys:
        setattr(record, key, data.get(key))
    record.sdq_reason = reason
    session.flush()
    return record


def record_adoption_details(session: Session, child: Child, data: dict[str, Any], *,
                            expected_version: int | None = None) -> AdoptionReturn | None:
    """AD1: the adopters (dates come from the permanence milestones)."""
    record = _one(session, AdoptionReturn, child_id=child.id)
    check_version_or_absent(record, expected_version)
    count, sex, status = data.get("adopters_count"), data.get("adopters_sex") or None, \
        data.get("adopters_legal_status") or None
    errors: dict[str, str] = {}
    if sex and sex not in rcodes.ADOPTER_SEX:
        errors["adopters_sex"] = "Select the adopters' sex from the list"
    if status and status not in rcodes.ADOPTER_LEGAL_STATUS:
        errors["adopters_legal_status"] = "Select the adopters' legal status from the list"
    if errors:
        pass
    elif sex and status and sex not in rcodes.ADOPTER_SEX_FOR_STATUS[status]:
        errors["adopters_sex"] = (f"{rcodes.ADOPTER_LEGAL_STATUS.label(status)} adopters are "
                                  + " or ".join(rcodes.ADOPTER_SEX_FOR_STATUS[status]))
    elif sex and count and (count == 1) != (sex in ("M1", "F1")):
        errors["adopters_count"] = f"{sex} does not match {count} adopter(s)"
    if errors:
        raise ValidationError(errors)
    if record is None:
        if (data.get("by_foster_carer"), count, sex, status) == (None, None, None, None):
            return None  # nothing recorded: no empty row
        record = AdoptionReturn(child_id=child.id)
        session.add(record)
    record.by_foster_carer, record.adopters_count = data.get("by_foster_carer"), count
    record.adopters_sex, record.adopters_legal_status = sex, status
    session.flush()
    return record


# Social-worker episodes (SWEpisodes) and deprivation of liberty orders (DoLo) ----------

def _dated_checks(session: Session, child: Child, start: dt.date | None, end: dt.date | None, *, today: dt.date,
                  what: str, in_care: bool) -> dict[str, str]:
    errors = check_fact_date(session, child, start, today=today, field="start_on", what=f"The date the {what} started",
                             in_care=in_care)
    if end is not None:
        if end > today:
            errors["end_on"] = f"The date the {what} ended must be today or in the past"
        elif start is not None and end <= start:
            errors["end_on"] = f"The date the {what} ended must be after the date it started ({start:%d/%m/%Y})"
    return errors


def _overlap(others: list[Any], start: dt.date, end: dt.date | None) -> Any | None:
    """The first of ``others`` whose dates overlap start–end (an open one runs on)."""
    for o in others:
        if start < (o.end_on or dt.date.max) and o.start_on < (end or dt.date.max):
            return o
    return None


def _check_social_worker(session: Session, child: Child, data: dict[str, Any], *, today: dt.date,
                         record: SocialWorkerEpisode | None = None) -> tuple[dict[str, Any], list[Any]]:
    ref = (data.get("worker_ref") or "").strip().upper().replace(" ", "")
    start, end, reason = data.get("start_on"), data.get("end_on"), data.get("reason") or None
    errors = _dated_checks(session, child, start, end, today=today, what="social worker episode", in_care=False)
    if not ref:
        errors["worker_ref"] = "Enter the social worker's ID"
    elif not rcodes.SW_ID_RE.match(ref) or len(ref) > 12:
        errors["worker_ref"] = ("Enter the social worker's ID: SW and their Social Work England registration "
                                "number, like SW123456 (XX and a number if they have none)")
    if reason is None:
        errors["reason"] = "Select why this social worker took over"
    elif reason not in rcodes.SW_REASON:
        errors["reason"] = "Select why this social worker took over from the list"
    others = [e for e in session.scalars(select(SocialWorkerEpisode).where(SocialWorkerEpisode.child_id == child.id)
                                         .order_by(SocialWorkerEpisode.start_on))
              if record is None or e.id != record.id]
    if start is not None and "start_on" not in errors:
        if any(o.start_on == start for o in others):
            errors["start_on"] = f"A social worker episode starting {start:%d/%m/%Y} is already recorded"
        else:
            # Recording a new worker ends the open episode before it that day (a change of
            # social worker); any other overlap is a mistake to correct first.
            ending = None if record is not None else next(
                (o for o in others if o.end_on is None and o.start_on < start and end is None), None)
            clash = _overlap([o for o in others if o is not ending], start, end)
            if clash is not None:
                errors["start_on"] = (f"This overlaps {clash.worker_ref}'s episode from {clash.start_on:%d/%m/%Y}"
                                      + (f" to {clash.end_on:%d/%m/%Y}" if clash.end_on else " (still open)")
                                      + "; correct that one first")
            before = [o for o in others if o.start_on < start]
            if reason == "FCONTA" and before and (before[-1].end_on is None or before[-1].end_on >= start):
                errors["reason"] = ("First contact is for a new case; this worker took over from "
                                    f"{before[-1].worker_ref}: select why the social worker changed")
    if errors:
        raise ValidationError(errors)
    return {"worker_ref": ref, "start_on": start, "end_on": end, "reason": reason}, others


def record_social_worker(session: Session, child: Child, data: dict[str, Any], *, today: dt.date
                         ) -> SocialWorkerEpisode:
    """A new social worker for the child (SWEpisodes). The current worker's open episode,
    if it started earlier, ends the day the new one starts."""
    values, others = _check_social_worker(session, child, data, today=today)
    for o in others:
        if o.end_on is None and o.start_on < values["start_on"] and values["end_on"] is None:
            o.end_on = values["start_on"]
    record = SocialWorkerEpisode(child_id=child.id, **values)
    session.add(record)
    session.flush()
    return record


def update_social_worker(session: Session, record: SocialWorkerEpisode, data: dict[str, Any], *, today: dt.date,
                         expected_version: int | None = None) -> SocialWorkerEpisode:
    check_version(record, expected_version)
    child = session.get(Child, record.child_id)
    assert child is not None
    values, _others = _check_social_worker(session, child, data, today=today, record=record)
    for key, value in values.items():
        setattr(record, key, value)
    session.flush()
    return record


def handed_over_by(session: Session, record: SocialWorkerEpisode) -> SocialWorkerEpisode | None:
    """The episode that ended the day ``record`` started, if ``record`` is the child's
    current (open, latest) one: deleting ``record`` gives that worker the child back."""
    if record.end_on is not None:
        return None
    episodes = list(session.scalars(select(SocialWorkerEpisode).where(SocialWorkerEpisode.child_id == record.child_id)
                                    .order_by(SocialWorkerEpisode.start_on)))
    if episodes[-1].id != record.id or len(episodes) < 2:
        return None
    before = episodes[-2]
    return before if before.end_on == record.start_on else None


def delete_social_worker(session: Session, record: SocialWorkerEpisode, *, expected_version: int | None = None
                         ) -> None:
    """Delete an episode recorded by mistake. If it was the current one and took over from
    an episode that ended that day, that episode is open again (the reverse of recording)."""
    check_version(record, expected_version)
    previous = handed_over_by(session, record)
    session.delete(record)
    if previous is not None:
        previous.end_on = None
    session.flush()


def _check_dolo(session: Session, child: Child, data: dict[str, Any], *, today: dt.date,
                record: DeprivationOfLiberty | None = None) -> dict[str, Any]:
    start, end = data.get("start_on"), data.get("end_on")
    errors = _dated_checks(session, child, start, end, today=today, what="order", in_care=True)
    if start is not None and "start_on" not in errors:
        period = next(p for p in child.care_periods if p.start_on <= start and (p.end_on is None or start <= p.end_on))
        if end is not None and "end_on" not in errors and period.end_on is not None and end > period.end_on:
            errors["end_on"] = f"The order must end by the day the child left care ({period.end_on:%d/%m/%Y})"
        elif end is None and period.end_on is not None:
            errors["end_on"] = (f"The child left care on {period.end_on:%d/%m/%Y}: enter the date the order ended "
                                "(DfE rule 707)")
        others = [o for o in session.scalars(select(DeprivationOfLiberty)
                                             .where(DeprivationOfLiberty.child_id == child.id))
                  if record is None or o.id != record.id]
        clash = _overlap(others, start, end)
        if clash is not None:
            errors["start_on"] = (f"This overlaps the order from {clash.start_on:%d/%m/%Y}"
                                  + (f" to {clash.end_on:%d/%m/%Y}" if clash.end_on else " (still in force)")
                                  + "; a child has one order at a time (DfE rule 705)")
    if errors:
        raise ValidationError(errors)
    return {"start_on": start, "end_on": end}


def record_deprivation_of_liberty(session: Session, child: Child, data: dict[str, Any], *, today: dt.date
                                  ) -> DeprivationOfLiberty:
    """A deprivation of liberty order (DoLo, returned from 2026–27)."""
    record = DeprivationOfLiberty(child_id=child.id, **_check_dolo(session, child, data, today=today))
    session.add(record)
    session.flush()
    return record


def update_deprivation_of_liberty(session: Session, record: DeprivationOfLiberty, data: dict[str, Any], *,
                                  today: dt.date, expected_version: int | None = None) -> DeprivationOfLiberty:
    check_version(record, expected_version)
    child = session.get(Child, record.child_id)
    assert child is not None
    for key, value in _check_dolo(session, child, data, today=today, record=record).items():
        setattr(record, key, value)
    session.flush()
    return record


def delete_deprivation_of_liberty(session: Session, record: DeprivationOfLiberty, *,
                                  expected_version: int | None = None) -> None:
    check_version(record, expected_version)
    session.delete(record)
    session.flush()
