"""The access module agrees with itself and with the README, and is the only judge."""

from __future__ import annotations

import re
from pathlib import Path

import time_machine
from sqlalchemy import select

from tests.auth.test_access_table import FROZEN, USERS, build
from tracker.children import access
from tracker.children.models import Child

ROOT = Path(__file__).resolve().parents[2]


def test_the_readme_states_the_access_table_of_the_module() -> None:
    readme = (ROOT / "README.md").read_text()
    assert access.readme_table() in readme, "README's Access table differs from tracker/children/access.py"


@time_machine.travel(FROZEN, tick=False)
def test_lists_in_sql_and_pages_in_python_agree_on_every_user_and_child(app, factory, session, monkeypatch) -> None:
    world = build(factory, session)
    extra = factory.child(team=factory.team(), first_name="Nobodys")  # nobody's in particular
    for who in USERS:
        monkeypatch.setitem(app.config, "ADMIN_READS_CHILDREN", who == "admin_by_policy")
        with app.app_context():
            user = world.users[who]
            in_sql = set(session.scalars(select(Child.id).where(access.readable(user))))
            in_python = {c.id for c in [*world.children.values(), extra] if access.can_read(user, c)}
            assert in_sql & {c.id for c in [*world.children.values(), extra]} == in_python, who


def test_nothing_checks_a_role_name_inline() -> None:
    pattern = re.compile(r"\.role\s*(==|!=|\bin\b)|role\s*==\s*['\"]")
    allowed = {"tracker/auth/models.py", "tracker/auth/roles.py"}
    found = [f"{p.relative_to(ROOT)}:{n}" for p in (ROOT / "tracker").rglob("*.py")
             for n, line in enumerate(p.read_text().splitlines(), 1)
             if pattern.search(line) and str(p.relative_to(ROOT)) not in allowed]
    assert found == [], "ask a capability or tracker.children.access, not a role name"
