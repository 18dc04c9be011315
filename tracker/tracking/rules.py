"""THE rules table: one declarative entry per kind of tracked item (rules.md sections 3-5).

Statutory timescales change here, through code review and tests, not through a settings
screen. The engine (``engine.py``) takes every offset it applies from this table (via
:func:`clock`), so a number appears in exactly one place. Numbers marked *(config)* in
rules.md name the :class:`~tracker.tracking.engine.RuleConfig` key that overrides them
(``config_key``); the value shown here is the shipped default.

The table is also rendered as the read-only "Rules" page: each :class:`Rule` has a plain
English ``summary`` and lists the configuration keys it uses.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from types import MappingProxyType
from typing import Any

from .calendars import (
    SchoolCalendar,
    Shift,
    add_days,
    add_months,
    add_weeks,
    working_days_after,
)

# --------------------------------------------------------------------------- offsets


@dataclass(frozen=True)
class Offset:
    """How far after its anchor an item falls due. ``n`` is the shipped default; when
    ``config_key`` is set the authority's configuration may override it."""

    n: int = 0
    config_key: str | None = None

    unit = ""

    def resolve(self, config: Any | None) -> Offset:
        """This offset with the configured number, if it is configurable."""
        if self.config_key is None or config is None:
            return self
        return replace(self, n=int(getattr(config, self.config_key)))

    def describe(self) -> str:
        unit = self.unit if self.n != 1 else self.unit.rstrip("s")
        return f"{self.n} {unit}"

    def shift(self, start: date, school: SchoolCalendar | None = None) -> Shift:
        raise NotImplementedError

    def apply(self, start: date, school: SchoolCalendar | None = None) -> date:
        return self.shift(start, school).due


@dataclass(frozen=True)
class WorkingDays(Offset):
    unit = "working days"

    def shift(self, start: date, school: SchoolCalendar | None = None) -> Shift:
        return working_days_after(start, self.n)


@dataclass(frozen=True)
class SchoolDays(Offset):
    unit = "school days"

    def shift(self, start: date, school: SchoolCalendar | None = None) -> Shift:
        if school is None:
            raise ValueError("a school calendar is needed to count school days")
        return school.school_days_after(start, self.n)


@dataclass(frozen=True)
class Days(Offset):
    unit = "days"

    def shift(self, start: date, school: SchoolCalendar | None = None) -> Shift:
        return Shift(start, add_days(start, self.n))


@dataclass(frozen=True)
class Weeks(Offset):
    unit = "weeks"

    def shift(self, start: date, school: SchoolCalendar | None = None) -> Shift:
        return Shift(start, add_weeks(start, self.n))


@dataclass(frozen=True)
class Months(Offset):
    unit = "months"

    def shift(self, start: date, school: SchoolCalendar | None = None) -> Shift:
        return Shift(start, add_months(start, self.n))


@dataclass(frozen=True)
class EndOfTerm(Offset):
    """The last day of the school term that starts on the anchor date."""

    def describe(self) -> str:
        return "the last day of the term"

    def shift(self, start: date, school: SchoolCalendar | None = None) -> Shift:
        if school is None:
            raise ValueError("a school calendar is needed to find the end of a term")
        term = school.term_on(start)
        if term is None:
            raise ValueError(f"{start.isoformat()} is not in a school term")
        return Shift(start, term.end)


# --------------------------------------------------------------------------- the table


@dataclass(frozen=True)
class Clock:
    """One way an item of a kind falls due: ``offset`` after ``anchor``."""

    name: str  # used by the engine to pick the clock, e.g. "first", "next"
    anchor: str  # what starts the clock, in plain English
    offset: Offset


@dataclass(frozen=True)
class Rule:
    kind: str
    title: str
    summary: str  # plain English, for the Rules page
    clocks: tuple[Clock, ...]
    completed_by: str
    recurrence: str
    applicability: str
    closes: str  # when an open item stops being tracked
    source: str  # the legal or guidance reference
    windowed: bool = False  # may become "missed"
    params: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def offset(self) -> Offset:
        """The first (main) offset."""
        return self.clocks[0].offset

    @property
    def anchor(self) -> str:
        return self.clocks[0].anchor

    @property
    def config_keys(self) -> tuple[str, ...]:
        keys = [c.offset.config_key for c in self.clocks if c.offset.config_key]
        keys.extend(self.params.get("config_keys", ()))
        return tuple(dict.fromkeys(keys))

    def clock(self, name: str) -> Clock:
        for c in self.clocks:
            if c.name == name:
                return c
        raise KeyError(f"rule {self.kind} has no clock {name!r}")


CPPCR = "Care Planning, Placement and Case Review (England) Regulations 2010"
HEALTH_GUIDANCE = (
    'DfE/DHSC "Promoting the health and wellbeing of looked-after children" (2015, updated 2022)'
)
EDUCATION_GUIDANCE = 'DfE "Promoting the education of looked-after children" (2018)'
CARE_LEAVERS_REGS = "Care Leavers (England) Regulations 2010"

# Status thresholds (rules.md section 2). Not a timescale: a local policy knob.
DUE_SOON_DAYS = 14
STATUS_CONFIG_KEYS = ("due_soon_days",)

# Ages and limits shared by several rules.
PEP_FROM_AGE = 3  # "aged 3 to 17": 3rd birthday <= date < 18th birthday
PEP_UNTIL_AGE = 18
SDQ_FROM_AGE = 4
SDQ_UNTIL_AGE = 17
HEALTH_UNDER_AGE = 5

# Care leavers (rules.md section 4, CPPCR reg 40; Care Leavers (England) Regulations 2010).
ELIGIBILITY_COUNT_FROM_AGE = 14
ELIGIBILITY_FROM_AGE = 16
ELIGIBILITY_UNTIL_AGE = 18
ELIGIBILITY_DAYS = Days(91)  # 13 weeks, need not be continuous
SHORT_BREAK_LEGAL_STATUSES = frozenset({"V3", "V4"})
SUPPORT_ENDS_AGE = 21
SUPPORT_EXTENDED_AGE = 25
BIRTHDAY_DATA_AGES = (18, 19, 20, 21)


RULES: tuple[Rule, ...] = (
    Rule(
        kind="review",
        title="Statutory review",
        summary=(
            "The first review is due 20 working days after the child starts to be looked "
            "after, the second 3 months after the first was held, and every later one 6 "
            "months after the previous one was held. Reviews may be held early; the next "
            "one is always dated from the date actually held."
        ),
        clocks=(
            Clock(
                "first", "the date the child started to be looked after (DECOM)", WorkingDays(20)
            ),
            Clock("second", "the date review 1 was held", Months(3)),
            Clock("next", "the date the previous review was held", Months(6)),
        ),
        completed_by="review_held",
        recurrence="repeats while looked after: review 1, 2, 3, ...",
        applicability="every child in a period of care; numbering restarts in a new period",
        closes="when the period of care ends",
        source=f"{CPPCR}, reg 33(1), 33(2), 33(3)",
    ),
    Rule(
        kind="initial_health_assessment",
        title="Initial health assessment",
        summary=(
            "A health assessment is due 20 working days after the child starts to be "
            "looked after (the regulations require it before the first review)."
        ),
        clocks=(
            Clock(
                "first", "the date the child started to be looked after (DECOM)", WorkingDays(20)
            ),
        ),
        completed_by="health_assessment (kind initial)",
        recurrence="once per period of care",
        applicability="every child in a period of care",
        closes="when the period of care ends",
        source=f"{CPPCR}, reg 7 (practice: 20 working days); {HEALTH_GUIDANCE}",
    ),
    Rule(
        kind="review_health_assessment",
        title="Review health assessment",
        summary=(
            "After the initial health assessment, a review health assessment is due 6 "
            "months after the last assessment if the child was under 5 on that date, "
            "otherwise 12 months after it."
        ),
        clocks=(
            Clock("under_5", "the last health assessment, child under 5 on that date", Months(6)),
            Clock(
                "5_and_over", "the last health assessment, child 5 or over on that date", Months(12)
            ),
        ),
        completed_by="health_assessment (kind review)",
        recurrence="repeats while looked after",
        applicability="once the initial health assessment is done",
        closes="when the period of care ends",
        source=f"{CPPCR}, reg 7 and Schedule 1; {HEALTH_GUIDANCE}",
        params=MappingProxyType({"under_age": HEALTH_UNDER_AGE}),
    ),
    Rule(
        kind="dental_check",
        title="Dental check",
        summary=(
            "A dental check is due 12 months (configurable) after the last dental check in "
            "this period of care, or after the child started to be looked after if none."
        ),
        clocks=(
            Clock(
                "first",
                "the date the child started to be looked after (DECOM)",
                Months(12, config_key="dental_months"),
            ),
            Clock(
                "next",
                "the last dental check in this period of care",
                Months(12, config_key="dental_months"),
            ),
        ),
        completed_by="dental_check",
        recurrence="repeats while looked after",
        applicability="every child in a period of care",
        closes="when the period of care ends",
        source=HEALTH_GUIDANCE,
    ),
    Rule(
        kind="sdq",
        title="Strengths and Difficulties Questionnaire",
        summary=(
            "An SDQ is due 12 months after the last one; if none in this period of care, "
            "12 months after the later of the start of care and the 4th birthday. None is "
            "due on or after the 17th birthday, and an open one closes on that birthday."
        ),
        clocks=(
            Clock("first", "the later of DECOM and the 4th birthday", Months(12)),
            Clock("next", "the last SDQ in this period of care", Months(12)),
        ),
        completed_by="sdq (total score 0-40)",
        recurrence="repeats while looked after, until the 17th birthday",
        applicability="children in care aged 4 to 16",
        closes="when the period of care ends or on the 17th birthday",
        source=f"{HEALTH_GUIDANCE}; SSDA903 OC2",
        params=MappingProxyType({"from_age": SDQ_FROM_AGE, "until_age": SDQ_UNTIL_AGE}),
    ),
    Rule(
        kind="initial_pep",
        title="Initial personal education plan",
        summary=(
            "The first PEP is due 20 school days after the child starts to be looked after, "
            "for a child aged 3 to 17 on that date."
        ),
        clocks=(
            Clock("first", "the date the child started to be looked after (DECOM)", SchoolDays(20)),
        ),
        completed_by="pep_held (first PEP of the period)",
        recurrence="once per period of care",
        applicability="children aged 3 to 17 on the date care starts",
        closes="when the period of care ends",
        source=EDUCATION_GUIDANCE,
        params=MappingProxyType({"from_age": PEP_FROM_AGE, "until_age": PEP_UNTIL_AGE}),
    ),
    Rule(
        kind="pep",
        title="Termly personal education plan",
        summary=(
            "A PEP is due in every school term that starts after the child started to be "
            "looked after, by the term's last day, while the child is aged 3 to 17 on the "
            "term's first day. A PEP held in a holiday counts for the next term; a term "
            "that ends with no PEP is missed."
        ),
        clocks=(Clock("term", "the first day of the term", EndOfTerm()),),
        completed_by="pep_held dated in the term (half term included) or in the holiday before it",
        recurrence="one per school term",
        applicability="children aged 3 to 17 on the term's first day",
        closes="when the period of care ends during the term",
        source=EDUCATION_GUIDANCE,
        windowed=True,
        params=MappingProxyType({"from_age": PEP_FROM_AGE, "until_age": PEP_UNTIL_AGE}),
    ),
    Rule(
        kind="permanence_plan",
        title="Plan for permanence",
        summary=(
            "A permanence plan is due by the second review: 3 months after review 1 was "
            "held or, while review 1 has not been held, 3 months after its due date."
        ),
        clocks=(
            Clock("held", "the date review 1 was held", Months(3)),
            Clock("not_held", "the due date of review 1 (not yet held)", Months(3)),
        ),
        completed_by="permanence_plan_agreed",
        recurrence="once per period of care",
        applicability="every child in a period of care",
        closes="when the period of care ends",
        source=f"{CPPCR}, reg 33 (permanence by the second review: statutory guidance)",
    ),
    Rule(
        kind="pre_proceedings",
        title="Pre-proceedings (Public Law Outline)",
        summary=(
            "Pre-proceedings should conclude within 16 weeks (configurable) of starting: "
            "ended, or care proceedings issued."
        ),
        clocks=(
            Clock(
                "first",
                "the date pre-proceedings started",
                Weeks(16, config_key="pre_proceedings_weeks"),
            ),
        ),
        completed_by="pre_proceedings_ended or proceedings_issued",
        recurrence="one per pre-proceedings started",
        applicability="any child, in care or on the edge of care",
        closes="never (not tied to a period of care)",
        source="Public Law Outline (practice)",
    ),
    Rule(
        kind="proceedings",
        title="Care proceedings (26 weeks)",
        summary=(
            "Care proceedings should finish within 26 weeks beginning with the issue date "
            "(issue date + 181 days); each extension adds its weeks (at most 8 each)."
        ),
        clocks=(
            Clock("first", "the date proceedings were issued", Days(181)),
            Clock("extension", "each extension granted by the court", Weeks(8)),
        ),
        completed_by="final_order",
        recurrence="one per proceedings issued",
        applicability="any child, in care or on the edge of care",
        closes="never (not tied to a period of care)",
        source="Children Act 1989 s.32(1)(a)(ii) and s.32(5), as amended by the Children and Families Act 2014",
        params=MappingProxyType({"max_extension_weeks": 8}),
    ),
    Rule(
        kind="needs_assessment",
        title="Care leaver needs assessment",
        summary=(
            "A needs assessment is due 3 months after the later of the 16th birthday and "
            "the date the young person became eligible."
        ),
        clocks=(
            Clock("first", "the later of the 16th birthday and the eligibility date", Months(3)),
        ),
        completed_by="needs_assessment_completed",
        recurrence="once",
        applicability="eligible young people, once the eligibility date is reached",
        closes="at the 21st birthday (25th if support was extended)",
        source=f"{CPPCR}, reg 42(1)",
    ),
    Rule(
        kind="pathway_plan",
        title="Pathway plan",
        summary="The pathway plan is due on the same date as the needs assessment.",
        clocks=(
            Clock("first", "the later of the 16th birthday and the eligibility date", Months(3)),
        ),
        completed_by="pathway_plan_completed",
        recurrence="once; then reviewed once the young person leaves care",
        applicability="eligible young people, once the eligibility date is reached",
        closes="at the 21st birthday (25th if support was extended)",
        source=f"{CPPCR}, reg 42-43; {CARE_LEAVERS_REGS}",
    ),
    Rule(
        kind="pathway_plan_review",
        title="Pathway plan review",
        summary=(
            "After leaving care, the pathway plan is reviewed 6 months after the later of "
            "the last plan or review and the date of leaving care. While still in care it "
            "is reviewed at the statutory review instead."
        ),
        clocks=(
            Clock(
                "next", "the later of the last pathway plan (or review) and leaving care", Months(6)
            ),
        ),
        completed_by="pathway_plan_reviewed",
        recurrence="repeats while relevant or former relevant",
        applicability="relevant and former relevant young people with a pathway plan",
        closes="at the 21st birthday (25th if support was extended)",
        source=f"{CARE_LEAVERS_REGS}, reg 7",
    ),
    Rule(
        kind="pa_contact",
        title="Personal adviser contact",
        summary=(
            "After leaving care, the personal adviser is in contact at least every 2 months "
            "after the later of the last contact and the date of leaving care."
        ),
        clocks=(Clock("next", "the later of the last contact and leaving care", Months(2)),),
        completed_by="pa_contact",
        recurrence="repeats while relevant or former relevant",
        applicability="relevant and former relevant young people",
        closes="at the 21st birthday (25th if support was extended)",
        source=f"{CARE_LEAVERS_REGS}, reg 7 (practice: every 2 months)",
    ),
    Rule(
        kind="pa_visit_after_move",
        title="Personal adviser visit after a move",
        summary="The personal adviser visits within 7 days of a care leaver moving accommodation.",
        clocks=(Clock("first", "the date of a move after leaving care", Days(7)),),
        completed_by="pa_contact dated on or after the move",
        recurrence="one per move after leaving care",
        applicability="relevant and former relevant young people",
        closes="at the 21st birthday (25th if support was extended)",
        source=f"{CARE_LEAVERS_REGS}, reg 7(3) (visit after a move)",
    ),
    Rule(
        kind="care_leaver_birthday_data",
        title="Care leaver birthday data (SSDA903 OC3)",
        summary=(
            "Around the 18th, 19th, 20th and 21st birthdays, record whether the young person "
            "is in touch, their activity and accommodation: from 3 months before to 1 month "
            "after the birthday."
        ),
        clocks=(
            Clock("due", "the birthday", Months(1)),
            Clock("window_opens", "the birthday (before it)", Months(3)),
        ),
        completed_by="care_leaver_data_recorded in the window",
        recurrence="one per birthday, ages 18 to 21",
        applicability="young people who were eligible and left care on or before the birthday",
        closes="never (missed if the window closes with nothing recorded)",
        source="DfE SSDA903 guide, OC3 (care leavers aged 17 to 21)",
        windowed=True,
        params=MappingProxyType({"ages": BIRTHDAY_DATA_AGES}),
    ),
    Rule(
        kind="action",
        title="Action",
        summary=(
            "An action set by a worker or manager (at a tracking meeting, review or pathway "
            "plan) with an owner and a due date they choose."
        ),
        clocks=(Clock("chosen", "the date the action was set", Days(0)),),
        completed_by="marked done",
        recurrence="once",
        applicability="any child",
        closes="never",
        source="local practice",
    ),
)

RULES_BY_KIND: Mapping[str, Rule] = MappingProxyType({r.kind: r for r in RULES})


def clock(kind: str, name: str, config: Any | None = None) -> Offset:
    """The offset of clock ``name`` of ``kind``, with any configured override applied."""
    return RULES_BY_KIND[kind].clock(name).offset.resolve(config)


def default_for(config_key: str) -> int:
    """The shipped default of a configuration key, read from the table."""
    if config_key == "due_soon_days":
        return DUE_SOON_DAYS
    for rule in RULES:
        for c in rule.clocks:
            if c.offset.config_key == config_key:
                return c.offset.n
    raise KeyError(config_key)
