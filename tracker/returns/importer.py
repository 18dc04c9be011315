"""Import a previous SSDA903 return (onboarding). Never commits.

``prepare_import`` reads and checks every file and compares each child with what the
tracker already holds; if anything is wrong it raises :class:`ImportRefused` with every
problem (file, row, column, message) and nothing is written. ``apply_import`` then
writes it all in the caller's transaction and recomputes the children's tracked items.

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

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker import audit
from tracker.children.models import CarePeriod, Child, LegalStatus
from tracker.leaving_care.models import CareLeaverRecord
from tracker.permanence.models import PermanenceMilestone
from tracker.placements.models import Placement
from tracker.returns.episodes import derive_episodes, episodes_in_year
from tracker.returns.export import build_return, header_row
from tracker.returns.facts import ReturnFacts, load_facts
from tracker.returns.models import (
    AdoptionDecisionReversal,
    AdoptionReturn,
    ChildReturnDetail,
    DeprivationOfLiberty,
    MissingEpisode,
    Oc2Record,
    PlacementReturnDetail,
    PreviousPermanence,
    SocialWorkerEpisode,
)
from tracker.returns.parsing import ParsedReturn, Problem, Record, parse_return
from tracker.returns.tables import BY_NAME, flag, fmt_date
from tracker.reviews.models import Review
from tracker.tracking.calendars import birthday
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


@dataclass
class ImportResult:
    year: int
    children_in_return: int
    children_created: int = 0
    children_changed: int = 0
    rows_written: int = 0

    @property
    def changed(self) -> bool:
        return self.rows_written > 0 or self.children_created > 0


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
    from tracker.tracking.calendars import add_months

    age = _birthday_age(f.dob, year)
    if age is None:
        return None
    b = birthday(f.dob, age)
    return next((r for r in f.leaver_records if add_months(b, -3) <= r.recorded_on <= add_months(b, 1)), None)


# Writing ------------------------------------------------------------------------------

def apply_import(session: Session, plan: ImportPlan, *, today: dt.date,
                 progress: Callable[[int], None] | None = None) -> ImportResult:
    """Write the planned import in the caller's transaction (never commits) and recompute
    tracked items for the children it touched. ``progress(n)`` is called as children are
    written and as their items are recomputed (2 steps per child in all)."""
    parsed = plan.parsed
    result = ImportResult(year=parsed.year, children_in_return=len(plan.work))
    writer = _Writer(session, parsed)
    touched: list[int] = []
    new = writer.create_children([c for c in plan.children if c not in plan.existing and plan.work[c]])
    result.children_created = len(new)
    for child in plan.children:
        tables = plan.work[child]
        if tables:
            c = new.get(child) or writer.existing_child(plan.existing[child])
            before = writer.count
            with session.no_autoflush:
                for table in tables:
                    writer.write(table, c, child, build_care=child in plan.build_care, new=child in new)
            if writer.count > before or child in new:
                result.children_changed += 1
                touched.append(c.id)
        if progress:
            progress(1)
    session.flush()
    result.rows_written = writer.count
    if touched:
        recompute_children(session, touched, today=today, on_batch=progress)
        audit.record(session, action="import_903", entity_type="returns",
                     summary=f"Imported the {parsed.year}–{(parsed.year + 1) % 100:02d} SSDA903 return: "
                             f"{result.children_created} children added, {result.children_changed} changed, "
                             f"{result.rows_written} records written")
        session.flush()
    if progress and len(touched) < len(plan.work):
        progress(len(plan.work) - len(touched))
    return result


def import_return(session: Session, files: Mapping[str, bytes | str], *, today: dt.date, year: int | None = None,
                  progress: Callable[[int], None] | None = None) -> ImportResult:
    return apply_import(session, prepare_import(session, files, year=year), today=today, progress=progress)


class _Writer:
    def __init__(self, session: Session, parsed: ParsedReturn) -> None:
        self.session = session
        self.parsed = parsed
        self.year = parsed.year
        self.count = 0
        self._by_child = {t: parsed.by_child(t) for t in parsed.records}
        self.new = False

    def add(self, obj: Any) -> Any:
        self.session.add(obj)
        self.count += 1
        return obj

    def rows(self, table: str, child: str) -> list[Record]:
        return self._by_child.get(table, {}).get(child, [])

    def create_children(self, local_ids: list[str]) -> dict[str, Child]:
        """The children new to the tracker, added (with their Header details) in one flush."""
        created = {}
        for local_id in local_ids:
            h = self.rows("Header", local_id)[0].values
            created[local_id] = self.add(Child(
                local_id=local_id, first_name="Child", last_name=local_id, date_of_birth=h["DOB"], sex=h["SEX"],
                ethnicity=h["ETHNIC"], upn=h.get("UPN"), disability=False, uasc=bool(self.rows("UASC", local_id)),
                restricted=False))
        self.session.flush()
        for c in created.values():
            self._detail(c, new=True)
        return created

    def existing_child(self, child_id: int) -> Child:
        c = self.session.get(Child, child_id)
        assert c is not None
        h = self.rows("Header", c.local_id)[0].values
        if not c.upn and h.get("UPN"):
            c.upn = h["UPN"]
            self.count += 1
        if self.rows("UASC", c.local_id) and not c.uasc:
            c.uasc = True
            self.count += 1
        self._detail(c, new=False)
        return c

    def _detail(self, c: Child, *, new: bool) -> None:
        h = self.rows("Header", c.local_id)[0].values
        uasc_rows = self.rows("UASC", c.local_id)
        duc = uasc_rows[0].values.get("DUC") if uasc_rows else None
        if h.get("MOTHER") is None and duc is None:
            return
        d = None if new else self.session.scalar(select(ChildReturnDetail).where(ChildReturnDetail.child_id == c.id))
        if d is None:
            d = self.add(ChildReturnDetail(child_id=c.id))
        for attr, value in (("mother", h.get("MOTHER")), ("first_child_born_on", h.get("MC_DOB")),
                            ("uasc_ceased_on", duc)):
            if value is not None and getattr(d, attr) is None:
                setattr(d, attr, value)

    def write(self, table: str, c: Child, local_id: str, *, build_care: bool, new: bool) -> None:
        self.new = new
        if table == "Episodes":
            if build_care:
                self._care(c, self.rows("Episodes", local_id))
        elif table in ("Header", "UASC"):
            return  # written with the child
        else:
            getattr(self, f"_{table.lower()}")(c, self.rows(table, local_id))

    # Care history from episodes -------------------------------------------------------
    def _care(self, c: Child, eps: list[Record]) -> None:
        eps = sorted(eps, key=lambda r: r.values["DECOM"])
        period: CarePeriod | None = None
        placement: Placement | None = None
        status: str | None = None
        carers = 0
        for i, r in enumerate(eps):
            v = r.values
            prev = eps[i - 1].values if i else None
            new_placement = False
            if prev is None or prev["REC"] != "X1":
                period = self.add(CarePeriod(child_id=c.id, start_on=v["DECOM"], reason_new_episode=v["RNE"],
                                             category_of_need=v["CIN"]))
                self.add(LegalStatus(child_id=c.id, start_on=v["DECOM"], code=v["LS"]))
                status = v["LS"]
                new_placement = True
            else:
                if v["LS"] != status:
                    self.add(LegalStatus(child_id=c.id, start_on=v["DECOM"], code=v["LS"]))
                    status = v["LS"]
                if v["RNE"] in ("P", "T", "B", "U"):
                    if placement is not None:
                        placement.end_on = v["DECOM"]
                        placement.end_reason = prev.get("REASON_PLACE_CHANGE")
                    new_placement = True
            if new_placement:
                same = v["RNE"] in ("T", "U") and placement is not None
                if not same:
                    carers += 1
                carer = placement.carer_ref if same and placement else f"903-{c.local_id}-{carers}"
                pl_post = v.get("PL_POST")
                placement = self.add(Placement(
                    child_id=c.id, start_on=v["DECOM"], placement_type=v["PLACE"], provider=v.get("PLACE_PROVIDER"),
                    postcode_district=pl_post.split(" ")[0] if pl_post else None, carer_ref=carer,
                    over_20_miles=False, outside_authority=False, emergency=False))
                if pl_post or v.get("HOME_POST") or v.get("URN"):
                    self.add(PlacementReturnDetail(placement=placement, child_id=c.id,
                                                   home_postcode=v.get("HOME_POST"), placement_postcode=pl_post,
                                                   urn=v.get("URN")))
            if v.get("DEC") is not None and v["REC"] != "X1":
                assert period is not None
                period.end_on, period.reason_ceased = v["DEC"], v["REC"]
                if placement is not None:
                    placement.end_on = v["DEC"]
                    placement = None

    # Other tables ---------------------------------------------------------------------
    def _reviews(self, c: Child, rows: list[Record]) -> None:
        held = {} if self.new else {
            r.held_on: r for r in self.session.scalars(select(Review).where(Review.child_id == c.id))}
        for r in rows:
            on, code = r.values["REVIEW"], r.values.get("REVIEW_CODE")
            review = held.get(on)
            if review is None:
                held[on] = self.add(Review(child_id=c.id, held_on=on, participation=code))
            elif review.participation is None and code:
                review.participation = code
                self.count += 1

    def _oc2(self, c: Child, rows: list[Record]) -> None:
        v = rows[0].values
        self.add(Oc2Record(child_id=c.id, year=self.year, as_returned=True,
                           **{attr: v.get(col) for col, attr in OC2_FIELDS.items()}))

    def _oc3(self, c: Child, rows: list[Record]) -> None:
        v = rows[0].values
        age = _birthday_age(c.date_of_birth, self.year)
        assert age is not None
        accom = v["ACCOM"]
        self.add(CareLeaverRecord(child_id=c.id, recorded_on=birthday(c.date_of_birth, age), in_touch=v["IN_TOUCH"],
                                  activity=None if v["ACTIV"] == "0" else v["ACTIV"],
                                  accommodation=None if accom == "0" else accom[0],
                                  suitable=None if accom == "0" else accom[1] == "1"))

    def _ad1(self, c: Child, rows: list[Record]) -> None:
        v = rows[0].values
        self.add(AdoptionReturn(child_id=c.id, decided_on=v.get("DATE_INT"), matched_on=v.get("DATE_MATCH"),
                                by_foster_carer=v.get("FOSTER_CARE"), adopters_count=v.get("NB_ADOPTR"),
                                adopters_sex=v.get("SEX_ADOPTR"), adopters_legal_status=v.get("LS_ADOPTR")))

    def _placedadoption(self, c: Child, rows: list[Record]) -> None:
        milestones: set[dt.date] = set() if self.new else set(self.session.scalars(
            select(PermanenceMilestone.on).where(PermanenceMilestone.child_id == c.id,
                                                 PermanenceMilestone.kind == "should_be_placed_for_adoption")))
        reversals: set[dt.date] = set() if self.new else set(self.session.scalars(
            select(AdoptionDecisionReversal.decided_on).where(AdoptionDecisionReversal.child_id == c.id)))
        for r in rows:
            v = r.values
            if v["DATE_PLACED"] not in milestones:
                self.add(PermanenceMilestone(child_id=c.id, kind="should_be_placed_for_adoption", on=v["DATE_PLACED"]))
                milestones.add(v["DATE_PLACED"])
            if v.get("DATE_PLACED_CEASED") and v["DATE_PLACED"] not in reversals:
                self.add(AdoptionDecisionReversal(child_id=c.id, decided_on=v["DATE_PLACED"],
                                                  ceased_on=v["DATE_PLACED_CEASED"], reason=v["REASON_PLACED_CEASED"]))
                reversals.add(v["DATE_PLACED"])

    def _prevperm(self, c: Child, rows: list[Record]) -> None:
        v = rows[0].values
        if not any(v.get(k) for k in ("PREV_PERM", "LA_PERM", "DATE_PERM")):
            return
        held = None if self.new else self.session.scalar(
            select(PreviousPermanence).where(PreviousPermanence.child_id == c.id))
        if held is None:
            self.add(PreviousPermanence(child_id=c.id, option=v.get("PREV_PERM"), la_code=v.get("LA_PERM"),
                                        order_date=v.get("DATE_PERM")))
            return
        for attr, col in (("option", "PREV_PERM"), ("la_code", "LA_PERM"), ("order_date", "DATE_PERM")):
            if getattr(held, attr) is None and v.get(col):
                setattr(held, attr, v[col])
                self.count += 1

    def _dated(self, model: Any, c: Child, rows: list[Record], start: str, end: str, extra: dict[str, str]) -> None:
        held = {} if self.new else {
            m.start_on: m for m in self.session.scalars(select(model).where(model.child_id == c.id))}
        for r in rows:
            v = r.values
            row = held.get(v[start])
            if row is None:
                held[v[start]] = self.add(model(child_id=c.id, start_on=v[start], end_on=v.get(end),
                                                **{attr: v.get(col) for col, attr in extra.items()}))
            elif row.end_on is None and v.get(end) is not None:
                row.end_on = v[end]
                self.count += 1

    def _missing(self, c: Child, rows: list[Record]) -> None:
        self._dated(MissingEpisode, c, rows, "MIS_START", "MIS_END", {"MISSING": "kind"})

    def _swepisodes(self, c: Child, rows: list[Record]) -> None:
        self._dated(SocialWorkerEpisode, c, rows, "SW_DECOM", "SW_DEC", {"SW_ID": "worker_ref",
                                                                         "SW_REASON": "reason"})

    def _dolo(self, c: Child, rows: list[Record]) -> None:
        self._dated(DeprivationOfLiberty, c, rows, "DOLO_START", "DOLO_END", {})
