from __future__ import annotations

import datetime as dt

from tests.helpers import sign_in, submit, text_of
from tracker.children.models import Placement


def _child(factory):
    sw = factory.user()
    child = factory.child(worker=sw, date_of_birth=dt.date(2014, 2, 1), entered_care=dt.date(2024, 1, 8))
    return sw, child


def test_placement_ending_before_it_starts_is_refused_and_nothing_saved(client, factory, session) -> None:
    sw, child = _child(factory)
    sign_in(client, sw)
    resp = submit(client, f"/children/{child.id}/placements/new", {
        "start_on": dt.date(2024, 3, 1), "end_on": dt.date(2024, 2, 1), "end_reason": "CARPL",
        "placement_type": "U6", "provider": "PR1"})
    body = text_of(resp)
    assert "End date must be on or after the start date (01/03/2024)" in body
    assert 'href="#end_on"' in body
    assert session.query(Placement).filter_by(child_id=child.id).count() == 0


def test_unknown_and_out_of_year_codes_are_refused(client, factory) -> None:
    sw, child = _child(factory)
    sign_in(client, sw)
    unknown = submit(client, f"/children/{child.id}/placements/new",
                     {"start_on": dt.date(2024, 3, 1), "placement_type": "XX", "provider": "PR1"})
    assert "Select a placement type from the list" in text_of(unknown)
    z1_late = submit(client, f"/children/{child.id}/placements/new",
                     {"start_on": dt.date(2025, 6, 1), "placement_type": "Z1", "provider": "PR4"})
    assert "Z1 is not a valid placement type code in 2025–26" in text_of(z1_late)


def test_a_move_ends_the_previous_placement_with_its_reason(client, factory, session) -> None:
    sw, child = _child(factory)
    first = factory.placement(child=child, start_on=dt.date(2024, 1, 8), placement_type="U6")
    sign_in(client, sw)
    missing_reason = submit(client, f"/children/{child.id}/placements/new",
                            {"start_on": dt.date(2024, 5, 1), "placement_type": "U4", "provider": "PR1"})
    assert "Select why the previous placement ended" in text_of(missing_reason)
    session.expire_all()
    assert session.get(Placement, first.id).end_on is None  # nothing half-saved
    moved = submit(client, f"/children/{child.id}/placements/new",
                   {"start_on": dt.date(2024, 5, 1), "placement_type": "U4", "provider": "PR1",
                    "previous_end_reason": "CREQB", "emergency": True, "weekly_cost": "520.00"})
    assert moved.status_code == 302
    session.expire_all()
    prev = session.get(Placement, first.id)
    assert prev.end_on == dt.date(2024, 5, 1) and prev.end_reason == "CREQB"
    page = text_of(client.get(f"/children/{child.id}/care-history"))
    assert "Breakdown" in page and "Emergency" in page and "£520.00" in page


def test_overlapping_placements_are_refused(client, factory) -> None:
    sw, child = _child(factory)
    factory.placement(child=child, start_on=dt.date(2024, 1, 8), end_on=dt.date(2024, 4, 1), end_reason="CARPL")
    sign_in(client, sw)
    resp = submit(client, f"/children/{child.id}/placements/new",
                  {"start_on": dt.date(2024, 3, 1), "end_on": dt.date(2024, 3, 20), "end_reason": "CARPL",
                   "placement_type": "U6", "provider": "PR1"})
    assert "This overlaps the U6 placement from 08/01/2024" in text_of(resp)


def test_minimum_age_for_supported_accommodation(client, factory) -> None:
    sw, child = _child(factory)  # aged 10 in 2024
    sign_in(client, sw)
    resp = submit(client, f"/children/{child.id}/placements/new",
                  {"start_on": dt.date(2024, 6, 1), "placement_type": "K3", "provider": "PR4"})
    assert "K3 placements are only for children aged 16 or over" in text_of(resp)
