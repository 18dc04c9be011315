"""The tables (CSV files) of the SSDA903 return and how values are written in them.

Columns as the DfE's CSV upload format (codes.md §6.1); dates ``dd/mm/YYYY``; a blank
cell for "not given"; yes/no items as 1/0.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from tracker.returns.codes import DOLO_FROM, SW_EPISODES_FROM


@dataclass(frozen=True)
class Table:
    name: str
    filename: str
    columns: tuple[str, ...]
    #: First collection year the table is part of the return.
    from_year: int = 0
    #: Written even when empty (the return always has these).
    always: bool = False


TABLES: tuple[Table, ...] = (
    Table("Header", "header.csv", ("CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"), always=True),
    Table("Episodes", "episodes.csv", ("CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC",
                                       "REASON_PLACE_CHANGE", "HOME_POST", "PL_POST", "URN"), always=True),
    Table("Reviews", "reviews.csv", ("CHILD", "DOB", "REVIEW", "REVIEW_CODE")),
    Table("UASC", "uasc.csv", ("CHILD", "SEX", "DOB", "DUC")),
    Table("OC2", "oc2.csv", ("CHILD", "DOB", "SDQ_SCORE", "SDQ_REASON", "CONVICTED", "HEALTH_CHECK", "IMMUNISATIONS",
                             "TEETH_CHECK", "HEALTH_ASSESSMENT", "SUBSTANCE_MISUSE", "INTERVENTION_RECEIVED",
                             "INTERVENTION_OFFERED")),
    Table("OC3", "oc3.csv", ("CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM")),
    Table("AD1", "ad1.csv", ("CHILD", "DOB", "DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR",
                             "LS_ADOPTR")),
    Table("PlacedAdoption", "placed_for_adoption.csv", ("CHILD", "DOB", "DATE_PLACED", "DATE_PLACED_CEASED",
                                                        "REASON_PLACED_CEASED")),
    Table("PrevPerm", "previous_permanence.csv", ("CHILD", "DOB", "PREV_PERM", "LA_PERM", "DATE_PERM")),
    Table("Missing", "missing.csv", ("CHILD", "DOB", "MISSING", "MIS_START", "MIS_END")),
    Table("SWEpisodes", "sw_episodes.csv", ("CHILD", "DOB", "SW_ID", "SW_DECOM", "SW_DEC", "SW_REASON"),
          from_year=SW_EPISODES_FROM),
    Table("DoLo", "dolo.csv", ("CHILD", "DOB", "DOLO_START", "DOLO_END"), from_year=DOLO_FROM),
)
BY_NAME = {t.name: t for t in TABLES}
DATE_COLUMNS = frozenset({"DOB", "MC_DOB", "DECOM", "DEC", "REVIEW", "DUC", "DATE_INT", "DATE_MATCH", "DATE_PLACED",
                          "DATE_PLACED_CEASED", "MIS_START", "MIS_END", "SW_DECOM", "SW_DEC", "DOLO_START",
                          "DOLO_END"})


def tables_for(year: int) -> list[Table]:
    return [t for t in TABLES if year >= t.from_year]


def table_for_columns(columns: Sequence[str]) -> Table | None:
    wanted = {c.strip().upper() for c in columns}
    return next((t for t in TABLES if set(t.columns) == wanted), None)


def fmt_date(d: dt.date | None) -> str:
    return d.strftime("%d/%m/%Y") if d else ""


def parse_date(value: str) -> dt.date:
    """``dd/mm/YYYY`` (the return's only date format); raises ValueError otherwise."""
    day, month, year = value.split("/")
    if len(day) != 2 or len(month) != 2 or len(year) != 4:
        raise ValueError(value)
    return dt.date(int(year), int(month), int(day))


def flag(value: bool | None) -> str:
    return "" if value is None else ("1" if value else "0")


def to_csv(table: Table, rows: Iterable[Sequence[str]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(table.columns)
    writer.writerows(rows)
    return buf.getvalue()
