"""Import a previous SSDA903 return (onboarding). Never commits.

``prepare_import`` reads and checks every file and compares each child with what the
tracker already holds; if anything is wrong it raises :class:`ImportRefused` with every
problem (file, row, column, message) and nothing is written. ``plan_writes`` works out
every row to write (reads only) and ``prepare_rows`` encodes them for SQLite's driver;
``write_import`` then writes them all, with their audit events, in the caller's
transaction — briefly, since everything was worked out before. The background job
(``tracker.returns.jobs``) runs these steps and then recomputes the children's items.

Children are matched by CHILD (the tracker's child ID). For a child the tracker already
holds, a table whose rows are exactly what the tracker would return for that year is
left alone (so importing the same files twice changes nothing); otherwise rows are added
and blanks filled, and a value that differs from the tracker's is a problem to resolve,
never an overwrite. Care history is rebuilt from the episodes only for a child with no
care history yet, or whose care history all ended before the return's first episode.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from tracker import audit, clock
from tracker.audit.models import AuditEvent
from tracker.children.models import CarePeriod, Child, LegalStatus, Placement
from tracker.leaving_care.models import CareLeaverRecord
from tracker.missing.models import MissingEpisode
from tracker.permanence.models import PermanenceMilestone
from tracker.returns.episodes import derive_episodes, episodes_in_year
from tracker.returns.export import build_return, header_row
from tracker.returns.facts import ReturnFacts, load_facts
from tracker.returns.models import (
    AdoptionDecisionReversal,
    AdoptionReturn,
    ChildReturnDetail,
    DeprivationOfLiberty,
    Oc2Record,
    PlacementReturnDetail,
    PreviousPermanence,
    SocialWorkerEpisode,
)
from tracker.returns.parsing import ParsedReturn, Problem, Record, parse_return
from tracker.returns.tables import BY_NAME, flag, fmt_date
from tracker.reviews.models import Review
from tracker.tracking.calendars import add_months, birthday
from tracker.tracking.services import recompute_children

OC2_FIELDS = {"SDQ_SCORE": "sdq_score", "SDQ_REASON": "sdq_reason", "CONVICTED": "convicted",
              "HEALTH_CHECK": "health_check", "IMMUNISATIONS": "immunisations", "TEETH_CHECK": "teeth_check",
              "HEALTH_ASSESSMENT": "health_assessment", "SUBSTANCE_MISUSE": "substance_misuse",
              "INTERVENTION_RECEIVED": "intervention_received", "INTERVENTION_OFFERED": "intervention_offered"}


class ImportRefused(Exception):
    """The return cannot be imported; ``problems`` lists every reason."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


@dataclass
class ImportPlan:
    parsed: ParsedReturn
    #: CHILD -> existing child id.
    existing: dict[str, int]
    #: CHILD -> tables to write for that child (others already match the tracker).
    work: dict[str, list[str]]
    #: Children whose care history is built from their episodes.
    build_care: set[str] = field(default_factory=set)

    @property
    def year(self) -> int:
        return self.parsed.year

    @property
    def children(self) -> list[str]:
        return sorted(self.work)


def _rows_of(parsed: ParsedReturn, table: str, child: str) -> list[tuple[str, ...]]:
    """A child's rows of a table, normalised the way the export writes them."""
    out = []
    for r in parsed.by_child(table).get(child, []):
        row = []
        for c in BY_NAME[table].columns:
            v = r.values.get(c)
            if c == "SEX":
                row.append(r.raw.get(c, "").upper())
            elif isinstance(v, bool):
                row.append(flag(v))
            elif isinstance(v, dt.date):
                row.append(fmt_date(v))
            else:
                row.append("" if v is None else str(v))
        out.append(tuple(row))
    return sorted(out)


def prepare_import(session: Session, files: Mapping[str, bytes | str], *, year: int | None = None) -> ImportPlan:
    parsed = parse_return(files, year)
    if parsed.problems:
        raise ImportRefused(parsed.problems)
    problems: list[Problem] = []
    header = {r.child: r for r in parsed.records.get("Header", [])}
    existing: dict[str, int] = {}
    ids = sorted(header)
    for i in range(0, len(ids), 900):
        rows = session.execute(select(Child.local_id, Child.id).where(Child.local_id.in_(ids[i:i + 900])))
        existing.update({local_id: child_id for local_id, child_id in rows})
    facts = load_facts(session, list(existing.values())) if existing else {}
    by_local = {f.local_id: f for f in facts.values()}
    tables = [t for t in parsed.records if t in BY_NAME]
    work: dict[str, list[str]] = {}
    build: set[str] = set()
    for child in sorted(header):
        f = by_local.get(child)
        if f is None:
            work[child] = [t for t in tables if _rows_of(parsed, t, child)]
            build.add(child)
            continue
        current = build_return([f], parsed.year).rows
        todo = []
        for table in tables:
            mine = sorted(current.get(table, []))
            theirs = _rows_of(parsed, table, child)
            if mine != theirs and theirs:
                todo.append(table)
        work[child] = todo
        _check_existing(parsed, f, header[child], todo, problems, build)
    if problems:
        problems.sort()
        raise ImportRefused(problems)
    return ImportPlan(parsed=parsed, existing=existing, work=work, build_care=build)


def _conflict(r: Record, column: str, held: Any) -> Problem:
    shown = fmt_date(held) if isinstance(held, dt.date) else ("blank" if held in (None, "") else str(held))
    return Problem(r.file, r.line, column, f"differs from the tracker, which holds {shown} for this child")


def _check_existing(parsed: ParsedReturn, f: ReturnFacts, h: Record, todo: list[str], problems: list[Problem],
                    build: set[str]) -> None:
    """Problems with adding this return to a child the tracker already holds."""
    held_header = dict(zip(BY_NAME["Header"].columns, header_row(f, parsed.year), strict=True))
    theirs = dict(zip(BY_NAME["Header"].columns, _rows_of(parsed, "Header", f.local_id)[0], strict=True))
    for column in ("SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"):
        mine, given = held_header[column], theirs[column]
        if mine != given and (column in ("SEX", "DOB", "ETHNIC") or (mine and given)):
            problems.append(Problem(h.file, h.line, column, f"differs from the tracker, which holds "
                                    f"{mine or 'blank'} for this child"))
    if "Episodes" in todo:
        eps = sorted(parsed.by_child("Episodes").get(f.local_id, []), key=lambda r: r.values["DECOM"])
        first = eps[0]
        if not f.periods:
            build.add(f.local_id)
        elif all(p.end is not None and p.end < first.values["DECOM"] for p in f.periods) \
                and first.values["RNE"] == "S":
            build.add(f.local_id)
        else:
            held = episodes_in_year(derive_episodes(f), parsed.year)
            problems.append(Problem(first.file, first.line, "DECOM",
                                    f"{f.local_id} already has a care history in the tracker that differs from "
                                    f"this return ({len(held)} episode(s) in the year); correct one of them"))
    if "Reviews" in todo:
        held_reviews = dict(f.reviews)
        for r in parsed.by_child("Reviews").get(f.local_id, []):
            code = held_reviews.get(r.values["REVIEW"])
            if code and r.values.get("REVIEW_CODE") and code != r.values["REVIEW_CODE"]:
                problems.append(_conflict(r, "REVIEW_CODE", code))
    if "OC2" in todo and parsed.year in f.oc2:
        r = parsed.by_child("OC2")[f.local_id][0]
        problems.append(Problem(r.file, r.line, "CHILD", f"the tracker already holds OC2 for {f.local_id} in this "
                                "year, with different values"))
    if "OC3" in todo:
        r = parsed.by_child("OC3")[f.local_id][0]
        if _birthday_record(f, parsed.year) is not None:
            problems.append(Problem(r.file, r.line, "IN_TOUCH", f"the tracker already holds different birthday "
                                    f"data for {f.local_id} in this year"))
    if "AD1" in todo and f.adoption is not None:
        r = parsed.by_child("AD1")[f.local_id][0]
        problems.append(Problem(r.file, r.line, "CHILD", f"the tracker already holds different adoption details "
                                f"for {f.local_id}"))
    if "PrevPerm" in todo and f.prev_perm is not None and f.prev_perm.option is not None:
        r = parsed.by_child("PrevPerm")[f.local_id][0]
        if r.values.get("PREV_PERM") and r.values["PREV_PERM"] != f.prev_perm.option:
            problems.append(_conflict(r, "PREV_PERM", f.prev_perm.option))
    for table, start_col, end_col, held_rows in (
            ("Missing", "MIS_START", "MIS_END", {s: e for _k, s, e in f.missing}),
            ("SWEpisodes", "SW_DECOM", "SW_DEC", {s: e for _r, s, e, _x in f.sw_episodes}),
            ("DoLo", "DOLO_START", "DOLO_END", dict(f.dolo))):
        if table not in todo:
            continue
        for r in parsed.by_child(table).get(f.local_id, []):
            start = r.values[start_col]
            if start in held_rows and held_rows[start] is not None and r.values.get(end_col) is not None \
                    and held_rows[start] != r.values[end_col]:
                problems.append(_conflict(r, end_col, held_rows[start]))


def _birthday_age(dob: dt.date, year: int) -> int | None:
    first, last = dt.date(year, 4, 1), dt.date(year + 1, 3, 31)
    return next((a for a in range(17, 22) if first <= birthday(dob, a) <= last), None)


def _birthday_record(f: ReturnFacts, year: int) -> Any:
    age = _birthday_age(f.dob, year)
    if age is None:
        return None
    b = birthday(f.dob, age)
    return next((r for r in f.leaver_records if add_months(b, -3) <= r.recorded_on <= add_months(b, 1)), None)


# Working out the writes (reads only) ----------------------------------------------------

ChildKey = str | int  # a new child's CHILD, or an existing child's id


@dataclass
class Writes:
    """Everything an import writes, worked out before the write transaction starts, so
    the database is locked only while the rows go in (SQLite has one writer at a time).
    Rows of new children are keyed by their CHILD until the children have ids."""

    year: int
    #: Child rows for the children new to the tracker.
    new_children: list[dict[str, Any]] = field(default_factory=list)
    #: (model, child, row) to insert.
    inserts: list[tuple[Any, ChildKey, dict[str, Any]]] = field(default_factory=list)
    #: (child, placement row, its return details or None): placements need ids first.
    placements: list[tuple[ChildKey, dict[str, Any], dict[str, Any] | None]] = field(default_factory=list)
    #: (model, id, {attribute: value}): blanks filled on records the tracker holds.
    updates: list[tuple[Any, int, dict[str, Any]]] = field(default_factory=list)
    #: Children the import adds or changes (CHILD).
    changed: list[str] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return (len(self.new_children) + len(self.inserts) + len(self.placements)
                + sum(1 for *_x, d in self.placements if d is not None) + sum(len(v) for *_x, v in self.updates))


@dataclass
class ImportResult:
    year: int
    children_in_return: int
    children_created: int = 0
    children_changed: int = 0
    rows_written: int = 0
    #: CHILD -> id of every child added or changed (their due dates are worked out next).
    child_ids: dict[str, int] = field(default_factory=dict)
    #: Seconds the write transaction held the database (the write lock, on SQLite).
    write_seconds: float = 0.0

    @property
    def changed(self) -> bool:
        return self.rows_written > 0 or self.children_created > 0


def plan_writes(session: Session, plan: ImportPlan, *, progress: Callable[[int], None] | None = None) -> Writes:
    """Work out every row to write. Reads only (what existing children already hold)."""
    planner = _Planner(session, plan.parsed)
    for child in plan.children:
        tables = plan.work[child]
        if tables:
            planner.child(child, plan.existing.get(child), tables, build_care=child in plan.build_care)
        if progress:
            progress(1)
    return planner.writes


@dataclass
class _Rows:
    """One table's new rows, encoded for the database before the write starts."""

    table: str
    #: Columns in the order of each row's values; ``id`` comes first, filled in the write.
    columns: list[str]
    values: list[list[Any]]
    #: Per row: the child (an existing child's id, or -(the position of a new child) - 1).
    child: list[int]
    #: Per row: the position of its placement among the new placements (return details).
    placement: list[int] | None
    #: Per row: the audit trail's record of it, as JSON, without the ids.
    audit: list[str]


@dataclass
class Prepared:
    """The import's rows encoded for SQLite (``prepare_rows``): the write transaction
    then only numbers them and hands them to the driver, so it holds SQLite's single
    write lock for as short a time as it can."""

    tables: list[_Rows]
    new_children: list[str]


def prepare_rows(session: Session, writes: Writes) -> Prepared | None:
    """Encode every new row (values as the driver takes them, audit records as JSON).
    Reads nothing; for SQLite only (None otherwise: the write uses RETURNING)."""
    import json

    dialect = session.get_bind().dialect
    if dialect.name != "sqlite":
        return None
    position = {r["local_id"]: i for i, r in enumerate(writes.new_children)}

    def encode(model: Any, rows: list[dict[str, Any]], children: list[int],
               placements: list[int] | None = None) -> _Rows:
        table = model.__table__
        cols = [c for c in table.columns if c.name != "id"]
        procs = [c.type.bind_processor(dialect) for c in cols]
        defaults = [c.default.arg if c.default is not None and c.default.is_scalar else None for c in cols]
        linked = {"id", "child_id", "placement_id"}
        values, bodies = [], []
        for row in rows:
            vals = []
            for c, proc, default in zip(cols, procs, defaults, strict=True):
                v = row.get(c.name, default)
                vals.append(proc(v) if proc is not None and v is not None else v)
            values.append(vals)
            snap = {k: v for k, v in audit.row_snapshot(model, row).items() if k not in linked}
            bodies.append(json.dumps(snap))
        return _Rows(table.name, ["id", *(c.name for c in cols)], values,
                     children, placements, bodies)

    def key(k: ChildKey) -> int:
        # An existing child by its id, a new one by -(its position) - 1.
        return k if isinstance(k, int) else -position[k] - 1

    tables = [encode(Child, writes.new_children, [-i - 1 for i in range(len(writes.new_children))])]
    tables.append(encode(Placement, [p for _k, p, _d in writes.placements], [key(k) for k, _p, _d in writes.placements]))
    details = [(i, k, d) for i, (k, _p, d) in enumerate(writes.placements) if d is not None]
    tables.append(encode(PlacementReturnDetail, [d for _i, _k, d in details], [key(k) for _i, k, _d in details],
                         [i for i, _k, _d in details]))
    by_model: dict[Any, tuple[list[dict[str, Any]], list[int]]] = {}
    for model, k, row in writes.inserts:
        rows, keys = by_model.setdefault(model, ([], []))
        rows.append(row)
        keys.append(key(k))
    tables.extend(encode(model, rows, keys) for model, (rows, keys) in by_model.items())
    return Prepared([t for t in tables if t.values], [r["local_id"] for r in writes.new_children])


def _write_prepared(session: Session, prepared: Prepared) -> dict[str, int]:
    """Number the prepared rows after the highest id each table holds (nobody else can
    write while this transaction holds SQLite's write lock) and insert them, with their
    audit events, through the driver. Returns the new children's ids by CHILD."""
    conn = session.connection()
    at = AuditEvent.__table__.c.at.type.bind_processor(conn.dialect)(clock.now())
    actor_id, actor_label = session.info.get("actor_id"), session.info.get("actor_label", "system")
    first = {rows.table: (conn.exec_driver_sql(f"SELECT max(id) FROM {rows.table}").scalar() or 0) + 1
             for rows in prepared.tables}
    children_from = first.get("children", 0)
    placements_from = first.get("placements", 0)
    events: list[tuple[Any, ...]] = []
    for rows in prepared.tables:
        start = first[rows.table]
        child_at = rows.columns.index("child_id") - 1 if "child_id" in rows.columns else None
        placement_at = rows.columns.index("placement_id") - 1 if rows.placement is not None else None
        out = []
        for n, vals in enumerate(rows.values):
            new_id = start + n
            ref = rows.child[n]
            # A new child is -(its position) - 1; an existing child is its id.
            child_id = children_from - ref - 1 if ref < 0 else ref  # type: ignore[operator]
            prefix = f'{{"id": {new_id}'
            if child_at is not None:
                vals[child_at] = child_id
                prefix += f', "child_id": {child_id}'
            else:
                child_id = new_id  # the children table: the event concerns the child itself
            if placement_at is not None:
                pid = placements_from + rows.placement[n]  # type: ignore[index]
                vals[placement_at] = pid
                prefix += f', "placement_id": {pid}'
            out.append((new_id, *vals))
            body = rows.audit[n]
            events.append((at, actor_id, actor_label, "insert", rows.table, new_id, child_id, None, None,
                           prefix + (", " + body[1:] if body != "{}" else "}")))
        cols = ", ".join(f'"{c}"' for c in rows.columns)  # quoted: some are SQL words ("on")
        marks = ", ".join("?" * len(rows.columns))
        conn.exec_driver_sql(f'INSERT INTO "{rows.table}" ({cols}) VALUES ({marks})', out)
    if events:
        conn.exec_driver_sql("INSERT INTO audit_events (at, actor_id, actor_label, action, entity_type, entity_id, "
                             "child_id, summary, before, after) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", events)
    return {local_id: children_from + i for i, local_id in enumerate(prepared.new_children)}


def write_import(session: Session, writes: Writes, *, children_in_return: int,
                 prepared: Prepared | None = None) -> ImportResult:
    """Write the planned rows in the caller's transaction (never commits), each audited
    like a change made on a form (who, when, the values), in bulk. With ``prepared``
    (SQLite, see :func:`prepare_rows`) the rows go straight to the driver."""
    import time

    started = time.perf_counter()
    result = ImportResult(year=writes.year, children_in_return=children_in_return)
    ids: dict[ChildKey, int] = {}
    if writes.new_children:
        clash = _existing_ids(session, [r["local_id"] for r in writes.new_children])
        if clash:
            raise ImportRefused([Problem("header.csv", 0, "CHILD", f"{', '.join(sorted(clash)[:5])} were added to the "
                                         "tracker while this return was being checked; import it again")])
    if prepared is not None:
        ids.update(_write_prepared(session, prepared))
    elif writes.new_children:
        new_ids = _insert(session, Child, writes.new_children)
        ids.update({row["local_id"]: i for row, i in zip(writes.new_children, new_ids, strict=True)})
    result.child_ids = {r["local_id"]: ids[r["local_id"]] for r in writes.new_children}

    def child_id(key: ChildKey) -> int:
        return key if isinstance(key, int) else ids[key]

    if writes.placements and prepared is None:
        rows = [{**row, "child_id": child_id(key)} for key, row, _d in writes.placements]
        placement_ids = _insert(session, Placement, rows)
        details = [{**d, "placement_id": pid, "child_id": row["child_id"]}
                   for (_k, _r, d), pid, row in zip(writes.placements, placement_ids, rows, strict=True) if d]
        _insert(session, PlacementReturnDetail, details)
    by_model: dict[Any, list[dict[str, Any]]] = {}
    for model, key, row in writes.inserts if prepared is None else []:
        by_model.setdefault(model, []).append({**row, "child_id": child_id(key)})
    for model, rows in by_model.items():
        _insert(session, model, rows)
    with session.no_autoflush:
        for model, record_id, values in writes.updates:
            record = session.get(model, record_id)
            assert record is not None
            for attr, value in values.items():
                setattr(record, attr, value)
    session.flush()
    local_ids = {c: i for c, i in _existing_ids(session, writes.changed).items()}
    result.child_ids.update(local_ids)
    result.children_created = len(writes.new_children)
    result.children_changed = len(writes.changed)
    result.rows_written = writes.rows
    if result.changed:
        y = writes.year
        audit.record(session, action="import_903", entity_type="returns",
                     summary=f"Imported the {y}–{(y + 1) % 100:02d} SSDA903 return: {result.children_created} "
                             f"children added, {result.children_changed} changed, {result.rows_written} records "
                             "written")
        session.flush()
    result.write_seconds = time.perf_counter() - started
    return result


def _existing_ids(session: Session, local_ids: list[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for i in range(0, len(local_ids), 900):
        out.update({loc: cid for loc, cid in session.execute(
            select(Child.local_id, Child.id).where(Child.local_id.in_(local_ids[i:i + 900])))})
    return out


def _insert(session: Session, model: Any, rows: list[dict[str, Any]]) -> list[int]:
    """Insert ``rows`` (in batches, returning their ids in order) and their audit events."""
    if not rows:
        return []
    # Core (not ORM) bulk INSERT: one multi-row statement per batch, RETURNING the ids in
    # the rows' order; every row of a table has the same columns.
    table = model.__table__
    columns = sorted({k for row in rows for k in row})
    params = [{k: row.get(k) for k in columns} for row in rows]
    ids = list(session.connection().scalars(insert(table).returning(table.c.id, sort_by_parameter_order=True),
                                            params))
    audit.record_inserts(session, model, [{**row, "id": i} for row, i in zip(rows, ids, strict=True)])
    return ids


def import_return(session: Session, files: Mapping[str, bytes | str], *, today: dt.date, year: int | None = None,
                  ) -> ImportResult:
    """Check, write and work out due dates in one go, in the caller's transaction (for
    small returns and tests; the app imports in the background, ``tracker.returns.jobs``)."""
    plan = prepare_import(session, files, year=year)
    writes = plan_writes(session, plan)
    result = write_import(session, writes, children_in_return=len(plan.work), prepared=prepare_rows(session, writes))
    if result.child_ids:
        recompute_children(session, sorted(result.child_ids.values()), today=today)
    return result


class _Planner:
    def __init__(self, session: Session, parsed: ParsedReturn) -> None:
        self.session = session
        self.parsed = parsed
        self.year = parsed.year
        self.writes = Writes(year=parsed.year)
        self._by_child = {t: parsed.by_child(t) for t in parsed.records}
        self.new = False
        self.key: ChildKey = ""
        self._count = 0

    def rows(self, table: str, child: str) -> list[Record]:
        return self._by_child.get(table, {}).get(child, [])

    def add(self, model: Any, **row: Any) -> None:
        self.writes.inserts.append((model, self.key, row))
        self._count += 1

    def update(self, record: Any, **values: Any) -> None:
        self.writes.updates.append((type(record), record.id, values))
        self._count += 1

    def child(self, local_id: str, existing: int | None, tables: list[str], *, build_care: bool) -> None:
        self.new = existing is None
        self.key = local_id if existing is None else existing
        before = self._count
        h = self.rows("Header", local_id)[0].values
        uasc_rows = self.rows("UASC", local_id)
        if existing is None:
            self.writes.new_children.append(dict(
                local_id=local_id, first_name="Child", last_name=local_id, date_of_birth=h["DOB"], sex=h["SEX"],
                ethnicity=h["ETHNIC"], upn=h.get("UPN"), disability=False, uasc=bool(uasc_rows), restricted=False,
                open_overdue=0, open_due_soon=0))
        else:
            c = self.session.get(Child, existing)
            assert c is not None
            values: dict[str, Any] = {}
            if not c.upn and h.get("UPN"):
                values["upn"] = h["UPN"]
            if uasc_rows and not c.uasc:
                values["uasc"] = True
            if values:
                self.update(c, **values)
        self._detail(h, uasc_rows[0].values.get("DUC") if uasc_rows else None)
        for table in tables:
            if table == "Episodes":
                if build_care:
                    self._care(local_id, self.rows("Episodes", local_id))
            elif table not in ("Header", "UASC"):  # those two are written with the child
                getattr(self, f"_{table.lower()}")(self.rows(table, local_id))
        if existing is not None and self._count > before:
            self.writes.changed.append(local_id)

    def _held(self, model: Any, **where: Any) -> list[Any]:
        if self.new:
            return []
        return list(self.session.scalars(select(model).filter_by(child_id=self.key, **where)))

    def _detail(self, h: dict[str, Any], duc: dt.date | None) -> None:
        if h.get("MOTHER") is None and duc is None:
            return
        given = {"mother": h.get("MOTHER"), "first_child_born_on": h.get("MC_DOB"), "uasc_ceased_on": duc}
        held = self._held(ChildReturnDetail)
        if not held:
            self.add(ChildReturnDetail, **given, version=1)
            return
        blanks = {a: v for a, v in given.items() if v is not None and getattr(held[0], a) is None}
        if blanks:
            self.update(held[0], **blanks)

    # Care history from episodes -------------------------------------------------------
    def _care(self, local_id: str, eps: list[Record]) -> None:
        eps = sorted(eps, key=lambda r: r.values["DECOM"])
        period: dict[str, Any] | None = None
        placement: dict[str, Any] | None = None
        status: str | None = None
        carers = 0
        for i, r in enumerate(eps):
            v = r.values
            prev = eps[i - 1].values if i else None
            new_placement = False
            if prev is None or prev["REC"] != "X1":
                period = {"start_on": v["DECOM"], "end_on": None, "reason_new_episode": v["RNE"],
                          "reason_ceased": None, "category_of_need": v["CIN"], "version": 1}
                self.add(CarePeriod, **period)
                period = self.writes.inserts[-1][2]
                self.add(LegalStatus, start_on=v["DECOM"], code=v["LS"], version=1)
                status = v["LS"]
                new_placement = True
            else:
                if v["LS"] != status:
                    self.add(LegalStatus, start_on=v["DECOM"], code=v["LS"], version=1)
                    status = v["LS"]
                if v["RNE"] in ("P", "T", "B", "U"):
                    if placement is not None:
                        placement["end_on"] = v["DECOM"]
                        placement["end_reason"] = prev.get("REASON_PLACE_CHANGE")
                    new_placement = True
            if new_placement:
                same = v["RNE"] in ("T", "U") and placement is not None
                if not same:
                    carers += 1
                carer = placement["carer_ref"] if same and placement else f"903-{local_id}-{carers}"
                pl_post = v.get("PL_POST")
                placement = {"start_on": v["DECOM"], "end_on": None, "end_reason": None,
                             "placement_type": v["PLACE"], "provider": v.get("PLACE_PROVIDER"),
                             "postcode_district": pl_post.split(" ")[0] if pl_post else None, "carer_ref": carer,
                             "over_20_miles": False, "outside_authority": False, "emergency": False, "version": 1}
                detail = None
                if pl_post or v.get("HOME_POST") or v.get("URN"):
                    detail = {"home_postcode": v.get("HOME_POST"), "placement_postcode": pl_post,
                              "urn": v.get("URN"), "version": 1}
                self.writes.placements.append((self.key, placement, detail))
                self._count += 1
            if v.get("DEC") is not None and v["REC"] != "X1":
                assert period is not None
                period["end_on"], period["reason_ceased"] = v["DEC"], v["REC"]
                if placement is not None:
                    placement["end_on"] = v["DEC"]
                    placement = None

    # Other tables ---------------------------------------------------------------------
    def _reviews(self, rows: list[Record]) -> None:
        held: dict[dt.date, Any] = {r.held_on: r for r in self._held(Review)}
        added: set[dt.date] = set()
        for r in rows:
            on, code = r.values["REVIEW"], r.values.get("REVIEW_CODE")
            review = held.get(on)
            if review is None and on not in added:
                self.add(Review, held_on=on, participation=code, version=1)
                added.add(on)
            elif review is not None and review.participation is None and code:
                self.update(review, participation=code)

    def _oc2(self, rows: list[Record]) -> None:
        v = rows[0].values
        self.add(Oc2Record, year=self.year, as_returned=True, version=1,
                 **{attr: v.get(col) for col, attr in OC2_FIELDS.items()})

    def _oc3(self, rows: list[Record]) -> None:
        v = rows[0].values
        dob = self.rows("Header", rows[0].child)[0].values["DOB"]
        age = _birthday_age(dob, self.year)
        assert age is not None
        accom = v["ACCOM"]
        self.add(CareLeaverRecord, recorded_on=birthday(dob, age), in_touch=v["IN_TOUCH"],
                 activity=None if v["ACTIV"] == "0" else v["ACTIV"],
                 accommodation=None if accom == "0" else accom[0],
                 suitable=None if accom == "0" else accom[1] == "1", version=1)

    def _ad1(self, rows: list[Record]) -> None:
        v = rows[0].values
        self.add(AdoptionReturn, decided_on=v.get("DATE_INT"), matched_on=v.get("DATE_MATCH"),
                 by_foster_carer=v.get("FOSTER_CARE"), adopters_count=v.get("NB_ADOPTR"),
                 adopters_sex=v.get("SEX_ADOPTR"), adopters_legal_status=v.get("LS_ADOPTR"), version=1)

    def _placedadoption(self, rows: list[Record]) -> None:
        milestones = {m.on for m in self._held(PermanenceMilestone, kind="should_be_placed_for_adoption")}
        reversals = {m.decided_on for m in self._held(AdoptionDecisionReversal)}
        for r in rows:
            v = r.values
            if v["DATE_PLACED"] not in milestones:
                self.add(PermanenceMilestone, kind="should_be_placed_for_adoption", on=v["DATE_PLACED"], version=1)
                milestones.add(v["DATE_PLACED"])
            if v.get("DATE_PLACED_CEASED") and v["DATE_PLACED"] not in reversals:
                self.add(AdoptionDecisionReversal, decided_on=v["DATE_PLACED"], ceased_on=v["DATE_PLACED_CEASED"],
                         reason=v["REASON_PLACED_CEASED"], version=1)
                reversals.add(v["DATE_PLACED"])

    def _prevperm(self, rows: list[Record]) -> None:
        v = rows[0].values
        if not any(v.get(k) for k in ("PREV_PERM", "LA_PERM", "DATE_PERM")):
            return
        held = self._held(PreviousPermanence)
        if not held:
            self.add(PreviousPermanence, option=v.get("PREV_PERM"), la_code=v.get("LA_PERM"),
                     order_date=v.get("DATE_PERM"), version=1)
            return
        blanks = {attr: v[col] for attr, col in (("option", "PREV_PERM"), ("la_code", "LA_PERM"),
                                                 ("order_date", "DATE_PERM"))
                  if getattr(held[0], attr) is None and v.get(col)}
        if blanks:
            self.update(held[0], **blanks)

    def _dated(self, model: Any, rows: list[Record], start: str, end: str, extra: dict[str, str]) -> None:
        held: dict[dt.date, Any] = {m.start_on: m for m in self._held(model)}
        added: set[dt.date] = set()
        for r in rows:
            v = r.values
            row = held.get(v[start])
            if row is None and v[start] not in added:
                self.add(model, start_on=v[start], end_on=v.get(end), version=1,
                         **{attr: v.get(col) for col, attr in extra.items()})
                added.add(v[start])
            elif row is not None and row.end_on is None and v.get(end) is not None:
                self.update(row, end_on=v[end])

    def _missing(self, rows: list[Record]) -> None:
        self._dated(MissingEpisode, rows, "MIS_START", "MIS_END", {"MISSING": "kind"})

    def _swepisodes(self, rows: list[Record]) -> None:
        self._dated(SocialWorkerEpisode, rows, "SW_DECOM", "SW_DEC", {"SW_ID": "worker_ref", "SW_REASON": "reason"})

    def _dolo(self, rows: list[Record]) -> None:
        self._dated(DeprivationOfLiberty, rows, "DOLO_START", "DOLO_END", {})
