"""The access model walked through real HTTP requests: for every relationship a user can
have to a child, every part of the record (read it: open its page; change it: save a
valid form), the answer is exactly the one written here — a page or a saved change
where the model allows it, otherwise a 403 that is audited and changes nothing. An extra
permission fails the test as surely as a missing one.

The expectations are written out by hand from the README's "Access" table, not computed
from ``tracker.children.access``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
import time_machine
from sqlalchemy import func, select

from tests.helpers import CSRF_RE, browser_client, sign_in
from tracker.audit.models import AuditEvent
from tracker.children.models import Child
from tracker.tracking.services import recompute_children

FROZEN = dt.datetime(2026, 11, 23, 10, tzinfo=dt.UTC)
TODAY = FROZEN.date()
D = dt.date

# --------------------------------------------------------------------------- the world

#: The users, one per relationship (and one without it, for each kind).
USERS = ("allocated_worker", "team_colleague", "other_team_worker", "team_manager", "other_team_manager",
         "group_manager", "other_group_manager", "iro", "other_iro", "virtual_school", "personal_adviser",
         "other_adviser", "admin", "admin_by_policy")


@dataclass
class World:
    users: dict[str, Any]
    children: dict[str, Child]


def build(factory: Any, session: Any) -> World:
    service, other_service = factory.service(), factory.service()
    team, other_team = factory.team(service=service), factory.team(service=other_service)
    u: dict[str, Any] = {
        "allocated_worker": factory.user(team=team, name="Allocated Worker"),
        "team_colleague": factory.user(team=team),
        "other_team_worker": factory.user(team=other_team),
        "team_manager": factory.user(role="team_manager", team=team),
        "other_team_manager": factory.user(role="team_manager", team=other_team),
        "group_manager": factory.user(role="group_manager", service=service),
        "other_group_manager": factory.user(role="group_manager", service=other_service),
        "iro": factory.user(role="iro"),
        "other_iro": factory.user(role="iro"),
        "virtual_school": factory.user(role="virtual_school"),
        "personal_adviser": factory.user(role="personal_adviser"),
        "other_adviser": factory.user(role="personal_adviser"),
        "admin": factory.user(role="admin"),
        "admin_by_policy": factory.user(role="admin"),
    }
    worker = u["allocated_worker"]

    def child(**kw: Any) -> Child:
        c = factory.child(worker=worker, team=team, legal_status="C2", **kw)
        c.iro_id = u["iro"].id
        factory.placement(child=c, start_on=kw["entered_care"])
        return c

    children = {
        # Aged 11, in care: of school age for the virtual school.
        "child": child(date_of_birth=D(2015, 3, 4), entered_care=D(2025, 1, 13), first_name="Casey"),
        "restricted": child(date_of_birth=D(2015, 6, 1), entered_care=D(2025, 1, 13), restricted=True,
                            first_name="Robin"),
        # Aged 2: not of school age.
        "toddler": child(date_of_birth=D(2024, 6, 1), entered_care=D(2025, 1, 13), first_name="Tia"),
        # Aged 19, in care from 15 to 18: a former relevant care leaver with a personal adviser.
        "care_leaver": factory.child(worker=worker, team=team, date_of_birth=D(2007, 5, 10),
                                     entered_care=D(2022, 6, 1), legal_status="V2", first_name="Lee"),
    }
    leaver = children["care_leaver"]
    leaver.care_periods[0].end_on, leaver.care_periods[0].reason_ceased = D(2025, 5, 10), "E17"
    leaver.personal_adviser_id = u["personal_adviser"].id
    session.flush()
    recompute_children(session, [c.id for c in children.values()], today=TODAY)
    return World(users=u, children=children)


# --------------------------------------------------------------------------- the requests

#: Reading a part of the record: the page that shows it.
READ_PAGES: dict[str, str] = {
    "overview": "", "record": "/due-dates", "care": "/care-history", "permanence": "/permanence",
    "reviews": "/reviews", "health": "/health", "education": "/education", "leaving_care": "/leaving-care",
    "return": "/ssda903", "meetings": "/meetings", "history": "/history",
}


def _writes(w: World) -> dict[str, Callable[[Child], tuple[str, dict[str, Any]]]]:
    """Changing a part of the record: a form that saves a valid change."""
    def day(n: int) -> list[str]:
        d = TODAY - dt.timedelta(days=n)
        return [str(d.day), str(d.month), str(d.year)]

    return {
        "overview": lambda c: ("/edit", {
            "version": str(c.version), "local_id": c.local_id, "first_name": "Renamed", "last_name": c.last_name,
            "date_of_birth": [str(c.date_of_birth.day), str(c.date_of_birth.month), str(c.date_of_birth.year)],
            "sex": c.sex, "ethnicity": c.ethnicity, "upn": ""}),
        "care": lambda c: ("/legal-status/new", {"start_on": day(3), "code": "E1"}),
        "permanence": lambda c: ("/permanence/plans/new", {"agreed_on": day(6), "plan": "long_term_fostering"}),
        "reviews": lambda c: ("/reviews/new", {"held_on": day(1), "participation": "PN1",
                                               "iro_id": str(w.users["iro"].id)}),
        "health": lambda c: ("/health/dental/new", {"checked_on": day(5)}),
        "education": lambda c: ("/education/peps/new", {"held_on": day(5)}),
        "leaving_care": lambda c: ("/leaving-care/contacts/new", {"contact_on": day(4), "method": "visit",
                                                                  "seen_alone": "y"}),
        "return": lambda c: ("/ssda903/social-workers/new", {"worker_ref": "SW123456", "start_on": day(8),
                                                             "reason": "MANAGE"}),
        "actions": lambda c: ("/actions/new", {"title": "Book the dentist", "source": "review",
                                               "owner_id": str(w.users["allocated_worker"].id),
                                               "due_on": [str((TODAY + dt.timedelta(days=20)).day),
                                                          str((TODAY + dt.timedelta(days=20)).month),
                                                          str((TODAY + dt.timedelta(days=20)).year)]}),
        "allocation": lambda c: ("/allocation/iro", {"version": str(c.version), "iro_id": str(w.users["other_iro"].id)}),
    }


# --------------------------------------------------------------------------- what is allowed

CASE_READ = {"overview", "record", "care", "permanence", "reviews", "health", "education", "leaving_care",
             "return", "meetings"}
CASE_WRITE = {"overview", "care", "permanence", "reviews", "health", "education", "leaving_care", "return",
              "actions"}


def _rw(read: set[str], write: set[str]) -> set[tuple[str, str]]:
    return {(a, "read") for a in read} | {(a, "write") for a in write}


WORKER = _rw(CASE_READ | {"history"}, CASE_WRITE)
COLLEAGUE = _rw(CASE_READ, CASE_WRITE)  # the team's, but not its audit history
MANAGER = _rw(CASE_READ | {"history"}, CASE_WRITE | {"allocation"})
IRO = _rw(CASE_READ, {"reviews", "actions"})  # reads; records reviews and raises concerns
ADVISER = _rw(CASE_READ, {"leaving_care"})
VIRTUAL_SCHOOL = _rw({"overview", "education"}, {"education"})
POLICY = _rw(CASE_READ | {"history"}, set())  # reads everything, changes nothing
NOTHING: set[tuple[str, str]] = set()

#: (child, user) -> what they may do. Anyone not listed for a child may do nothing.
EXPECTED: dict[tuple[str, str], set[tuple[str, str]]] = {
    ("child", "allocated_worker"): WORKER,
    ("child", "team_colleague"): COLLEAGUE,
    ("child", "team_manager"): MANAGER,
    ("child", "group_manager"): MANAGER,
    ("child", "iro"): IRO,
    ("child", "virtual_school"): VIRTUAL_SCHOOL,
    ("child", "admin_by_policy"): POLICY,
    # A restricted record: not the team's, not the virtual school's.
    ("restricted", "allocated_worker"): WORKER,
    ("restricted", "team_manager"): MANAGER,
    ("restricted", "group_manager"): MANAGER,
    ("restricted", "iro"): IRO,
    ("restricted", "admin_by_policy"): POLICY,
    # Aged 2: not of school age, so not the virtual school's.
    ("toddler", "allocated_worker"): WORKER,
    ("toddler", "team_colleague"): COLLEAGUE,
    ("toddler", "team_manager"): MANAGER,
    ("toddler", "group_manager"): MANAGER,
    ("toddler", "iro"): IRO,
    ("toddler", "admin_by_policy"): POLICY,
    # A care leaver: their personal adviser's (and no IRO's, none is allocated).
    ("care_leaver", "allocated_worker"): WORKER,
    ("care_leaver", "team_colleague"): COLLEAGUE,
    ("care_leaver", "team_manager"): MANAGER,
    ("care_leaver", "group_manager"): MANAGER,
    ("care_leaver", "personal_adviser"): ADVISER,
    ("care_leaver", "admin_by_policy"): POLICY,
}

#: The parts tried for each child (a write that only makes sense for one kind of child is
#: tried there: a PA contact for the care leaver, a legal status for a child in care).
TRIED: dict[str, set[tuple[str, str]]] = {
    "child": _rw(set(READ_PAGES), {"overview", "care", "permanence", "reviews", "health", "education", "return",
                                   "actions", "allocation"}),
    "restricted": _rw(set(READ_PAGES), {"overview", "health", "reviews", "allocation"}),
    "toddler": _rw({"overview", "education", "health"}, {"overview"}),
    "care_leaver": _rw({"overview", "health", "leaving_care", "history"}, {"overview", "leaving_care"}),
}


ERROR_RE = re.compile(r'govuk-error-message[^>]*>\s*(?:<span[^>]*>[^<]*</span>)?\s*([^<]*)')


def _changes(session: Any) -> int:
    return session.scalar(select(func.count()).select_from(AuditEvent)
                          .where(AuditEvent.action.in_(("insert", "update", "delete"))))


def _denials(session: Any, child_id: int) -> int:
    return session.scalar(select(func.count()).select_from(AuditEvent)
                          .where(AuditEvent.action == "access_denied", AuditEvent.child_id == child_id))


@time_machine.travel(FROZEN, tick=False)
@pytest.mark.parametrize("who", USERS)
def test_each_relationship_reads_and_changes_exactly_what_the_access_table_says(app, factory, session, who,
                                                                                 monkeypatch) -> None:
    world = build(factory, session)
    if who == "admin_by_policy":
        monkeypatch.setitem(app.config, "ADMIN_READS_CHILDREN", True)
    client = browser_client(app)
    sign_in(client, world.users[who])
    token = CSRF_RE.search(client.get("/account/password").get_data(as_text=True)).group(1)
    writes = _writes(world)
    wrong: list[str] = []
    tried = 0
    for name, child in world.children.items():
        allowed = EXPECTED.get((name, who), NOTHING)
        for area, action in sorted(TRIED[name]):
            expected = (area, action) in allowed
            base = f"/children/{child.id}"
            outer = session.begin_nested()  # every attempt is undone afterwards
            try:
                before, denied = _changes(session), _denials(session, child.id)
                if action == "read":
                    resp = client.get(base + READ_PAGES[area])
                    got = resp.status_code == 200
                    ok_status = resp.status_code in (200, 403)
                else:
                    session.refresh(child)
                    path, data = writes[area](child)
                    resp = client.post(base + path, data={"csrf_token": token, **data})
                    got = resp.status_code == 302 and _changes(session) > before
                    ok_status = resp.status_code in (302, 403)
                    if resp.status_code == 200:
                        messages = ERROR_RE.findall(resp.get_data(as_text=True))
                        wrong.append(f"{who} {action} {area} of {name}: refused with a message: {messages}")
                        continue
                if not ok_status:
                    wrong.append(f"{who} {action} {area} of {name}: HTTP {resp.status_code}")
                elif got != expected:
                    wrong.append(f"{who} {action} {area} of {name}: {'allowed' if got else 'refused'}, "
                                 f"but the table says {'allowed' if expected else 'refused'}")
                elif not got:
                    # A refusal: audited, and nothing changed.
                    if resp.status_code != 403:
                        wrong.append(f"{who} {action} {area} of {name}: refused with {resp.status_code}, not 403")
                    if _denials(session, child.id) != denied + 1:
                        wrong.append(f"{who} {action} {area} of {name}: refusal not audited")
                    if _changes(session) != before:
                        wrong.append(f"{who} {action} {area} of {name}: refused, but something changed")
                tried += 1
            finally:
                outer.rollback()
                session.expire_all()
    assert tried >= 40
    assert wrong == [], "\n".join(wrong)


@time_machine.travel(FROZEN, tick=False)
@pytest.mark.parametrize("who", USERS)
def test_lists_and_exports_show_only_the_children_each_user_may_open(app, factory, session, who,
                                                                     monkeypatch) -> None:
    world = build(factory, session)
    if who == "admin_by_policy":
        monkeypatch.setitem(app.config, "ADMIN_READS_CHILDREN", True)
    client = browser_client(app)
    sign_in(client, world.users[who])
    may_open = {name for (name, user), allowed in EXPECTED.items() if user == who and allowed}
    pages = ["/caseload?q=", "/caseload.csv", "/care-leavers?scope=mine", "/children/unallocated", "/data-quality",
             "/dashboard/list?indicator=placements_3plus&year=2026&part=denominator"]
    if world.users[who].can("view_team"):
        pages.append("/caseload?worker=none")
    for url in pages:
        resp = client.get(url)
        if resp.status_code == 403:
            continue
        assert resp.status_code == 200, url
        body = resp.get_data(as_text=True)
        for name, child in world.children.items():
            if name not in may_open:
                assert child.local_id not in body and child.last_name not in body, (who, url, name)
    if may_open:
        search = client.get("/caseload?q=Test").get_data(as_text=True)
        shown = {n for n, c in world.children.items() if c.local_id in search}
        assert shown <= may_open
