"""The leaving-care domain's facts (see tracker.tracking.registry). Their correction and
deletion pages are shared, one address segment (``slug``) per kind of record."""

from __future__ import annotations

from tracker.leaving_care.models import (
    PATHWAY_EVENTS,
    Accommodation,
    Activity,
    CareLeaverRecord,
    PaContact,
    PathwayEvent,
    StayingPut,
    Tenancy,
)
from tracker.tracking.registry import Fact, Page, declare


def _pages(slug: str, record: str) -> dict[str, Page]:
    return {"record": Page(f"leaving_care.{record}"),
            "correct": Page("leaving_care.edit_record", "record_id", {"slug": slug}),
            "delete": Page("leaving_care.delete_record", "record_id", {"slug": slug})}


declare(
    Fact(
        PathwayEvent, on="on", label=lambda e: PATHWAY_EVENTS.get(e.kind, e.kind),
        event=tuple(PATHWAY_EVENTS), event_of=lambda e: e.kind,
        button="Record a pathway plan event", area="leaving_care",
        **_pages("pathway-events", "record_pathway_event"),
    ),
    Fact(
        PaContact, on="contact_on", label="Personal adviser contact", detail=lambda c: c.method,
        event="pa_contact",
        button="Record a PA contact", area="leaving_care",
        **_pages("contacts", "record_contact"),
    ),
    Fact(
        Accommodation, on="start_on", label="Accommodation",
        detail=lambda a: f"{a.accommodation} ({'suitable' if a.suitable else 'not suitable'})",
        event="accommodation_changed", data=lambda a: {"accommodation": a.accommodation, "suitable": a.suitable},
        area="leaving_care", **_pages("accommodation", "record_accommodation"),
    ),
    Fact(
        Activity, on="start_on", label="Activity (education, employment or training)", detail=lambda a: a.activity,
        area="leaving_care", **_pages("activities", "record_activity"),
    ),
    Fact(
        Tenancy, on="start_on", label="Tenancy started", detail=lambda t: t.tenure.replace("_", " "),
        ended_on="end_on", ended_label="Tenancy ended", ended_detail=lambda t: (t.end_reason or "").replace("_", " "),
        area="leaving_care", **_pages("tenancies", "record_tenancy"),
    ),
    Fact(
        StayingPut, on="start_on", label="Staying put started", ended_on="end_on", ended_label="Staying put ended",
        area="leaving_care", **_pages("staying-put", "record_staying_put"),
    ),
    Fact(
        CareLeaverRecord, on="recorded_on", label="Care leaver information recorded", detail=lambda r: r.in_touch,
        event="care_leaver_data_recorded",
        data=lambda r: {"in_touch": r.in_touch, "activity": r.activity, "accommodation": r.accommodation,
                        "suitable": r.suitable},
        area="leaving_care", **_pages("birthday-data", "record_birthday_data"),
    ),
)
