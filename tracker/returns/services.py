"""Writes for the return: the details only the return needs, and the import (from
``tracker.returns.importer``). Never commits; refusals raise ``ValidationError``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.children.models import Child
from tracker.children.services import check_version_or_absent
from tracker.errors import ValidationError
from tracker.placements.models import Placement
from tracker.returns import codes as rcodes
from tracker.returns.importer import (
    ImportPlan,
    ImportRefused,
    ImportResult,
    apply_import,
    import_return,
    prepare_import,
)
from tracker.returns.models import (
    AdoptionReturn,
    ChildReturnDetail,
    Oc2Record,
    PlacementReturnDetail,
    PreviousPermanence,
)
from tracker.tracking.calendars import birthday

__all__ = ["ImportPlan", "ImportRefused", "ImportResult", "apply_import", "import_return", "prepare_import",
           "record_adoption_details", "record_child_details", "record_oc2", "record_placement_details"]


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
