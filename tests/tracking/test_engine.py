"""Unit tests of the pure engine, the rules table and care-leaver status."""

from __future__ import annotations

import random
import subprocess
import sys
import time
from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from tracker.tracking import rules as R
from tracker.tracking.calendars import DEFAULT_TERMS, Term
from tracker.tracking.engine import (
    CalendarError,
    ChildFacts,
    Event,
    Item,
    MissingTermDates,
    RuleConfig,
    care_leaver_status,
    compute,
    compute_items,
    item_status,
)
from tracker.tracking.rules import RULES, RULES_BY_KIND, care

D = date.fromisoformat
TODAY = D("2026-11-22")


def ev(day: str, type_: str, index: int = 0, ref: str | None = None, **data: Any) -> Event:
    return Event(date=D(day), type=type_, data=data, index=index, ref=ref)


def facts(dob: str, *events: Event) -> ChildFacts:
    numbered = tuple(replace(e, index=i) for i, e in enumerate(events))
    return ChildFacts(child_id="C1", date_of_birth=D(dob), events=numbered)


def by_kind(items: list[Item], kind: str) -> list[Item]:
    return [i for i in items if i.kind == kind]


# ------------------------------------------------------------------ config


def test_config_defaults_come_from_the_rules_table() -> None:
    config = RuleConfig()
    assert config.due_soon_days == R.DUE_SOON_DAYS == 14
    assert config.dental_months == RULES_BY_KIND["dental_check"].offset.n == 12
    assert config.pre_proceedings_weeks == RULES_BY_KIND["pre_proceedings"].offset.n == 16


def test_each_rule_setting_is_declared_once_with_its_bounds() -> None:
    from tracker.tracking.rules.config import RULE_SETTINGS

    assert RuleConfig.keys() == tuple(s.key for s in RULE_SETTINGS)
    for spec in RULE_SETTINGS:
        assert getattr(RuleConfig(), spec.key) == spec.default and spec.feeds_rules
        RuleConfig.from_mapping({spec.key: spec.maximum})
        with pytest.raises(ValueError, match=f"between {spec.minimum} and {spec.maximum}"):
            RuleConfig.from_mapping({spec.key: spec.maximum + 1})


def test_config_from_mapping() -> None:
    config = RuleConfig.from_mapping({"due_soon_days": 7, "dental_months": 6})
    assert (config.due_soon_days, config.dental_months, config.pre_proceedings_weeks) == (7, 6, 16)
    assert RuleConfig.from_mapping({}) == RuleConfig()


def test_unknown_config_key_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match='unknown config key "due_soon" .*known: due_soon_days'):
        RuleConfig.from_mapping({"due_soon": 3})


@pytest.mark.parametrize("value", [-1, "14", 1.5, True, None])
def test_bad_config_values(value: object) -> None:
    with pytest.raises(ValueError, match="due_soon_days"):
        RuleConfig.from_mapping({"due_soon_days": value})


# ------------------------------------------------------------------ rules table


def test_rules_table_is_complete_for_the_rules_page() -> None:
    kinds = [r.kind for r in RULES]
    assert len(kinds) == len(set(kinds))
    assert set(RULES_BY_KIND) == set(kinds)
    for rule in RULES:
        assert rule.title and rule.summary and rule.source and rule.applicability
        assert rule.clocks and rule.anchor and rule.completed_by and rule.recurrence
        assert all(k in RuleConfig.keys() for k in rule.config_keys)
    assert RULES_BY_KIND["dental_check"].config_keys == ("dental_months",)
    assert RULES_BY_KIND["pre_proceedings"].config_keys == ("pre_proceedings_weeks",)
    assert RULES_BY_KIND["review"].config_keys == ()
    assert RULES_BY_KIND["pep"].windowed and RULES_BY_KIND["care_leaver_birthday_data"].windowed


def test_offsets_describe_themselves() -> None:
    assert RULES_BY_KIND["review"].clock("first").offset == R.WorkingDays(20)
    assert RULES_BY_KIND["review"].clock("first").offset.describe() == "20 working days"
    assert RULES_BY_KIND["initial_pep"].offset.describe() == "20 school days"
    assert RULES_BY_KIND["proceedings"].offset.describe() == (
        "26 weeks beginning with the start date (181 days after it)"
    )
    assert R.WeeksBeginningWith(26).apply(D("2026-01-12")) == D("2026-07-12")
    assert RULES_BY_KIND["pep"].offset.describe() == "the last day of the term"
    assert R.Months(1).describe() == "1 month"
    assert R.clock("dental_check", "first", RuleConfig(dental_months=6)) == R.Months(
        6, "dental_months"
    )


def test_engine_uses_the_table(monkeypatch: pytest.MonkeyPatch) -> None:
    f = facts("2025-06-01", ev("2025-09-01", "entered_care", legal_status="C2"))
    before = by_kind(compute_items(f, TODAY), "review")[0].due
    rule = care.REVIEW
    changed = replace(
        rule, clocks=(replace(rule.clocks[0], offset=R.WorkingDays(10)), *rule.clocks[1:])
    )
    monkeypatch.setattr(care, "REVIEW", changed)
    after = by_kind(compute_items(f, TODAY), "review")[0].due
    assert (before, after) == (D("2025-09-29"), D("2025-09-15"))


def test_every_generated_kind_is_in_the_table() -> None:
    f = facts(
        "2009-06-20",
        ev("2024-09-02", "entered_care", legal_status="C2"),
        ev("2025-01-10", "pre_proceedings_started"),
        ev("2025-02-10", "proceedings_issued"),
        ev("2026-03-31", "left_care", reason="E13"),
        ev("2025-09-19", "pathway_plan_completed"),
        ev("2026-07-25", "accommodation_changed", accommodation="E", suitable=True),
        ev("2026-05-01", "action", id="a1", title="Call", due=D("2026-06-01")),
        ev("2024-09-02", "placement_started", placement_type="U6"),
        ev("2025-03-01", "missing_started", kind="M"),
        ev("2025-03-02", "missing_ended"),
    )
    kinds = {i.kind for i in compute_items(f, D("2027-05-01"))}
    assert kinds <= set(RULES_BY_KIND)
    assert {
        "care_plan",
        "placement_plan",
        "visit",
        "return_home_interview",
        "pathway_plan_review",
        "pa_contact",
        "pa_visit_after_move",
        "proceedings",
        "pre_proceedings",
        "action",
        "care_leaver_birthday_data",
    } <= kinds


# ------------------------------------------------------------------ statuses and items


@pytest.mark.parametrize(
    ("due", "completed", "today", "status"),
    [
        ("2026-01-10", "2026-01-10", "2026-02-01", "done_on_time"),
        ("2026-01-10", "2026-01-11", "2026-02-01", "done_late"),
        ("2026-01-10", None, "2026-01-11", "overdue"),
        ("2026-01-10", None, "2026-01-10", "due_soon"),
        ("2026-01-10", None, "2025-12-27", "due_soon"),
        ("2026-01-10", None, "2025-12-26", "upcoming"),
    ],
)
def test_item_status(due: str, completed: str | None, today: str, status: str) -> None:
    assert item_status(D(due), D(completed) if completed else None, D(today), 14) == status


def test_item_keys_are_stable_identities() -> None:
    f = facts(
        "2016-05-10",
        ev("2026-01-05", "entered_care", legal_status="C2"),
        ev("2026-02-02", "review_held"),
        ev("2026-05-01", "review_held"),
        ev("2026-03-01", "pre_proceedings_started"),
        ev("2026-03-02", "proceedings_issued"),
        ev("2026-06-01", "action", id="a7", title="Visit", due=D("2026-06-10")),
    )
    keys = {i.key for i in compute_items(f, TODAY)}
    assert {
        "review#1@2026-01-05",
        "review#3@2026-01-05",
        "initial_health_assessment@2026-01-05",
        "initial_pep@2026-01-05",
        "pep@2025/26-summer",
        "permanence_plan@2026-01-05",
        "dental_check#1@2026-01-05",
        "sdq#1@2026-01-05",
        "pre_proceedings@2026-03-01",
        "proceedings@2026-03-02",
        "action@a7",
    } <= keys


def test_care_leaver_keys() -> None:
    items = compute_items(_relevant_facts(), TODAY)
    keys = {i.key for i in items}
    assert {
        "needs_assessment",
        "pathway_plan",
        "pathway_plan_review#1@2026-03-31",
        "pa_contact#1@2026-03-31",
        "pa_visit_after_move@2026-07-25",
    } <= keys
    later = compute_items(_relevant_facts(), D("2027-05-01"))
    assert "care_leaver_birthday_data@18" in {i.key for i in later}


def test_sort_order_and_completed_by_and_closed_on() -> None:
    f = facts(
        "2025-06-01",
        ev("2026-01-05", "entered_care", legal_status="C2"),
        ev("2026-02-02", "review_held", ref="review:42"),
        ev("2026-05-01", "left_care", reason="E13"),
    )
    items = compute_items(f, TODAY)
    assert [(i.due, i.kind) for i in items] == sorted((i.due, i.kind) for i in items)
    review1 = by_kind(items, "review")[0]
    assert review1.completed_by == "review:42"
    for item in items:
        if item.status == "closed":
            assert item.closed_on == D("2026-05-01")
            assert "Closed on 2026-05-01" in item.explanation
        else:
            assert item.closed_on is None


def test_event_order_does_not_matter() -> None:
    events = [
        ev("2025-09-01", "entered_care", legal_status="C2"),
        ev("2025-09-25", "review_held"),
        ev("2025-12-20", "review_held"),
        ev("2025-09-20", "health_assessment", kind="initial"),
        ev("2026-03-01", "dental_check"),
        ev("2026-02-01", "pep_held"),
    ]
    expected = compute_items(facts("2016-05-10", *events), TODAY)
    rng = random.Random(7)
    for _ in range(5):
        shuffled = events[:]
        rng.shuffle(shuffled)
        assert compute_items(facts("2016-05-10", *shuffled), TODAY) == expected


def test_engine_does_not_filter_future_events() -> None:
    # decision 1: events are used as given
    f = facts("2025-06-01", ev("2027-01-04", "entered_care", legal_status="C2"))
    assert by_kind(compute_items(f, TODAY), "review")[0].due == D("2027-02-01")


def test_explanations_name_rule_numbers_and_bank_holidays() -> None:
    f = facts("2025-06-01", ev("2025-12-17", "entered_care", legal_status="C2"))
    review = by_kind(compute_items(f, TODAY), "review")[0]
    text = review.explanation
    assert "20 working days" in text and "2025-12-17" in text and "reg 33(1)" in text
    assert "Christmas Day 2025-12-25" in text and "Boxing Day 2025-12-26" in text
    assert "New Year's Day 2026-01-01" in text


def test_school_day_explanation_names_holidays_and_half_terms() -> None:
    f = facts("2016-05-10", ev("2026-10-26", "entered_care", legal_status="C2"))
    pep = by_kind(compute_items(f, TODAY), "initial_pep")[0]
    assert "20 school days" in pep.explanation
    assert "half term 2026-10-26 to 2026-10-30" in pep.explanation


def test_missed_and_closed_explain_why() -> None:
    f = facts("2016-05-10", ev("2026-01-05", "entered_care", legal_status="C2"))
    summer = [i for i in compute_items(f, TODAY) if i.term == "2025/26-summer"][0]
    assert summer.status == "missed" and "no PEP" in summer.explanation


def test_config_changes_dental_and_pre_proceedings_and_due_soon() -> None:
    f = facts(
        "2025-06-01",
        ev("2026-01-05", "entered_care", legal_status="C2"),
        ev("2026-06-01", "pre_proceedings_started"),
    )
    config = RuleConfig(dental_months=6, pre_proceedings_weeks=12, due_soon_days=100)
    items = compute_items(f, TODAY, config)
    assert by_kind(items, "dental_check")[0].due == D("2026-07-05")
    assert by_kind(items, "pre_proceedings")[0].due == D("2026-08-24")
    assert "config dental_months" in by_kind(items, "dental_check")[0].explanation
    # with a 100-day window the SDQ due 2030 is still upcoming, the permanence plan overdue
    assert by_kind(items, "sdq")[0].status == "upcoming"


def test_missing_term_dates_is_an_error() -> None:
    f = facts("2018-01-01", ev("2028-09-04", "entered_care", legal_status="C2"))
    with pytest.raises(CalendarError, match=r"^no term dates for 2028/29$"):
        compute_items(f, D("2028-11-01"))


def test_termly_pep_touching_unconfigured_year_is_an_error() -> None:
    # care started in 2023/24 (not in the default table)
    f = facts("2014-01-01", ev("2024-07-01", "entered_care", legal_status="C2"))
    with pytest.raises(CalendarError, match="no term dates for 2023/24"):
        compute_items(f, TODAY)


def test_custom_terms_are_used() -> None:
    extra = (
        Term(
            "2028/29", "autumn", D("2028-09-05"), D("2028-12-20"), D("2028-10-30"), D("2028-11-03")
        ),
        Term(
            "2028/29", "spring", D("2029-01-08"), D("2029-03-29"), D("2029-02-18"), D("2029-02-22")
        ),
    )
    f = facts("2018-01-01", ev("2028-09-04", "entered_care", legal_status="C2"))
    items = compute_items(f, D("2028-11-01"), terms=(*DEFAULT_TERMS, *extra))
    # Tue 5 Sep 2028 is the first school day: Sep 5-8 (4), 11-15 (9), 18-22 (14), 25-29 (19), Oct 2 (20)
    assert by_kind(items, "initial_pep")[0].due == D("2028-10-02")
    assert [i.term for i in by_kind(items, "pep")] == ["2028/29-autumn"]


def test_the_application_leaves_out_only_the_peps_of_years_without_terms() -> None:
    # rules.md §8.9: care from Mon 1 Jul 2024 (2023/24 has no term dates): strict, the
    # engine refuses; in the application every other item is computed and the initial
    # PEP (which counts school days in July 2024) and the termly PEPs of 2023/24 wait.
    f = facts("2014-01-01", ev("2024-07-01", "entered_care", legal_status="C2"))
    with pytest.raises(MissingTermDates) as exc:
        compute(f, TODAY)
    assert exc.value.academic_year == "2023/24"
    result = compute(f, TODAY, strict_terms=False)
    assert result.waiting_for_terms == ("2023/24",)
    kinds = {i.kind for i in result.items}
    assert "initial_pep" not in kinds and {"review", "care_plan", "dental_check"} <= kinds
    # Terms of configured years are computed as usual; the first one of 2024/25 opens on
    # 1 August, since the summer term of 2023/24 is unknown.
    autumn = next(i for i in result.items if i.term == "2024/25-autumn")
    assert autumn.due == D("2024-12-20") and "from 2024-08-01" in autumn.explanation
    strict_items = compute(f, TODAY, strict_terms=False, kinds={"review"}).items
    assert {i.kind for i in strict_items} == {"review"}


def test_waiting_years_cover_only_the_terms_the_child_needs() -> None:
    # Aged 3 on 1 May 2024: only 2023/24's summer term could need a PEP; DECOM in 2022.
    f = facts("2021-05-01", ev("2022-09-05", "entered_care", legal_status="C2"))
    assert compute(f, TODAY, strict_terms=False).waiting_for_terms == ("2023/24",)
    g = facts("2012-05-01", ev("2022-09-05", "entered_care", legal_status="C2"))
    assert compute(g, TODAY, strict_terms=False).waiting_for_terms == ("2022/23", "2023/24")


def test_young_child_needs_no_term_dates() -> None:
    f = facts("2028-01-01", ev("2029-09-03", "entered_care", legal_status="C2"))
    assert compute_items(f, D("2029-10-01"))  # under 3: no PEP, no calendar error


def test_actions_are_not_closed_and_name_who_set_them() -> None:
    f = facts(
        "2025-06-01",
        ev("2026-01-05", "entered_care", legal_status="C2"),
        ev(
            "2026-02-01",
            "action",
            ref="action:5",
            id="5",
            title="Chase CAMHS",
            due=D("2026-03-01"),
            completed=D("2026-03-02"),
            set_by="J. Smith",
        ),
        ev("2026-02-02", "left_care", reason="E13"),
    )
    action = by_kind(compute_items(f, TODAY), "action")[0]
    assert (action.status, action.sequence, action.completed_by) == ("done_late", None, "action:5")
    assert "Chase CAMHS" in action.explanation and "J. Smith" in action.explanation


def test_engine_is_fast_for_a_long_history() -> None:
    events = [ev("2024-09-02", "entered_care", legal_status="C2")]
    for n in range(200):
        events.append(ev(f"2025-{1 + n % 12:02d}-{1 + n % 28:02d}", "review_held"))
    f = facts("2016-05-10", *events)
    start = time.perf_counter()
    for _ in range(20):
        compute_items(f, TODAY)
    assert time.perf_counter() - start < 2.0


def test_engine_modules_import_no_flask_or_database() -> None:
    # tracker/__init__.py may import Flask for create_app, so load tracker.tracking on its
    # own (with a bare "tracker" package) and check what it pulls in.
    code = (
        "import sys, types, importlib.util as u\n"
        "pkg = types.ModuleType('tracker')\n"
        "pkg.__path__ = list(u.find_spec('tracker').submodule_search_locations)\n"
        "sys.modules['tracker'] = pkg\n"
        "import tracker.tracking.engine, tracker.tracking.scenario, tracker.tracking.cli\n"
        "print(','.join(m for m in ('flask', 'sqlalchemy', 'werkzeug') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


# ------------------------------------------------------------------ care leaver status


def _relevant_facts() -> ChildFacts:
    return facts(
        "2009-06-20",
        ev("2024-09-02", "entered_care", legal_status="C2"),
        ev("2025-09-19", "pathway_plan_completed"),
        ev("2026-03-31", "left_care", reason="E13"),
        ev("2026-07-25", "accommodation_changed", accommodation="E", suitable=True),
    )


def test_status_eligible_with_reason() -> None:
    f = facts("2010-01-10", ev("2025-12-02", "entered_care", legal_status="C2"))
    status = care_leaver_status(f, TODAY)
    assert status.category == "eligible"
    assert status.eligibility_date == D("2026-03-02")
    assert status.support_ends_on == D("2031-01-10")
    assert "13 weeks (91 days)" in status.reason
    assert "reached on 2026-03-02" in status.reason and "16th birthday 2026-01-10" in status.reason


def test_status_relevant_then_former_relevant_then_ended() -> None:
    f = _relevant_facts()
    assert care_leaver_status(f, TODAY).category == "relevant"
    later = care_leaver_status(f, D("2027-06-20"))
    assert later.category == "former_relevant" and later.left_care_on == D("2026-03-31")
    assert care_leaver_status(f, D("2030-06-19")).category == "former_relevant"
    ended = care_leaver_status(f, D("2030-06-20"))
    assert (ended.category, ended.support_ends_on) == ("not_care_leaver", D("2030-06-20"))


def test_status_extended_to_25() -> None:
    f = facts("2009-06-20", *_relevant_facts().events, ev("2030-01-01", "pa_extended_to_25"))
    status = care_leaver_status(f, D("2031-01-01"))
    assert (status.category, status.support_ends_on) == ("former_relevant", D("2034-06-20"))


def test_status_qualifying_and_not_care_leaver() -> None:
    short = facts(
        "2009-09-01",
        ev("2026-01-05", "entered_care", legal_status="V2"),
        ev("2026-03-06", "left_care", reason="E4A"),
    )
    status = care_leaver_status(short, TODAY)
    assert (status.category, status.eligibility_date) == ("qualifying", None)
    assert status.days_looked_after_since_14 == 60
    young = facts("2015-01-01", ev("2026-01-05", "entered_care", legal_status="C2"))
    assert care_leaver_status(young, TODAY).category == "not_care_leaver"


def test_short_breaks_do_not_count() -> None:
    f = facts("2010-02-01", ev("2025-09-01", "entered_care", legal_status="V4"))
    status = care_leaver_status(f, TODAY)
    assert status.category == "not_care_leaver" and status.days_looked_after_since_14 == 0
    assert not [i for i in compute_items(f, TODAY) if i.kind == "needs_assessment"]


def test_projected_eligibility_is_reported_not_tracked() -> None:
    f = facts("2010-03-01", ev("2026-10-05", "entered_care", legal_status="C2"))
    status = care_leaver_status(f, TODAY)
    assert status.category == "qualifying"
    assert status.projected_eligibility_date == D("2027-01-03")
    assert care_leaver_status(f, D("2027-01-03")).category == "eligible"
    assert care_leaver_status(f, D("2027-01-02")).eligibility_date is None


# ------------------------------------------------------------------ the rules package


def test_the_table_holds_every_family_row_once_in_page_order() -> None:
    from tracker.tracking.rules import (
        actions,
        care,
        court,
        education,
        health,
        leaving_care,
        missing,
        placements,
    )

    families = (care, health, education, placements, missing, court, leaving_care, actions)
    declared = [rule for family in families for rule in family.RULES]
    assert sorted(r.kind for r in declared) == sorted(r.kind for r in RULES)
    assert [r.kind for r in RULES][:2] == ["review", "initial_health_assessment"]
    assert RULES[-1].kind == "action"


def test_summaries_are_generated_from_the_offsets_and_params() -> None:
    review = RULES_BY_KIND["review"]
    assert "20 working days" in review.summary and "{" not in review.summary
    faster = replace(review, clocks=(replace(review.clocks[0], offset=R.WorkingDays(15)),
                                     *review.clocks[1:]))
    assert "15 working days" in faster.summary and "20 working days" not in faster.summary
    dental = RULES_BY_KIND["dental_check"]
    assert "12 months" in dental.summary
    assert "6 months" in dental.describe(RuleConfig(dental_months=6))
    assert "10 weeks" in RULES_BY_KIND["pre_proceedings"].describe(RuleConfig(pre_proceedings_weeks=10))
    assert "26 weeks beginning with the issue date (the issue date + 181 days)" in (
        RULES_BY_KIND["proceedings"].summary)
    assert "at most 8 weeks each" in RULES_BY_KIND["proceedings"].summary
    visit = RULES_BY_KIND["visit"]
    assert "(P1)" in visit.summary and "C1" in visit.summary and "4 weeks" in visit.summary
    for rule in RULES:
        assert "{" not in rule.summary and "}" not in rule.summary, rule.kind
    with pytest.raises(KeyError):
        R.Rule(kind="x", title="X", text="due {nowhere}", clocks=(), completed_by="", recurrence="",
               applicability="", closes="", source="")


def test_rule_params_drive_the_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    from tracker.tracking.rules import health

    f = facts("2023-01-10", ev("2025-09-01", "entered_care", legal_status="C2"))
    # 4th birthday 2027-01-10 -> first SDQ 12 months later.
    assert by_kind(compute_items(f, TODAY), "sdq")[0].due == D("2028-01-10")
    monkeypatch.setattr(health, "SDQ", replace(health.SDQ, params={**health.SDQ.params, "from_age": 5}))
    assert by_kind(compute_items(f, TODAY), "sdq")[0].due == D("2029-01-10")


def test_rules_package_is_pure_and_imports_no_domain() -> None:
    import ast
    from pathlib import Path

    tracking = Path(R.__file__).resolve().parents[1]
    paths = [*sorted((tracking / "rules").glob("*.py")), *(tracking / n for n in (
        "engine.py", "calendars.py", "scenario.py", "cli.py"))]
    assert len(paths) >= 14
    for path in paths:
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            else:
                continue
            for name in names:
                assert not name.startswith(("flask", "sqlalchemy", "werkzeug")), (path.name, name)
                if name.startswith("tracker"):
                    assert name.startswith("tracker.tracking"), (path.name, name)
        assert ".today()" not in path.read_text() and ".now()" not in path.read_text(), path.name
