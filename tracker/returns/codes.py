"""Code lists only the return uses, and the codes that change by collection year.

The case records' code lists live in ``tracker.codes`` (placement types, legal status,
REC, RNE and so on, each with the years it is valid for). This module adds the return's
own fields (OC2, AD1, PlacedAdoption, PrevPerm, Missing, SWEpisodes) and the one change
of *encoding*: from 2024–25 Header SEX is returned as M/F (U unknown) instead of 1/2
(the DfE validator's rule 101 for 2024–25 onwards). The tracker stores 1/2 throughout.
"""

from __future__ import annotations

import re

from tracker.codes import PLACEMENT_TYPE, Code, CodeList

#: First collection year whose Header SEX is M/F rather than 1/2.
SEX_LETTERS_FROM = 2024
#: First collection year with the SWEpisodes table, and with DoLo.
SW_EPISODES_FROM = 2023
DOLO_FROM = 2026


def sex_code(stored: str, year: int) -> str:
    """The SEX value returned for ``year`` (stored values are 1 male, 2 female)."""
    if year >= SEX_LETTERS_FROM:
        return {"1": "M", "2": "F"}.get(stored, "U")
    return stored


def sex_from_return(value: str, year: int) -> str | None:
    """The stored value for a returned SEX code, or None if it is not valid in ``year``."""
    if year >= SEX_LETTERS_FROM:
        return {"M": "1", "F": "2"}.get(value)
    return value if value in ("1", "2") else None


#: Placement types withdrawn from the return with a named successor the DfE accepts
#: for a placement that carries on into the new year (codes.md §6.10): semi-independent
#: living (H5) became supported accommodation (K3) in 2025–26.
PLACE_SUCCESSORS = {"H5": "K3"}


def place_code(stored: str, year: int) -> str:
    """The PLACE returned for ``year``: the stored code, or its successor once withdrawn."""
    code = PLACEMENT_TYPE.codes.get(stored)
    successor = PLACE_SUCCESSORS.get(stored)
    if code is not None and not code.valid_in(year) and successor is not None:
        return successor
    return stored


SDQ_REASON = CodeList("reason for no SDQ score", [
    Code("SDQ1", "No form returned: the child was under 4 or over 16 at the latest assessment"),
    Code("SDQ2", "Carer(s) refused to complete and return the questionnaire"),
    Code("SDQ3", "Not possible because of the severity of the child's disability"),
    Code("SDQ4", "Other"),
    Code("SDQ5", "The child or young person refused to let it be completed"),
])

ADOPTER_SEX = CodeList("sex of adopters", [
    Code("M1", "One male adopter"), Code("F1", "One female adopter"), Code("MM", "Two male adopters"),
    Code("FF", "Two female adopters"), Code("MF", "A male and a female adopter"),
])

#: Labels as the DfE validation rules use them (514, 517-520, 524): L0 must be one
#: adopter, L11 and L3 a male and a female, L12 and L4 two of the same sex.
ADOPTER_LEGAL_STATUS = CodeList("legal status of adopters", [
    Code("L0", "Single adopter"),
    Code("L11", "Married couple (different sex)"),
    Code("L12", "Married couple (same sex)"),
    Code("L2", "Civil partners"),
    Code("L3", "Unmarried couple (different sex)"),
    Code("L4", "Unmarried couple (same sex)"),
])
#: SEX_ADOPTR allowed with each LS_ADOPTR.
ADOPTER_SEX_FOR_STATUS = {"L0": ("M1", "F1"), "L11": ("MF",), "L12": ("MM", "FF"), "L2": ("MM", "FF", "MF"),
                          "L3": ("MF",), "L4": ("MM", "FF")}

PLACED_CEASED_REASON = CodeList("reason the adoption decision ceased", [
    Code(c, c) for c in ("RD1", "RD2", "RD3", "RD4")
])

PREVIOUS_PERMANENCE = CodeList("previous permanence option", [
    Code("P1", "Adoption"),
    Code("P2", "Special guardianship order"),
    Code("P3", "Residence order or child arrangements order"),
    Code("P4", "Unknown"),
    Code("Z1", "No previous permanence option"),
])

MISSING = CodeList("missing type", [
    Code("M", "Missing from care (whereabouts not known)"),
    Code("A", "Away from placement without authorisation (whereabouts known)"),
])

SW_REASON = CodeList("reason for social worker change", [
    Code("MANAGE", "Management decision"), Code("FCONTA", "First contact"),
    Code("LEFTRL", "Social worker left the role"), Code("ORGRST", "Organisational restructure"),
    Code("TSPROC", "Transfer between teams in the process"), Code("ABSENC", "Absence"),
    Code("CHCHAN", "Child's circumstances changed"), Code("PCCHAN", "Parent or carer asked for a change"),
    Code("SWDIED", "Social worker died"), Code("OTHERS", "Other"),
])

UPN_UNKNOWN = CodeList("unknown UPN", [
    Code("UN1", "Not of school age and no UPN assigned yet"),
    Code("UN2", "Never attended a maintained school in England"),
    Code("UN3", "Educated outside England"),
    Code("UN4", "Newly looked after; UPN not yet known"),
    Code("UN5", "UPN sources disagree"),
])

IN_TOUCH = ("YES", "NO", "DIED", "REFU", "NREQ", "RHOM")
#: LA_PERM outside England.
LA_PERM_OTHER = ("WAL", "SCO", "NIR", "NUK")

POSTCODE_RE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$")
URN_RE = re.compile(r"^(SC[0-9]{6}|[0-9]{6,7}|XXXXXXX)$")
SW_ID_RE = re.compile(r"^(SW|XX)[A-Z0-9]{1,10}$")
#: DATE_PERM may replace any part of the date with Z's when it is not known.
DATE_PERM_RE = re.compile(r"^(\d\d|ZZ)/(\d\d|ZZ)/(\d{4}|ZZZZ)$")


def normalise_postcode(value: str | None) -> str | None:
    """Upper case with one space before the inward code ("de221ab" -> "DE22 1AB")."""
    if not value:
        return None
    compact = re.sub(r"\s+", "", value).upper()
    if len(compact) < 5:
        return compact
    return f"{compact[:-3]} {compact[-3:]}"
