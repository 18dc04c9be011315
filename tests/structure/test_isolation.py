"""A commit inside a test (or a service's savepoint) never escapes the test's transaction."""

from __future__ import annotations

from sqlalchemy import func, select

from tracker.auth.models import Service
from tracker.extensions import db


def test_commit_inside_the_outer_transaction_is_rolled_back_with_it(app) -> None:
    engine = db.engine
    assert engine is not None
    connection = engine.connect()
    outer = connection.begin()
    db.bind_to(connection)
    try:
        db.session.add(Service(name="Should vanish"))
        db.session.commit()  # releases a SAVEPOINT, not the real transaction
        with db.session.begin_nested():
            db.session.add(Service(name="Nested too"))
        db.session.commit()
    finally:
        db.unbind()
        outer.rollback()
        connection.close()
    with engine.connect() as fresh:
        left = fresh.scalar(select(func.count()).select_from(Service).where(
            Service.name.in_(("Should vanish", "Nested too"))))
    assert left == 0
