"""Calendar arithmetic for the statutory rules (rules.md section 1).

* Working days are Monday to Friday, excluding bank holidays in England. Bank holidays
  come ONLY from ``holidays.UK(subdiv="ENG", years=...)`` (never a hand-typed list) and
  are cached per year.
* "Within N working days of D": D is day 0; the result is the N-th working day after D.
* School days are working days inside a configured school term and outside that term's
  half-term week. "Within N school days of D" is the N-th school day after D (D never
  counts). An academic year runs 1 August - 31 July; touching an academic year that has
  no configured terms raises :class:`CalendarError` ("no term dates for 2029/30").
* "N months after D" is calendar months, clamped to the last day of a short month
  (31 Aug + 6 months = 28 Feb, or 29 Feb in a leap year). Birthdays use the same
  arithmetic (date of birth + 12·n months), so a child born on 29 February has their
  birthday on 28 February in a year that is not a leap year.
* "N weeks after D" is D + 7N days.

The ``*_after`` functions return a :class:`Shift` that also reports what was skipped
(bank holidays by name and date, school holidays and half terms), for explanations.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache, lru_cache
from types import MappingProxyType

import holidays

ONE_DAY = timedelta(days=1)
TERM_NAMES = ("autumn", "spring", "summer")
# What the school holiday ending just before a term is called, by that term's name.
_HOLIDAY_BEFORE = {
    "autumn": "summer holiday",
    "spring": "Christmas holiday",
    "summer": "Easter holiday",
}


class CalendarError(Exception):
    """A calendar calculation cannot be done (for example no term dates configured)."""


class MissingTermDates(CalendarError):
    """A school-day calculation needs an academic year that has no term dates."""

    def __init__(self, academic_year: str) -> None:
        super().__init__(f"no term dates for {academic_year}")
        self.academic_year = academic_year


# --------------------------------------------------------------------------- bank holidays


@cache
def bank_holidays(year: int) -> Mapping[date, str]:
    """Bank holidays in England for one year, from the ``holidays`` package (cached)."""
    found = holidays.UK(subdiv="ENG", years=year)
    return MappingProxyType({d: str(name) for d, name in sorted(found.items()) if d.year == year})


def is_working_day(d: date) -> bool:
    return d.weekday() < 5 and d not in bank_holidays(d.year)


def describe_bank_holidays(days: Iterable[tuple[date, str]]) -> str:
    return ", ".join(f"{name} {d.isoformat()}" for d, name in days)


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Shift:
    """The result of counting forward from ``start``: the date reached and what was skipped."""

    start: date
    due: date
    bank_holidays: tuple[tuple[date, str], ...] = ()
    school_holidays: tuple[str, ...] = ()
    half_terms: tuple[str, ...] = ()

    def skipped_text(self) -> str:
        """Plain English list of what was skipped, or "" if nothing was."""
        parts = []
        if self.bank_holidays:
            label = "bank holiday " if len(self.bank_holidays) == 1 else "bank holidays "
            parts.append(label + describe_bank_holidays(self.bank_holidays))
        parts.extend(self.school_holidays)
        parts.extend(self.half_terms)
        return "; ".join(parts)


# --------------------------------------------------------------------------- simple arithmetic


def add_days(d: date, n: int) -> date:
    return d + timedelta(days=n)


def add_weeks(d: date, n: int) -> date:
    return d + timedelta(days=7 * n)


def add_months(d: date, n: int) -> date:
    """Calendar months after ``d``; a day missing from the target month becomes its last day."""
    month_index = d.year * 12 + (d.month - 1) + n
    year, month = divmod(month_index, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(d.day, last))


def birthday(dob: date, age: int) -> date:
    """The date a child born on ``dob`` reaches ``age`` (29 Feb → 28 Feb in other years)."""
    return add_months(dob, 12 * age)


def age_on(dob: date, d: date) -> int:
    """Age in whole years on ``d`` (using :func:`birthday`)."""
    years = d.year - dob.year
    if years > 0 and birthday(dob, years) > d:
        years -= 1
    elif years <= 0:
        years = 0
    return years


def working_days_after(start: date, n: int) -> Shift:
    """The n-th working day after ``start`` (``start`` is day 0), with bank holidays skipped."""
    if n < 0:
        raise ValueError("n must not be negative")
    d = start
    count = 0
    skipped: list[tuple[date, str]] = []
    while count < n:
        d += ONE_DAY
        if d.weekday() >= 5:
            continue
        name = bank_holidays(d.year).get(d)
        if name is not None:
            skipped.append((d, name))
            continue
        count += 1
    return Shift(start=start, due=d, bank_holidays=tuple(skipped))


def add_working_days(start: date, n: int) -> date:
    return working_days_after(start, n).due


# --------------------------------------------------------------------------- school terms


def academic_year_of(d: date) -> str:
    """The academic year (1 August - 31 July) containing ``d``, e.g. "2026/27"."""
    first = d.year if d.month >= 8 else d.year - 1
    return f"{first}/{(first + 1) % 100:02d}"


def academic_year_start(label: str) -> date:
    return date(int(label[:4]), 8, 1)


def academic_years_between(first: date, last: date) -> list[str]:
    """Every academic year touching [first, last], in order (none if last < first)."""
    if last < first:
        return []
    year, last_year = int(academic_year_of(first)[:4]), int(academic_year_of(last)[:4])
    return [f"{y}/{(y + 1) % 100:02d}" for y in range(year, last_year + 1)]


@dataclass(frozen=True)
class Term:
    academic_year: str  # "2026/27"
    name: str  # autumn | spring | summer
    start: date
    end: date
    half_term_start: date
    half_term_end: date

    @property
    def label(self) -> str:
        return f"{self.academic_year}-{self.name}"

    def contains(self, d: date) -> bool:
        return self.start <= d <= self.end

    def in_half_term(self, d: date) -> bool:
        return self.half_term_start <= d <= self.half_term_end

    def half_term_text(self) -> str:
        return (
            f"{self.label} half term {self.half_term_start.isoformat()} to "
            f"{self.half_term_end.isoformat()}"
        )


def _t(ay: str, name: str, start: str, end: str, hs: str, he: str) -> Term:
    return Term(
        ay,
        name,
        date.fromisoformat(start),
        date.fromisoformat(end),
        date.fromisoformat(hs),
        date.fromisoformat(he),
    )


# rules.md section 6: the shipped default term dates (editable per authority).
DEFAULT_TERMS: tuple[Term, ...] = (
    _t("2024/25", "autumn", "2024-09-04", "2024-12-20", "2024-10-28", "2024-11-01"),
    _t("2024/25", "spring", "2025-01-06", "2025-04-04", "2025-02-17", "2025-02-21"),
    _t("2024/25", "summer", "2025-04-22", "2025-07-22", "2025-05-26", "2025-05-30"),
    _t("2025/26", "autumn", "2025-09-03", "2025-12-19", "2025-10-27", "2025-10-31"),
    _t("2025/26", "spring", "2026-01-05", "2026-03-27", "2026-02-16", "2026-02-20"),
    _t("2025/26", "summer", "2026-04-13", "2026-07-22", "2026-05-25", "2026-05-29"),
    _t("2026/27", "autumn", "2026-09-02", "2026-12-18", "2026-10-26", "2026-10-30"),
    _t("2026/27", "spring", "2027-01-04", "2027-03-25", "2027-02-15", "2027-02-19"),
    _t("2026/27", "summer", "2027-04-12", "2027-07-21", "2027-05-31", "2027-06-04"),
    _t("2027/28", "autumn", "2027-09-01", "2027-12-17", "2027-10-25", "2027-10-29"),
    _t("2027/28", "spring", "2028-01-04", "2028-03-31", "2028-02-14", "2028-02-18"),
    _t("2027/28", "summer", "2028-04-18", "2028-07-21", "2028-05-29", "2028-06-02"),
)


def validate_terms(terms: Sequence[Term]) -> None:
    """Raise CalendarError if the term table is inconsistent."""
    previous: Term | None = None
    for term in sorted(terms, key=lambda t: t.start):
        if term.name not in TERM_NAMES:
            raise CalendarError(f"term {term.label}: name must be one of {', '.join(TERM_NAMES)}")
        if not term.start <= term.end:
            raise CalendarError(f"term {term.label}: ends before it starts")
        if not term.start <= term.half_term_start <= term.half_term_end <= term.end:
            raise CalendarError(f"term {term.label}: half term must lie inside the term")
        if academic_year_of(term.start) != term.academic_year:
            raise CalendarError(
                f"term {term.label}: starts on {term.start.isoformat()}, "
                f"outside academic year {term.academic_year}"
            )
        if previous is not None and term.start <= previous.end:
            raise CalendarError(f"terms {previous.label} and {term.label} overlap")
        previous = term


@dataclass(frozen=True)
class SchoolCalendar:
    """School terms for one authority, with school-day arithmetic."""

    terms: tuple[Term, ...]
    _years: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        ordered = tuple(sorted(self.terms, key=lambda t: t.start))
        validate_terms(ordered)
        object.__setattr__(self, "terms", ordered)
        object.__setattr__(self, "_years", frozenset(t.academic_year for t in ordered))

    @classmethod
    def of(cls, terms: Sequence[Term]) -> SchoolCalendar:
        return _calendar_for(tuple(terms))

    # -- academic years
    def has_year(self, academic_year: str) -> bool:
        return academic_year in self._years

    def require_year(self, academic_year: str) -> None:
        if academic_year not in self._years:
            raise MissingTermDates(academic_year)

    def require_years_between(self, first: date, last: date) -> None:
        """Every academic year touching [first, last] must have term dates."""
        for year in academic_years_between(first, last):
            self.require_year(year)

    # -- terms
    def term_on(self, d: date) -> Term | None:
        """The term containing ``d`` (half term included), or None in a holiday."""
        self.require_year(academic_year_of(d))
        for term in self.terms:
            if term.contains(d):
                return term
        return None

    def next_term_after(self, d: date) -> Term | None:
        """The first configured term starting strictly after ``d``."""
        for term in self.terms:
            if term.start > d:
                return term
        return None

    def previous_term_before(self, d: date) -> Term | None:
        found = None
        for term in self.terms:
            if term.end < d:
                found = term
        return found

    def term_for_event(self, d: date) -> Term | None:
        """The term an event (such as a PEP) counts for: the term containing it, or in a
        holiday the next term."""
        term = self.term_on(d)
        return term if term is not None else self.next_term_after(d)

    def terms_starting_in(self, after: date, until: date) -> list[Term]:
        """Terms whose first day is strictly after ``after`` and on or before ``until``."""
        return [t for t in self.terms if after < t.start <= until]

    def holiday_text(self, d: date) -> str:
        """Describe the school holiday containing ``d`` (which is not in a term)."""
        nxt = self.next_term_after(d)
        prev = self.previous_term_before(d)
        first = (prev.end + ONE_DAY).isoformat() if prev else None
        if nxt is None:
            return f"school holiday from {first}" if first else "school holiday"
        last = (nxt.start - ONE_DAY).isoformat()
        name = _HOLIDAY_BEFORE[nxt.name]
        if first is None:
            return f"{name} until {last}"
        return f"{name} {first} to {last}"

    def school_days_after(self, start: date, n: int) -> Shift:
        """The n-th school day after ``start`` (``start`` never counts), with what was skipped."""
        if n < 0:
            raise ValueError("n must not be negative")
        d = start
        count = 0
        bank: list[tuple[date, str]] = []
        school: list[str] = []
        half: list[str] = []
        while count < n:
            d += ONE_DAY
            self.require_year(academic_year_of(d))
            if d.weekday() >= 5:
                continue
            term = self.term_on(d)
            if term is None:
                text = self.holiday_text(d)
                if text not in school:
                    school.append(text)
                continue
            if term.in_half_term(d):
                text = term.half_term_text()
                if text not in half:
                    half.append(text)
                continue
            name = bank_holidays(d.year).get(d)
            if name is not None:
                bank.append((d, name))
                continue
            count += 1
        return Shift(
            start=start,
            due=d,
            bank_holidays=tuple(bank),
            school_holidays=tuple(school),
            half_terms=tuple(half),
        )

    def add_school_days(self, start: date, n: int) -> date:
        return self.school_days_after(start, n).due


@lru_cache(maxsize=32)
def _calendar_for(terms: tuple[Term, ...]) -> SchoolCalendar:
    return SchoolCalendar(terms)


