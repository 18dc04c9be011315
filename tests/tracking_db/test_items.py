"""Tracked items in the app: recording a fact updates them at once; recompute is idempotent."""

from __future__ import annotations

import datetime as dt

import time_machine

from tests.helpers import plain, sign_in, submit, text_of
from tracker.tracking.models import TrackedItem
from tracker.tracking.services import all_child_ids, recompute_children

TODAY = dt.date(2026, 11, 22)


def _items(session, child_id: int) -> dict[str, TrackedItem]:
    session.expire_all()
    return {f"{i.kind}{i.sequence or ''}": i for i in session.query(TrackedItem).filter_by(child_id=child_id)}


@time_machine.travel(dt.datetime(2026, 11, 22, 12, tzinfo=dt.UTC), tick=False)
def test_recording_a_review_updates_the_items_before_the_page_reloads(client, factory, session) -> None:
    sw = factory.user()
    child = factory.child(worker=sw, date_of_birth=dt.date(2015, 3, 4))
    sign_in(client, sw)
    # Entering care through the app creates the first items at once.
    resp = submit(client, f"/children/{child.id}/enter-care",
                  {"start_on": dt.date(2026, 9, 7), "legal_status": "C1", "category_of_need": "N1"})
    assert resp.status_code == 302
    items = _items(session, child.id)
    # 20 working days after Mon 7 Sep 2026 (no bank holidays) = Mon 5 Oct 2026: overdue on 22 Nov.
    assert items["review1"].due_on == dt.date(2026, 10, 5)
    assert items["review1"].status == "overdue"
    page = text_of(client.get(f"/children/{child.id}/due-dates"))
    assert "Overdue" in page and "05/10/2026" in page

    resp = submit(client, f"/children/{child.id}/reviews/new", {"held_on": dt.date(2026, 11, 20),
                                                               "participation": "PN1"}, follow=True)
    page = text_of(resp)
    assert "Review recorded" in page
    items = _items(session, child.id)
    assert items["review1"].status == "done_late"
    assert items["review1"].completed_on == dt.date(2026, 11, 20)
    # Review 2: 3 months after the date review 1 was actually held.
    assert items["review2"].due_on == dt.date(2027, 2, 20)
    assert items["review2"].status == "upcoming"
    assert "20/02/2027" in page
    assert "2026-11-20" in items["review2"].explanation  # explained from the actual date held


@time_machine.travel(dt.datetime(2026, 11, 22, 12, tzinfo=dt.UTC), tick=False)
def test_review_form_refuses_pn0_for_a_child_aged_four_or_more_and_duplicates(client, factory, session) -> None:
    sw = factory.user()
    child = factory.child(worker=sw, date_of_birth=dt.date(2015, 3, 4), entered_care=dt.date(2026, 9, 7))
    sign_in(client, sw)
    resp = submit(client, f"/children/{child.id}/reviews/new", {"held_on": dt.date(2026, 10, 1),
                                                               "participation": "PN0"})
    assert "PN0 is only for children under 4" in text_of(resp)
    ok = submit(client, f"/children/{child.id}/reviews/new", {"held_on": dt.date(2026, 10, 1),
                                                             "participation": "PN1"})
    assert ok.status_code == 302
    again = submit(client, f"/children/{child.id}/reviews/new", {"held_on": dt.date(2026, 10, 1),
                                                                "participation": "PN1"})
    assert "A review on 01/10/2026 is already recorded" in text_of(again)


def test_recompute_on_unchanged_data_changes_nothing(factory, session) -> None:
    sw = factory.user()
    for dob in (dt.date(2012, 1, 9), dt.date(2019, 6, 30), dt.date(2009, 2, 1)):
        factory.child(worker=sw, date_of_birth=dob, entered_care=dt.date(2025, 1, 13))
    ids = all_child_ids(session)
    first = recompute_children(session, ids, today=TODAY)
    assert first.inserted > 0
    second = recompute_children(session, ids, today=TODAY)
    assert (second.inserted, second.updated, second.deleted) == (0, 0, 0)
    # A new day moves statuses along, and only those rows change.
    later = recompute_children(session, ids, today=TODAY + dt.timedelta(days=60))
    assert later.updated > 0 and later.inserted + later.deleted >= 0


def test_missing_term_dates_hold_back_only_the_peps_and_warn_on_the_childs_page(client, factory, session) -> None:
    sw = factory.user()
    child = factory.child(worker=sw, date_of_birth=dt.date(2012, 5, 1))
    sign_in(client, sw)
    # 2023/24 is before the shipped term dates: the initial PEP cannot be worked out.
    resp = submit(client, f"/children/{child.id}/enter-care",
                  {"start_on": dt.date(2024, 1, 8), "legal_status": "C1", "category_of_need": "N1"})
    assert resp.status_code == 302
    session.expire_all()
    assert len(child.care_periods) == 1  # nothing lost
    items = _items(session, child.id)
    # Every other item is computed as usual (rules.md §8.9): 20 working days after Mon
    # 8 Jan 2024 = Mon 5 Feb 2024; the termly PEPs of 2024/25 onwards exist too.
    assert items["review1"].due_on == dt.date(2024, 2, 5)
    assert "initial_pep" not in items
    assert {i.term for i in session.query(TrackedItem).filter_by(child_id=child.id, kind="pep")} >= {
        "2024/25-autumn", "2024/25-spring", "2025/26-autumn"}
    assert child.items_error == ("PEPs wait for term dates for 2023/24: an administrator needs to add "
                                 "those school terms")
    page = text_of(client.get(f"/children/{child.id}"))
    assert "PEPs wait for term dates for 2023/24" in page
    assert "could not be updated" not in page


def test_recompute_reports_which_years_wait_for_term_dates(factory, session) -> None:
    sw = factory.user()
    waiting = factory.child(worker=sw, date_of_birth=dt.date(2012, 5, 1), entered_care=dt.date(2022, 9, 5))
    fine = factory.child(worker=sw, date_of_birth=dt.date(2012, 5, 1), entered_care=dt.date(2025, 1, 13))
    toddler = factory.child(worker=sw, date_of_birth=dt.date(2021, 5, 1), entered_care=dt.date(2022, 9, 5))
    result = recompute_children(session, [waiting.id, fine.id, toddler.id], today=TODAY)
    # Care from Mon 5 Sep 2022: the initial PEP needs 2022/23 and the termly PEPs 2022/23
    # and 2023/24 (the shipped terms start in 2024/25). The toddler was under 3 until
    # 1 May 2024, so only the summer term of 2023/24 could have needed a PEP.
    assert result.missing_term_years == {waiting.id: ("2022/23", "2023/24"), toddler.id: ("2023/24",)}
    assert result.children_waiting_by_year() == {"2022/23": 1, "2023/24": 2}
    assert result.errors == {}
    session.expire_all()
    assert waiting.items_error == ("PEPs wait for term dates for 2022/23 and 2023/24: an administrator "
                                   "needs to add those school terms")
    assert fine.items_error is None
    # Sep 6-9 (4), 12-16 (9), skip the one-off bank holiday of 19 Sep 2022, 20-23 (13),
    # 26-30 (18), Oct 3 (19), Oct 4 (20).
    assert _items(session, waiting.id)["review1"].due_on == dt.date(2022, 10, 4)


def test_items_recompute_command_reports_and_is_idempotent(app, factory, session) -> None:
    factory.child(worker=factory.user(), entered_care=dt.date(2025, 1, 13))
    runner = app.test_cli_runner()
    first = runner.invoke(args=["items", "recompute", "--quiet", "--today", "2026-11-22"])
    assert first.exit_code == 0, first.output
    assert "items added" in first.output
    second = runner.invoke(args=["items", "recompute", "--quiet", "--today", "2026-11-22"])
    assert "0 items added, 0 changed, 0 removed" in second.output


def test_rules_page_lists_every_rule_with_source_and_current_numbers(client, factory, session) -> None:
    from tracker.tracking.models import Setting
    from tracker.tracking.rules import RULES

    session.add(Setting(key="pre_proceedings_weeks", value=12))
    session.flush()
    sign_in(client, factory.user())
    page = plain(client.get("/rules"))
    for rule in RULES:
        assert rule.title in page
    assert "CPPCR" in page or "Care Planning, Placement and Case Review" in page
    assert "Due soon window (days) 14" in page
    # The summaries carry the numbers in use: the authority's 12 weeks, not the shipped 16.
    assert "Pre-proceedings should conclude within 12 weeks (a local setting) of starting" in page
    assert "12 weeks after the date pre-proceedings started" in page
    assert "within 16 weeks" not in page
    assert "26 weeks beginning with the date proceedings were issued (that date + 181 days)" in page
    # rules.md §9: the visit rule with its regimes, tracked like every other rule.
    assert "The first visit is due 7 days after each placement starts" in page
    assert "placement with parents (P1) while the legal status is C1" in page
    assert "Not tracked yet" not in page


def test_changing_a_policy_setting_is_audited_and_recomputes(client, factory, session) -> None:
    from tracker.audit.models import AuditEvent

    child = factory.child(worker=factory.user(), entered_care=dt.date(2025, 1, 13))
    recompute_children(session, [child.id], today=TODAY)
    dental_before = _items(session, child.id)["dental_check"].due_on
    admin = factory.user(role="admin")
    sign_in(client, admin)
    resp = submit(client, "/admin/settings", {"due_soon_days": "14", "dental_months": "6",
                                              "pre_proceedings_weeks": "16",
                                              "escalate_team_manager_working_days": "5",
                                              "escalate_group_manager_working_days": "15"})
    assert resp.status_code == 302
    dental_after = _items(session, child.id)["dental_check"].due_on
    assert dental_before == dt.date(2026, 1, 13) and dental_after == dt.date(2025, 7, 13)
    event = session.query(AuditEvent).filter_by(entity_type="settings").one()
    assert event.after == {"key": "dental_months", "value": 6}
    bad = submit(client, "/admin/settings", {"due_soon_days": "-1", "dental_months": "6",
                                             "pre_proceedings_weeks": "16",
                                             "escalate_team_manager_working_days": "5",
                                             "escalate_group_manager_working_days": "15"})
    assert "Due soon window (days) must be a whole number from 0 to 366" in text_of(bad)


def test_an_alert_setting_saves_without_recomputing_due_dates(client, factory, session) -> None:
    child = factory.child(worker=factory.user(), entered_care=dt.date(2025, 1, 13))
    recompute_children(session, [child.id], today=TODAY)
    sign_in(client, factory.user(role="admin"))
    values = {"due_soon_days": "14", "dental_months": "12", "pre_proceedings_weeks": "16",
              "escalate_team_manager_working_days": "3", "escalate_group_manager_working_days": "15"}
    page = text_of(submit(client, "/admin/settings", values, follow=True))
    assert "Settings saved" in page and "due dates recomputed" not in page
    values["dental_months"] = "6"
    page = text_of(submit(client, "/admin/settings", values, follow=True))
    assert "Settings saved and every child's due dates recomputed" in page
    assert _items(session, child.id)["dental_check"].due_on == dt.date(2025, 7, 13)


def test_record_buttons_follow_the_users_capabilities(client, factory, session) -> None:
    pa = factory.user(role="personal_adviser")
    young = factory.child(worker=factory.user(), date_of_birth=dt.date(2008, 1, 5), entered_care=dt.date(2024, 1, 8))
    young.personal_adviser_id = pa.id
    session.flush()
    sign_in(client, pa)
    page = plain(client.get(f"/children/{young.id}/due-dates"))
    assert "Record a PA contact" in page and "Record a review" not in page
    vs = factory.user(role="virtual_school")
    pupil = factory.child(worker=factory.user(), entered_care=dt.date(2025, 1, 13))  # aged 10
    from tests.helpers import browser_client

    c = browser_client(client.application)
    sign_in(c, vs)
    assert c.get(f"/children/{pupil.id}/due-dates").status_code == 403  # the overview and education only
    page = plain(c.get(f"/children/{pupil.id}/education"))
    assert "Record a PEP" in page and "Record a review" not in page and "Record a PA contact" not in page
