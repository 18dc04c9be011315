"""Calendar arithmetic (rules.md section 1)."""

from __future__ import annotations

import time
from datetime import date

import holidays
import pytest

from tracker.tracking import calendars
from tracker.tracking.calendars import (
    DEFAULT_TERMS,
    CalendarError,
    SchoolCalendar,
    Term,
    academic_year_of,
    add_months,
    add_weeks,
    add_working_days,
    age_on,
    bank_holidays,
    birthday,
    is_working_day,
    working_days_after,
)

D = date.fromisoformat


def test_rules_md_example_20_working_days() -> None:
    # D = Mon 1 Sep 2025, N = 20 -> Mon 29 Sep 2025 (D is day 0)
    assert add_working_days(D("2025-09-01"), 20) == D("2025-09-29")


def test_zero_working_days_is_the_start_date() -> None:
    assert add_working_days(D("2025-12-25"), 0) == D("2025-12-25")


def test_christmas_skips_named_bank_holidays() -> None:
    shift = working_days_after(D("2025-12-17"), 20)
    assert shift.due == D("2026-01-19")
    assert shift.bank_holidays == (
        (D("2025-12-25"), "Christmas Day"),
        (D("2025-12-26"), "Boxing Day"),
        (D("2026-01-01"), "New Year's Day"),
    )
    assert "Christmas Day 2025-12-25" in shift.skipped_text()


@pytest.mark.parametrize(
    "day",
    [
        "2026-12-28",
        "2027-12-27",
        "2027-12-28",
        "2028-01-03",
        "2026-04-03",
        "2026-04-06",
        "2026-05-04",
        "2026-05-25",
        "2026-08-31",
    ],
)
def test_bank_holidays_including_substitute_days_are_not_working_days(day: str) -> None:
    assert D(day) in bank_holidays(D(day).year)
    assert not is_working_day(D(day))


def test_substitute_day_names_come_from_the_holidays_package() -> None:
    expected = holidays.UK(subdiv="ENG", years=2027)
    assert bank_holidays(2027)[D("2027-12-28")] == expected[D("2027-12-28")]


def test_weekends_and_ordinary_days() -> None:
    assert not is_working_day(D("2026-11-21"))  # Saturday
    assert not is_working_day(D("2026-11-22"))  # Sunday
    assert is_working_day(D("2026-11-23"))


def test_bank_holidays_are_cached_per_year(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[object] = []
    real = holidays.UK

    def counting(*args: object, **kwargs: object) -> object:
        calls.append(kwargs.get("years"))
        return real(*args, **kwargs)

    calendars.bank_holidays.cache_clear()
    monkeypatch.setattr(calendars.holidays, "UK", counting)
    for _ in range(50):
        add_working_days(D("2026-12-14"), 20)
    assert sorted(calls) == [2026, 2027]
    calendars.bank_holidays.cache_clear()


def test_working_days_are_fast() -> None:
    start = time.perf_counter()
    for i in range(5000):
        add_working_days(date(2026, 1, 1 + i % 28), 20)
    assert time.perf_counter() - start < 2.0


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        ("2025-08-31", 6, "2026-02-28"),
        ("2027-08-31", 6, "2028-02-29"),
        ("2025-11-30", 3, "2026-02-28"),
        ("2024-01-31", 1, "2024-02-29"),
        ("2024-02-29", 12, "2025-02-28"),
        ("2026-05-31", -3, "2026-02-28"),
        ("2026-12-15", 1, "2027-01-15"),
        ("2026-01-05", 0, "2026-01-05"),
    ],
)
def test_add_months_clamps_to_month_end(start: str, months: int, expected: str) -> None:
    assert add_months(D(start), months) == D(expected)


def test_add_weeks() -> None:
    assert add_weeks(D("2026-06-01"), 16) == D("2026-09-21")


def test_leap_day_birthdays() -> None:
    dob = D("2012-02-29")
    assert birthday(dob, 14) == D("2026-02-28")
    assert birthday(dob, 16) == D("2028-02-29")
    assert age_on(dob, D("2026-02-27")) == 13
    assert age_on(dob, D("2026-02-28")) == 14
    assert age_on(dob, D("2028-02-28")) == 15
    assert age_on(dob, D("2028-02-29")) == 16


@pytest.mark.parametrize(
    ("day", "year"),
    [
        ("2026-07-31", "2025/26"),
        ("2026-08-01", "2026/27"),
        ("1999-08-01", "1999/00"),
        ("2030-01-15", "2029/30"),
    ],
)
def test_academic_year(day: str, year: str) -> None:
    assert academic_year_of(D(day)) == year


CAL = SchoolCalendar.of(DEFAULT_TERMS)


def test_default_terms_match_rules_md_section_6() -> None:
    assert len(DEFAULT_TERMS) == 12
    autumn = next(t for t in DEFAULT_TERMS if t.label == "2026/27-autumn")
    assert (autumn.start, autumn.end) == (D("2026-09-02"), D("2026-12-18"))
    assert (autumn.half_term_start, autumn.half_term_end) == (D("2026-10-26"), D("2026-10-30"))
    summer = next(t for t in DEFAULT_TERMS if t.label == "2027/28-summer")
    assert (summer.start, summer.end) == (D("2028-04-18"), D("2028-07-21"))


def test_school_days_skip_holiday_before_term() -> None:
    # Mon 1 Sep 2025; term starts Wed 3 Sep: Sep 3-5, 8-12, 15-19, 22-26, 29, 30
    shift = CAL.school_days_after(D("2025-09-01"), 20)
    assert shift.due == D("2025-09-30")
    assert shift.school_holidays == ("summer holiday 2025-07-23 to 2025-09-02",)


def test_school_days_skip_half_term_and_start_day_never_counts() -> None:
    # Mon 5 Oct 2026 is a school day but is day 0
    shift = CAL.school_days_after(D("2026-10-05"), 20)
    assert shift.due == D("2026-11-09")
    assert shift.half_terms == ("2026/27-autumn half term 2026-10-26 to 2026-10-30",)


def test_school_days_skip_bank_holiday_in_term() -> None:
    shift = CAL.school_days_after(D("2026-04-20"), 20)
    assert shift.due == D("2026-05-19")
    assert shift.bank_holidays == ((D("2026-05-04"), "May Day"),)


def test_school_days_over_christmas() -> None:
    assert CAL.add_school_days(D("2025-12-19"), 20) == D("2026-01-30")


def test_school_days_into_unconfigured_year_is_an_error() -> None:
    with pytest.raises(CalendarError, match=r"^no term dates for 2028/29$"):
        CAL.add_school_days(D("2028-07-10"), 20)


def test_error_names_the_missing_academic_year() -> None:
    with pytest.raises(CalendarError) as exc:
        CAL.require_year("2029/30")
    assert str(exc.value) == "no term dates for 2029/30"


def test_require_years_between() -> None:
    CAL.require_years_between(D("2024-09-01"), D("2028-07-31"))
    with pytest.raises(CalendarError, match="2023/24"):
        CAL.require_years_between(D("2024-07-01"), D("2024-09-01"))


def test_term_lookup_and_pep_term_for_holiday() -> None:
    assert CAL.term_on(D("2026-10-28")).label == "2026/27-autumn"  # half term is in the term
    assert CAL.term_on(D("2026-12-22")) is None
    assert CAL.term_for_event(D("2026-12-22")).label == "2026/27-spring"
    assert [t.label for t in CAL.terms_starting_in(D("2026-01-05"), D("2026-11-22"))] == [
        "2025/26-summer",
        "2026/27-autumn",
    ]


def test_custom_terms_for_another_year() -> None:
    extra = Term(
        "2029/30", "autumn", D("2029-09-04"), D("2029-12-19"), D("2029-10-29"), D("2029-11-02")
    )
    cal = SchoolCalendar.of((*DEFAULT_TERMS, extra))
    # Tue 4 Sep 2029 is day 1: Sep 4-7 (4), 10-14 (9), 17-21 (14), 24-28 (19), Oct 1 (20)
    assert cal.add_school_days(D("2029-09-03"), 20) == D("2029-10-01")


@pytest.mark.parametrize(
    ("term", "message"),
    [
        (
            Term(
                "2026/27",
                "winter",
                D("2026-09-02"),
                D("2026-12-18"),
                D("2026-10-26"),
                D("2026-10-30"),
            ),
            "name",
        ),
        (
            Term(
                "2026/27",
                "autumn",
                D("2026-09-02"),
                D("2026-12-18"),
                D("2026-12-19"),
                D("2026-12-20"),
            ),
            "half term",
        ),
        (
            Term(
                "2026/27",
                "autumn",
                D("2026-12-18"),
                D("2026-09-02"),
                D("2026-10-26"),
                D("2026-10-30"),
            ),
            "ends before",
        ),
        (
            Term(
                "2025/26",
                "autumn",
                D("2026-09-02"),
                D("2026-12-18"),
                D("2026-10-26"),
                D("2026-10-30"),
            ),
            "outside",
        ),
    ],
)
def test_bad_terms_are_refused(term: Term, message: str) -> None:
    with pytest.raises(CalendarError, match=message):
        SchoolCalendar((term,))


def test_overlapping_terms_are_refused() -> None:
    a = Term(
        "2026/27", "autumn", D("2026-09-02"), D("2026-12-18"), D("2026-10-26"), D("2026-10-30")
    )
    b = Term(
        "2026/27", "spring", D("2026-12-10"), D("2027-03-25"), D("2027-02-15"), D("2027-02-19")
    )
    with pytest.raises(CalendarError, match="overlap"):
        SchoolCalendar((a, b))
