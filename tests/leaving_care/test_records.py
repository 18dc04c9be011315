"""Recording, correcting and deleting care-leaver records through the forms: messages
next to the fields, nothing half-saved, history kept, every change audited and recomputed."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from tests.helpers import csrf_token, sign_in, submit, text_of
from tests.leaving_care.conftest import FROZEN
from tracker.audit.models import AuditEvent
from tracker.leaving_care.models import (
    Accommodation,
    Activity,
    CareLeaverRecord,
    PaContact,
    StayingPut,
    Tenancy,
)
from tracker.tracking.models import TrackedItem

pytestmark = pytest.mark.usefixtures("frozen")


@pytest.fixture()
def frozen():
    with time_machine.travel(FROZEN, tick=False):
        yield


@pytest.fixture()
def pa(factory):
    return factory.user(role="personal_adviser", name="Pat Adviser")


@pytest.fixture()
def young(leavers, pa):
    """A former relevant young person aged 19 (born 10/05/2007, left care 10/05/2025)."""
    return leavers.former_relevant(age=19, adviser=pa)


def _url(child, slug: str, action: str = "new", record=None) -> str:
    base = f"/children/{child.id}/leaving-care/{slug}"
    return f"{base}/{action}" if record is None else f"{base}/{record.id}/{action}"


def _count(session, model, child) -> int:
    session.expire_all()
    return session.query(model).filter_by(child_id=child.id).count()


def test_tenancy_ending_before_it_started_is_refused_next_to_the_end_date(client, session, pa, young) -> None:
    sign_in(client, pa)
    resp = submit(client, _url(young, "tenancies"), {"tenure": "council", "start_on": dt.date(2026, 6, 1),
                                                     "end_on": dt.date(2026, 5, 1), "end_reason": "planned_move"})
    page = text_of(resp)
    assert resp.status_code == 200 and "<title>Error:" in page
    assert 'id="end_on-error"' in page
    assert "End date must be on or after the start date (01/06/2026)" in page
    assert _count(session, Tenancy, young) == 0


def test_an_activity_code_that_is_not_an_oc3_code_is_refused(client, session, pa, young) -> None:
    sign_in(client, pa)
    for code in ("Q9", "F3"):  # F3 is a historic code split into F4/F5
        resp = submit(client, _url(young, "activities"), {"start_on": dt.date(2026, 9, 1), "activity": code})
        page = text_of(resp)
        assert 'id="activity-error"' in page
        assert "Select the activity from the list" in page
    assert _count(session, Activity, young) == 0


def test_accommodation_without_suitability_is_refused_and_the_current_one_stays_open(
        client, session, pa, young) -> None:
    sign_in(client, pa)
    ok = submit(client, _url(young, "accommodation"), {"start_on": dt.date(2025, 5, 10), "accommodation": "Z",
                                                       "suitable": "yes"})
    assert ok.status_code == 302
    resp = submit(client, _url(young, "accommodation"), {"start_on": dt.date(2026, 10, 1), "accommodation": "D"})
    page = text_of(resp)
    assert 'id="suitable-error"' in page
    assert "Select whether the accommodation is suitable" in page
    session.expire_all()
    rows = session.query(Accommodation).filter_by(child_id=young.id).all()
    assert [(r.accommodation, r.end_on) for r in rows] == [("Z", None)]  # nothing half-saved
    not_suitable = submit(client, _url(young, "accommodation"), {"start_on": dt.date(2026, 10, 1),
                                                                 "accommodation": "D", "suitable": "no"})
    assert "Enter why the accommodation is not suitable" in text_of(not_suitable)
    bad_postcode = submit(client, _url(young, "accommodation"), {"start_on": dt.date(2026, 10, 1),
                                                                 "accommodation": "D", "suitable": "yes",
                                                                 "postcode_district": "L 6"})
    assert "Enter the first part of the postcode only, like LS6" in text_of(bad_postcode)
    assert _count(session, Accommodation, young) == 1


def test_accommodation_while_still_looked_after_is_refused(client, session, leavers, pa) -> None:
    in_care = leavers.young_person(dob=dt.date(2009, 9, 1), entered=dt.date(2024, 9, 2), adviser=pa)
    sign_in(client, pa)
    resp = submit(client, _url(in_care, "accommodation"), {"start_on": dt.date(2026, 10, 1),
                                                           "accommodation": "D", "suitable": "yes"})
    assert "The young person was looked after on this date: record a placement instead" in text_of(resp)
    assert _count(session, Accommodation, in_care) == 0


def test_a_new_accommodation_ends_the_previous_one_and_deleting_it_reopens_that(client, session, pa, young) -> None:
    sign_in(client, pa)
    submit(client, _url(young, "accommodation"), {"start_on": dt.date(2025, 5, 10), "accommodation": "Z",
                                                  "suitable": "yes", "postcode_district": "db1"})
    resp = submit(client, _url(young, "accommodation"), {"start_on": dt.date(2026, 9, 1), "accommodation": "U",
                                                         "suitable": "yes"}, follow=True)
    assert "Accommodation recorded" in text_of(resp)
    session.expire_all()
    first, second = session.query(Accommodation).filter_by(child_id=young.id).order_by(Accommodation.start_on)
    assert (first.end_on, second.end_on) == (dt.date(2026, 9, 1), None)
    assert first.postcode_district == "DB1"
    page = text_of(client.get(f"/children/{young.id}/leaving-care"))
    assert "Z: With former foster carer(s), aged 18 or over" in page and "U: Independent living" in page

    # Overlapping an existing accommodation is refused.
    clash = submit(client, _url(young, "accommodation"), {"start_on": dt.date(2025, 5, 10), "accommodation": "B",
                                                          "suitable": "yes"})
    assert "This overlaps the accommodation from 10/05/2025 to 01/09/2026" in text_of(clash)

    delete = submit(client, _url(young, "accommodation", "delete", second), {"version": str(second.version)},
                    follow=True)
    assert "Accommodation deleted" in text_of(delete)
    session.expire_all()
    only = session.query(Accommodation).filter_by(child_id=young.id).one()
    assert only.accommodation == "Z" and only.end_on is None
    deleted = session.query(AuditEvent).filter_by(entity_type="accommodations", action="delete").one()
    assert deleted.child_id == young.id and deleted.before["accommodation"] == "U"


def test_a_contact_is_recorded_corrected_and_deleted_with_history_and_audit(client, session, pa, young) -> None:
    sign_in(client, pa)
    resp = submit(client, _url(young, "contacts"), {"contact_on": dt.date(2026, 11, 20), "method": "visit",
                                                    "seen_alone": True}, follow=True)
    page = text_of(resp)
    assert "Personal adviser contact recorded" in page
    assert "20/11/2026" in page and "Visit" in page and "Pat Adviser" in page
    contact = session.query(PaContact).filter_by(child_id=young.id).one()
    assert contact.seen_alone and contact.adviser_id == pa.id
    # The contact completes the open PA contact item at once, and the next one is due 2 months on.
    session.expire_all()
    items = session.query(TrackedItem).filter_by(child_id=young.id, kind="pa_contact").all()
    assert any(i.completed_on == dt.date(2026, 11, 20) for i in items)
    assert [i.due_on for i in items if i.is_open] == [dt.date(2027, 1, 20)]

    edit = submit(client, _url(young, "contacts", "edit", contact),
                  {"contact_on": dt.date(2026, 11, 19), "method": "phone", "version": str(contact.version)})
    assert edit.status_code == 302
    session.expire_all()
    assert (contact.contact_on, contact.method, contact.seen_alone) == (dt.date(2026, 11, 19), "phone", False)
    update = session.query(AuditEvent).filter_by(entity_type="pa_contacts", action="update").one()
    assert update.before == {"contact_on": "2026-11-20", "method": "visit", "seen_alone": True}
    assert update.actor_id == pa.id and update.child_id == young.id

    submit(client, _url(young, "contacts", "delete", contact), {"version": str(contact.version)})
    assert _count(session, PaContact, young) == 0
    session.expire_all()
    assert [i.due_on for i in session.query(TrackedItem).filter_by(child_id=young.id, kind="pa_contact")
            if i.is_open] == [dt.date(2025, 7, 10)]  # back to 2 months after leaving care


def test_a_correction_from_a_stale_form_is_refused(client, session, pa, young) -> None:
    sign_in(client, pa)
    submit(client, _url(young, "activities"), {"start_on": dt.date(2026, 9, 1), "activity": "F2"})
    activity = session.query(Activity).filter_by(child_id=young.id).one()
    url = _url(young, "activities", "edit", activity)
    token = csrf_token(client, url)
    activity.activity = "F5"  # someone else saves first
    session.flush()
    resp = client.post(url, data={"csrf_token": token, "version": "1", "start_on": ["1", "9", "2026"],
                                  "activity": "G5"})
    assert "changed by someone else since you opened it" in text_of(resp)
    session.expire_all()
    assert activity.activity == "F5"


def test_birthday_data_follows_the_oc3_consistency_rules(client, session, pa, young) -> None:
    sign_in(client, pa)
    url = _url(young, "birthday-data")
    on = dt.date(2026, 5, 20)
    in_touch_without = text_of(submit(client, url, {"recorded_on": on, "in_touch": "YES", "activity": "F2"}))
    assert "A young person in touch needs an accommodation type, not 0 (OC3 rule 345)" in in_touch_without
    died_with = text_of(submit(client, url, {"recorded_on": on, "in_touch": "DIED", "activity": "G5"}))
    assert "Choose 0 (none) when the young person has died (OC3 rule 344)" in died_with
    half = text_of(submit(client, url, {"recorded_on": on, "in_touch": "NO", "accommodation": "D",
                                        "suitable": "yes"}))
    assert "Give both the activity and the accommodation, or neither (OC3 rule 153)" in half
    no_suitability = text_of(submit(client, url, {"recorded_on": on, "in_touch": "YES", "activity": "F2",
                                                  "accommodation": "D"}))
    assert "Select whether the accommodation is suitable" in no_suitability
    assert _count(session, CareLeaverRecord, young) == 0

    ok = submit(client, url, {"recorded_on": on, "in_touch": "YES", "activity": "F2", "accommodation": "D",
                              "suitable": "yes"})
    assert ok.status_code == 302
    session.expire_all()
    item = session.query(TrackedItem).filter_by(child_id=young.id, kind="care_leaver_birthday_data", age=19).one()
    assert item.status == "done_on_time" and item.completed_on == on
    died = submit(client, url, {"recorded_on": dt.date(2026, 3, 1), "in_touch": "DIED"})
    assert "once died, always died (OC3 rule 348)" in text_of(died)


def test_foster_carer_accommodation_and_foyers_are_only_for_18_and_over(client, session, leavers, pa) -> None:
    # Left care at 17 (relevant), born 10/03/2009.
    young = leavers.young_person(dob=dt.date(2009, 3, 10), entered=dt.date(2024, 9, 2), left=dt.date(2026, 6, 1),
                                 adviser=pa)
    sign_in(client, pa)
    for letter, rule in (("Z", "OC3 rule 3001"), ("T", "OC3 rule 347")):
        page = text_of(submit(client, _url(young, "accommodation"), {"start_on": dt.date(2026, 6, 1),
                                                                     "accommodation": letter, "suitable": "yes"}))
        assert f"is only for young people aged 18 or over ({rule})" in page
    assert _count(session, Accommodation, young) == 0


def test_staying_put_must_end_by_the_21st_birthday(client, session, leavers, pa) -> None:
    young = leavers.former_relevant(age=21, adviser=pa)  # 21st birthday 10/05/2026
    sign_in(client, pa)
    url = _url(young, "staying-put")
    late = text_of(submit(client, url, {"carer_ref": "CR1234", "start_on": dt.date(2023, 5, 10),
                                        "end_on": dt.date(2026, 6, 1)}))
    assert "Staying put ends by the 21st birthday (10/05/2026)" in late
    still_open = text_of(submit(client, url, {"start_on": dt.date(2023, 5, 10)}))
    assert "Staying put ended by the 21st birthday (10/05/2026): enter the date it ended" in still_open
    early = text_of(submit(client, url, {"start_on": dt.date(2023, 4, 1), "end_on": dt.date(2026, 5, 10)}))
    assert "Staying put starts on or after the 18th birthday (10/05/2023)" in early
    assert _count(session, StayingPut, young) == 0
    assert submit(client, url, {"carer_ref": "CR1234", "start_on": dt.date(2023, 5, 10),
                                "end_on": dt.date(2026, 5, 10)}).status_code == 302
    assert _count(session, StayingPut, young) == 1


def test_pathway_events_refuse_duplicates_and_an_extension_before_18(client, session, leavers, pa, young) -> None:
    sign_in(client, pa)
    url = _url(young, "pathway-events")
    assert submit(client, url, {"kind": "pathway_plan_reviewed", "on": dt.date(2026, 10, 1)}).status_code == 302
    again = text_of(submit(client, url, {"kind": "pathway_plan_reviewed", "on": dt.date(2026, 10, 1)}))
    assert "Pathway plan reviewed on 01/10/2026 is already recorded" in again
    before_16 = text_of(submit(client, url, {"kind": "needs_assessment_completed", "on": dt.date(2023, 1, 5)}))
    assert "Date it happened must be on or after the 16th birthday (10/05/2023)" in before_16
    in_care = leavers.young_person(dob=dt.date(2009, 9, 1), entered=dt.date(2024, 9, 2), adviser=pa)
    early = text_of(submit(client, _url(in_care, "pathway-events"), {"kind": "pa_extended_to_25",
                                                                     "on": dt.date(2026, 10, 1)}))
    assert "Support can be extended to 25 only from the 18th birthday (01/09/2027)" in early
    future = text_of(submit(client, url, {"kind": "pathway_plan_reviewed", "on": dt.date(2026, 11, 23)}))
    assert "Date it happened must be today or in the past" in future


def test_only_leaving_care_roles_can_record_and_the_tab_shows_no_buttons_to_others(client, factory, session, pa,
                                                                                  young) -> None:
    iro = factory.user(role="iro")
    young.iro_id = iro.id  # the young person's own IRO reads the record, records nothing here
    session.flush()
    sign_in(client, iro)
    tab = text_of(client.get(f"/children/{young.id}/leaving-care"))
    assert "Former relevant" in tab
    assert "Record a contact" not in tab
    assert client.get(_url(young, "contacts")).status_code == 403
