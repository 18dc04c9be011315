"""Data-quality checks: the DfE's SSDA903 validation rules that can be checked on one
child, and the statutory limits of rules.md §7 (pure functions of a child's facts).

Each check returns the problems it finds in plain words; the child's page shows them
(so a worker sees them as soon as a record is saved) and the data-quality page counts
them across the authority. Rule codes are the DfE's (as the public 903 validator numbers
them) or ``LIMIT-…`` for the statutory limits. The checks look at the collection year
being prepared: episodes open at any time from 1 April to 31 March.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from tracker import codes
from tracker.returns import codes as rcodes
from tracker.returns.episodes import Episode, derive_episodes, episodes_in_year
from tracker.returns.export import continuously_looked_after, oc3_required, year_bounds
from tracker.returns.facts import ReturnFacts
from tracker.tracking.calendars import birthday

#: Where a problem is put right: a child-record tab key (``tracker.web.nav.CHILD_TABS``).
CARE, OVERVIEW, REVIEWS, PERMANENCE, LEAVING_CARE, RETURN = (
    "care", "overview", "reviews", "permanence", "leaving_care", "return")


@dataclass(frozen=True)
class Rule:
    code: str
    title: str
    fix: str
    check: Callable[[Context], list[str]]


@dataclass(frozen=True)
class Finding:
    code: str
    title: str
    detail: str
    fix: str


@dataclass
class Context:
    facts: ReturnFacts
    year: int
    episodes: list[Episode]  # in the year
    all_episodes: list[Episode]

    @property
    def first(self) -> dt.date:
        return year_bounds(self.year)[0]

    @property
    def last(self) -> dt.date:
        return year_bounds(self.year)[1]

    @property
    def in_care(self) -> bool:
        return bool(self.episodes)

    def d(self, on: dt.date | None) -> str:
        return on.strftime("%d/%m/%Y") if on else ""

    def ended(self, e: Episode) -> dt.date:
        """When the episode ends (or, if open, the end of the year)."""
        return e.end or self.last


RULES: list[Rule] = []


def ordinal(n: int) -> str:
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


def rule(code: str, title: str, fix: str) -> Callable[[Callable[[Context], list[str]]], Callable[[Context], list[str]]]:
    def register(fn: Callable[[Context], list[str]]) -> Callable[[Context], list[str]]:
        RULES.append(Rule(code, title, fix, fn))
        return fn
    return register


def _not_short_break(c: Context) -> list[Episode]:
    return [e for e in c.episodes if e.ls not in codes.SHORT_BREAK_STATUSES]


# Header --------------------------------------------------------------------------------

@rule("442", "UPN not recorded for a child looked after", OVERVIEW)
def _upn(c: Context) -> list[str]:
    if _not_short_break(c) and not c.facts.upn:
        return ["No unique pupil number: record it, or UN1–UN5 if it is not known"]
    return []


@rule("209", "UN1 (not of school age) used for a child of school age", OVERVIEW)
def _un1(c: Context) -> list[str]:
    if c.facts.upn == "UN1" and birthday(c.facts.dob, 4) <= dt.date(c.year - 1, 8, 31):
        return ["UPN is UN1 but the child was of school age: record the UPN"]
    return []


@rule("393", "Motherhood not recorded for a girl looked after", RETURN)
def _mother(c: Context) -> list[str]:
    if c.facts.sex == "2" and _not_short_break(c) and c.facts.mother is None:
        return ["Record whether she is a mother (SSDA903 MOTHER)"]
    return []


@rule("611", "Mother, but her child's date of birth is not recorded", RETURN)
def _mc_dob(c: Context) -> list[str]:
    return ["Record the date of birth of her first child"] if c.facts.mother and not c.facts.first_child_born_on \
        else []


@rule("304", "UASC status after the 18th birthday", RETURN)
def _uasc(c: Context) -> list[str]:
    f = c.facts
    b18 = birthday(f.dob, 18)
    if f.uasc_ceased_on and f.uasc_ceased_on > b18:
        return [f"UASC status ceased {c.d(f.uasc_ceased_on)}, after the 18th birthday ({c.d(b18)})"]
    return []


# Episodes: codes and placements --------------------------------------------------------

@rule("CODES", "Code not valid for the collection year", CARE)
def _codes_for_year(c: Context) -> list[str]:
    out = []
    y = f"{c.year}–{(c.year + 1) % 100:02d}"
    for e in c.episodes:
        place = codes.PLACEMENT_TYPE.codes.get(rcodes.place_code(e.place, c.year)) if e.place else None
        if place is not None and not place.valid_in(c.year):
            out.append(f"Placement type {e.place} (from {c.d(e.start)}) is not valid in {y}: record the current code")
        if e.ls and e.ls in codes.LEGAL_STATUS and not codes.LEGAL_STATUS.codes[e.ls].valid_in(c.year):
            out.append(f"Legal status {e.ls} (from {c.d(e.start)}) is not valid in {y}")
        if e.rec and e.rec in codes.REASON_CEASED and not codes.REASON_CEASED.codes[e.rec].valid_in(c.year):
            out.append(f"Reason care ended {e.rec} ({c.d(e.end)}) is not valid in {y}")
    return out


@rule("LIMIT-K3", "Supported accommodation (K3/H5) under 16", CARE)
def _k3_age(c: Context) -> list[str]:
    return [f"{e.place} placement from {c.d(e.start)} at age {c.facts.age_on(e.start)}: only for 16 or over"
            for e in c.episodes if e.place in ("K3", "H5") and c.facts.age_on(e.start) < 16]


@rule("372", "Placement type below its minimum age", CARE)
def _min_age(c: Context) -> list[str]:
    return [f"{e.place} placement from {c.d(e.start)} at age {c.facts.age_on(e.start)}: only for "
            f"{codes.PLACEMENT_MIN_AGE[e.place]} or over"
            for e in c.episodes if e.place in codes.PLACEMENT_MIN_AGE and e.place not in ("K3", "H5")
            and c.facts.age_on(e.start) < codes.PLACEMENT_MIN_AGE[e.place]]


@rule("526", "Placement provider missing or not allowed", CARE)
def _provider(c: Context) -> list[str]:
    out = []
    for e in c.episodes:
        if e.placement is None:
            continue
        no_provider = e.place in ("T0", "T1", "T2", "T3", "Z11", "Z12", "Z13", "Z14")
        if e.provider is None and not no_provider:
            out.append(f"{e.place} placement from {c.d(e.start)}: record the provider")
        elif e.provider is not None and no_provider:
            out.append(f"{e.place} placement from {c.d(e.start)} has no provider in the return: remove "
                       f"{e.provider}")
        elif e.provider == "PR0" and e.place != "P1":
            out.append(f"PR0 (parents) is only for placements with parents (P1), not {e.place}")
        elif e.place == "P1" and e.provider not in (None, "PR0"):
            out.append(f"A placement with parents (P1) has provider PR0, not {e.provider}")
        elif e.provider in ("PR1", "PR2") and e.place in ("R2", "R5"):
            out.append(f"{e.provider} cannot provide a {e.place} placement")
        elif e.provider == "PR3" and e.place in ({"A3", "A4", "A5", "A6", "K1", "K2"} | codes.FOSTER_PLACEMENTS):
            out.append(f"PR3 (other public provision) cannot provide a {e.place} placement")
    return out


@rule("392b", "Postcodes missing for a placement", RETURN)
def _postcodes(c: Context) -> list[str]:
    if c.facts.uasc or c.facts.uasc_ceased_on:
        return []
    out, seen = [], set()
    for e in _not_short_break(c):
        p = e.placement
        if p is None or p.id in seen:
            continue
        seen.add(p.id)
        missing = [n for n, v in (("home", p.home_post), ("placement", p.pl_post)) if not v]
        if missing:
            out.append(f"{e.place} placement from {c.d(p.start)}: record the {' and '.join(missing)} postcode")
    return out


@rule("218", "Ofsted URN missing or not expected", RETURN)
def _urn(c: Context) -> list[str]:
    no_urn = {"P1", "P3", "R1", "R2", "R5", "Z11", "Z12", "Z13", "Z14"} | codes.TEMPORARY_PLACEMENTS
    out, seen = [], set()
    for e in c.episodes:
        p = e.placement
        if p is None or p.id in seen:
            continue
        seen.add(p.id)
        if p.urn is None and e.place not in no_urn:
            out.append(f"{e.place} placement from {c.d(p.start)}: record the provider's Ofsted URN")
        elif p.urn and p.urn != "XXXXXXX" and e.place in no_urn:
            out.append(f"{e.place} placement from {c.d(p.start)} has no Ofsted URN in the return: remove {p.urn}")
    return out


@rule("NO-PLACE", "Looked after with no current placement", CARE)
def _no_current_placement(c: Context) -> list[str]:
    """Not a DfE rule: a period of care still open must have a placement open too (the
    return's episodes need a PLACE; a deleted or ended placement can leave none)."""
    out = []
    for period in c.facts.periods:
        if period.end is not None or period.start > c.last:
            continue
        inside = [p for p in c.facts.placements if p.start >= period.start]
        if not any(p.end is None for p in inside):
            since = max((p.end for p in inside if p.end is not None), default=period.start)
            out.append(f"Looked after since {c.d(period.start)} but no placement since {c.d(since)}: "
                       "record where the child lives now")
    return out


@rule("355", "Episode lasting less than a day", CARE)
def _short_episode(c: Context) -> list[str]:
    return [f"An episode starts and ends on {c.d(e.start)}" for e in c.episodes if e.end == e.start]


@rule("380", "Period of care starting or ending with a temporary placement", CARE)
def _temporary_ends(c: Context) -> list[str]:
    out = []
    for e in c.episodes:
        if e.place not in codes.TEMPORARY_PLACEMENTS:
            continue
        if e.rne == "S":
            out.append(f"Care starts {c.d(e.start)} with a temporary placement ({e.place})")
        if e.rec not in (None, "X1"):
            out.append(f"Care ends {c.d(e.end)} with a temporary placement ({e.place})")
    return out


@rule("375", "Temporary placement longer than allowed", CARE)
def _temporary_length(c: Context) -> list[str]:
    limits = {"T1": (42, "6 weeks"), "T3": (21, "3 weeks"), "T4": (7, "7 days")}
    out = []
    for e in c.episodes:
        if e.place in limits and (c.ended(e) - e.start).days > limits[e.place][0]:
            out.append(f"{e.place} placement from {c.d(e.start)} lasts more than {limits[e.place][1]}")
    return out


@rule("225", "Reason for the placement change not recorded", CARE)
def _reason_change(c: Context) -> list[str]:
    out = []
    for e, nxt in zip(c.episodes, c.episodes[1:], strict=False):
        if (e.rec == "X1" and nxt.rne in ("P", "T", "B", "U") and e.reason_place_change is None
                and e.place not in codes.TEMPORARY_PLACEMENTS and nxt.place not in codes.TEMPORARY_PLACEMENTS):
            out.append(f"{e.place} placement ended {c.d(e.end)}: record why it ended")
    return out


@rule("386", "Reason care ended does not fit the child's age", CARE)
def _rec_age(c: Context) -> list[str]:
    out = []
    for e in c.episodes:
        if e.rec is None or e.end is None:
            continue
        age = c.facts.age_on(e.end)
        if e.rec in ("E11", "E12") and age >= 18:
            out.append(f"Adopted ({e.rec}) on {c.d(e.end)} at 18 or over")
        elif e.rec in ("E5", "E6") and age < 14:
            out.append(f"Independent living ({e.rec}) on {c.d(e.end)} under 14")
        elif e.rec == "E7" and age < 16:
            out.append(f"Adult social care (E7) on {c.d(e.end)} under 16")
        elif e.rec == "E17" and age < 18:
            out.append(f"E17 (stayed with carers at 18) on {c.d(e.end)} under 18")
    return out


# Legal status limits (rules.md §7) -----------------------------------------------------

def _status_spells(c: Context, code: str) -> list[tuple[dt.date, dt.date]]:
    """Continuous spells under one legal status in the year (start, end or year end)."""
    spells: list[tuple[dt.date, dt.date]] = []
    for e in c.episodes:
        if e.ls != code:
            continue
        if spells and spells[-1][1] == e.start:
            spells[-1] = (spells[-1][0], c.ended(e))
        else:
            spells.append((e.start, c.ended(e)))
    return spells


@rule("LIMIT-L1", "Police protection (L1) over 72 hours", CARE)
def _l1(c: Context) -> list[str]:
    return [f"L1 from {c.d(s)} to {c.d(e)}: police protection lasts 72 hours at most"
            for s, e in _status_spells(c, "L1") if (e - s).days > 3]


@rule("LIMIT-L2", "Emergency protection order (L2) over 8 days (15 with an extension)", CARE)
def _l2(c: Context) -> list[str]:
    out = []
    for s, e in _status_spells(c, "L2"):
        days = (e - s).days
        if days > 15:
            out.append(f"L2 from {c.d(s)} to {c.d(e)} ({days} days): longer than an extended order (15 days)")
        elif days > 8:
            out.append(f"L2 from {c.d(s)} to {c.d(e)} ({days} days): over 8 days, so only if it was extended")
    return out


@rule("LIMIT-L3", "Child assessment order (L3) over 7 days", CARE)
def _l3(c: Context) -> list[str]:
    return [f"L3 from {c.d(s)} to {c.d(e)}: a child assessment order lasts 7 days at most"
            for s, e in _status_spells(c, "L3") if (e - s).days > 7]


# Reviews --------------------------------------------------------------------------------

@rule("167", "Review participation not recorded or wrong for the age", REVIEWS)
def _participation(c: Context) -> list[str]:
    if not c.in_care:
        return []
    out = []
    for held_on, code in c.facts.reviews:
        if not c.first <= held_on <= c.last:
            continue
        under_4 = c.facts.age_on(held_on) < 4
        if code is None:
            out.append(f"Review on {c.d(held_on)}: record how the child took part")
        elif (code == "PN0") != under_4:
            out.append(f"Review on {c.d(held_on)}: PN0 is for children under 4 at the review, and only them")
    return out


# OC2 -----------------------------------------------------------------------------------

@rule("191", "Information for children looked after for 12 months (OC2) missing", RETURN)
def _oc2(c: Context) -> list[str]:
    if not continuously_looked_after(c.episodes, c.year):
        return []
    f = c.facts
    s = f.oc2.get(c.year)
    if s is not None and s.as_returned:
        return []
    missing = []
    if s is None or s.immunisations is None:
        missing.append("immunisations")
    if s is None or s.substance_misuse is None:
        missing.append("substance misuse")
    if birthday(f.dob, 10) < c.last and (s is None or s.convicted is None):
        missing.append("convictions")
    sdq_due = not (birthday(f.dob, 4) > c.last or birthday(f.dob, 17) < c.first)
    if sdq_due and not any(c.first <= d <= c.last for d, _ in f.sdq) and (s is None or not s.sdq_reason):
        missing.append("an SDQ score or the reason there is none")
    out = [f"Record {', '.join(missing)} for {c.year}–{(c.year + 1) % 100:02d}"] if missing else []
    if s is not None and s.substance_misuse:
        if s.intervention_received is None:
            out.append("Substance misuse: record whether an intervention was received")
        elif not s.intervention_received and s.intervention_offered is None:
            out.append("Substance misuse: record whether an intervention was offered")
    return out


# OC3 -----------------------------------------------------------------------------------

@rule("OC3", "Care leaver's birthday data not recorded", LEAVING_CARE)
def _oc3(c: Context) -> list[str]:
    out = []
    for age, due in sorted(c.facts.birthday_data_missing):
        b = birthday(c.facts.dob, age)
        if c.first <= b <= c.last and oc3_required(c.facts, age, c.episodes):
            out.append(f"No birthday data (in touch, activity, accommodation) recorded for the {ordinal(age)} birthday "
                       f"({c.d(b)}, due by {c.d(due)}): the young person is left out of OC3 until it is")
    return out


# Adoption ------------------------------------------------------------------------------

def _decisions(c: Context) -> list[dt.date]:
    return sorted(d for k, d in c.facts.milestones if k == "should_be_placed_for_adoption")


@rule("553", "Placement order without a decision that the child should be placed for adoption", PERMANENCE)
def _placement_order(c: Context) -> list[str]:
    e1 = [e for e in c.episodes if e.ls == "E1"]
    if not e1:
        return []
    granted = e1[0].start
    decisions = _decisions(c)
    if not decisions:
        return [f"Placement order from {c.d(granted)}: record the decision that the child should be placed "
                "for adoption"]
    late = [d for d in decisions if d > granted and d <= c.last]
    return [f"Decision to place for adoption on {c.d(d)} is after the placement order ({c.d(granted)})"
            for d in late]


@rule("557", "Left care without adoption but the adoption decision stands", PERMANENCE)
def _decision_reversed(c: Context) -> list[str]:
    if not any(e.ls == "E1" or e.place in codes.ADOPTION_PLACEMENTS for e in c.episodes):
        return []
    left = next((e for e in c.episodes if e.rec not in (None, "X1", "E11", "E12") and e.end), None)
    if left is None:
        return []
    return [f"Left care {c.d(left.end)}: record when and why the decision of {c.d(d)} to place for adoption "
            "ceased" for d in _decisions(c) if left.end is not None and d <= left.end and d not in c.facts.reversals]


@rule("601", "Adopted in the year but the adoption details are missing", RETURN)
def _ad1(c: Context) -> list[str]:
    adopted = [e for e in c.episodes if e.rec in ("E11", "E12") and e.end and c.first <= e.end <= c.last]
    a = c.facts.adoption
    if adopted and (a is None or None in (a.by_foster_carer, a.adopters_count, a.adopters_sex,
                                          a.adopters_legal_status)):
        return [f"Adopted {c.d(adopted[0].end)}: record the adopters' details (number, sex, legal status, "
                "whether the foster carers)"]
    if a is not None and a.adopters_legal_status and a.adopters_sex and a.adopters_sex not in \
            rcodes.ADOPTER_SEX_FOR_STATUS[a.adopters_legal_status]:
        return [f"Adopters recorded as {a.adopters_legal_status} but {a.adopters_sex}"]
    return []


@rule("630", "Previous permanence not recorded for a child who started care", RETURN)
def _prev_perm(c: Context) -> list[str]:
    started = [e for e in c.episodes if e.rne == "S" and e.start >= c.first]
    pp = c.facts.prev_perm
    if started and (pp is None or pp.option is None):
        return [f"Started care {c.d(started[0].start)}: record any previous permanence order (or none)"]
    if pp is not None and pp.option not in (None, "Z1") and (pp.la_code is None or pp.order_date is None):
        return ["Previous permanence: record the authority and the date of the order"]
    return []


# Missing -------------------------------------------------------------------------------

@rule("575", "Missing episode still open after the placement or care ended", RETURN)
def _missing_open(c: Context) -> list[str]:
    out = []
    for _kind, start, end in c.facts.missing:
        if end is not None:
            continue
        placement_end = next((e.end for e in c.all_episodes if e.open_at(start)
                              and e.placement is not None and e.placement.end is not None), None)
        if placement_end is not None:
            out.append(f"Missing from {c.d(start)}: the placement ended {c.d(placement_end)}; record when the "
                       "child was found")
    return out


# Social workers ------------------------------------------------------------------------

@rule("SW01", "No social worker recorded for a child looked after", RETURN)
def _social_worker(c: Context) -> list[str]:
    if c.year < rcodes.SW_EPISODES_FROM or not _not_short_break(c):
        return []
    if any(start <= c.last and (end is None or end >= c.first) for _ref, start, end, _r in c.facts.sw_episodes):
        return []
    return ["No social worker recorded for this year: record who the child's social worker is (SSDA903 "
            "SWEpisodes)"]


def check_child(facts: ReturnFacts, year: int) -> list[Finding]:
    """Every data-quality problem for one child in the collection year."""
    episodes = derive_episodes(facts)
    context = Context(facts=facts, year=year, episodes=episodes_in_year(episodes, year), all_episodes=episodes)
    findings = []
    for r in RULES:
        for detail in r.check(context):
            findings.append(Finding(r.code, r.title, detail, r.fix))
    return findings


RULES_BY_CODE = {r.code: r for r in RULES}
