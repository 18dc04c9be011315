"""Extension objects, created unbound and initialised in :func:`tracker.create_app`."""

from __future__ import annotations

from typing import Any

from flask import Flask, g
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, scoped_session, sessionmaker

from tracker.db import make_engine


def _scope() -> int:
    # One session per application context (each request, CLI command or job run).
    try:
        return id(g._get_current_object())
    except RuntimeError:  # outside an app context: one per thread
        import threading

        return threading.get_ident()


class Database:
    """Engine + scoped session bound to the Flask application context."""

    def __init__(self) -> None:
        self.engine: Engine | None = None
        self.factory = sessionmaker(expire_on_commit=False)
        self.session: scoped_session[Session] = scoped_session(self.factory, scopefunc=_scope)

    def init_app(self, app: Flask) -> None:
        self.engine = make_engine(app.config["DATABASE_URL"], echo=app.config["SQL_ECHO"], keepalive=(
            app.config["DB_KEEPALIVE_IDLE"], app.config["DB_KEEPALIVE_INTERVAL"], app.config["DB_KEEPALIVE_COUNT"]))
        self.factory.configure(bind=self.engine)
        app.extensions["tracker_db"] = self

        @app.teardown_appcontext
        def _remove_session(_exc: BaseException | None) -> None:
            self.session.remove()

    def bind_to(self, connection: Any) -> None:
        """Tests: join every session into an external transaction (savepoints)."""
        self.session.remove()
        self.factory.configure(bind=connection, join_transaction_mode="create_savepoint")

    def unbind(self) -> None:
        self.session.remove()
        self.factory.configure(bind=self.engine, join_transaction_mode="conservative_savepoint")


db = Database()
login_manager = LoginManager()
csrf = CSRFProtect()
