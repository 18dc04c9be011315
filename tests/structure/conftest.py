"""The populated demo authority the structural form tests share (built once per module,
rolled back at the end; each form's submits run in a savepoint of their own)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import time_machine
from flask import Flask

from tests.structure.formcrawl import FROZEN, PASSWORD, World, populated_children
from tracker.extensions import db


@pytest.fixture(scope="module")
def world(app: Flask) -> Iterator[World]:
    from tracker.db import Base
    from tracker.demo import build_demo

    traveller = time_machine.travel(FROZEN, tick=False)
    traveller.start()
    assert db.engine is not None
    connection = db.engine.connect()
    outer = connection.begin()
    db.bind_to(connection)
    try:
        with app.app_context():
            session = db.session
            # An empty authority, whatever other modules left behind (undone at the end).
            for table in reversed(Base.metadata.sorted_tables):
                if table.name not in ("term_dates", "settings", "alembic_version"):
                    session.execute(table.delete())
            build_demo(session, n_children=24, seed=12, password=PASSWORD, today=FROZEN.date(),
                       password_cost=(1, 64))
            children = populated_children(session)
            session.commit()
        yield World(app=app, connection=connection, child_ids=children)
    finally:
        db.unbind()
        if outer.is_active:
            outer.rollback()
        connection.close()
        traveller.stop()
