"""Demo return data: the fields of the SSDA903 return that only this package holds.

Loaded by ``tracker.demo`` (a ``DEMO_HOOKS`` entry) after the case records and the other
domains' demo data exist, so it can follow them: full postcodes and Ofsted URNs for
every placement, motherhood for girls in care, OC2 items for each child in care this
year and last, previous permanence for each period of care, some missing episodes,
and the reversal of "should be placed for adoption" decisions for children who left care
without being adopted.

The demo authority is placed in Derby (ONS code E06000015, 903 LA code 831) so that the
postcodes are real ones the DfE can place: a home in the city, placements in the city,
nearby (Derbyshire, Nottingham, Leicester) or further away (Leeds, Manchester,
Birmingham, Bradford, Wakefield), matching each placement's "outside the authority" and
"over 20 miles" flags. Placements the authority provides itself (PR1) that are not
foster care, and supported accommodation (K3), are inside the authority (DfE rules 1015
and 241).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.auth.models import User
from tracker.auth.roles import ALLOCATE, HOLD_CASES, roles_with
from tracker.children.models import Child, Placement
from tracker.codes import (
    ADOPTION_PLACEMENTS,
    FOSTER_PLACEMENTS,
    TEMPORARY_PLACEMENTS,
    collection_year,
)
from tracker.missing.models import MissingEpisode
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
from tracker.tracking.calendars import birthday

#: The demo authority's ONS code and 903 LA code.
DEMO_LA_ONS_CODE = "E06000015"
DEMO_LA_CODE = "831"

IN_AUTHORITY = [
    "DE1 1TH", "DE1 2NH", "DE1 3JG", "DE1 9GR", "DE3 3DG", "DE3 5BZ", "DE3 6NY", "DE3 8DN", "DE21 2UG", "DE21 4JX",
    "DE21 6DD", "DE21 6SN", "DE21 7GS", "DE22 1ZR", "DE22 2NR", "DE22 3BF", "DE22 3PQ", "DE22 4AJ", "DE23 3EU",
    "DE23 6EH", "DE23 6WS", "DE23 7NW", "DE23 8EF", "DE24 8DH", "DE24 8LT", "DE24 8UB", "DE24 9BZ", "DE24 9LJ",
]
#: Outside the authority, under 20 miles from the city.
NEARBY = ["DE7 3BG", "DE7 5EB", "DE7 7HU", "NG7 2GA", "NG7 3LU", "NG7 5WA", "NG5 4JH", "NG5 7AX"]
#: Outside the authority, over 20 miles away.
FAR = ["LE3 3JY", "LE3 6PE", "LS6 1YZ", "LS6 2ZW", "LS6 4DF", "M14 5DX", "M14 6BZ", "M14 6YJ", "B12 8LP",
       "B12 8UY", "B12 9NB", "BD3 7YX", "BD3 8PQ", "BD3 9JH", "WF1 2NU", "WF1 4AS", "WF1 5PQ"]

#: Placement types that have no Ofsted URN (DfE rules 218 and 222, 2025–26 list).
NO_URN = frozenset({"P1", "P3", "R1", "R2", "R5", "Z1", "Z11", "Z12", "Z13", "Z14"}) | TEMPORARY_PLACEMENTS
OWN_FOSTERING_URN = "SC831001"


def add_demo_records(session: Session, rng: random.Random, today: dt.date) -> None:
    session.flush()
    r = random.Random(rng.random())
    facts = load_facts(session)
    flags = {p.id: (p.outside_authority, p.over_20_miles)
             for p in session.execute(select(Placement.id, Placement.outside_authority, Placement.over_20_miles))}
    agencies = [f"SC{r.randint(100000, 999999)}" for _ in range(12)]
    this_year = collection_year(today)
    allocated = {cid: worker for cid, worker in session.execute(select(Child.id, Child.allocated_worker_id))}
    # Case workers who are not managers (the demo's social workers).
    roles = set(roles_with(HOLD_CASES)) - set(roles_with(ALLOCATE))
    workers = list(session.scalars(select(User.id).where(User.role.in_(roles)).order_by(User.id)))
    for f in sorted(facts.values(), key=lambda f: f.id):
        if not f.periods:
            continue
        _placements(session, r, f, flags, agencies)
        _details(session, r, f, today)
        _oc2(session, r, f, range(collection_year(f.periods[0].start), this_year + 1))
        _previous_permanence(session, r, f)
        _missing(session, r, f, today)
        _adoption(session, r, f)
        _social_workers(session, r, f, allocated.get(f.id), workers, today)
        _deprivation_of_liberty(session, r, f, today)
    session.flush()


def worker_ref(user_id: int) -> str:
    """The SW_ID the return carries for a worker (the DfE asks for an ID, never a name)."""
    return f"SW{user_id:06d}"


def _pick(r: random.Random, pool: Sequence[str], avoid: set[str | None]) -> str:
    choices = [p for p in pool if p not in avoid]
    return r.choice(choices or list(pool))


def _placements(session: Session, r: random.Random, f: ReturnFacts, flags: dict[int, tuple[bool, bool]],
                agencies: list[str]) -> None:
    home = None if f.uasc else r.choice(IN_AUTHORITY)
    previous: str | None = None
    homes: dict[str, str] = {}
    for p in f.placements:
        outside, far = flags.get(p.id, (False, False))
        # The authority's own homes are inside it (rule 1015), and so is supported
        # accommodation with a URN (rule 241: the provider's premises are in the LA).
        own_premises = p.place == "K3" or (p.provider == "PR1"
                                           and p.place not in FOSTER_PLACEMENTS | ADOPTION_PLACEMENTS)
        if p.place == "P1" and home:
            postcode = home
        elif outside and not own_premises:
            postcode = _pick(r, FAR if far else NEARBY, {previous})
        else:
            postcode = _pick(r, IN_AUTHORITY, {previous, home})
        if p.place in NO_URN:
            urn = None
        elif p.place in FOSTER_PLACEMENTS | ADOPTION_PLACEMENTS:
            urn = OWN_FOSTERING_URN if p.provider == "PR1" else r.choice(agencies)
        else:
            # Children's homes and supported accommodation: one URN per setting.
            urn = homes.setdefault(postcode, f"SC{r.randint(100000, 999999)}" if p.place != "K3"
                                   else str(r.randint(2000000, 2999999)))
        session.add(PlacementReturnDetail(placement_id=p.id, child_id=f.id, home_postcode=home,
                                          placement_postcode=postcode, urn=urn))
        previous = postcode


def _details(session: Session, r: random.Random, f: ReturnFacts, today: dt.date) -> None:
    mother: bool | None = None
    first_child = None
    if f.sex == "2":
        mother = False
        last_end = max((p.end or today) for p in f.periods)
        earliest = birthday(f.dob, 15)
        if earliest < last_end - dt.timedelta(days=60) and r.random() < 0.06:
            mother = True
            first_child = last_end - dt.timedelta(days=r.randint(1, min(300, (last_end - earliest).days)))
    ceased = None
    if f.uasc and birthday(f.dob, 18) <= today:
        ceased = birthday(f.dob, 18)
    if mother is not None or ceased is not None:
        session.add(ChildReturnDetail(child_id=f.id, mother=mother, first_child_born_on=first_child,
                                      uasc_ceased_on=ceased))


def _oc2(session: Session, r: random.Random, f: ReturnFacts, years: Iterable[int]) -> None:
    """OC2 for every collection year the child was looked after for the whole of."""
    for year in years:
        first, last = dt.date(year, 4, 1), dt.date(year + 1, 3, 31)
        if not any(p.start <= first and (p.end is None or p.end >= last) for p in f.periods):
            continue  # only children looked after for the whole year need OC2
        age = f.age_on(last)
        misuse = age >= 11 and r.random() < 0.06
        received = r.random() < 0.7 if misuse else None
        offered = (r.random() < 0.5) if misuse and not received else None
        sdq_reason = None
        if not any(first <= d <= last for d, _ in f.sdq):
            turned_4_or_17 = first <= birthday(f.dob, 4) <= last or first <= birthday(f.dob, 17) <= last
            sdq_reason = "SDQ1" if turned_4_or_17 else r.choice(["SDQ2", "SDQ4", "SDQ5"])
        # CONVICTED is for children aged 10 or over at 31 March (DfE rule 543).
        session.add(Oc2Record(child_id=f.id, year=year, as_returned=False, sdq_reason=sdq_reason,
                              convicted=(r.random() < 0.04) if birthday(f.dob, 10) < last else None,
                              immunisations=r.random() < 0.9, substance_misuse=misuse,
                              intervention_received=received, intervention_offered=offered))


def _previous_permanence(session: Session, r: random.Random, f: ReturnFacts) -> None:
    start = f.periods[-1].start
    if r.random() < 0.9:
        session.add(PreviousPermanence(child_id=f.id, option="Z1"))
        return
    option = r.choice(["P2", "P3", "P1"])
    order = start - dt.timedelta(days=r.randint(200, 2000))
    order = max(order, f.dob + dt.timedelta(days=30))
    if order >= start:
        session.add(PreviousPermanence(child_id=f.id, option="Z1"))
        return
    text = order.strftime("%d/%m/%Y") if r.random() < 0.8 else "ZZ/" + order.strftime("%m/%Y")
    session.add(PreviousPermanence(child_id=f.id, option=option, la_code=r.choice([DEMO_LA_CODE, DEMO_LA_CODE, "999"]),
                                   order_date=text))


def _missing(session: Session, r: random.Random, f: ReturnFacts, today: dt.date) -> None:
    taken: set[dt.date] = set()
    for p in f.placements:
        end = p.end or today
        if f.age_on(p.start) < 11 or (end - p.start).days < 30 or r.random() > 0.15:
            continue
        for _ in range(r.randint(1, 3)):
            start = p.start + dt.timedelta(days=r.randint(5, (end - p.start).days - 10))
            finish = start + dt.timedelta(days=r.choice([0, 0, 1, 1, 2, 4]))
            if finish >= end or finish > today or any(start <= t <= finish + dt.timedelta(days=1) for t in taken):
                continue
            taken.update({start, finish})
            session.add(MissingEpisode(child_id=f.id, kind=r.choice("MAA"), start_on=start, end_on=finish))


def _adoption(session: Session, r: random.Random, f: ReturnFacts) -> None:
    decisions = [d for k, d in f.milestones if k == "should_be_placed_for_adoption"]
    for decided in decisions:
        period = next((p for p in f.periods if p.start <= decided and (p.end is None or decided <= p.end)), None)
        if period is None or period.end is None or period.rec in ("E11", "E12"):
            continue
        session.add(AdoptionDecisionReversal(child_id=f.id, decided_on=decided, ceased_on=period.end,
                                             reason=r.choice(["RD1", "RD2", "RD3", "RD4"])))
    adopted = next((p for p in f.periods if p.rec in ("E11", "E12")), None)
    if adopted is not None:
        last = max((p for p in f.placements if p.start <= (adopted.end or p.start)), key=lambda p: p.start,
                   default=None)
        couple = r.random() < 0.8
        session.add(AdoptionReturn(child_id=f.id, by_foster_carer=bool(last and last.place in ("A3", "A5")),
                                   adopters_count=2 if couple else 1, adopters_sex="MF" if couple else "F1",
                                   adopters_legal_status="L11" if couple else "L0"))


#: Why a child's social worker changed (SW_REASON), most common first.
SW_CHANGES = ["LEFTRL"] * 4 + ["MANAGE"] * 3 + ["ORGRST", "TSPROC", "TSPROC", "CHCHAN", "PCCHAN", "ABSENC", "OTHERS"]


def _social_workers(session: Session, r: random.Random, f: ReturnFacts, current: int | None, workers: list[int],
                    today: dt.date) -> None:
    """SWEpisodes from the first contact (when the child came into care, or a few weeks
    before) to today: a new worker every year or two, each taking over the day the last
    one stopped, the last one the child's allocated worker. A child back in care after
    more than two months out starts again with a first contact (FCONTA) the day after the
    last worker stopped. The last episode stays open (DfE rule SW17)."""
    if not workers:
        return
    spells: list[dt.date] = []
    last_end: dt.date | None = None
    for p in f.periods:
        if not spells or last_end is None or (p.start - last_end).days > 60:
            spells.append(p.start)
        last_end = p.end
    episodes: list[list[object]] = []  # [start, end, worker, reason]
    for n, start in enumerate(spells):
        on = start - dt.timedelta(days=r.randint(7, 60)) if r.random() < 0.3 else start
        if episodes:
            on = max(on, episodes[-1][0] + dt.timedelta(days=4))  # type: ignore[operator]
            episodes[-1][1] = on - dt.timedelta(days=1)
        stop = spells[n + 1] - dt.timedelta(days=60) if n + 1 < len(spells) else today
        worker, reason = r.choice(workers), "FCONTA"
        while True:
            nxt = on + dt.timedelta(days=r.randint(120, 700))
            episodes.append([on, None, worker, reason])
            if nxt >= stop - dt.timedelta(days=3):
                break
            episodes[-1][1] = nxt
            worker = r.choice([w for w in workers if w != worker] or workers)
            on, reason = nxt, r.choice(SW_CHANGES)
    if current is not None:
        episodes[-1][2] = current
    for start_on, end_on, worker, reason in episodes:
        session.add(SocialWorkerEpisode(child_id=f.id, worker_ref=worker_ref(worker),  # type: ignore[arg-type]
                                        start_on=start_on, end_on=end_on, reason=reason))


def _deprivation_of_liberty(session: Session, r: random.Random, f: ReturnFacts, today: dt.date) -> None:
    """Deprivation of liberty orders for some children aged 10 or over in a children's
    home (K2), inside the placement (DfE rules 707, 709 and 710 from 2026–27)."""
    for p in f.placements:
        end = p.end or today
        if p.place != "K2" or f.age_on(p.start) < 10 or (end - p.start).days < 60 or r.random() > 0.3:
            continue
        start = p.start + dt.timedelta(days=r.randint(0, 20))
        finish = start + dt.timedelta(days=r.randint(28, 240))
        if finish >= end - dt.timedelta(days=1):
            finish = None if p.end is None else end - dt.timedelta(days=1)
        if finish is not None and finish <= start:
            continue
        session.add(DeprivationOfLiberty(child_id=f.id, start_on=start, end_on=finish))
