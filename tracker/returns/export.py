"""Build the SSDA903 return for a collection year from the children's facts (pure).

Who is in each table (codes.md §6, and the DfE validation rules that define the cohorts):

* Episodes: every episode open at any time from 1 April to 31 March (``episodes_in_year``).
* Header: children with an episode in the year, and care leavers in OC3.
* Reviews, UASC, Missing, SWEpisodes, DoLo, PlacedAdoption, PrevPerm, AD1 and OC2: only
  children with an episode in the year (rule 1012); UASC also not for care leavers (1014).
* OC2: children looked after continuously for 12 months at 31 March, as the validator
  defines it (in care during the year, no new period started after 1 April, none ended
  before 31 March, no short breaks).
* OC3: young people whose 17th–21st birthday falls in the year and who have birthday data
  recorded from 3 months before to 1 month after it, except 17- and 18-year-olds who were
  still looked after on that birthday or left care on or after it (rules 1007, 1016).
  Young people in the cohort with nothing recorded are data-quality warnings, not blank rows.
* UASC DUC: the date recorded, otherwise the 18th birthday (rule 205B). SWEpisodes:
  every social worker episode overlapping the year, each with its SW_REASON (why that
  worker took over), open ones included (rules SW01b, SW03, SW13).
* AD1: children adopted (REC E11/E12) in the year. PrevPerm: children who started to be
  looked after in the year (rule 630). PlacedAdoption: "should be placed for adoption"
  decisions still standing on 1 April or made in the year, within a period of care that
  overlaps it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from tracker.returns.codes import place_code, sex_code
from tracker.returns.episodes import Episode, derive_episodes, episodes_in_year
from tracker.returns.facts import ReturnFacts
from tracker.returns.tables import Table, flag, fmt_date, tables_for, to_csv
from tracker.tracking.calendars import add_months, birthday

Row = tuple[str, ...]


def year_bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 4, 1), dt.date(year + 1, 3, 31)


@dataclass
class ReturnData:
    year: int
    rows: dict[str, list[Row]] = field(default_factory=dict)
    tables: list[Table] = field(default_factory=list)

    def files(self) -> dict[str, str]:
        """File name -> CSV text, for the tables that have rows (Header and Episodes always)."""
        return {t.filename: to_csv(t, self.rows[t.name]) for t in self.tables
                if t.always or self.rows[t.name]}

    def count(self, name: str) -> int:
        return len(self.rows.get(name, []))


def continuously_looked_after(episodes: list[Episode], year: int) -> bool:
    """Looked after for the whole year to 31 March (the validator's definition)."""
    first, last = year_bounds(year)
    if not episodes:
        return False
    for e in episodes:
        if e.rne == "S" and first < e.start <= last:
            return False
        if e.rec not in (None, "X1") and e.end is not None and first <= e.end < last:
            return False
        if e.ls in ("V3", "V4"):
            return False
    return True


def oc3_required(f: ReturnFacts, age: int, episodes: list[Episode]) -> bool:
    """Whether OC3 is returned for this birthday: not for 17- and 18-year-olds who were
    looked after on it or left care on or after it (DfE rules 1007 and 1016)."""
    if age not in (17, 18):
        return True
    b = birthday(f.dob, age)
    looked_after = any(p.start <= b and (p.end is None or p.end > b) for p in f.periods)
    left_after = any(e.end is not None and e.rec not in (None, "X1") and e.end >= b for e in episodes)
    return not (looked_after or left_after)


def oc3_record(f: ReturnFacts, year: int, episodes: list[Episode]) -> tuple[int, object] | None:
    """The birthday (age) in the year whose OC3 data is returned, and the record, if any."""
    first, last = year_bounds(year)
    for age in (17, 18, 19, 20, 21):
        b = birthday(f.dob, age)
        if not first <= b <= last:
            continue
        if not oc3_required(f, age, episodes):
            return None
        window = (add_months(b, -3), add_months(b, 1))
        candidates = [r for r in f.leaver_records if window[0] <= r.recorded_on <= window[1]]
        if not candidates:
            return None
        best = min(candidates, key=lambda r: (abs((r.recorded_on - b).days), r.recorded_on))
        return age, best
    return None


def uasc_ceased(f: ReturnFacts) -> dt.date:
    """UASC DUC: the date recorded, otherwise the 18th birthday, when UASC status ends
    (DfE guidance; rule 205B compares it with last year's)."""
    return f.uasc_ceased_on or birthday(f.dob, 18)


def header_row(f: ReturnFacts, year: int, *, in_care: bool = True) -> Row:
    """The child's Header row. MOTHER and MC_DOB are for girls looked after in the year
    (not for care leavers in OC3 only, rule 628), as at 31 March: a first child born
    later is not in that year's return."""
    mother = first_child = ""
    if in_care and f.sex == "2" and f.mother is not None:
        born = f.first_child_born_on if f.mother else None
        is_mother = f.mother and not (born is not None and born > year_bounds(year)[1])
        mother, first_child = flag(is_mother), fmt_date(born if is_mother else None)
    return (f.local_id, sex_code(f.sex, year), fmt_date(f.dob), f.ethnicity, f.upn or "", mother, first_child)


def build_return(facts: Iterable[ReturnFacts], year: int) -> ReturnData:
    first, last = year_bounds(year)
    data = ReturnData(year=year, tables=tables_for(year))
    rows: dict[str, list[Row]] = {t.name: [] for t in data.tables}
    for f in sorted(facts, key=lambda f: f.local_id):
        eps = episodes_in_year(derive_episodes(f), year)
        oc3 = oc3_record(f, year, eps)
        if not eps and oc3 is None:
            continue
        child, dob = f.local_id, fmt_date(f.dob)
        in_care = bool(eps)
        rows["Header"].append(header_row(f, year, in_care=in_care))
        if oc3 is not None:
            _age, rec = oc3
            rows["OC3"].append((child, dob, *_oc3_values(rec)))
        if not in_care:
            continue
        for e in eps:
            p = e.placement
            rows["Episodes"].append((
                child, fmt_date(e.start), e.rne, e.ls or "", e.cin, place_code(e.place, year) if e.place else "",
                (p.provider or "") if p else "",
                fmt_date(e.end), e.rec or "", e.reason_place_change or "",
                (p.home_post or "") if p else "", (p.pl_post or "") if p else "", (p.urn or "") if p else ""))
        for held_on, code in f.reviews:
            if first <= held_on <= last:
                rows["Reviews"].append((child, dob, fmt_date(held_on), code or ""))
        if f.uasc or f.uasc_ceased_on:
            rows["UASC"].append((child, sex_code(f.sex, year), dob, fmt_date(uasc_ceased(f))))
        if continuously_looked_after(eps, year):
            rows["OC2"].append((child, dob, *_oc2_values(f, year)))
        adopted = next((e for e in eps if e.rec in ("E11", "E12") and e.end and first <= e.end <= last), None)
        if adopted is not None:
            rows["AD1"].append((child, dob, *_ad1_values(f, adopted)))
        for decided, ceased, reason in _adoption_decisions(f, year):
            rows["PlacedAdoption"].append((child, dob, fmt_date(decided), fmt_date(ceased), reason or ""))
        if any(e.rne == "S" and e.start >= first for e in eps):
            pp = f.prev_perm
            rows["PrevPerm"].append((child, dob, (pp.option or "") if pp else "", (pp.la_code or "") if pp else "",
                                     (pp.order_date or "") if pp else ""))
        for kind, start, end in f.missing:
            if start <= last and (end is None or end >= first):
                rows["Missing"].append((child, dob, kind, fmt_date(start), fmt_date(end if end and end <= last
                                                                                   else None)))
        if "SWEpisodes" in rows:
            for ref, start, end, reason in f.sw_episodes:
                if start <= last and (end is None or end >= first):
                    ended = end is not None and end <= last
                    rows["SWEpisodes"].append((child, dob, ref, fmt_date(start), fmt_date(end if ended else None),
                                               reason or ""))
        if "DoLo" in rows:
            for start, end in f.dolo:
                if start <= last and (end is None or end >= first):
                    rows["DoLo"].append((child, dob, fmt_date(start), fmt_date(end if end and end <= last else None)))
    data.rows = rows
    return data


def _oc3_values(rec: object) -> tuple[str, str, str]:
    in_touch = rec.in_touch  # type: ignore[attr-defined]
    activity = rec.activity or "0"  # type: ignore[attr-defined]
    if rec.accommodation:  # type: ignore[attr-defined]
        accom = rec.accommodation + ("1" if rec.suitable else "2")  # type: ignore[attr-defined]
    else:
        accom = "0"
    return in_touch, activity, accom


def _in_year(dates: Iterable[dt.date], year: int) -> bool:
    first, last = year_bounds(year)
    return any(first <= d <= last for d in dates)


def _oc2_values(f: ReturnFacts, year: int) -> tuple[str, ...]:
    first, last = year_bounds(year)
    stored = f.oc2.get(year)
    if stored is not None and stored.as_returned:
        s = stored
        return ("" if s.sdq_score is None else str(s.sdq_score), s.sdq_reason or "", flag(s.convicted),
                flag(s.health_check), flag(s.immunisations), flag(s.teeth_check), flag(s.health_assessment),
                flag(s.substance_misuse), flag(s.intervention_received), flag(s.intervention_offered))
    assessed = _in_year((d for d, _ in f.health), year)
    under_5 = birthday(f.dob, 5) > last
    sdq_due = not (birthday(f.dob, 4) > last or birthday(f.dob, 17) < first)
    score = reason = ""
    if sdq_due:
        scores = [s for d, s in f.sdq if first <= d <= last]
        if scores:
            score = str(scores[-1])
        elif stored is not None and stored.sdq_reason:
            reason = stored.sdq_reason
    convicted = flag(stored.convicted) if stored is not None and birthday(f.dob, 10) < last else ""
    return (score, reason, convicted,
            flag(assessed) if under_5 else "",
            flag(stored.immunisations) if stored else "",
            flag(_in_year(f.dental, year)),
            flag(assessed),
            flag(stored.substance_misuse) if stored else "",
            flag(stored.intervention_received) if stored else "",
            flag(stored.intervention_offered) if stored else "")


def _latest(f: ReturnFacts, kind: str, on_or_before: dt.date) -> dt.date | None:
    dates = [d for k, d in f.milestones if k == kind and d <= on_or_before]
    return max(dates) if dates else None


def _ad1_values(f: ReturnFacts, adopted: Episode) -> tuple[str, ...]:
    a = f.adoption
    assert adopted.end is not None
    decided = (a.decided_on if a and a.decided_on else None) or _latest(f, "should_be_placed_for_adoption",
                                                                          adopted.end)
    matched = (a.matched_on if a and a.matched_on else None) or _latest(f, "matched", adopted.end)
    return (fmt_date(decided), fmt_date(matched), flag(a.by_foster_carer) if a else "",
            str(a.adopters_count) if a and a.adopters_count else "", (a.adopters_sex or "") if a else "",
            (a.adopters_legal_status or "") if a else "")


def _adoption_decisions(f: ReturnFacts, year: int) -> list[tuple[dt.date, dt.date | None, str | None]]:
    first, last = year_bounds(year)
    # Each period of care overlapping the year, from when it started (or, for a period
    # loaded from a return that began mid-period, from the end of the one before).
    spans = []
    for i, p in enumerate(f.periods):
        if p.start <= last and (p.end is None or p.end >= first):
            before = f.periods[i - 1].end if i else None
            spans.append((p.start if p.rne == "S" else (before or dt.date.min), p.end))
    out = []
    for kind, decided in f.milestones:
        if kind != "should_be_placed_for_adoption" or decided > last:
            continue
        if not any(lower <= decided and (end is None or decided <= end) for lower, end in spans):
            continue
        ceased, reason = f.reversals.get(decided, (None, None))
        if ceased is not None and ceased < first:
            continue
        if ceased is not None and ceased > last:
            ceased, reason = None, None
        out.append((decided, ceased, reason))
    return out
