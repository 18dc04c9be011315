"""Demo care-leaver records: personal advisers, pathway plans, contacts, accommodation,
activity, tenancies, staying put and birthday data for the demo's care leavers.

Loaded by ``tracker.demo`` (``DEMO_HOOKS``) once the children and their care histories
exist. Everything is dated on or before ``today`` and passes the same checks as the
forms (a test re-validates every record). ``pa1@demo.invalid`` always has at least three
young people, one of them with overdue items, no tenancy and no recent contact.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.auth.models import User
from tracker.auth.roles import ADVISE_CARE_LEAVERS, roles_with
from tracker.children.models import Child
from tracker.leaving_care.models import (
    Accommodation,
    Activity,
    CareLeaverRecord,
    PaContact,
    PathwayEvent,
    StayingPut,
    Tenancy,
)
from tracker.leaving_care.queries import SUPPORTED, current, get_statuses
from tracker.tracking.calendars import add_months, birthday
from tracker.tracking.engine import CareLeaverStatus

DAY = dt.timedelta(days=1)
SETTLED = ["D", "D", "E", "E", "U", "U", "U", "B", "K", "C", "Y"]
UNSETTLED = ["S", "V", "W"]
ADULT_ONLY = ["T", "Z"]
EET_CODES = ["F1", "F2", "F2", "F4", "F5", "F5", "P2", "P5", "P4", "P1"]
NEET_CODES = ["G5", "G5", "G4", "G6"]
DISTRICTS = ["DB1", "DB2", "DB3", "DB4", "DB5", "DB6", "LS6", "M14", "S10"]
UNSUITABLE_WHY = ["Temporary accommodation while a tenancy is found", "Not safe: exploitation concerns",
                  "Overcrowded and far from college", "Emergency placement after eviction"]


def add_demo_records(session: Session, rng: random.Random, today: dt.date) -> None:
    advisers = list(session.scalars(select(User).where(User.role.in_(roles_with(ADVISE_CARE_LEAVERS)),
                                                       User.email.like("pa%@demo.invalid")).order_by(User.email)))
    if not advisers:
        return
    session.flush()
    children = list(session.scalars(select(Child).where(Child.date_of_birth <= add_months(today, -12 * 16))
                                    .order_by(Child.id)))
    statuses = get_statuses(session, [c.id for c in children], today)
    people: list[_Person] = []
    for child in children:
        status = statuses[child.id]
        b21, b25 = birthday(child.date_of_birth, 21), birthday(child.date_of_birth, 25)
        if status.category in SUPPORTED:
            people.append(_Person(child, status, support_end=status.support_ends_on or b21))
        elif status.eligibility_date and b21 <= today < b25:
            # Aged 21 to 24: half asked for support to continue to 25; for the others it
            # ended at 21 and their records stop the day before.
            extended = rng.random() < 0.5
            people.append(_Person(child, status, support_end=b25 if extended else b21, extended=extended))
    left = [p for p in people if p.left is not None and p.support_end > today]
    # pa1 first: three young people who have left care, the first of them behind on contact.
    adults = sorted(left, key=lambda p: (p.child.age_on(today) < 18, p.child.id))
    for i, person in enumerate(adults):
        person.adviser = advisers[0] if i < 3 else advisers[(i - 3) % len(advisers)]
        person.behind = i == 0 or rng.random() < 0.2
    if adults:
        adults[0].no_tenancy = True
    for person in people:
        if person.left is None and rng.random() < 0.5:
            person.adviser = rng.choice(advisers)
        person.child.personal_adviser_id = person.adviser.id if person.adviser else None
        _Builder(session, rng, today, person).build()
    session.flush()


@dataclass
class _Person:
    child: Child
    status: CareLeaverStatus
    support_end: dt.date
    extended: bool = False
    adviser: User | None = None
    behind: bool = False  # contacts and reviews have slipped: overdue items
    no_tenancy: bool = False

    @property
    def left(self) -> dt.date | None:
        return self.status.left_care_on


@dataclass
class _Builder:
    session: Session
    rng: random.Random
    today: dt.date
    person: _Person
    accommodation: list[Accommodation] = field(default_factory=list)
    activities: list[Activity] = field(default_factory=list)

    @property
    def child(self) -> Child:
        return self.person.child

    def add(self, model: Any, **values: Any) -> Any:
        row = model(child_id=self.child.id, **values)
        self.session.add(row)
        return row

    def last_day(self) -> dt.date:
        """Records stop at today and before support ended."""
        return min(self.today, self.person.support_end - DAY)

    def build(self) -> None:
        p, rng = self.person, self.rng
        dob = self.child.date_of_birth
        elig = p.status.eligibility_date
        assert elig is not None
        anchor = max(birthday(dob, 16), elig)
        assessed = anchor + dt.timedelta(days=rng.randint(20, 110))
        plan = None
        if assessed <= self.last_day() and rng.random() < 0.92:
            self.add(PathwayEvent, kind="needs_assessment_completed", on=assessed)
            plan = assessed + dt.timedelta(days=rng.randint(0, 30))
            if plan <= self.last_day() and rng.random() < 0.95:
                self.add(PathwayEvent, kind="pathway_plan_completed", on=plan)
            else:
                plan = None
        if p.extended:
            b18 = birthday(dob, 18)
            self.add(PathwayEvent, kind="pa_extended_to_25",
                     on=max(b18, birthday(dob, 21) - dt.timedelta(days=rng.randint(10, 100))))
        b16 = birthday(dob, 16)
        if p.left is None:
            # Still looked after: at school or college.
            self.add(Activity, start_on=max(b16, self.today - dt.timedelta(days=rng.randint(30, 400))),
                     end_on=None, activity=rng.choice(["F2", "F2", "F2", "P2", "G5"]))
            return
        stop = self.last_day() - (dt.timedelta(days=rng.randint(75, 150)) if p.behind else dt.timedelta(0))
        self._reviews(plan, stop)
        self._contacts(stop)
        staying_put_end = self._staying_put()
        self._accommodation(staying_put_end)
        self._activities()
        self._tenancies()
        self._birthday_data(stop if p.behind else self.last_day())

    def _reviews(self, plan: dt.date | None, stop: dt.date) -> None:
        if plan is None:
            return
        on = max(plan, self.person.left or plan) + dt.timedelta(days=self.rng.randint(140, 190))
        while on <= stop:
            self.add(PathwayEvent, kind="pathway_plan_reviewed", on=on)
            on += dt.timedelta(days=self.rng.randint(140, 195))

    def _contacts(self, stop: dt.date) -> None:
        assert self.person.left is not None
        on = self.person.left + dt.timedelta(days=self.rng.randint(5, 40))
        while on <= stop:
            method = self.rng.choice(["visit", "visit", "phone", "message"])
            self.add(PaContact, contact_on=on, method=method, seen_alone=method == "visit" and self.rng.random() < 0.7,
                     adviser_id=self.person.adviser.id if self.person.adviser else None)
            on += dt.timedelta(days=self.rng.randint(21, 66))

    def _staying_put(self) -> dt.date | None:
        """Young people who stayed with their foster carers at 18 (REC E17): returns the
        day staying put ended (None if it continues, or there was none)."""
        left = self.person.left
        period = next((cp for cp in self.child.care_periods if cp.end_on == left), None)
        b18, b21 = birthday(self.child.date_of_birth, 18), birthday(self.child.date_of_birth, 21)
        if period is None or period.reason_ceased != "E17" or left is None or left < b18:
            return None
        end = None
        if self.today > b21:
            end = b21 - dt.timedelta(days=self.rng.randint(0, 200))
        elif self.rng.random() < 0.3 and (self.today - left).days > 120:
            end = left + dt.timedelta(days=self.rng.randint(60, (self.today - left).days - 30))
        end = max(end, left) if end else None
        self.add(StayingPut, carer_ref=f"CR{self.rng.randint(1000, 9999)}", start_on=left, end_on=end)
        self.add_accommodation(left, "Z", True)
        return end or self.today + DAY

    def add_accommodation(self, start: dt.date, letter: str, suitable: bool) -> None:
        if self.accommodation:
            self.accommodation[-1].end_on = start
        self.accommodation.append(self.add(
            Accommodation, start_on=start, end_on=None, accommodation=letter, suitable=suitable,
            unsuitable_reason=None if suitable else self.rng.choice(UNSUITABLE_WHY),
            postcode_district=self.rng.choice(DISTRICTS)))

    def _letter(self, on: dt.date) -> str:
        choices = SETTLED + (ADULT_ONLY[:1] if self.child.age_on(on) >= 18 else [])
        if self.person.no_tenancy:
            choices = [c for c in choices if c != "U"]
        return self.rng.choice(choices if self.rng.random() > 0.08 else UNSETTLED)

    def _accommodation(self, staying_put_end: dt.date | None) -> None:
        left = self.person.left
        assert left is not None
        on = staying_put_end if staying_put_end else left
        moves = 0
        while on <= self.last_day() and moves < 4:
            letter = self._letter(on)
            suitable = letter not in UNSETTLED and self.rng.random() > 0.07
            self.add_accommodation(on, letter, suitable)
            moves += 1
            on += dt.timedelta(days=self.rng.randint(90, 500))

    def _activities(self) -> None:
        left = self.person.left
        assert left is not None
        on = left
        while on <= self.last_day():
            code = self.rng.choice(NEET_CODES if self.rng.random() < 0.3 else EET_CODES)
            if self.activities:
                self.activities[-1].end_on = on
            self.activities.append(self.add(Activity, start_on=on, end_on=None, activity=code))
            on += dt.timedelta(days=self.rng.randint(90, 420))

    def _tenancies(self) -> None:
        for acc in self.accommodation:
            if acc.accommodation != "U" or self.child.age_on(acc.start_on) < 18:
                continue
            tenure = self.rng.choice(["council", "council", "council", "housing_association", "private"])
            ended = acc.end_on is not None
            arrears = self.rng.random() < 0.2
            reason = (("eviction_arrears" if arrears and self.rng.random() < 0.5 else "planned_move")
                      if ended else None)
            self.add(Tenancy, tenure=tenure, start_on=acc.start_on, end_on=acc.end_on, end_reason=reason,
                     rent_arrears=arrears, support_in_place=self.rng.random() < 0.6)

    def _birthday_data(self, last: dt.date) -> None:
        left = self.person.left
        assert left is not None
        dob = self.child.date_of_birth
        for age in (18, 19, 20, 21):
            b = birthday(dob, age)
            due = add_months(b, 1)
            if left > b:
                continue
            on = b + dt.timedelta(days=self.rng.randint(0 if age == 18 else -80, 25))
            on = max(on, left, add_months(b, -3))
            if on > min(last, due) or self.rng.random() < 0.08:
                continue  # not yet, or missed
            touch = self.rng.choices(["YES", "NO", "REFU", "NREQ"], weights=[85, 7, 5, 3])[0]
            acc, act = current(self.accommodation, on), current(self.activities, on)
            if touch == "YES" and acc is not None and act is not None:
                self.add(CareLeaverRecord, recorded_on=on, in_touch="YES", activity=act.activity,
                         accommodation=acc.accommodation, suitable=acc.suitable)
            else:
                self.add(CareLeaverRecord, recorded_on=on, in_touch=touch if touch != "YES" else "NO",
                         activity=None, accommodation=None, suitable=None)

