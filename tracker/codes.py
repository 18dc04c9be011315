"""SSDA903 code lists, versioned by collection year.

A collection year is named by the year it starts: ``2025`` is 1 April 2025 – 31 March
2026. Each code carries the first and last collection year it is valid for (``None`` =
open-ended), following ../shared/spec/codes.md §6.10: K3 from 2024; H5 and P2 last valid
2024; Z1 last valid 2024 and Z11–Z14 from 2025.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from wtforms.fields.choices import SelectChoice


@dataclass(frozen=True)
class Code:
    code: str
    label: str
    valid_from: int | None = None
    valid_to: int | None = None

    def valid_in(self, year: int) -> bool:
        return (self.valid_from is None or year >= self.valid_from) and (
            self.valid_to is None or year <= self.valid_to
        )


class CodeList:
    def __init__(self, name: str, codes: list[Code]) -> None:
        self.name = name
        self.codes = {c.code: c for c in codes}

    def __contains__(self, code: object) -> bool:
        return code in self.codes

    def label(self, code: str | None) -> str:
        if code is None:
            return ""
        c = self.codes.get(code)
        return f"{code}: {c.label}" if c else code

    def choices(self, on: dt.date | None = None, blank: str | None = None) -> list[SelectChoice]:
        """Options for a select list (all codes, or those valid in ``on``'s collection year)."""
        year = collection_year(on) if on else None
        out = [SelectChoice(c.code, f"{c.code} – {c.label}") for c in self.codes.values()
               if year is None or c.valid_in(year)]
        if blank is not None:
            out.insert(0, SelectChoice("", blank))
        return out

    def choice_message(self, code: str | None) -> str | None:
        """Why ``code`` is not one of the list's codes (in plain words), or None."""
        if not code:
            return f"Select the {self.name}"
        if code not in self.codes:  # not typed by a person (the form offers a list): never echoed back
            return f"Select {'an' if self.name[:1] in 'aeiou' else 'a'} {self.name} from the list"
        return None

    def message(self, code: str | None, on: dt.date) -> str | None:
        """Why ``code`` is refused on ``on``, or None if it is fine."""
        if (msg := self.choice_message(code)) is not None:
            return msg
        c = self.codes[code]  # type: ignore[index]
        year = collection_year(on)
        if not c.valid_in(year):
            return f"{code} is not a valid {self.name} code in {year}–{(year + 1) % 100:02d}"
        return None


def collection_year(on: dt.date) -> int:
    """The SSDA903 collection year containing ``on`` (1 April – 31 March)."""
    return on.year if on.month >= 4 else on.year - 1


LEGAL_STATUS = CodeList("legal status", [
    Code("C1", "Interim care order"),
    Code("C2", "Full care order"),
    Code("D1", "Freeing order granted"),
    Code("E1", "Placement order granted"),
    Code("J1", "Remanded to LA or youth detention accommodation"),
    Code("J2", "Placed in LA accommodation under PACE"),
    Code("J3", "Youth rehabilitation order with residence/fostering requirement"),
    Code("L1", "Police protection, in LA accommodation"),
    Code("L2", "Emergency protection order"),
    Code("L3", "Child assessment order, in LA accommodation"),
    Code("V2", "Single period of accommodation under s.20"),
    Code("V3", "Agreed series of short breaks (individual episodes)"),
    Code("V4", "Agreed series of short breaks (agreements)"),
])
SHORT_BREAK_STATUSES = frozenset({"V3", "V4"})

REASON_NEW_EPISODE = CodeList("reason for new episode", [
    Code("S", "Started to be looked after"),
    Code("L", "Change of legal status only"),
    Code("P", "Change of placement and carer(s) only"),
    Code("T", "Change of placement, same carer(s)"),
    Code("B", "Change of legal status and placement and carer(s)"),
    Code("U", "Change of legal status and placement, same carer(s)"),
])

PLACEMENT_TYPE = CodeList("placement type", [
    Code("A3", "Placed for adoption with consent with current foster carer(s)"),
    Code("A4", "Placed for adoption with consent, not with current foster carer(s)"),
    Code("A5", "Placed for adoption under placement order with current foster carer(s)"),
    Code("A6", "Placed for adoption under placement order, not with current foster carer(s)"),
    Code("H5", "Semi-independent living (not children's homes regulations)", None, 2024),
    Code("K1", "Secure children's home"),
    Code("K2", "Children's home"),
    Code("K3", "Supported accommodation", 2024, None),
    Code("P1", "Placed with own parent(s) or person with parental responsibility"),
    Code("P2", "Independent living", None, 2024),
    Code("P3", "Residential employment"),
    Code("R1", "Residential care home"),
    Code("R2", "NHS/health trust or other medical/nursing establishment"),
    Code("R3", "Family centre or mother and baby unit"),
    Code("R5", "Young offender institution"),
    Code("S1", "Residential school"),
    Code("T0", "Temporary move"),
    Code("T1", "Temporary period in hospital"),
    Code("T2", "Temporary absence on holiday"),
    Code("T3", "Temporary accommodation while foster carer on holiday"),
    Code("T4", "Temporary accommodation of 7 days or less"),
    Code("U1", "Fostered with relative/friend: long-term"),
    Code("U2", "Fostered with relative/friend: fostering for adoption/concurrent"),
    Code("U3", "Fostered with relative/friend: other"),
    Code("U4", "Fostered with other carer: long-term"),
    Code("U5", "Fostered with other carer: fostering for adoption/concurrent"),
    Code("U6", "Fostered with other carer: other"),
    Code("Z1", "Other placement", None, 2024),
    Code("Z11", "Other placement (Z11)", 2025, None),
    Code("Z12", "Other placement (Z12)", 2025, None),
    Code("Z13", "Other placement (Z13)", 2025, None),
    Code("Z14", "Other placement (Z14)", 2025, None),
])
TEMPORARY_PLACEMENTS = frozenset({"T0", "T1", "T2", "T3", "T4"})
ADOPTION_PLACEMENTS = frozenset({"A3", "A4", "A5", "A6"})
FOSTER_PLACEMENTS = frozenset({"U1", "U2", "U3", "U4", "U5", "U6"})
#: Fostered with a relative or friend (a "connected person"): the placements a temporary
#: approval under CPPCR reg 24 can be for.
CONNECTED_PERSON_PLACEMENTS = frozenset({"U1", "U2", "U3"})
#: Minimum age for placement types (codes.md §6.4, rules 371–374).
PLACEMENT_MIN_AGE = {"H5": 16, "K3": 16, "R5": 10, "S1": 4, "P3": 14}

PLACEMENT_PROVIDER = CodeList("placement provider", [
    Code("PR0", "Parent(s) or person with parental responsibility"),
    Code("PR1", "Own LA provision"),
    Code("PR2", "Other LA provision"),
    Code("PR3", "Other public provision"),
    Code("PR4", "Private provision"),
    Code("PR5", "Voluntary/third sector provision"),
])

REASON_CEASED = CodeList("reason episode ceased", [
    Code("X1", "Episode ceases, new episode begins the same day"),
    Code("E11", "Adopted: application unopposed"),
    Code("E12", "Adopted: consent dispensed with"),
    Code("E13", "Left care to live with parent/relative without parental responsibility"),
    Code("E14", "Accommodation on remand ended"),
    Code("E15", "Age assessment found the child to be 18+"),
    Code("E16", "Child moved abroad"),
    Code("E17", "Aged 18+ and remained with current carers"),
    Code("E2", "Died"),
    Code("E3", "Care taken over by another LA"),
    Code("E41", "Residence order / child arrangements order"),
    Code("E45", "SGO to former foster carer(s), relative/friend"),
    Code("E46", "SGO to former foster carer(s), not relative/friend"),
    Code("E47", "SGO to other carer(s), relative/friend"),
    Code("E48", "SGO to other carer(s), not relative/friend"),
    Code("E4A", "Returned home as part of care planning"),
    Code("E4B", "Returned home not as part of care planning"),
    Code("E5", "Independent living with formalised support"),
    Code("E6", "Independent living without formalised support"),
    Code("E7", "Residential care funded by adult social care"),
    Code("E8", "Ceased for any other reason"),
    Code("E9", "Sentenced to custody"),
])

REASON_PLACE_CHANGE = CodeList("reason for placement change", [
    Code("CARPL", "Change to/implementation of care plan"),
    Code("ALLEG", "Allegation (s.47)"),
    Code("STAND", "Standards of care concern"),
    Code("APPRR", "Approval removed"),
    Code("CREQB", "Carer requests end: child's behaviour"),
    Code("CREQO", "Carer requests end: other reasons"),
    Code("CHILD", "Child requests placement end"),
    Code("LAREQ", "Responsible/area authority requests end"),
    Code("PLACE", "Change in the status of the placement only"),
    Code("CUSTOD", "Custody arrangement"),
    Code("CLOSE", "Resignation/closure of provision"),
    Code("OTHER", "Other"),
])
#: Unplanned endings counted as placement breakdowns (the authority's local definition:
#: the placement ended for a reason other than the care plan, a status change, custody
#: or closure of the provision).
BREAKDOWN_REASONS = frozenset({"ALLEG", "STAND", "APPRR", "CREQB", "CREQO", "CHILD", "LAREQ"})

SEX = CodeList("sex", [Code("1", "Male"), Code("2", "Female")])

ETHNICITY = CodeList("ethnicity", [
    Code("WBRI", "White British"), Code("WIRI", "White Irish"), Code("WOTH", "Any other White background"),
    Code("WIRT", "Traveller of Irish heritage"), Code("WROM", "Gypsy/Roma"),
    Code("MWBC", "White and Black Caribbean"), Code("MWBA", "White and Black African"),
    Code("MWAS", "White and Asian"), Code("MOTH", "Any other mixed background"),
    Code("AIND", "Indian"), Code("APKN", "Pakistani"), Code("ABAN", "Bangladeshi"),
    Code("AOTH", "Any other Asian background"), Code("BCRB", "Caribbean"), Code("BAFR", "African"),
    Code("BOTH", "Any other Black background"), Code("CHNE", "Chinese"),
    Code("OOTH", "Any other ethnic group"), Code("REFU", "Refused"), Code("NOBT", "Information not yet obtained"),
])

CATEGORY_OF_NEED = CodeList("category of need", [
    Code("N1", "Abuse or neglect"), Code("N2", "Child's disability"),
    Code("N3", "Parental illness or disability"), Code("N4", "Family in acute stress"),
    Code("N5", "Family dysfunction"), Code("N6", "Socially unacceptable behaviour"),
    Code("N7", "Low income"), Code("N8", "Absent parenting"),
])

UPN_UNKNOWN = ("UN1", "UN2", "UN3", "UN4", "UN5")
