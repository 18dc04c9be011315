"""Read and check the CSV files of a return before anything is imported.

Every problem is collected with the file, the row (the line in the file: the header is
row 1) and the column, so a user can fix them all in one go; nothing is imported while
any remain. Checks: the file is one of the return's tables; each value has the right
form and is a valid code for the collection year; every child is in the Header with the
same date of birth; a child's episodes follow on from each other and their RNE and REC
agree with what changed (the DfE's rules 143–149, 354–357, 388, 433–436 and others that
the tracker needs to rebuild the care history).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from tracker import codes
from tracker.codes import collection_year
from tracker.leaving_care.oc3 import ACCOMMODATION, ACTIVITY
from tracker.returns import codes as rcodes
from tracker.returns.tables import (
    BY_NAME,
    DATE_COLUMNS,
    Table,
    fmt_date,
    parse_date,
    table_for_columns,
)
from tracker.reviews.models import PARTICIPATION
from tracker.tracking.calendars import birthday

CHILD_RE = re.compile(r"^[A-Za-z0-9]{1,10}$")
UPN_RE = re.compile(r"^[A-Z]\d{11}[0-9A-Z]$")
LA_CODE_RE = re.compile(r"^\d{3}$")
#: Dates of events, used to tell which collection year a return is for.
EVENT_DATES = ("DECOM", "DEC", "REVIEW", "MIS_START", "MIS_END", "SW_DECOM", "SW_DEC", "DATE_PLACED",
               "DATE_PLACED_CEASED", "DATE_INT", "DATE_MATCH", "DOLO_START", "DOLO_END")
PLACEMENT_CHANGE = ("P", "T", "B", "U")


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}, row {self.row}" if self.row else self.file
        return f"{where}, {self.column}: {self.message}" if self.column else f"{where}: {self.message}"


@dataclass
class Record:
    """One row of a file: raw text, typed values and where it came from."""

    table: str
    file: str
    line: int
    raw: dict[str, str]
    values: dict[str, Any] = field(default_factory=dict)

    @property
    def child(self) -> str:
        return self.raw.get("CHILD", "")


@dataclass
class ParsedReturn:
    year: int
    records: dict[str, list[Record]]
    problems: list[Problem]
    files: dict[str, str]  # table name -> file name

    _by_child: dict[str, dict[str, list[Record]]] = field(default_factory=dict)

    def by_child(self, table: str) -> dict[str, list[Record]]:
        """The table's rows by CHILD (worked out once)."""
        if table not in self._by_child:
            out: dict[str, list[Record]] = defaultdict(list)
            for r in self.records.get(table, []):
                out[r.child].append(r)
            self._by_child[table] = dict(out)
        return self._by_child[table]


# Column checks ------------------------------------------------------------------------

Check = Callable[[str, int], tuple[Any, str | None]]


def _required(check: Check) -> Check:
    def wrapped(value: str, year: int) -> tuple[Any, str | None]:
        if value == "":
            return None, "is required"
        return check(value, year)
    return wrapped


def _optional(check: Check) -> Check:
    def wrapped(value: str, year: int) -> tuple[Any, str | None]:
        if value == "":
            return None, None
        return check(value, year)
    return wrapped


def _date(value: str, _year: int) -> tuple[Any, str | None]:
    try:
        return parse_date(value), None
    except ValueError:
        return None, f"{value!r} is not a date in the form dd/mm/YYYY"


def _code_list(code_list: codes.CodeList, versioned: bool = True) -> Check:
    def check(value: str, year: int) -> tuple[Any, str | None]:
        v = value.upper()
        c = code_list.codes.get(v)
        if c is None:
            return None, f"{value!r} is not a {code_list.name} code"
        if versioned and not c.valid_in(year):
            return None, f"{v} is not a valid {code_list.name} code in {year}–{(year + 1) % 100:02d}"
        return v, None
    return check


def _one_of(values: tuple[str, ...] | frozenset[str], what: str) -> Check:
    def check(value: str, _year: int) -> tuple[Any, str | None]:
        v = value.upper()
        return (v, None) if v in values else (None, f"{value!r} is not a valid {what} ({', '.join(sorted(values))})")
    return check


def _flag(value: str, _year: int) -> tuple[Any, str | None]:
    if value in ("0", "1"):
        return value == "1", None
    return None, f"{value!r} must be 0 or 1"


def _int_range(low: int, high: int) -> Check:
    def check(value: str, _year: int) -> tuple[Any, str | None]:
        if value.isdigit() and low <= int(value) <= high:
            return int(value), None
        return None, f"{value!r} must be a whole number from {low} to {high}"
    return check


def _pattern(regex: re.Pattern[str], what: str, normalise: Callable[[str], str] = str.upper) -> Check:
    def check(value: str, _year: int) -> tuple[Any, str | None]:
        v = normalise(value)
        return (v, None) if regex.match(v) else (None, f"{value!r} is not {what}")
    return check


def _child(value: str, _year: int) -> tuple[Any, str | None]:
    return (value, None) if CHILD_RE.match(value) else (None, f"{value!r} must be 1 to 10 letters or numbers")


def _sex(value: str, year: int) -> tuple[Any, str | None]:
    stored = rcodes.sex_from_return(value.upper(), year)
    if stored is None:
        allowed = "M or F" if year >= rcodes.SEX_LETTERS_FROM else "1 or 2"
        return None, f"{value!r} is not a valid SEX in {year}–{(year + 1) % 100:02d} (use {allowed})"
    return stored, None


def _upn(value: str, _year: int) -> tuple[Any, str | None]:
    v = value.upper()
    if v in rcodes.UPN_UNKNOWN or UPN_RE.match(v):
        return v, None
    return None, f"{value!r} is not a UPN (a letter, 11 digits and a letter or digit) or UN1–UN5"


def _postcode(value: str, _year: int) -> tuple[Any, str | None]:
    v = rcodes.normalise_postcode(value)
    if v and rcodes.POSTCODE_RE.match(v):
        return v, None
    return None, f"{value!r} is not a full postcode"


def _accom(value: str, _year: int) -> tuple[Any, str | None]:
    v = value.upper()
    if v == "0" or (len(v) == 2 and v[0] in ACCOMMODATION and v[1] in "12"):
        return v, None
    return None, f"{value!r} is not an ACCOM code (a letter for the accommodation and 1 suitable or 2 not, or 0)"


def _activ(value: str, _year: int) -> tuple[Any, str | None]:
    v = value.upper()
    return (v, None) if v == "0" or v in ACTIVITY else (None, f"{value!r} is not an ACTIV code")


def _la_perm(value: str, _year: int) -> tuple[Any, str | None]:
    v = value.upper()
    if LA_CODE_RE.match(v) or v in rcodes.LA_PERM_OTHER:
        return v, None
    return None, f"{value!r} is not a local authority code (3 digits) or WAL, SCO, NIR, NUK"


_D = _required(_date)
_OD = _optional(_date)
_OF = _optional(_flag)
COLUMN_CHECKS: dict[str, dict[str, Check]] = {
    "Header": {"CHILD": _required(_child), "SEX": _required(_sex), "DOB": _D,
               "ETHNIC": _required(_code_list(codes.ETHNICITY)), "UPN": _optional(_upn), "MOTHER": _OF,
               "MC_DOB": _OD},
    "Episodes": {"CHILD": _required(_child), "DECOM": _D, "RNE": _required(_code_list(codes.REASON_NEW_EPISODE)),
                 "LS": _required(_code_list(codes.LEGAL_STATUS)), "CIN": _required(_code_list(codes.CATEGORY_OF_NEED)),
                 "PLACE": _required(_code_list(codes.PLACEMENT_TYPE)),
                 "PLACE_PROVIDER": _optional(_code_list(codes.PLACEMENT_PROVIDER)), "DEC": _OD,
                 "REC": _optional(_code_list(codes.REASON_CEASED)),
                 "REASON_PLACE_CHANGE": _optional(_code_list(codes.REASON_PLACE_CHANGE)),
                 "HOME_POST": _optional(_postcode), "PL_POST": _optional(_postcode),
                 "URN": _optional(_pattern(rcodes.URN_RE, "an Ofsted URN (SC and 6 digits, 6 or 7 digits, or XXXXXXX)"))},
    "Reviews": {"CHILD": _required(_child), "DOB": _D, "REVIEW": _D,
                "REVIEW_CODE": _optional(_one_of(frozenset(PARTICIPATION), "participation code"))},
    "UASC": {"CHILD": _required(_child), "SEX": _required(_sex), "DOB": _D, "DUC": _OD},
    "OC2": {"CHILD": _required(_child), "DOB": _D, "SDQ_SCORE": _optional(_int_range(0, 40)),
            "SDQ_REASON": _optional(_code_list(rcodes.SDQ_REASON)), "CONVICTED": _OF, "HEALTH_CHECK": _OF,
            "IMMUNISATIONS": _OF, "TEETH_CHECK": _OF, "HEALTH_ASSESSMENT": _OF, "SUBSTANCE_MISUSE": _OF,
            "INTERVENTION_RECEIVED": _OF, "INTERVENTION_OFFERED": _OF},
    "OC3": {"CHILD": _required(_child), "DOB": _D, "IN_TOUCH": _required(_one_of(rcodes.IN_TOUCH, "IN_TOUCH code")),
            "ACTIV": _required(_activ), "ACCOM": _required(_accom)},
    "AD1": {"CHILD": _required(_child), "DOB": _D, "DATE_INT": _OD, "DATE_MATCH": _OD, "FOSTER_CARE": _OF,
            "NB_ADOPTR": _optional(_int_range(1, 2)), "SEX_ADOPTR": _optional(_code_list(rcodes.ADOPTER_SEX)),
            "LS_ADOPTR": _optional(_code_list(rcodes.ADOPTER_LEGAL_STATUS))},
    "PlacedAdoption": {"CHILD": _required(_child), "DOB": _D, "DATE_PLACED": _D, "DATE_PLACED_CEASED": _OD,
                       "REASON_PLACED_CEASED": _optional(_code_list(rcodes.PLACED_CEASED_REASON))},
    "PrevPerm": {"CHILD": _required(_child), "DOB": _D,
                 "PREV_PERM": _optional(_code_list(rcodes.PREVIOUS_PERMANENCE)), "LA_PERM": _optional(_la_perm),
                 "DATE_PERM": _optional(_pattern(rcodes.DATE_PERM_RE, "a date dd/mm/YYYY (ZZ for unknown parts)"))},
    "Missing": {"CHILD": _required(_child), "DOB": _D, "MISSING": _required(_code_list(rcodes.MISSING)),
                "MIS_START": _D, "MIS_END": _OD},
    "SWEpisodes": {"CHILD": _required(_child), "DOB": _D,
                   "SW_ID": _required(_pattern(rcodes.SW_ID_RE, "a social worker ID starting SW or XX")),
                   "SW_DECOM": _D, "SW_DEC": _OD, "SW_REASON": _optional(_code_list(rcodes.SW_REASON))},
    "DoLo": {"CHILD": _required(_child), "DOB": _D, "DOLO_START": _D, "DOLO_END": _OD},
}


# Reading ------------------------------------------------------------------------------

def read_files(files: Mapping[str, bytes | str]) -> tuple[dict[str, tuple[str, list[Record]]], list[Problem]]:
    """Identify each file's table by its columns and read its rows (no checks on values)."""
    problems: list[Problem] = []
    tables: dict[str, tuple[str, list[Record]]] = {}
    for name in sorted(files):
        content = files[name]
        try:
            text = content.decode("utf-8-sig") if isinstance(content, bytes) else content.lstrip("\ufeff")
        except UnicodeDecodeError:
            problems.append(Problem(name, 0, "", "The file is not UTF-8 text; save it as CSV (UTF-8) and try again"))
            continue
        if "\x00" in text:  # PostgreSQL cannot store it, and no CSV file of the return has one
            problems.append(Problem(name, 0, "", "The file contains a NUL character: this is not a CSV file of "
                                                 "the return"))
            continue
        reader = csv.reader(io.StringIO(text))
        rows = _csv_rows(reader, name, problems)
        header = next(rows, None)
        if not header:
            problems.append(Problem(name, 1, "", "The file is empty"))
            continue
        columns = [c.strip().upper() for c in header]
        table = table_for_columns(columns)
        if table is None:
            problems.append(Problem(name, 1, "", "The columns (" + ", ".join(columns) + ") are not those of any "
                                    "table of the SSDA903 return"))
            continue
        if table.name in tables:
            problems.append(Problem(name, 1, "", f"A second {table.name} file (the first is {tables[table.name][0]})"))
            continue
        records = []
        for row in rows:
            if not any(cell.strip() for cell in row):
                continue
            line = reader.line_num
            if len(row) != len(columns):
                problems.append(Problem(name, line, "", f"The row has {len(row)} values; the header has "
                                        f"{len(columns)} columns"))
                continue
            records.append(Record(table.name, name, line, {c: v.strip() for c, v in zip(columns, row, strict=True)}))
        tables[table.name] = (name, records)
    return tables, problems


def _csv_rows(reader: Any, name: str, problems: list[Problem]) -> Iterator[list[str]]:
    """The reader's rows; a file that is not CSV at all (a value over the csv module's
    131,072-character limit, a NUL byte) becomes a problem at the row, not an error."""
    try:
        yield from reader
    except csv.Error as exc:
        text = str(exc)
        if "field larger than field limit" in text:
            message = "A value is longer than 131,072 characters: this is not a CSV file of the return"
        else:
            message = "The file could not be read as CSV from this row on: save it as CSV (UTF-8) and try again"
        problems.append(Problem(name, reader.line_num, "", message))


def infer_year(tables: dict[str, tuple[str, list[Record]]]) -> int | None:
    """The collection year of the latest event date in the files."""
    latest = None
    for _name, records in tables.values():
        for r in records:
            for col in EVENT_DATES:
                value = r.raw.get(col)
                if value:
                    try:
                        d = parse_date(value)
                    except ValueError:
                        continue
                    latest = d if latest is None or d > latest else latest
    return collection_year(latest) if latest else None


def parse_return(files: Mapping[str, bytes | str], year: int | None = None) -> ParsedReturn:
    tables, problems = read_files(files)
    for required in ("Header", "Episodes"):
        if required not in tables and not problems:
            problems.append(Problem(BY_NAME[required].filename, 0, "",
                                    f"No {required} file: a return always has one"))
    if year is None:
        year = infer_year(tables)
        if year is None:
            problems.append(Problem("(files)", 0, "", "No dates of events found: cannot tell the collection year"))
            year = 0
    parsed = ParsedReturn(year=year, records={t: recs for t, (_f, recs) in tables.items()}, problems=problems,
                          files={t: f for t, (f, _r) in tables.items()})
    if year:
        for table, (_name, records) in tables.items():
            if year < BY_NAME[table].from_year:
                problems.append(Problem(_name, 0, "", f"The {table} table is not part of the return before "
                                        f"{BY_NAME[table].from_year}–{(BY_NAME[table].from_year + 1) % 100:02d}"))
            _check_values(BY_NAME[table], records, year, problems)
        _check_rows(parsed, problems)
    problems.sort()
    return parsed


def _check_values(table: Table, records: list[Record], year: int, problems: list[Problem]) -> None:
    checks = COLUMN_CHECKS[table.name]
    last = dt.date(year + 1, 3, 31)
    for r in records:
        for column, check in checks.items():
            value, message = check(r.raw.get(column, ""), year)
            if message:
                problems.append(Problem(r.file, r.line, column, message))
            r.values[column] = value
            if column in DATE_COLUMNS and isinstance(value, dt.date) and column in EVENT_DATES and value > last:
                problems.append(Problem(r.file, r.line, column, f"{fmt_date(value)} is after the end of the "
                                        f"collection year ({fmt_date(last)})"))


def _p(r: Record, column: str, message: str) -> Problem:
    return Problem(r.file, r.line, column, message)


def _check_rows(parsed: ParsedReturn, problems: list[Problem]) -> None:
    year = parsed.year
    first, last = dt.date(year, 4, 1), dt.date(year + 1, 3, 31)
    header: dict[str, Record] = {}
    for r in parsed.records.get("Header", []):
        if r.child in header:
            problems.append(_p(r, "CHILD", f"{r.child} appears twice in the Header (also row {header[r.child].line})"))
        else:
            header[r.child] = r
        if r.values.get("MOTHER") and r.values.get("MC_DOB") is None:
            problems.append(_p(r, "MC_DOB", "is required when MOTHER is 1"))
        if r.values.get("MC_DOB") is not None and not r.values.get("MOTHER"):
            problems.append(_p(r, "MC_DOB", "is only given when MOTHER is 1"))
    once = {"UASC", "OC2", "OC3", "AD1", "PrevPerm"}
    for table, records in parsed.records.items():
        if table == "Header":
            continue
        seen: dict[str, int] = {}
        for r in records:
            h = header.get(r.child)
            if r.child and h is None:
                problems.append(_p(r, "CHILD", f"{r.child} is not in the Header file"))
            elif h is not None and "DOB" in r.values and r.values["DOB"] and h.values.get("DOB") \
                    and r.values["DOB"] != h.values["DOB"]:
                problems.append(_p(r, "DOB", f"differs from the Header ({h.raw['DOB']})"))
            if table == "UASC" and h is not None and r.values.get("SEX") and r.values["SEX"] != h.values.get("SEX"):
                problems.append(_p(r, "SEX", f"differs from the Header ({h.raw['SEX']})"))
            if table in once:
                if r.child in seen:
                    problems.append(_p(r, "CHILD", f"{r.child} appears twice in {table} (also row {seen[r.child]})"))
                seen.setdefault(r.child, r.line)
    for child, eps in parsed.by_child("Episodes").items():
        _check_episodes(child, eps, problems)
    for r in parsed.records.get("OC3", []):
        h = header.get(r.child)
        dob = h.values.get("DOB") if h else None
        if dob and not any(first <= birthday(dob, age) <= last for age in range(17, 22)):
            problems.append(_p(r, "DOB", "the young person's 17th to 21st birthday is not in this collection year"))
        touch, activ, accom = r.values.get("IN_TOUCH"), r.values.get("ACTIV"), r.values.get("ACCOM")
        if activ is None or accom is None:
            continue
        if touch == "YES" and "0" in (activ, accom):
            problems.append(_p(r, "ACTIV" if activ == "0" else "ACCOM", "cannot be 0 when IN_TOUCH is YES"))
        elif touch in ("DIED", "RHOM") and (activ, accom) != ("0", "0"):
            problems.append(_p(r, "ACTIV" if activ != "0" else "ACCOM", f"must be 0 when IN_TOUCH is {touch}"))
        elif (activ == "0") != (accom == "0"):
            problems.append(_p(r, "ACCOM", "ACTIV and ACCOM are both 0 or both given"))
    for r in parsed.records.get("PlacedAdoption", []):
        ceased, reason = r.values.get("DATE_PLACED_CEASED"), r.values.get("REASON_PLACED_CEASED")
        if (ceased is None) != (reason is None):
            problems.append(_p(r, "REASON_PLACED_CEASED" if ceased else "DATE_PLACED_CEASED",
                               "DATE_PLACED_CEASED and REASON_PLACED_CEASED are given together"))
        if ceased and r.values.get("DATE_PLACED") and ceased < r.values["DATE_PLACED"]:
            problems.append(_p(r, "DATE_PLACED_CEASED", "is before DATE_PLACED"))
    for table, start, end in (("Missing", "MIS_START", "MIS_END"), ("SWEpisodes", "SW_DECOM", "SW_DEC"),
                              ("DoLo", "DOLO_START", "DOLO_END")):
        for child, rows in parsed.by_child(table).items():
            starts: dict[dt.date, int] = {}
            for r in rows:
                s, e = r.values.get(start), r.values.get(end)
                if s and e and e < s:
                    problems.append(_p(r, end, f"is before {start}"))
                if s in starts:
                    problems.append(_p(r, start, f"{child} already has a row starting {fmt_date(s)} "
                                       f"(row {starts[s]})"))
                if s:
                    starts.setdefault(s, r.line)
    for r in parsed.records.get("OC2", []):
        if r.values.get("SDQ_SCORE") is not None and r.values.get("SDQ_REASON"):
            problems.append(_p(r, "SDQ_REASON", "is not given when there is an SDQ_SCORE"))


_PLACE_FIELDS = ("PLACE", "PLACE_PROVIDER", "PL_POST", "URN", "HOME_POST")


def _check_episodes(child: str, eps: list[Record], problems: list[Problem]) -> None:
    eps.sort(key=lambda r: (r.values.get("DECOM") or dt.date.min, r.line))
    ok = [r for r in eps if r.values.get("DECOM")]
    for i, r in enumerate(ok):
        v = r.values
        prev = ok[i - 1] if i else None
        if v.get("DEC") is not None and v["DEC"] < v["DECOM"]:
            problems.append(_p(r, "DEC", "is before DECOM"))
        if v.get("DEC") is not None and v["DEC"] == v["DECOM"]:
            problems.append(_p(r, "DEC", "is the same day as DECOM: an episode lasts at least a day"))
        if (v.get("DEC") is None) != (v.get("REC") is None):
            problems.append(_p(r, "REC" if v.get("DEC") else "DEC", "DEC and REC are given together or not at all"))
        if v.get("DEC") is None and v.get("REASON_PLACE_CHANGE"):
            problems.append(_p(r, "REASON_PLACE_CHANGE", "is only given for an episode that has ended"))
        nxt = ok[i + 1] if i + 1 < len(ok) else None
        if v.get("REC") == "X1":
            if nxt is None:
                problems.append(_p(r, "REC", "is X1 (a new episode starts the same day) but there is no next episode"))
            elif nxt.values.get("DECOM") != v.get("DEC"):
                problems.append(_p(nxt, "DECOM", f"should be {r.raw.get('DEC')}, the day the previous episode "
                                   "ended with X1"))
        elif v.get("DEC") is None and nxt is not None:
            problems.append(_p(nxt, "DECOM", "starts while the previous episode is still open"))
        if v.get("REASON_PLACE_CHANGE") and (v.get("REC") != "X1" or nxt is None
                                             or nxt.values.get("RNE") not in PLACEMENT_CHANGE):
            problems.append(_p(r, "REASON_PLACE_CHANGE", "is only given for an episode that ended with a change "
                               "of placement (REC X1 and the next episode's RNE P, T, B or U)"))
        if prev is None:
            continue
        pv = prev.values
        if pv.get("REC") not in (None, "X1"):
            if v.get("RNE") != "S":
                problems.append(_p(r, "RNE", f"must be S: the previous episode ended care ({pv.get('REC')})"))
            elif pv.get("DEC") and v["DECOM"] <= pv["DEC"]:
                problems.append(_p(r, "DECOM", "a new period of care starts after the previous one ended"))
            continue
        if pv.get("REC") is None:
            continue  # already reported: starts while the previous is open
        rne = v.get("RNE")
        if rne == "S":
            problems.append(_p(r, "RNE", "cannot be S: the previous episode ended with X1 (the child stayed "
                               "looked after)"))
            continue
        ls_changed = v.get("LS") != pv.get("LS")
        place_same = all(r.raw.get(c, "").upper().replace(" ", "") == prev.raw.get(c, "").upper().replace(" ", "")
                         for c in _PLACE_FIELDS)
        if rne == "L" and not ls_changed:
            problems.append(_p(r, "LS", "RNE is L (legal status changed) but LS is the same as the previous episode"))
        if rne == "L" and not place_same:
            changed = next(c for c in _PLACE_FIELDS if r.raw.get(c, "").upper().replace(" ", "")
                           != prev.raw.get(c, "").upper().replace(" ", ""))
            problems.append(_p(r, changed, "RNE is L (legal status only) but the placement changed"))
        if rne in ("P", "T") and ls_changed:
            problems.append(_p(r, "LS", f"RNE is {rne} (placement only) but the legal status changed"))
        if rne in ("B", "U") and not ls_changed:
            problems.append(_p(r, "LS", f"RNE is {rne} (legal status and placement) but LS is unchanged"))
