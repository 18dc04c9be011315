"""A realistic synthetic authority for demos, tests and benchmarks.

Deterministic for a given seed. Care histories are consistent with the 903 rules the
forms enforce: placements sit inside periods of care without overlapping, codes are
valid for the collection year they start in, provider codes match placement types,
minimum ages for placement types hold, and care leavers were looked after long enough
since their 14th birthday to be eligible.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker import audit, casework_demo, clock
from tracker.auth.models import Service, Team, User
from tracker.auth.services import hash_password
from tracker.children.models import CarePeriod, Child, LegalStatus, Placement
from tracker.codes import FOSTER_PLACEMENTS, collection_year
from tracker.education.models import TermDate
from tracker.leaving_care import demo as leaving_care_demo
from tracker.returns import demo as returns_demo
from tracker.tracking.services import all_child_ids, recompute_children

FIRST = ["Amelia", "Oliver", "Isla", "George", "Ava", "Noah", "Mia", "Leo", "Ivy", "Arthur", "Freya",
         "Muhammad", "Lily", "Harry", "Sophia", "Oscar", "Grace", "Jack", "Evie", "Theo", "Poppy", "Alfie",
         "Zara", "Kai", "Maya", "Ethan", "Amara", "Reuben", "Aisha", "Tyler", "Chloe", "Dylan", "Nia",
         "Jayden", "Ruby", "Callum", "Hana", "Kacper", "Leah", "Tomasz", "Esme", "Ibrahim", "Skye", "Mason"]
LAST = ["Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Patel", "Robinson",
        "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Wood", "Jackson",
        "Clarke", "Khan", "Lewis", "Hughes", "Ahmed", "Kowalski", "Okafor", "Mensah", "Begum", "Murphy",
        "Hussain", "Campbell", "Price", "Bennett", "Nowak", "Ali", "Shaw", "Lloyd", "Reid", "Cole"]
ETHNIC = ["WBRI"] * 10 + ["WOTH", "MWBC", "MWBA", "MWAS", "MOTH", "APKN", "ABAN", "AIND", "BAFR", "BCRB",
                          "BOTH", "OOTH", "WIRT", "CHNE", "AOTH"]
DISTRICTS_IN = ["DB1", "DB2", "DB3", "DB4", "DB5", "DB6", "DB7", "DB8"]
DISTRICTS_OUT = ["LS6", "M14", "B12", "S10", "NG7", "BD3", "WF1", "HX1"]
WORKERS = ["Sam Okoye", "Priya Shah", "Tom Barker", "Rachel Green", "Daniel Adeyemi", "Hannah Moss",
           "Luke Fraser", "Aisha Rahman", "Chris Doyle", "Emma Walsh", "Gareth Price", "Nadia Kovac"]


#: Functions ``(session, rng, today)`` that add a domain's demo records after the children
#: and their care histories exist (e.g. reviews and health for children in care, pathway
#: plans and accommodation for care leavers, the return's own records).
DEMO_HOOKS: tuple[Callable[[Session, random.Random, dt.date], None], ...] = (
    casework_demo.add_demo_records, leaving_care_demo.add_demo_records, returns_demo.add_demo_records,
    casework_demo.add_visits_and_plans)


def demo_is_loaded(session: Session) -> bool:
    return session.scalar(select(User.id).limit(1)) is not None


def _add_months(d: dt.date, months: int) -> dt.date:
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    import calendar

    return dt.date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def build_demo(session: Session, *, n_children: int, seed: int, password: str,
               today: dt.date | None = None,
               progress: Callable[[Iterable[Any], str], AbstractContextManager[Iterable[Any]]] | None = None,
               password_cost: tuple[int, int] = (3, 65536)) -> None:
    rng = random.Random(seed)
    today = today or clock.today()
    audit.set_actor(session, None, label="demo data loader")

    cic = Service(name="Children in care")
    lc = Service(name="Leaving care")
    session.add_all([cic, lc])
    teams = [Team(name="Children in Care East", service=cic), Team(name="Children in Care West", service=cic),
             Team(name="Permanence", service=cic)]
    lc_team = Team(name="Leaving Care", service=lc)
    session.add_all([*teams, lc_team])
    session.flush()

    now = clock.now()

    def user(email: str, name: str, role: str, team: Team | None = None, service: Service | None = None) -> User:
        # One hash per account: each gets its own salt, so equal passwords do not look equal.
        u = User(email=email, name=name, role=role, team=team, service=service, active=True,
                 password_hash=hash_password(password, time_cost=password_cost[0], memory_cost=password_cost[1]),
                 created_at=now)
        session.add(u)
        return u

    workers: list[User] = []
    n_workers = max(3, min(60, n_children // 12))
    for i in range(1, n_workers + 1):
        team = teams[(i - 1) % len(teams)]
        workers.append(user(f"sw{i}@demo.invalid", f"{WORKERS[(i - 1) % len(WORKERS)]}"
                            + (f" {i}" if i > len(WORKERS) else ""), "social_worker", team))
    for i, team in enumerate(teams, start=1):
        user(f"tm{i}@demo.invalid", f"Team Manager {team.name}", "team_manager", team)
    user("tm4@demo.invalid", "Team Manager Leaving Care", "team_manager", lc_team)
    user("gm1@demo.invalid", "Jo Whitfield", "group_manager", None, cic)
    user("gm2@demo.invalid", "Marcus Bell", "group_manager", None, lc)
    pas = [user(f"pa{i}@demo.invalid", f"Personal Adviser {i}", "personal_adviser", lc_team) for i in (1, 2, 3)]
    user("iro1@demo.invalid", "Ruth Kellaway", "iro")
    user("vs1@demo.invalid", "Virtual School Officer", "virtual_school")
    user("admin@demo.invalid", "Service Administrator", "admin")
    session.flush()
    del pas  # allocation of personal advisers comes with the care-leaver records

    _add_historical_terms(session)

    indices: Iterable[int] = range(n_children)
    ctx = progress(indices, "Creating children") if progress else _nullctx(indices)
    with ctx as it:
        for i in it:
            worker = workers[0] if i < 8 else rng.choice(workers)
            _make_child(session, rng, i, worker, today)
            if i % 500 == 499:
                session.flush()
    session.flush()
    for hook in DEMO_HOOKS:
        hook(session, rng, today)
    session.flush()
    session.commit()

    ids = all_child_ids(session)
    ctx2 = progress(range(0, len(ids), 500), "Working out due dates") if progress else _nullctx(range(0, len(ids), 500))
    with ctx2 as starts:
        for start in starts:
            recompute_children(session, ids[start:start + 500], today=today)
            session.commit()


def _weekday_on_or_after(d: dt.date, weekday: int) -> dt.date:
    return d + dt.timedelta(days=(weekday - d.weekday()) % 7)


def _weekday_on_or_before(d: dt.date, weekday: int) -> dt.date:
    return d - dt.timedelta(days=(d.weekday() - weekday) % 7)


def _add_historical_terms(session: Session) -> None:
    """The demo authority's own term dates for the years before the shipped defaults.

    Children in the demo came into care as long ago as 2008, and every termly PEP since
    needs that year's terms; the engine refuses to guess. These follow the usual English
    pattern (autumn from early September with a late-October half term, spring from early
    January to late March, summer from mid-April to about 22 July).
    """
    have = set(session.scalars(select(TermDate.academic_year)))
    for year in range(2008, 2024):
        label = f"{year}/{(year + 1) % 100:02d}"
        if label in have:
            continue
        mon, wed, fri = 0, 2, 4
        autumn_start = _weekday_on_or_after(dt.date(year, 9, 1), wed)
        autumn_end = _weekday_on_or_before(dt.date(year, 12, 20), fri)
        a_ht = _weekday_on_or_before(dt.date(year, 10, 28), mon)
        spring_start = _weekday_on_or_after(dt.date(year + 1, 1, 5), mon)
        spring_end = _weekday_on_or_before(dt.date(year + 1, 3, 29), fri)
        s_ht = _weekday_on_or_after(dt.date(year + 1, 2, 14), mon)
        summer_start = _weekday_on_or_after(dt.date(year + 1, 4, 14), mon)
        summer_end = _weekday_on_or_before(dt.date(year + 1, 7, 22), fri)
        m_ht = _weekday_on_or_before(dt.date(year + 1, 5, 31), mon)
        for term, start, end, ht in (("autumn", autumn_start, autumn_end, a_ht),
                                     ("spring", spring_start, spring_end, s_ht),
                                     ("summer", summer_start, summer_end, m_ht)):
            session.add(TermDate(academic_year=label, term=term, start_on=start, end_on=end,
                                 half_term_start_on=ht, half_term_end_on=ht + dt.timedelta(days=4)))
    session.flush()


class _nullctx(AbstractContextManager):  # type: ignore[type-arg]
    def __init__(self, it: Iterable[Any]) -> None:
        self.it = it

    def __enter__(self) -> Iterable[Any]:
        return self.it

    def __exit__(self, *exc: Any) -> None:
        return None


def _make_child(session: Session, rng: random.Random, i: int, worker: User, today: dt.date) -> Child:
    # Ages 0–17 for children in care, plus about 15% care leavers aged 18–21.
    leaver = rng.random() < 0.15
    age_days = rng.randint(18 * 365 + 5, 21 * 365 + 300) if leaver else rng.randint(20, 18 * 365 - 30)
    dob = today - dt.timedelta(days=age_days)
    child = Child(local_id=f"D{i + 1:06d}", first_name=rng.choice(FIRST), last_name=rng.choice(LAST),
                  date_of_birth=dob, sex=rng.choice("12"), ethnicity=rng.choice(ETHNIC),
                  upn=_upn(rng) if age_days > 4 * 365 else "UN1", disability=rng.random() < 0.08,
                  uasc=leaver and rng.random() < 0.3 or (age_days > 14 * 365 and rng.random() < 0.1),
                  allocated_worker=worker, team=worker.team, restricted=rng.random() < 0.03)
    session.add(child)

    if leaver:
        # In care from 13–15 until 18 (or left at 17), so eligible.
        start = dob + dt.timedelta(days=rng.randint(13 * 365, 15 * 365 + 200))
        end18 = _add_months(dob, 12 * 18)
        end = end18 if rng.random() < 0.7 else end18 - dt.timedelta(days=rng.randint(30, 300))
        reason = "E17" if end == end18 and rng.random() < 0.3 else rng.choice(["E5", "E6", "E13", "E8"])
        if end < end18 and reason == "E17":
            reason = "E5"
        periods = [(start, end, reason)]
    else:
        age_years = age_days / 365.25
        # Most children came into care in the last few years; a few left and came back.
        back = min(age_days - 1, int(rng.triangular(10, min(age_days, 6 * 365), 400)))
        start = today - dt.timedelta(days=back)
        periods = []
        if back > 500 and rng.random() < 0.08:
            first_end = start + dt.timedelta(days=rng.randint(60, 200))
            periods.append((start, first_end, "E4A"))
            start = first_end + dt.timedelta(days=rng.randint(60, 180))
            if start >= today:
                start = today - dt.timedelta(days=5)
        ended = rng.random() < 0.08 and (today - start).days > 120 and age_years > 1
        end = today - dt.timedelta(days=rng.randint(1, min(90, (today - start).days - 30))) if ended else None
        periods.append((start, end, rng.choice(["E4A", "E41", "E45", "E13"]) if end else None))

    for start, end, reason in periods:
        _make_period(session, rng, child, start, end, reason, today)
    return child


def _upn(rng: random.Random) -> str:
    return "A" + "".join(str(rng.randint(0, 9)) for _ in range(11)) + rng.choice("ABCDEFGHJK")


def _make_period(session: Session, rng: random.Random, child: Child, start: dt.date, end: dt.date | None,
                 reason: str | None, today: dt.date) -> None:
    period = CarePeriod(child=child, start_on=start, end_on=end, reason_new_episode="S", reason_ceased=reason,
                        category_of_need=rng.choice(["N1"] * 6 + ["N2", "N4", "N5", "N8"]))
    session.add(period)
    age_at_start = (start - child.date_of_birth).days / 365.25
    stop = end or today
    placement_order: dt.date | None = None
    # Legal status: s.20 for older children and short stays, else interim then full care order.
    if age_at_start >= 13 and rng.random() < 0.5:
        session.add(LegalStatus(child=child, start_on=start, code="V2"))
    else:
        first = rng.choice(["C1", "C1", "L2", "V2"])
        session.add(LegalStatus(child=child, start_on=start, code=first))
        if first == "L2" and start + dt.timedelta(days=7) < stop:
            # An emergency protection order lasts 8 days at most: an interim care order follows.
            session.add(LegalStatus(child=child, start_on=start + dt.timedelta(days=7), code="C1"))
        order_on = start + dt.timedelta(days=rng.randint(150, 300))
        if order_on < stop:
            session.add(LegalStatus(child=child, start_on=order_on, code="C2"))
            if age_at_start < 4 and rng.random() < 0.35:
                po = order_on + dt.timedelta(days=rng.randint(1, 10))
                if po < stop:
                    session.add(LegalStatus(child=child, start_on=po, code="E1"))
                    placement_order = po
    adoption = _adoption_plan(rng, placement_order, end, today)
    if adoption is not None:
        # Placed with adopters after the placement order, adopted some months later:
        # the period of care ends with the adoption order (REC E11 or E12).
        placed_on, adopted_on, rec = adoption
        period.end_on, period.reason_ceased = adopted_on, rec
        end, stop = adopted_on, placed_on
    # Placements: 1–4 moves inside the period, never overlapping.
    n = 1 + min(3, int(rng.expovariate(1.2)))
    span = max(1, (stop - start).days)
    cuts = sorted({start + dt.timedelta(days=rng.randint(1, span - 1)) for _ in range(n - 1)} if span > 2 else set())
    bounds = [start, *[c for c in cuts if start < c < stop], stop]
    carer = 0
    previous: Placement | None = None
    for k in range(len(bounds) - 1):
        p_start, p_end = bounds[k], bounds[k + 1]
        age = (p_start - child.date_of_birth).days / 365.25
        ptype = _placement_type(rng, age, p_start)
        carer += 1
        last = k == len(bounds) - 2 and adoption is None
        previous = Placement(
            child=child, start_on=p_start, end_on=None if (last and end is None) else p_end,
            placement_type=ptype, provider="PR0" if ptype == "P1" else rng.choice(["PR1", "PR1", "PR4", "PR4", "PR5"]),
            postcode_district=rng.choice(DISTRICTS_IN if rng.random() < 0.75 else DISTRICTS_OUT),
            over_20_miles=rng.random() < 0.15, outside_authority=rng.random() < 0.25,
            emergency=k == 0 and rng.random() < 0.2,
            weekly_cost=Decimal(rng.choice([450, 520, 780, 950, 4200, 5800])) if ptype != "P1" else None,
            carer_ref=f"CR{rng.randint(1000, 9999)}",
            end_reason=None if (last and end is None) else (
                "CARPL" if last or adoption is not None and k == len(bounds) - 2
                else rng.choice(["CARPL", "CARPL", "CREQB", "CREQO", "CHILD", "STAND"])),
        )
        session.add(previous)
    if adoption is not None:
        placed_on, adopted_on, _rec = adoption
        # Adopted by the foster carers (A3, the same carer) or placed with new adopters (A4).
        by_carer = previous is not None and previous.placement_type in FOSTER_PLACEMENTS and rng.random() < 0.4
        session.add(Placement(
            child=child, start_on=placed_on, end_on=adopted_on, placement_type="A3" if by_carer else "A4",
            provider=previous.provider if by_carer and previous is not None else rng.choice(["PR1", "PR2", "PR4"]),
            postcode_district=rng.choice(DISTRICTS_IN), over_20_miles=False, outside_authority=False,
            emergency=False, weekly_cost=None,
            carer_ref=previous.carer_ref if by_carer and previous is not None else f"AD{rng.randint(1000, 9999)}",
            end_reason="CARPL"))


def _adoption_plan(rng: random.Random, placement_order: dt.date | None, end: dt.date | None,
                   today: dt.date) -> tuple[dt.date, dt.date, str] | None:
    """For most children with a placement order: when they are placed with their adopters
    and adopted, if both happen before today (and before care would otherwise end)."""
    if placement_order is None or rng.random() < 0.35:
        return None
    placed_on = placement_order + dt.timedelta(days=rng.randint(40, 150))
    adopted_on = placed_on + dt.timedelta(days=rng.randint(120, 320))
    if adopted_on >= today - dt.timedelta(days=1) or (end is not None and adopted_on >= end):
        return None
    return placed_on, adopted_on, rng.choice(["E11", "E11", "E11", "E12"])


def _placement_type(rng: random.Random, age: float, start: dt.date) -> str:
    if age >= 16 and rng.random() < 0.4:
        # Supported accommodation: K3 from 2024–25, H5 before (codes.md §6.10).
        return "K3" if collection_year(start) >= 2024 else "H5"
    if age >= 11 and rng.random() < 0.2:
        return "K2"
    if age < 2 and rng.random() < 0.15:
        return "U5"
    return rng.choice(["U6", "U6", "U6", "U4", "U3", "U1"])
